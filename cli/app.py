"""The `tailor` command line.

Only the command signatures live here, so `tailor --help` imports Typer and
nothing else; each command's body imports its private module when it runs.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

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


class Schedule(str, Enum):
    parallel = "parallel"
    waves = "waves"
    sequential = "sequential"


class OutputFormat(str, Enum):
    md = "md"
    json = "json"
    html = "html"


class TailorMode(str, Enum):
    full = "full"
    partial = "partial"


class Length(str, Enum):
    concise = "concise"
    thorough = "thorough"


class Tone(str, Enum):
    neutral = "neutral"
    confident = "confident"
    formal = "formal"


class GroupBy(str, Enum):
    mode = "mode"
    provider = "provider"
    job = "job"


ConfigOpt = Annotated[
    Optional[Path], typer.Option("--config", help="Settings file (default: ./tailor.yaml, then the user config folder).")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object for scripts, nothing else on stdout.")]
ProviderOpt = Annotated[
    Optional[str], typer.Option("--provider", help="local (default), simulated or openai.", show_default=False)
]
ProfileOpt = Annotated[
    Optional[str], typer.Option("--profile", help="Latency profile for --provider simulated (name or YAML path).")
]
ScaleOpt = Annotated[
    Optional[float], typer.Option("--scale", help="Multiply the simulated profile's seconds by this.")
]


class Fallback(str, Enum):
    local = "local"


FallbackOpt = Annotated[
    Optional[Fallback],
    typer.Option("--fallback", help="Finish with the local provider when the openai service stays down."),
]


@app.command()
def run(
    resume: Annotated[Path, typer.Argument(help="Resume: .md .txt .json .yaml .pdf .docx", show_default=False)],
    job: Annotated[Path, typer.Option("--job", "-j", help="Job description (.txt or .md).", show_default=False)],
    out: Annotated[
        Optional[Path], typer.Option("--out", "-o", help="Where to write the tailored resume (default NAME.tailored.EXT).")
    ] = None,
    fmt: Annotated[Optional[OutputFormat], typer.Option("--format", help="Output format.")] = None,
    mode: Annotated[Optional[TailorMode], typer.Option("--mode", help="full, or partial (summary and skills only).")] = None,
    tone: Annotated[Optional[Tone], typer.Option("--tone", help="Tone of the rewritten summary.")] = None,
    length: Annotated[Optional[Length], typer.Option("--length", help="concise drops the least relevant bullets.")] = None,
    schedule: Annotated[Schedule, typer.Option("--schedule", help="How the engine schedules steps.")] = Schedule.parallel,
    sequential: Annotated[bool, typer.Option("--sequential", help="Shorthand for --schedule sequential.")] = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Compute every step; do not read or write the cache.")] = False,
    explain: Annotated[bool, typer.Option("--explain", help="Show what halving each critical step would save.")] = False,
    provider: ProviderOpt = None,
    fallback: FallbackOpt = None,
    profile: ProfileOpt = None,
    scale: ScaleOpt = None,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Tailor one resume to one job; write it and report the scores, changes and timings."""
    from tailor.cli.commands.run import run_command

    _guard(
        run_command,
        resume=resume,
        job=job,
        out=out,
        fmt=fmt.value if fmt else None,
        mode=mode.value if mode else None,
        tone=tone.value if tone else None,
        length=length.value if length else None,
        schedule="sequential" if sequential else schedule.value,
        use_cache=not no_cache,
        explain=explain,
        provider=provider,
        fallback=fallback.value if fallback else None,
        profile=profile,
        scale=scale,
        config=config,
        as_json=as_json,
    )


@app.command()
def batch(
    folder: Annotated[Path, typer.Argument(help="Folder of resumes (searched recursively).", show_default=False)],
    job: Annotated[Optional[Path], typer.Option("--job", "-j", help="One job description for every resume.")] = None,
    jobs: Annotated[Optional[Path], typer.Option("--jobs", help="A folder of jobs: every resume against every job.")] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for tailored resumes.")] = Path("tailored"),
    concurrency: Annotated[Optional[int], typer.Option("--concurrency", min=1, help="Items in flight at once.")] = None,
    workers: Annotated[Optional[int], typer.Option("--workers", min=1, help="Worker processes (default: cores).")] = None,
    fmt: Annotated[Optional[OutputFormat], typer.Option("--format", help="Output format.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Redo items whose output is up to date.")] = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Do not read or write the cache.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    executor: Annotated[
        Optional[str],
        typer.Option("--executor", metavar="local|dask", help="Where items run: local processes, or a Dask cluster.", show_default=False),
    ] = None,
    scheduler: Annotated[
        Optional[str],
        typer.Option("--scheduler", metavar="tcp://HOST:PORT", help="Join this Dask cluster (default: start one on this machine)."),
    ] = None,
    provider: ProviderOpt = None,
    fallback: FallbackOpt = None,
    profile: ProfileOpt = None,
    scale: ScaleOpt = None,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Tailor a whole folder of resumes, isolating every failure, with a summary (p50/p95/p99)."""
    from tailor.cli.commands.batch import batch_command

    _guard(
        batch_command,
        folder=folder,
        job=job,
        jobs=jobs,
        out=out,
        concurrency=concurrency,
        workers=workers,
        fmt=fmt.value if fmt else None,
        force=force,
        use_cache=not no_cache,
        quiet=quiet,
        executor=executor,
        scheduler=scheduler,
        provider=provider,
        fallback=fallback.value if fallback else None,
        profile=profile,
        scale=scale,
        config=config,
        as_json=as_json,
    )


@app.command()
def compare(
    resume: Annotated[Path, typer.Argument(help="Resume to run.", show_default=False)],
    job: Annotated[Path, typer.Option("--job", "-j", help="Job description.", show_default=False)],
    runs: Annotated[int, typer.Option("--runs", "-n", min=1, help="Runs per schedule.")] = 5,
    svg: Annotated[Optional[Path], typer.Option("--svg", help="Also save the timelines as an SVG picture.")] = None,
    provider: ProviderOpt = None,
    profile: ProfileOpt = None,
    scale: ScaleOpt = None,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Run the pipeline sequentially, in waves and in parallel; compare medians and timelines."""
    from tailor.cli.commands.compare import compare_command

    _guard(
        compare_command,
        resume=resume,
        job=job,
        runs=runs,
        svg=svg,
        provider=provider,
        profile=profile,
        scale=scale,
        config=config,
        as_json=as_json,
    )


@app.command()
def analytics(
    since: Annotated[Optional[str], typer.Option("--since", help="Only runs this recent: 30m, 12h, 7d, 2w.")] = None,
    by: Annotated[Optional[GroupBy], typer.Option("--by", help="Group the figures.")] = None,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Improvement, target-met rate, durations and trends from the run history."""
    from tailor.cli.commands.analytics import analytics_command

    _guard(analytics_command, since=since, by=by.value if by else None, config=config, as_json=as_json)


@cache_app.command("stats")
def cache_stats(config: ConfigOpt = None, as_json: JsonOpt = False) -> None:
    """Hits, misses, hit rate, entries and bytes, per tier and per step."""
    from tailor.cli.commands.cache import stats_command

    _guard(stats_command, config=config, as_json=as_json)


@cache_app.command("clear")
def cache_clear(
    step: Annotated[Optional[str], typer.Option("--step", help="Only this step's entries.")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Also reset the statistics.")] = False,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Remove cached entries (every resume, or one step's)."""
    from tailor.cli.commands.cache import clear_command

    _guard(clear_command, step=step, all_=all_, config=config, as_json=as_json)


@cache_app.command("invalidate")
def cache_invalidate(
    resume: Annotated[Optional[Path], typer.Option("--resume", help="Drop everything derived from this resume.")] = None,
    job: Annotated[Optional[Path], typer.Option("--job", help="Drop everything derived from this job.")] = None,
    step: Annotated[Optional[str], typer.Option("--step", help="Drop every entry of this step.")] = None,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Cascade-invalidate entries derived from a resume, a job or a step."""
    from tailor.cli.commands.cache import invalidate_command

    _guard(invalidate_command, resume=resume, job=job, step=step, config=config, as_json=as_json)


@cache_app.command("warm")
def cache_warm(
    jobs: Annotated[Path, typer.Option("--jobs", help="Folder of job descriptions to analyse ahead of time.")],
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Pre-compute job analyses for a folder of jobs."""
    from tailor.cli.commands.cache import warm_command

    _guard(warm_command, jobs=jobs, config=config, as_json=as_json)


@pipeline_app.command("show")
def pipeline_show(
    mermaid: Annotated[bool, typer.Option("--mermaid", help="Print a Mermaid flowchart instead of a tree.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Draw the tailoring pipeline: steps, what each needs, and its options."""
    from tailor.cli.commands.pipeline import show_command

    _guard(show_command, mermaid=mermaid, as_json=as_json)


@config_app.command("show")
def config_show(config: ConfigOpt = None, as_json: JsonOpt = False) -> None:
    """Print the merged settings and where each value came from."""
    from tailor.cli.commands.config import show_command

    _guard(show_command, config=config, as_json=as_json)


def _guard(command: object, **kwargs: object) -> None:
    """Run a command body; expected errors become one line on stderr and an exit code."""
    from tailor.cli.errors import run_guarded

    run_guarded(command, **kwargs)


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
