"""The `tailor` command line (commands are registered lazily in cli.commands)."""

from __future__ import annotations

import typer

app = typer.Typer(name="tailor", help="Tailor a resume to a job description, honestly and fast.", no_args_is_help=True)


def main() -> None:
    app()
