"""The consoles every command prints through, and how durations read: nothing but rich.console.

A command that prints one table (``cache stats``, ``analytics``, ``config show``) imports
this, not the run's renderer (outcome.py) with everything it draws.
"""

from __future__ import annotations

import sys

from rich.console import Console


def console() -> Console:
    return Console(highlight=False)


def error_console() -> Console:
    return Console(file=sys.stderr, highlight=False)


def ms(value: float) -> str:
    """Milliseconds with sensible precision: 0.042 ms, 3.61 ms, 150 ms, 2.31 s."""
    if value >= 1000:
        return f"{value / 1000:.2f} s"
    if value >= 100:
        return f"{value:.0f} ms"
    if value >= 1:
        return f"{value:.2f} ms"
    return f"{value:.3f} ms"
