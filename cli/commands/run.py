"""`tailor run`: one resume, one job, the full report."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import anyio

from tailor.cli.settings import settings_from_flags


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
    profile: str | None,
    fallback: str | None,
    scale: float | None,
    config: Path | None,
    as_json: bool,
) -> int:
    from tailor.pipeline.app.session import RunRequest, Session

    settings = settings_from_flags(
        config, fmt=fmt, mode=mode, tone=tone, length=length, provider=provider, profile=profile, scale=scale,
        fallback=fallback,
    )
    request = RunRequest(resume=resume, job=job, output=out, format=fmt, schedule=schedule)
    warnings: list[str] = []

    async def go():  # type: ignore[no-untyped-def]
        async with Session(settings, use_cache=use_cache, warn=warnings.append) as session:
            outcome = await session.tailor(request)
            # The log step runs in the background; a bounded wait lets the report show it.
            await session.settle()
            return outcome

    with _log_warnings_into(warnings):
        outcome = anyio.run(go)
    if as_json:
        data = outcome.to_dict()
        data["warnings"] = data["warnings"] + warnings
        if explain:
            from tailor.pipeline.engine.whatif import what_if

            data["what_if"] = [w.to_dict() for w in what_if(outcome.full_report)]
        sys.stdout.write(json.dumps(data) + "\n")
        return 0
    from tailor.cli.render.outcome import console, render_outcome

    render_outcome(console(), outcome, explain=explain, extra_warnings=warnings)
    return 0


class _Collect(logging.Handler):
    def __init__(self, into: list[str]) -> None:
        super().__init__(logging.WARNING)
        self._into = into

    def emit(self, record: logging.LogRecord) -> None:
        self._into.append(" ".join(record.getMessage().split()))


@contextmanager
def _log_warnings_into(warnings: list[str]) -> Iterator[None]:
    """Warnings the library logs (e.g. a corrupted history moved aside) join the run's warnings,
    so --json carries them and stderr gets no bare log line."""
    logger = logging.getLogger("tailor")
    handler = _Collect(warnings)
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
