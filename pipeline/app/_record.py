"""A finished run as a history row: step outcomes collected from events, written by the log step."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tailor.pipeline.engine import Event
from tailor.pipeline.engine.report import HITS, STATUS_OF_EVENT, CacheStatus

if TYPE_CHECKING:
    from tailor.config import Settings
    from tailor.pipeline.app.run import RunRequest
    from tailor.pipeline.history import History
    from tailor.pipeline.readers.inputs import InputFile
    from tailor.pipeline.tailoring.models import AtsScore, Tailoring, Targets


@dataclass
class EventLog:
    """Collects step outcomes as they finish, for the history record."""

    steps: dict[str, Event] = field(default_factory=dict)

    def __call__(self, event: Event) -> None:
        if event.kind in ("finished", "cached", "failed", "skipped"):
            self.steps[event.step] = event


class RunRecorder:
    """Turns a finished run's values into a history row (called by the background log step)."""

    def __init__(
        self, history: History, settings: Settings, request: RunRequest, files: tuple[InputFile, InputFile], log: EventLog, t0: float
    ) -> None:
        self._history = history
        self._settings = settings
        self._request = request
        self._files = files
        self._log = log
        self._t0 = t0

    def record_run(self, values: dict[str, Any]) -> None:
        from tailor.pipeline.history import RunRecord, StepRecord

        before: AtsScore = values["ats_before"]
        after: AtsScore = values["ats_after"]
        targets: Targets = values["targets"]
        tailoring: Tailoring = values["tailoring"]
        # Built from this run's own values, so not validated again: a cold run skips building the
        # models' validators (~10 ms); history read back is validated (pipeline/history.py).
        steps = [
            StepRecord.model_construct(name=e.step, duration_ms=e.duration_ms or 0.0, cache=e.cache or CacheStatus.OFF, status=STATUS_OF_EVENT.get(e.kind, "ok"))
            for e in self._log.steps.values()
        ]
        lookups = [s for s in steps if s.cache != CacheStatus.OFF]
        tokens_in, tokens_out = _token_totals(self._log.steps.values())
        settings = self._settings
        self._history.record(
            RunRecord.model_construct(
                at=datetime.now(UTC),
                resume_sha256=self._files[0].sha256,
                job_sha256=self._files[1].sha256,
                provider=settings.provider.name,
                mode=self._request.schedule,
                score_before=before.total,
                score_after=after.total,
                target=targets.target_score,
                target_met=after.total >= targets.target_score,
                duration_ms=(time.perf_counter() - self._t0) * 1000.0,
                steps=tuple(steps),
                cache_hits=sum(1 for s in lookups if s.cache in HITS),
                cache_lookups=len(lookups),
                warnings=tuple(values["warnings"]) + _fallback_notes(self._log.steps.values()),
                skills_surfaced=tuple(tailoring.surfaced),
                tokens_in=tokens_in,
                tokens_out=tokens_out,
                model=settings.openai.model if tokens_in is not None and settings.provider.name == "openai" else None,
                batch_id=self._request.batch_id,
                tailor_mode=settings.tailoring.mode,
                job_name=Path(self._files[1].path).name or None,
                job_title=values["job_profile"].title or None,
            )
        )


def _token_totals(events: Any) -> tuple[int | None, int | None]:
    """Tokens summed over the steps that reported any; (None, None) when none did."""
    tokens_in = tokens_out = None
    for event in events:
        metrics = event.metrics or {}
        if "tokens_in" in metrics or "tokens_out" in metrics:
            tokens_in = (tokens_in or 0) + int(metrics.get("tokens_in", 0))
            tokens_out = (tokens_out or 0) + int(metrics.get("tokens_out", 0))
    return tokens_in, tokens_out


def _fallback_notes(events: Any) -> tuple[str, ...]:
    """A warning per step that fell back (metrics.fallback) or failed without failing the run."""
    notes = []
    for event in events:
        fallback = (event.metrics or {}).get("fallback")
        if fallback:
            notes.append(f"step {event.step} fell back to the {fallback} provider")
        elif event.kind == "failed":
            notes.append(f"optional step {event.step} failed: {event.error}")
    return tuple(notes)
