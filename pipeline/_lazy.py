"""A package's public names, each imported from its module on first use (PEP 562).

A package whose ``__init__`` imported every module made importing any one module
import them all: ``tailor cache stats`` paid for the whole pipeline to read one
counter table. Standard library only.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def exports(package: str, homes: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package``: ``homes`` maps each public name to its submodule."""
    import sys

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{home}"), name)
        setattr(sys.modules[package], name, value)  # once: later lookups are plain attributes
        return value

    return __getattr__
