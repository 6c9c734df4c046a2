"""Pydantic's plugin scan off, and its cost too: the one place tailor steps into pydantic's internals.

tailor turns pydantic's plugins off (``PYDANTIC_DISABLE_PLUGINS=__all__``: each start
would otherwise read every installed package's metadata). pydantic still imports its
plugin loader, ``pydantic.plugin._loader``, when the first model is built, and that
module imports ``importlib.metadata`` at its top (with ``email``, ``zipfile``, ``csv``):
16-25 ms of a cold ``tailor run``, for a function that then returns no plugins.

With every plugin disabled, a stand-in loader with that same answer is put in its place
before pydantic asks for it. Anything else -- plugins asked for by name, the real loader
already imported, a pydantic whose loader is not where this expects it -- leaves
pydantic exactly as it is (tests/cli/test_plugin_scan.py).
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
    import importlib.util

    try:
        found = importlib.util.find_spec(_LOADER)
        from pydantic.version import VERSION
    except (ImportError, ValueError):
        return False
    if found is None or not VERSION.startswith("2."):  # not the pydantic this was written against: leave it alone
        return False
    stand_in = types.ModuleType(_LOADER, "tailor's stand-in: every pydantic plugin is disabled")
    stand_in.get_plugins = _no_plugins  # type: ignore[attr-defined]
    stand_in.__spec__ = found
    sys.modules[_LOADER] = stand_in
    return True


def _no_plugins() -> Iterable[Any]:
    return ()
