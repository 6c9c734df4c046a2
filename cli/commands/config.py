"""`tailor config show`: every setting, its value and where it came from."""

from __future__ import annotations

import sys
from pathlib import Path

from tailor.cli.options import ConfigOpt, JsonOpt


def show(config: ConfigOpt = None, as_json: JsonOpt = False) -> None:
    """Print the merged settings and where each value came from."""
    from tailor.cli.errors import run_guarded

    run_guarded(show_command, config=config, as_json=as_json)


def show_command(*, config: Path | None, as_json: bool) -> int:
    import json

    from tailor.config import load_settings

    loaded = load_settings(config)
    items = loaded.items()
    if as_json:
        data = {key: {"value": _plain(value), "source": source} for key, value, source in items}
        sys.stdout.write(json.dumps(data) + "\n")
        return 0
    from rich.table import Table

    from tailor.cli.render.console import console

    table = Table(title="Settings (defaults < file < TAILOR_* environment < flags)", title_justify="left")
    table.add_column("key", style="bold")
    table.add_column("value")
    table.add_column("source", style="dim")
    for key, value, source in items:
        table.add_row(key, str(value), source)
    console().print(table)
    return 0


def _plain(value: object) -> object:
    return str(value) if isinstance(value, Path) else value
