"""Rich rendering of a run: scores, skills, changes, and where the time went."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from tailor.cli.render.console import ms
from tailor.cli.render.safe import data, shown, shown_lines

if TYPE_CHECKING:
    from tailor.pipeline.app.session import RunOutcome
    from tailor.pipeline.engine import RunReport

CACHE_STYLE = {"miss": "yellow", "l1": "green", "l2": "green", "stale": "cyan", "off": "dim"}
FIT_STYLE = {"strong": "green", "good": "green", "partial": "yellow", "poor": "red"}
STATUS_STYLE = {"ok": "green", "failed": "bold red", "skipped": "yellow", "cancelled": "magenta"}


def render_outcome(out: Console, outcome: RunOutcome, *, explain: bool = False, diff: bool = False,
                   extra_warnings: list[str] = ()) -> None:  # type: ignore[assignment]
    before, after, targets = outcome.ats_before, outcome.ats_after, outcome.targets
    delta = after.total - before.total
    met = after.total >= targets.target_score
    headline = Text.assemble(
        ("ATS score ", "bold"),
        (f"{before.total:.1f}", "bold yellow"),
        " → ",
        (f"{after.total:.1f}", "bold green" if delta > 0 else "bold"),
        (f"  ({delta:+.1f})", "green" if delta > 0 else "dim"),
        f"   target {targets.target_score:g} ",
        ("met" if met else "not met", "green" if met else "yellow"),
    )
    # File names are data: a Text title, control characters shown (never markup, never terminal codes).
    headline.append("\n")
    headline.append(f"{after.fit} fit", style=f"bold {FIT_STYLE.get(after.fit, '')}")
    headline.append(": ")
    headline.append(data(after.verdict.split(": ", 1)[-1]))
    title = data(f"{outcome.request.resume.name} → {outcome.request.job.name}")
    out.print(Panel(headline, title=title, expand=False))
    out.print(_breakdown(outcome))
    out.print(_skills(outcome))
    out.print(_changes(outcome))
    if diff and outcome.document is not None:
        from tailor.cli.render.diff import word_diff

        out.print(word_diff(outcome.document.text, outcome.tailoring.text))
    for note in outcome.tailoring.declined:
        out.print(Text.assemble(("not made: ", "yellow"), shown_lines(note)))
    report = outcome.full_report
    out.print(timing_table(report, simulated=outcome.simulated))
    out.print(run_summary(report))
    if explain:
        out.print(what_if_table(report))
    for warning in dict.fromkeys([*outcome.warnings, *extra_warnings]):  # each said once
        out.print(Text.assemble(("warning: ", "yellow"), shown(warning)))  # file text and paths are data, not markup
    out.print(Text.assemble(("Wrote ", "bold"), shown(str(outcome.output)), f" ({outcome.format})"))


def _breakdown(outcome: RunOutcome) -> Table:
    table = Table(title="Score breakdown", title_justify="left", expand=False)
    table.add_column("component")
    table.add_column("before", justify="right")
    table.add_column("after", justify="right")
    table.add_column("of", justify="right", style="dim")
    table.add_column("why", overflow="fold", max_width=70)
    before, after = outcome.ats_before, outcome.ats_after
    for name, value in after.breakdown.items():
        old = before.breakdown.get(name, 0.0)
        weight = after.weights.get(name)
        style = "green" if value > old + 1e-9 else ""
        # An explanation quotes the resume (its titles, skills): data, not markup.
        if weight == 0.0:  # the job does not ask for it: out of the total
            table.add_row(Text(name.replace("_", " "), style="dim"), "–", "–", "–",
                          data(after.explanations.get(name, "")))
            continue
        table.add_row(name.replace("_", " "), f"{old:.1f}", Text(f"{value:.1f}", style=style),
                      f"{weight:.0f}" if weight is not None else "", data(after.explanations.get(name, "")))
    table.add_row(Text("total", style="bold"), Text(f"{before.total:.1f}", style="bold"),
                  Text(f"{after.total:.1f}", style="bold"), "100", "")
    return table


def _skills(outcome: RunOutcome) -> Group:
    t = outcome.tailoring

    def line(label: str, items: tuple[str, ...] | list[str], style: str, note: str = "") -> Text:
        body = shown(", ".join(items)) if items else "none"
        return Text.assemble((f"{label} ({len(items)}): ", f"bold {style}"), body, (note, "dim"))

    return Group(
        Text("Skills", style="bold underline"),
        line("matched", t.matched, "green"),
        line("surfaced", t.surfaced, "cyan", "  (evidenced in your resume, now listed)"),
        line("missing", t.missing, "yellow", "  (gaps: reported, never added)"),
        Text(""),
    )


def _changes(outcome: RunOutcome) -> Table:
    edits = outcome.tailoring.edits
    table = Table(title=f"Edits ({len(edits)})", title_justify="left")
    table.add_column("line", justify="right", style="dim")
    table.add_column("kind")
    table.add_column("section", style="bold", overflow="fold")
    table.add_column("edit, reason and evidence", overflow="fold")
    for change in outcome.changes():
        place = change["where"] or {}
        what = Text()
        if change["kind"] == "rename":
            what.append(shown(change["before"]), style="red strike")
            what.append(" → ")
            what.append(shown(change["after"]), style="bold green")
            what.append("\n")
        elif change["kind"] in ("extend", "summary"):
            what.append(shown_lines(change["after"].strip()), style="bold green")
            what.append("\n")
        elif change["kind"] == "drop":
            what.append(shown_lines(change["before"].strip()), style="red strike")
            what.append("\n")
        what.append(shown_lines(change["reason"]))
        if change["evidence"]:
            what.append("\nevidence: ", style="dim")
            what.append(shown_lines(change["evidence"]), style="dim italic")
        table.add_row(str(place.get("line", "")), change["kind"], data(change["section"]), what)
    if not edits:
        table.add_row("", "-", "-", "nothing to change: the resume already fits this job as well as it honestly can")
    return table


def timing_table(report: RunReport, *, simulated: bool = False) -> Table:
    critical = set(report.critical_path)
    title = "Steps" + (" (simulated latencies)" if simulated else "")
    table = Table(title=title, title_justify="left")
    table.add_column("step")
    table.add_column("start", justify="right")
    table.add_column("duration", justify="right")
    table.add_column("cache")
    table.add_column("status")
    table.add_column("", no_wrap=True)
    for s in sorted(report.steps, key=lambda s: (s.background, s.start_ms)):
        mark = "★ critical" if s.name in critical else ("background" if s.background else "")
        table.add_row(
            Text(s.name, style="bold magenta" if s.name in critical else ""),
            ms(s.start_ms),
            ms(s.duration_ms),
            Text(s.cache, style=CACHE_STYLE.get(s.cache, "")),
            data(s.status + (f": {s.error}" if s.error else ""), style=STATUS_STYLE.get(s.status, "")),
            Text(mark, style="magenta" if s.name in critical else "dim"),
        )
    return table


def run_summary(report: RunReport) -> Text:
    return Text.assemble(
        ("wall ", "bold"),
        ms(report.wall_ms),
        ("  sequential ", "bold"),
        ms(report.sequential_ms),
        ("  speedup ", "bold"),
        f"{report.speedup:.2f}×",
        ("  efficiency ", "bold"),
        f"{report.efficiency:.0%}",
        ("  bound ", "bold"),
        f"{report.bound:.2f}",
        "\n",
        ("critical path ", "bold"),
        (" → ".join(report.critical_path), "magenta"),
        f"  ({ms(report.critical_path_ms)})",
    )


def what_if_table(report: RunReport) -> Table:
    from tailor.pipeline.engine.whatif import what_if

    table = Table(title="What if a critical step took half as long?", title_justify="left")
    table.add_column("step")
    table.add_column("now", justify="right")
    table.add_column("critical path after", justify="right")
    table.add_column("saved", justify="right")
    for w in what_if(report):
        table.add_row(w.step, ms(w.duration_ms), ms(w.critical_path_ms), Text(ms(w.saved_ms), style="green" if w.saved_ms > 0 else "dim"))
    return table
