"""The `tailor` command line: the Typer apps, one module per command under commands/.

Each command module holds its signature (options from options.py) beside its body;
the signatures import only Typer, so `tailor --help` imports nothing else, and a
body imports what it needs (Rich, anyio, the pipeline) when it runs.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Annotated, Any

import typer
from typer.core import TyperCommand

from tailor.cli._exiting import exit_now as _exit
from tailor.cli.commands import analytics, batch, cache, compare, config, pipeline, run

app = typer.Typer(
    name="tailor",
    help="Tailor a resume to a job description, honestly and fast, and show where every millisecond went.",
    no_args_is_help=True,
    # --install-completion / --show-completion, and the _TAILOR_COMPLETE protocol behind them.
    add_completion=True,
    pretty_exceptions_enable=False,
    # Plain help: Rich's Markdown help renderer costs ~200 ms of imports on every --help.
    rich_markup_mode=None,
)
cache_app = typer.Typer(help="Inspect and manage the two-tier cache.", no_args_is_help=True, rich_markup_mode=None)
pipeline_app = typer.Typer(help="Inspect the tailoring pipeline.", no_args_is_help=True, rich_markup_mode=None)
config_app = typer.Typer(help="Inspect the merged settings.", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(cache_app, name="cache")
app.add_typer(pipeline_app, name="pipeline")
app.add_typer(config_app, name="config")



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


@app.callback()
def _root(
    show_version: Annotated[
        bool, typer.Option("--version", "-V", callback=_print_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Tailor a resume to a job description, honestly and fast, and show where every millisecond went."""


app.command("run", cls=_Command)(run.run)
app.command("batch", cls=_Command)(batch.batch)
app.command("compare", cls=_Command)(compare.compare)
app.command("analytics", cls=_Command)(analytics.analytics)
cache_app.command("stats", cls=_Command)(cache.stats)
cache_app.command("clear", cls=_Command)(cache.clear)
cache_app.command("invalidate", cls=_Command)(cache.invalidate)
cache_app.command("warm", cls=_Command)(cache.warm)
pipeline_app.command("show", cls=_Command)(pipeline.show)
config_app.command("show", cls=_Command)(config.show)


def main() -> None:
    """The console script: every expected failure, usage errors included, is one line on stderr."""
    import os
    import sys

    # tailor uses no pydantic plugins; looking for them scans every installed package's
    # metadata (~20 ms of each start). Set PYDANTIC_DISABLE_PLUGINS yourself to change it.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    _accept_click_completion_order(os.environ)

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
