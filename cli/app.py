"""The `tailor` command line: the Typer apps, one module per command under commands/.

Each command module holds its signature (options from options.py) beside its body;
the signatures import only Typer, so `tailor --help` imports nothing else, and a
body imports what it needs (Rich, anyio, the pipeline) when it runs. A command line
that names its command builds the app with that command alone (``build``).
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Annotated, Any

import typer
from typer.core import TyperCommand

from tailor.cli._exiting import exit_now as _exit

_HELP = "Tailor a resume to a job description, honestly and fast, and show where every millisecond went."
# The command groups, and each command's (group or None, module under commands/, function).
_GROUPS = {
    "cache": "Inspect and manage the two-tier cache.",
    "pipeline": "Inspect the tailoring pipeline.",
    "config": "Inspect the merged settings.",
}
_COMMANDS: dict[str, list[tuple[str | None, str, str]]] = {
    "run": [(None, "run", "run")],
    "batch": [(None, "batch", "batch")],
    "compare": [(None, "compare", "compare")],
    "analytics": [(None, "analytics", "analytics")],
    "cache": [("cache", "cache", name) for name in ("stats", "clear", "invalidate", "warm")],
    "pipeline": [("pipeline", "pipeline", "show")],
    "config": [("config", "config", "show")],
}


class _Command(TyperCommand):
    """Usage lines read ``tailor run [OPTIONS] RESUME``, the usual convention, not Typer's ``{RESUME}``."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = super().collect_usage_pieces(ctx)
        return [p[1:-1] if p.startswith("{") and p.endswith("}") else p for p in pieces]


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version("tailor-cli")
        except PackageNotFoundError:  # run from a checkout that was never installed
            number = "unknown"
        print(f"tailor {number}")
        raise typer.Exit()


def _root(
    show_version: Annotated[
        bool, typer.Option("--version", "-V", callback=_print_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Tailor a resume to a job description, honestly and fast, and show where every millisecond went."""


def build(only: str | None = None) -> typer.Typer:
    """The ``tailor`` app: every command, or only the one named ``only`` (a command or a group).

    A command line that names its command builds just that one: the other commands'
    modules and options are neither imported nor turned into Click parameters. Help,
    errors and completion for the command are the same; the whole app (``tailor``,
    ``tailor --help``, an unknown command, shell completion) has every command.
    """
    from importlib import import_module

    root = typer.Typer(
        name="tailor",
        help=_HELP,
        no_args_is_help=True,
        # --install-completion / --show-completion, and the _TAILOR_COMPLETE protocol behind them.
        add_completion=True,
        pretty_exceptions_enable=False,
        # Plain help: Rich's Markdown help renderer costs ~200 ms of imports on every --help.
        rich_markup_mode=None,
    )
    root.callback()(_root)
    groups: dict[str, typer.Typer] = {}
    for name, commands in _COMMANDS.items():
        if only is not None and name != only:
            continue
        for group, module_name, function in commands:
            target = root
            if group is not None:
                if group not in groups:
                    groups[group] = typer.Typer(help=_GROUPS[group], no_args_is_help=True, rich_markup_mode=None)
                    root.add_typer(groups[group], name=group)
                target = groups[group]
            command = getattr(import_module(f"tailor.cli.commands.{module_name}"), function)
            target.command(function if group is not None else name, cls=_Command)(command)
    return root


def __getattr__(name: str) -> Any:
    if name == "app":  # the whole app (tests, tools): built on first use, once
        whole = globals()["app"] = build()
        return whole
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    """The console script: every expected failure, usage errors included, is one line on stderr."""
    import os
    import sys

    # tailor uses no pydantic plugins; looking for them scans every installed package's
    # metadata (~20 ms of each start). Set PYDANTIC_DISABLE_PLUGINS yourself to change it.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    _accept_click_completion_order(os.environ)

    named = sys.argv[1] if len(sys.argv) > 1 else None
    whole = named not in _COMMANDS or "_TAILOR_COMPLETE" in os.environ
    app = build() if whole else build(named)
    try:
        code = app(standalone_mode=False, prog_name="tailor")  # "tailor" also under python -m tailor.cli
    except Exception as error:  # click's usage errors: a bad option value, a missing argument
        exit_code = getattr(error, "exit_code", None)
        if not isinstance(exit_code, int) or not hasattr(error, "format_message"):
            raise
        if type(error).__name__ == "NoArgsIsHelpError":  # `tailor` alone: the help, as before
            error.show()  # type: ignore[attr-defined]
        else:
            from tailor.cli.usage import plain_message

            print(f"error: {plain_message(error, sys.argv[1:])}", file=sys.stderr)
        _exit(exit_code)
    _exit(code if isinstance(code, int) else 0)


def _accept_click_completion_order(environ: MutableMapping[str, str]) -> None:
    """Typer reads ``_TAILOR_COMPLETE=source_bash``; Click's documented order is ``bash_source``: take both."""
    value = environ.get("_TAILOR_COMPLETE", "")
    shell, _, instruction = value.partition("_")
    if shell in {"bash", "zsh", "fish", "powershell", "pwsh"} and instruction in {"source", "complete"}:
        environ["_TAILOR_COMPLETE"] = f"{instruction}_{shell}"
