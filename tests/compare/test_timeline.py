"""Timeline (Gantt) geometry on hand-built reports: exact columns on a shared axis."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from tailor.cli.render.timeline import (
    BACKGROUND_BAR,
    BAR,
    CRITICAL_STYLE,
    STEP_STYLE,
    columns,
    nice_step,
    shared_axis_ms,
    tick_marks,
    timeline,
    timelines,
)

from .conftest import make_report


def test_columns_map_milliseconds_to_half_open_spans() -> None:
    # 100 ms over 50 columns: one column is 2 ms.
    assert columns(0.0, 10.0, 100.0, 50) == (0, 5)
    assert columns(10.0, 30.0, 100.0, 50) == (5, 15)
    assert columns(99.0, 100.0, 100.0, 50) == (49, 50)
    assert columns(41.0, 43.2, 100.0, 50) == (20, 22)  # start floors into its column, end rounds to an edge


def test_columns_keep_tiny_steps_visible_and_stay_on_the_axis() -> None:
    assert columns(50.0, 50.001, 100.0, 50) == (25, 26)  # microseconds still get one column
    assert columns(100.0, 100.0, 100.0, 50) == (49, 50)  # a step at the very end is drawn in the last column
    assert columns(-3.0, 250.0, 100.0, 50) == (0, 50)  # clamped to the axis
    assert columns(0.0, 0.0, 0.0, 10) == (0, 1)  # an empty run does not divide by zero
    with pytest.raises(ValueError):
        columns(0.0, 1.0, 10.0, 0)


def test_ticks_are_round_values_at_their_columns() -> None:
    assert nice_step(800.0) == 200.0 and nice_step(37.0) == 10.0 and nice_step(0.9) == 0.2
    assert tick_marks(800.0, 40) == [(0, 0.0), (10, 200.0), (20, 400.0), (30, 600.0), (39, 800.0)]


def _plain_rows(renderable: object, width: int = 200) -> list[str]:
    console = Console(file=io.StringIO(), width=width, color_system=None, record=True)
    console.print(renderable)
    return console.export_text().splitlines()


def test_timeline_draws_each_bar_at_its_columns_with_background_hatched() -> None:
    report = make_report(
        "parallel",
        100.0,
        {"parse": (0.0, 20.0, ()), "score": (20.0, 100.0, ("parse",)), "side": (0.0, 10.0, ()), "log": (100.0, 110.0, ("score",))},
        background=("log",),
    )
    rows = _plain_rows(timeline(report, axis_ms=110.0, width=44, title="t"))
    assert rows[0] == "t"
    by_name = {row.split()[0]: row for row in rows[1:5]}
    plot = len("parse") + 2  # label column (longest name) + gutter
    for name, (first, last) in {"parse": (0, 8), "score": (8, 40), "side": (0, 4)}.items():
        row = by_name[name]
        bar = row[plot:]
        assert bar.index(BAR) == first and bar.rindex(BAR) == last - 1 and bar[first:last] == BAR * (last - first)
    log = by_name["log"][plot:]
    assert log.index(BACKGROUND_BAR) == 40 and log.rindex(BACKGROUND_BAR) == 43 and "background" in log
    assert BAR not in log


def test_critical_path_has_its_own_colour() -> None:
    report = make_report("parallel", 30.0, {"a": (0.0, 10.0, ()), "b": (10.0, 30.0, ("a",)), "c": (0.0, 5.0, ())})
    bar_style = {}
    for row in timeline(report, axis_ms=30.0, width=30, title="t").renderables[1:4]:
        (style,) = {str(span.style) for span in row.spans if BAR in row.plain[span.start : span.end]}
        bar_style[row.plain.split()[0]] = style
    assert bar_style == {"a": CRITICAL_STYLE, "b": CRITICAL_STYLE, "c": STEP_STYLE}


def test_timelines_share_one_axis() -> None:
    slow = make_report("sequential", 200.0, {"a": (0.0, 100.0, ()), "b": (100.0, 200.0, ())})
    fast = make_report("parallel", 100.0, {"a": (0.0, 100.0, ()), "b": (0.0, 100.0, ())})
    assert shared_axis_ms({"s": slow, "p": fast}) == 200.0
    rows = [r for r in _plain_rows(timelines({"s": slow, "p": fast}, total_width=125), width=125) if r.startswith(("a ", "b "))]
    spans = [(r.index(BAR), r.rindex(BAR)) for r in rows]
    s_a, s_b, p_a, p_b = spans
    assert s_a == p_a  # the same 100 ms is the same bar in both timelines
    assert p_b == p_a and s_b[0] == s_a[1] + 1  # parallel b beside a; sequential b after it
    assert (s_a[1] - s_a[0] + 1) * 2 == s_b[1] - s_a[0] + 1  # 100 ms is half the 200 ms axis
