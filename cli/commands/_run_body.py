"""The body of `tailor run`, free of Typer: the plain command line runs it without building the CLI.

``tailor run RESUME --job JOB [--out PATH] [--json]`` -- the command line people type most --
is parsed by cli/entry.py and handed here directly; everything else goes through Typer
(cli/commands/run.py), which calls the same function.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from tailor.cli.settings import settings_from_flags

if TYPE_CHECKING:
    from tailor.pipeline.app.run import RunOutcome
    from tailor.pipeline.app.session import Session


def run_command(
    *,
    resume: Path,
    job: Path,
    out: Path | None,
    fmt: str | None,
    mode: str | None,
    tone: str | None,
    length: str | None,
    schedule: str,
    use_cache: bool,
    explain: bool,
    provider: str | None,
    diff: bool = False,
    profile: str | None,
    fallback: str | None,
    scale: float | None,
    config: Path | None,
    as_json: bool,
) -> int:
    import json

    import anyio

    from tailor.pipeline.app.session import RunRequest, Session

    settings = settings_from_flags(
        config, fmt=fmt, mode=mode, tone=tone, length=length, provider=provider, profile=profile, scale=scale,
        fallback=fallback,
    )
    request = RunRequest(resume=resume, job=job, output=out, format=fmt, schedule=schedule)
    warnings: list[str] = []

    held: list[Session] = []

    async def go() -> RunOutcome:
        async with Session(settings, use_cache=use_cache, warn=warnings.append) as session:
            held.append(session)
            outcome = await session.tailor(request)
            # The log step runs in the background; a bounded wait lets the report show it.
            await session.settle()
            return outcome

    with _log_warnings_into(warnings):
        outcome = anyio.run(go)
    if as_json:
        data = outcome.to_dict()
        data["warnings"] = list(dict.fromkeys(data["warnings"] + warnings))  # each said once
        if explain:
            from tailor.pipeline.engine.whatif import what_if

            data["what_if"] = [w.to_dict() for w in what_if(outcome.full_report)]
        printed = json.dumps(data) + "\n"
    else:
        from tailor.cli.render.console import console
        from tailor.cli.render.outcome import render_outcome

        screen = console()
        with screen.capture() as captured:  # exactly what would be written, for the whole-run record too
            render_outcome(screen, outcome, explain=explain, diff=diff, extra_warnings=warnings)
        printed = captured.get()
    sys.stdout.write(printed)
    _keep_for_repeats(outcome, held[0] if held else None, printed)
    return 0


def _keep_for_repeats(outcome: RunOutcome, session: Session | None, printed: str) -> None:
    """A fully cached run of a plain command line leaves its whole-run record (cli/_fast.py)."""
    import os

    from tailor.cli import _fast
    from tailor.pipeline.engine.report import FRESH_HITS, CacheStatus

    request = _fast.Request.parse(sys.argv[1:])
    if request is None or session is None or session.history is None or session.cache is None:
        return
    row = session.history.last_row
    looked_up = [s for s in outcome.full_report.steps if s.cache != CacheStatus.OFF]
    if row is None or not looked_up or not all(s.cache in FRESH_HITS for s in looked_up):
        return
    _fast.save(request, sys.argv[1:], os.environ, os.getcwd(), printed=printed, output=outcome.output, row=row,
               counters=session.cache.counted)


@contextmanager
def _log_warnings_into(warnings: list[str]) -> Iterator[None]:
    """Warnings the library logs (e.g. a corrupted history moved aside) join the run's warnings,
    so --json carries them and stderr gets no bare log line."""
    import logging

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            warnings.append(" ".join(record.getMessage().split()))

    logger = logging.getLogger("tailor")
    handler = Collect(logging.WARNING)
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
