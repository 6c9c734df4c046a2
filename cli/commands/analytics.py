"""`tailor analytics`: what the history says about improvement, targets and speed."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from tailor.cli.options import ConfigOpt, GroupBy, JsonOpt
from tailor.cli.settings import settings_from_flags

if TYPE_CHECKING:
    from rich.table import Table
    from rich.text import Text

    from tailor.pipeline.history import Analytics, Figures

SPARKS = "▁▂▃▄▅▆▇█"


def analytics(
    since: Annotated[Optional[str], typer.Option("--since", help="Only runs this recent: 30m, 12h, 7d, 2w.")] = None,
    by: Annotated[
        Optional[GroupBy],
        typer.Option("--by", help="Group the figures: by --mode (full/partial), schedule, provider or job."),
    ] = None,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Improvement, target-met rate, durations and trends from the run history."""
    from tailor.cli.errors import run_guarded

    run_guarded(analytics_command, since=since, by=by.value if by else None, config=config, as_json=as_json)


def analytics_command(*, since: str | None, by: str | None, config: Path | None, as_json: bool) -> int:
    import json

    from tailor.pipeline.errors import ConfigError
    from tailor.pipeline.history import History, parse_since

    try:
        period = parse_since(since) if since else None
    except ConfigError as error:
        raise ConfigError(f"--since: {error}") from None
    settings = settings_from_flags(config)
    with History(settings.history_path) as history:
        prices = {model: (p.input, p.output) for model, p in settings.openai.prices.items()}
        analytics = history.analytics(period, by, prices=prices)  # type: ignore[arg-type]
    if as_json:
        sys.stdout.write(json.dumps(analytics.to_dict()) + "\n")
        return 0
    from tailor.cli.render.console import console

    out = console()
    if analytics.overall.runs == 0:
        out.print(f"No runs recorded{' in the last ' + since if since else ''} (history: {settings.history_path}).")
        return 0
    out.print(_figures_table(analytics))
    out.print(_trend(analytics))
    return 0


def _row(figures: Figures) -> list[str]:
    def pct(value: float | None) -> str:
        return "-" if value is None else f"{value:.0%}"

    def ms(value: float | None) -> str:
        return "-" if value is None else f"{value:,.0f}" if value >= 100 else f"{value:.1f}"

    return [
        str(figures.runs),
        "-" if figures.avg_improvement is None else f"{figures.avg_improvement:+.1f}",
        pct(figures.target_met_rate),
        ms(figures.avg_duration_ms),
        ms(figures.p95_duration_ms),
        pct(figures.cache_hit_rate),
        f"{figures.tokens_in + figures.tokens_out:,}" if figures.tokens_in or figures.tokens_out else "-",
        "-" if figures.cost_usd is None else f"${figures.cost_usd:,.4f}",
    ]


# Short headers, two lines at most, so the table reads whole at 80 columns; the units are in the headers.
_COLUMNS = ("runs", "improve\n(pts)", "target\nmet", "avg\n(ms)", "p95\n(ms)", "cache\nhits", "tokens", "cost\n(est.)")


def _figures_table(analytics: Analytics) -> Table:
    from rich.table import Table
    from rich.text import Text

    period = f"since {analytics.since:%Y-%m-%d %H:%M} UTC" if analytics.since else "all history"
    table = Table(title=f"Runs ({period})", title_justify="left", padding=(0, 1))
    rows: list[tuple[str | Text, list[str]]] = [("all", _row(analytics.overall))]
    for group in analytics.groups:
        # Text, not markup: a job's title comes from its file. Title on one line, file name below it.
        title, _, name = (group.label or group.key).rpartition(" (")
        cell = Text(title or name.rstrip(")"))
        if title:
            cell.append("\n(" + name, style="dim")
        rows.append((cell, _row(group.figures)))
    # Columns with nothing in them (tokens and cost without an LLM provider) are left out.
    shown = [n for n in range(len(_COLUMNS)) if any(cells[n] != "-" for _, cells in rows)]
    table.add_column(analytics.by or "", style="bold", ratio=1, min_width=8)
    for n in shown:
        table.add_column(_COLUMNS[n], justify="right", no_wrap=True)
    for index, (label, cells) in enumerate(rows):
        table.add_row(label, *(cells[n] for n in shown), end_section=index == 0 and len(rows) > 1)
    return table


def sparkline(values: list[float | None]) -> str:
    """One character per value, scaled between the smallest and largest; gaps as spaces."""
    present = [v for v in values if v is not None]
    if not present:
        return ""
    low, high = min(present), max(present)
    span = high - low or 1.0
    return "".join(" " if v is None else SPARKS[round((v - low) / span * (len(SPARKS) - 1))] for v in values)


def _trend(analytics: Analytics) -> Text:
    from rich.text import Text

    improvements = [b.avg_improvement for b in analytics.trend]
    durations = [b.avg_duration_ms for b in analytics.trend]
    start = analytics.trend[0].start if analytics.trend else None
    end = analytics.trend[-1].end if analytics.trend else None
    span = f"{start:%m-%d %H:%M} → {end:%m-%d %H:%M}" if start and end else ""
    return Text.assemble(
        ("Trend ", "bold"),
        (span, "dim"),
        "\n  improvement  ",
        (sparkline(improvements), "green"),
        "\n  duration     ",
        (sparkline(durations), "cyan"),
    )
