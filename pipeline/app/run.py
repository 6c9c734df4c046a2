"""One run's request and outcome: what a caller asks for and what it gets back (and its JSON form)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tailor.pipeline.engine import RunReport, RunResult

if TYPE_CHECKING:
    from tailor.pipeline.readers.documents import SourceDocument
    from tailor.pipeline.tailoring.models import AtsScore, Tailoring, Targets


@dataclass(frozen=True)
class RunRequest:
    """One resume against one job."""

    resume: Path
    job: Path
    output: Path | None = None
    format: str | None = None  # md|txt|json|yaml|docx|pdf|html; None: --out's extension, else the settings' (auto: format in)
    schedule: str = "parallel"
    batch_id: str | None = None


@dataclass(frozen=True)
class RunOutcome:
    """A finished run: the domain results, where the output went, and the timing report."""

    request: RunRequest
    output: Path
    ats_before: AtsScore
    ats_after: AtsScore
    targets: Targets
    tailoring: Tailoring
    report: RunReport  # the foreground steps, final when the result is returned
    warnings: tuple[str, ...]
    simulated: bool = False
    format: str = "md"
    document: SourceDocument | None = field(default=None, repr=False, compare=False)  # the source the edits are on
    result: RunResult | None = field(default=None, repr=False, compare=False)

    @property
    def full_report(self) -> RunReport:
        """The report with the background steps that have finished (all of them after ``Session.settle``)."""
        return self.result.report_with_background() if self.result is not None else self.report

    def changes(self) -> list[dict[str, Any]]:
        """Each edit as the JSON report shows it: kind, section, place in the source, before/after, why."""
        from tailor.pipeline.app.output import where
        from tailor.pipeline.tailoring.editing import LineIndex

        doc = self.document
        index = LineIndex(doc.text) if doc is not None else None
        return [
            {"kind": e.kind, "section": e.section,
             "where": where(doc, e, index) if doc is not None else None,
             "before": e.before, "after": e.after, "reason": e.reason, "evidence": e.evidence}
            for e in self.tailoring.edits
        ]

    @property
    def improvement(self) -> float:
        return self.ats_after.total - self.ats_before.total

    def to_dict(self) -> dict[str, Any]:
        """The object of DESIGN.md's JSON format (stable: scripts read it)."""
        t = self.tailoring
        return {
            "input": {"resume": str(self.request.resume), "job": str(self.request.job)},
            "scores": {
                "before": round(self.ats_before.total, 1),
                "after": round(self.ats_after.total, 1),
                "target": self.targets.target_score,
                "breakdown": {k: round(v, 2) for k, v in self.ats_after.breakdown.items()},
                "breakdown_before": {k: round(v, 2) for k, v in self.ats_before.breakdown.items()},
                "weights": dict(self.ats_after.weights),
                "explanations": dict(self.ats_after.explanations),
            },
            "skills": {"matched": list(t.matched), "surfaced": list(t.surfaced), "missing": list(t.missing)},
            "fit": self.ats_after.fit,
            "verdict": self.ats_after.verdict,
            "changes": self.changes(),
            "declined": list(t.declined),
            "output": str(self.output),
            "format": self.format,
            "warnings": list(self.warnings),
            "simulated": self.simulated,
            "report": self.full_report.to_dict(),
        }
