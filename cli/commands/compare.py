"""`tailor compare`: the same pipeline sequentially, in waves and in parallel, side by side."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from tailor.cli.options import ConfigOpt, JobOpt, JsonOpt, ProfileOpt, ProviderOpt, ResumeArg, ScaleOpt
from tailor.cli.settings import settings_from_flags

if TYPE_CHECKING:
    from rich.console import Console, Group
    from rich.table import Table
    from rich.text import Text

    from tailor.pipeline.app.compare import Comparison

SVG_WIDTH = 120


def compare(
    resume: ResumeArg,
    job: JobOpt,
    runs: Annotated[int, typer.Option("--runs", "-n", min=1, help="Runs per schedule.")] = 5,
    svg: Annotated[Optional[Path], typer.Option("--svg", help="Also save the timelines as an SVG picture.")] = None,
    provider: ProviderOpt = None,
    profile: ProfileOpt = None,
    scale: ScaleOpt = None,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Run the pipeline sequentially, in waves and in parallel; compare medians and timelines."""
    from tailor.cli.errors import run_guarded

    run_guarded(
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


def compare_command(
    *,
    resume: Path,
    job: Path,
    runs: int,
    svg: Path | None,
    provider: str | None,
    profile: str | None,
    scale: float | None,
    config: Path | None,
    as_json: bool,
) -> int:
    import json

    import anyio
    from rich.text import Text

    from tailor.cli.render.console import error_console
    from tailor.cli.render.safe import shown
    from tailor.pipeline.app.compare import SCHEDULES, compare_schedules

    settings = settings_from_flags(config, provider=provider, profile=profile, scale=scale)
    err = error_console()

    if as_json or not err.is_terminal:  # live progress only where someone is watching
        comparison = anyio.run(lambda: compare_schedules(settings, resume, job, runs))
    else:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        total = runs * len(SCHEDULES) + 1
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=err, transient=True) as bar:
            task = bar.add_task("warm-up run (untimed)", total=total)

            def on_run(index: int, _total: int, schedule: str) -> None:
                bar.update(task, completed=index, description=f"run {index}/{_total}: {schedule}")

            comparison = anyio.run(lambda: compare_schedules(settings, resume, job, runs, on_run=on_run))
    for warning in comparison.warnings:
        err.print(Text.assemble(("warning: ", "yellow"), shown(warning)))
    if svg is not None:
        save_svg(comparison, svg)
    if as_json:
        sys.stdout.write(json.dumps(comparison.to_dict()) + "\n")
        return 0
    from tailor.cli.render.console import console

    out = console()
    render_comparison(out, comparison)
    if svg is not None:
        out.print(Text.assemble(("Saved", "bold"), " the timelines to ", shown(str(svg))))
    return 0


def render_comparison(out: Console, c: Comparison) -> None:
    from rich.panel import Panel
    from rich.text import Text

    from tailor.cli.render.console import ms
    from tailor.cli.render.outcome import what_if_table

    out.print(_header(c))
    out.print(_steps_table(c))
    out.print(_schedules_table(c))
    s = c.speedup
    out.print(
        Text.assemble(
            ("parallel over sequential", "bold"),
            " (wall_seq / wall_par per alternation pair): ",
            (f"x{s.median:.2f}", "bold green" if c.helps else "bold yellow"),
            f" median   x{s.min:.2f} min   x{s.max:.2f} max",
        )
    )
    if c.theory_ms is not None:
        t = c.theory_ms
        out.print(
            Text.assemble(
                ("theory", "bold"),
                f" from the profile's latencies alone: sequential {ms(t['sequential'])}, "
                f"waves {ms(t['waves'])}, parallel {ms(t['parallel'])} "
                f"(x{t['sequential'] / t['parallel']:.2f} if every step took exactly its latency)",
            )
        )
    out.print()
    out.print(_timelines(c, out.width))
    out.print()
    what_ifs = what_if_table(c.schedules["parallel"].median_run)
    what_ifs.title = "What if each critical step took half as long? (parallel, median run)"
    out.print(what_ifs)
    out.print(Panel(c.note, title="verdict", title_align="left", border_style="green" if c.helps else "yellow"))


def _header(c: Comparison) -> Text:
    from rich.text import Text

    text = Text.assemble(
        ("Compared ", "bold"),
        f"{c.runs} run{'s' if c.runs != 1 else ''} per schedule, alternating sequential → waves → parallel, "
        f"cache off, after 1 untimed warm-up run (imports, taxonomy compile).  Provider: ",
        (c.provider, "bold"),
    )
    if c.simulated:
        text.append(f"\nTimings are SIMULATED: latencies from profile {c.profile!r} x {c.scale:g}", style="bold yellow")
    return text


def _steps_table(c: Comparison) -> Table:
    from rich.table import Table
    from rich.text import Text

    from tailor.cli.render.console import ms

    median_run = c.schedules["parallel"].median_run
    critical = set(median_run.critical_path)
    background = {s.name for s in median_run.steps if s.background}
    title = "Median step durations" + (" (simulated latencies)" if c.simulated else "")
    table = Table(title=title, title_justify="left")
    table.add_column("step")
    for schedule in c.schedules:
        table.add_column(schedule, justify="right")
    table.add_column("", no_wrap=True)
    for name, by_schedule in c.steps.items():
        mark = "★ critical (parallel)" if name in critical else ("background" if name in background else "")
        table.add_row(
            Text(name, style="bold magenta" if name in critical else ("dim" if name in background else "")),
            *(ms(by_schedule[s]) if s in by_schedule else "-" for s in c.schedules),
            Text(mark, style="magenta" if name in critical else "dim"),
        )
    return table


def _schedules_table(c: Comparison) -> Table:
    from rich.table import Table
    from rich.text import Text

    from tailor.cli.render.console import ms

    rows: list[tuple[str, str, Callable[[float], str]]] = [
        ("wall", "wall_ms", ms),
        ("sequential", "sequential_ms", ms),
        ("critical path", "critical_path_ms", ms),
        ("savings", "savings_ms", ms),
        ("speedup", "speedup", lambda v: f"x{v:.2f}"),
        ("efficiency", "efficiency", lambda v: f"{v:.0%}"),
        ("bound", "bound", lambda v: f"{v:.2f}"),
    ]
    table = Table(title=f"Schedules: median of {c.runs} runs, min – max below", title_justify="left", show_lines=True)
    table.add_column("")
    for name in c.schedules:
        table.add_column(name, justify="right")
    for label, key, fmt in rows:
        cells = []
        for stats in c.schedules.values():
            spread = stats.figures[key]
            cells.append(Text.assemble(fmt(spread.median), ("\n" + _span(fmt(spread.min), fmt(spread.max)), "dim")))
        table.add_row(Text(label, style="bold"), *cells)
    return table


def _span(low: str, high: str) -> str:
    """"1.20 ms – 3.40 ms" as "1.20 – 3.40 ms" when both share a unit."""
    unit = low.rpartition(" ")[2]
    if " " in low and high.endswith(" " + unit):
        low = low.rpartition(" ")[0]
    return f"{low} – {high}"


def _timelines(c: Comparison, width: int) -> Group:
    from tailor.cli.render.console import ms
    from tailor.cli.render.timeline import timelines

    runs = {name: stats.median_run for name, stats in c.schedules.items()}
    titles = {
        name: f"{name}: median run, wall {ms(r.wall_ms)}, critical path {ms(r.critical_path_ms)}"
        + (" (simulated)" if c.simulated else "")
        for name, r in runs.items()
    }
    return timelines(runs, total_width=width, titles=titles)


def save_svg(c: Comparison, path: Path) -> None:
    """The same timelines (and verdict) as an SVG picture."""
    import io

    from rich.console import Console
    from rich.text import Text

    from tailor.pipeline.errors import InputError

    record = Console(record=True, width=SVG_WIDTH, file=io.StringIO(), highlight=False)
    record.print(_header(c))
    record.print()
    record.print(_timelines(c, SVG_WIDTH))
    record.print()
    record.print(Text(c.note))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        record.save_svg(str(path), title=f"tailor compare ({c.provider}{', simulated' if c.simulated else ''})")
    except OSError as error:
        raise InputError(f"{path}: cannot write the SVG: {error.strerror or error}") from None
