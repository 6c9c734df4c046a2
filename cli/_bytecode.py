"""Bytecode for tailor's own modules where Python was told not to write it.

With PYTHONDONTWRITEBYTECODE set (some platforms set it for every process), an editable
install recompiles each of tailor's ~60 modules on every run (~50 ms of a cold start, issue 16).
Python still *reads* bytecode it finds, so once output is flushed, tailor writes the missing or
stale ``.pyc`` files of the modules this run imported -- once, after which every start finds
them. Set TAILOR_NO_BYTECODE=1 to keep tailor from writing any; a read-only install is left
as it is.
"""

from __future__ import annotations

import os
import sys


def missing_bytecode(modules: dict[str, object]) -> list[tuple[str, str]]:
    """(source, cache file) of each loaded ``tailor.`` module whose bytecode is absent or older than its source."""
    import importlib.util

    found = []
    for name, module in list(modules.items()):
        source = getattr(module, "__file__", None)
        if not name.startswith("tailor.") or not isinstance(source, str) or not source.endswith(".py"):
            continue
        cached = importlib.util.cache_from_source(source)
        try:
            if os.stat(cached).st_mtime_ns >= os.stat(source).st_mtime_ns:
                continue
        except OSError:
            pass
        found.append((source, cached))
    return found


def write_missing_bytecode() -> int:
    """Compile what ``missing_bytecode`` lists; the number written (0 when Python writes its own)."""
    if not sys.dont_write_bytecode or os.environ.get("TAILOR_NO_BYTECODE"):
        return 0
    todo = missing_bytecode(dict(sys.modules))
    if not todo:
        return 0
    import py_compile

    written = 0
    for source, cached in todo:
        try:
            py_compile.compile(source, cfile=cached, doraise=True)
        except (OSError, py_compile.PyCompileError):
            return written  # a read-only install: nothing to gain by trying the rest
        written += 1
    return written
