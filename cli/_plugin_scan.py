"""Pydantic's plugin scan off, and its cost too: the one place tailor steps into pydantic's internals.

tailor turns pydantic's plugins off (``PYDANTIC_DISABLE_PLUGINS=__all__``: each start
would otherwise read every installed package's metadata). pydantic still imports its
plugin loader, ``pydantic.plugin._loader``, when the first model is built, and that
module imports ``importlib.metadata`` at its top (with ``email``, ``zipfile``, ``csv``):
16-25 ms of a cold ``tailor run``, for a function that then returns no plugins.

With every plugin disabled, a stand-in loader with that same answer is put in its place
before pydantic asks for it. Anything else -- plugins asked for by name, the real loader
already imported, a pydantic that asks its loader for more than ``get_plugins`` (read
from its files, without importing it) -- leaves pydantic exactly as it is
(tests/cli/test_plugin_scan.py).
"""

from __future__ import annotations

import os
import sys
import types
from collections.abc import Iterable, MutableMapping
from typing import Any

_LOADER = "pydantic.plugin._loader"
_ALL_OFF = ("__all__", "1", "true")  # the values for which pydantic's get_plugins() returns ()


def skip_plugin_scan(environ: MutableMapping[str, str] = os.environ) -> bool:
    """Plugins off (unless the environment says otherwise); True when the stand-in loader is in place."""
    environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if environ["PYDANTIC_DISABLE_PLUGINS"] not in _ALL_OFF or _LOADER in sys.modules:
        return False
    found = _loader_asked_only_for_get_plugins()
    if found is None:  # not the pydantic this was written against: leave it alone
        return False
    stand_in = types.ModuleType(_LOADER, "tailor's stand-in: every pydantic plugin is disabled")
    stand_in.get_plugins = _no_plugins  # type: ignore[attr-defined]
    stand_in.__file__ = found
    sys.modules[_LOADER] = stand_in
    return True


def _loader_asked_only_for_get_plugins() -> str | None:
    """The path of pydantic's loader when its package asks it for ``get_plugins`` alone, else None.

    Read from the installed files, without importing pydantic: ``tailor --help`` never
    imports it, and must not start to.
    """
    import importlib.util

    try:
        spec = importlib.util.find_spec("pydantic")
    except (ImportError, ValueError):
        return None
    if spec is None or spec.origin is None:
        return None
    plugin = os.path.join(os.path.dirname(spec.origin), "plugin")
    loader = os.path.join(plugin, "_loader.py")
    try:
        users = [_read(os.path.join(plugin, name)) for name in ("__init__.py", "_schema_validator.py")]
        defines = "def get_plugins(" in _read(loader)
    except OSError:
        return None
    uses = [line.strip() for text in users for line in text.splitlines() if "_loader" in line]
    return loader if defines and uses == ["from ._loader import get_plugins"] else None


def _read(path: str) -> str:
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def _no_plugins() -> Iterable[Any]:
    return ()
