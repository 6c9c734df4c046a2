"""Timelines (Gantt charts) of runs on one shared time axis, drawn with Rich.

One row per step: a bar from its start to its end, the critical path in its own
colour, background steps hatched. Every timeline drawn together uses the same
axis, so a shorter bar really is a shorter time.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from rich.console import Group
from rich.text import Text

from tailor.cli.render.console import ms
from tailor.pipeline.engine import RunReport, StepReport

BAR = "█"
BACKGROUND_BAR = "░"
CRITICAL_STYLE = "bold magenta"
STEP_STYLE = "cyan"
BACKGROUND_STYLE = "dim yellow"
GUTTER = 2  # spaces between the step names and the plot


def columns(start_ms: float, end_ms: float, axis_ms: float, width: int) -> tuple[int, int]:
    """The half-open column span [first, last) of a bar on a ``width``-column axis of ``axis_ms``.

    A column stands for axis_ms / width; the bar starts in the column holding its start
    and ends at its end rounded to the nearest column edge, but is always at least one
    column wide so that a step of microseconds is still seen.
    """
    if width < 1:
        raise ValueError("width must be at least 1 column")
    if axis_ms <= 0:
        return 0, 1
    per_ms = width / axis_ms
    first = min(max(int(start_ms * per_ms), 0), width - 1)
    last = min(max(round(end_ms * per_ms), first + 1), width)
    return first, last


def shared_axis_ms(reports: Mapping[str, RunReport] | list[RunReport]) -> float:
    """The span every timeline is drawn on: the latest end (background included) of any run."""
    runs = list(reports.values()) if isinstance(reports, Mapping) else reports
    return max((max([r.wall_ms, *(s.end_ms for s in r.steps)]) for r in runs), default=0.0)


def nice_step(span_ms: float, ticks: int = 5) -> float:
    """A round tick spacing (1, 2 or 5 x 10^k ms) giving about ``ticks`` intervals."""
    if span_ms <= 0:
        return 1.0
    raw = span_ms / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def tick_marks(axis_ms: float, width: int, ticks: int = 5) -> list[tuple[int, float]]:
    """(column, ms) of each tick: round values from 0 to the end of the axis."""
    step = nice_step(axis_ms, ticks)
    marks = []
    value = 0.0
    while value <= axis_ms * (1 + 1e-9):
        marks.append((min(round(value * width / axis_ms), width - 1) if axis_ms > 0 else 0, value))
        value += step
    return marks


def tick_label(value_ms: float) -> str:
    """Round tick values without trailing zeros: 0, 250 ms, 1.5 s."""
    if value_ms == 0:
        return "0"
    if value_ms >= 1000:
        return f"{value_ms / 1000:g} s"
    return f"{value_ms:.6g} ms"


def axis_lines(axis_ms: float, width: int, indent: int) -> tuple[Text, Text]:
    """The tick line and the label line under a plot of ``width`` columns."""
    marks = tick_marks(axis_ms, width)
    rule = ["─"] * width
    labels = [" "] * (width + 12)
    free = 0  # first label column not yet used, so labels never overlap
    for col, value in marks:
        rule[col] = "┴"
        label = tick_label(value)
        at = max(col - len(label) // 2, 0, free)
        if at + len(label) > len(labels):
            continue
        labels[at : at + len(label)] = label
        free = at + len(label) + 1
    pad = " " * indent
    return Text(pad + "".join(rule), style="dim"), Text(pad + "".join(labels).rstrip(), style="dim")


def _row(s: StepReport, critical: set[str], axis_ms: float, width: int, label_width: int) -> Text:
    first, last = columns(s.start_ms, s.end_ms, axis_ms, width)
    if s.background:
        style, char, mark = BACKGROUND_STYLE, BACKGROUND_BAR, "  background"
    elif s.name in critical:
        style, char, mark = CRITICAL_STYLE, BAR, ""
    else:
        style, char, mark = STEP_STYLE, BAR, ""
    if s.status != "ok":
        mark += f"  {s.status}"
    row = Text(s.name.ljust(label_width + GUTTER), style=CRITICAL_STYLE if s.name in critical else "")
    row.append(" " * first)
    row.append(char * (last - first), style=style)
    row.append(f" {ms(s.duration_ms)}{mark}", style="dim")
    return row


def timeline(report: RunReport, *, axis_ms: float, width: int, title: str, label_width: int | None = None) -> Group:
    """One run's Gantt chart on an axis of ``axis_ms`` drawn over ``width`` columns."""
    names = [s.name for s in report.steps]
    label_width = label_width if label_width is not None else max(map(len, names), default=4)
    critical = set(report.critical_path)
    order = sorted(report.steps, key=lambda s: (s.background, s.start_ms, s.end_ms))
    rule, labels = axis_lines(axis_ms, width, label_width + GUTTER)
    return Group(
        Text(title, style="bold"),
        *(_row(s, critical, axis_ms, width, label_width) for s in order),
        rule,
        labels,
    )


def legend() -> Text:
    return Text.assemble(
        (BAR * 2, CRITICAL_STYLE), " critical path   ", (BAR * 2, STEP_STYLE), " other step   ",
        (BACKGROUND_BAR * 2, BACKGROUND_STYLE), " background (not in the wall time)",
    )


def timelines(runs: Mapping[str, RunReport], *, total_width: int, titles: Mapping[str, str] | None = None) -> Group:
    """A timeline per run, all on one shared axis, sized to ``total_width`` columns."""
    label_width = max((len(s.name) for r in runs.values() for s in r.steps), default=4)
    # Room after a bar for its duration label (" 2.31 s  background").
    width = max(total_width - label_width - GUTTER - 22, 20)
    axis = shared_axis_ms(runs)
    parts: list[Group | Text] = []
    for name, report in runs.items():
        title = (titles or {}).get(name, name)
        parts.append(timeline(report, axis_ms=axis, width=width, title=title, label_width=label_width))
        parts.append(Text(""))
    parts.append(legend())
    return Group(*parts)
