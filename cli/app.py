"""The `tailor` command line: the Typer apps, one module per command under commands/.

Each command module holds its signature (options from options.py) beside its body;
the signatures import only Typer, so `tailor --help` imports nothing else, and a
body imports what it needs (Rich, anyio, the pipeline) when it runs.
"""

from __future__ import annotations

import typer

from tailor.cli.commands import analytics, batch, cache, compare, config, pipeline, run

app = typer.Typer(
    name="tailor",
    help="Tailor a resume to a job description, honestly and fast, and show where every millisecond went.",
    no_args_is_help=True,
    add_completion=False,
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

app.command("run")(run.run)
app.command("batch")(batch.batch)
app.command("compare")(compare.compare)
app.command("analytics")(analytics.analytics)
cache_app.command("stats")(cache.stats)
cache_app.command("clear")(cache.clear)
cache_app.command("invalidate")(cache.invalidate)
cache_app.command("warm")(cache.warm)
pipeline_app.command("show")(pipeline.show)
config_app.command("show")(config.show)


def main() -> None:
    """The console script: every expected failure, usage errors included, is one line on stderr."""
    import os
    import sys

    # tailor uses no pydantic plugins; looking for them scans every installed package's
    # metadata (~20 ms of each start). Set PYDANTIC_DISABLE_PLUGINS yourself to change it.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

    try:
        code = app(standalone_mode=False)
    except Exception as error:  # click's usage errors: a bad option value, a missing argument
        exit_code = getattr(error, "exit_code", None)
        if not isinstance(exit_code, int) or not hasattr(error, "format_message"):
            raise
        if type(error).__name__ == "NoArgsIsHelpError":  # `tailor` alone: the help, as before
            error.show()  # type: ignore[attr-defined]
        else:
            print(f"error: {' '.join(error.format_message().split())}", file=sys.stderr)
        sys.exit(exit_code)
    sys.exit(code if isinstance(code, int) else 0)
