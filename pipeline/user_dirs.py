"""The user's cache, data and config folders for tailor, as platformdirs names them, without importing it.

On Linux and the BSDs these are the XDG folders: ``$XDG_CACHE_HOME`` (``$XDG_DATA_HOME``,
``$XDG_CONFIG_HOME``) when it is an absolute path, else ``~/.cache`` (``~/.local/share``,
``~/.config``), with ``/tailor`` after it. That is two environment lookups; importing
platformdirs for them cost 5-9 ms of every start. Anywhere else (macOS, Windows) or when
the home folder is not a plain absolute ``$HOME``, platformdirs answers, as before
(tests/config/test_user_dirs.py holds the two to the same answers).

Standard library only, and light: the whole-run fast path (cli/_fast.py) and the
settings both use it.
"""

from __future__ import annotations

import os
import sys

_APP = "tailor"
# (XDG variable, its default under $HOME) for each kind of folder.
_XDG_PLATFORMS = ("linux", "freebsd", "openbsd", "netbsd")  # where platformdirs uses the XDG rules (Android aside)
_XDG = {"cache": ("XDG_CACHE_HOME", ".cache"), "data": ("XDG_DATA_HOME", ".local/share"), "config": ("XDG_CONFIG_HOME", ".config")}


def user_cache_dir() -> str:
    """Where tailor's cache lives by default (``~/.cache/tailor`` on Linux)."""
    return _user_dir("cache")


def user_data_dir() -> str:
    """Where tailor's history lives by default (``~/.local/share/tailor`` on Linux)."""
    return _user_dir("data")


def user_config_dir() -> str:
    """Where tailor looks for the user's ``config.yaml`` (``~/.config/tailor`` on Linux)."""
    return _user_dir("config")


def _user_dir(kind: str) -> str:
    home = os.environ.get("HOME", "")
    if not sys.platform.startswith(_XDG_PLATFORMS) or "ANDROID_DATA" in os.environ or not os.path.isabs(home):
        return _platformdirs(kind)
    variable, default = _XDG[kind]
    xdg = os.environ.get(variable, "")
    base = xdg if os.path.isabs(xdg) else home.rstrip("/") + "/" + default  # as os.path.expanduser("~/...")
    return os.path.join(base, _APP)


def _platformdirs(kind: str) -> str:
    import platformdirs

    lookup = {"cache": platformdirs.user_cache_dir, "data": platformdirs.user_data_dir, "config": platformdirs.user_config_dir}
    return str(lookup[kind](_APP))
