"""From a source document and a job to the tailored document: plan edits, keep those that help, check.

The result is the source's own text with the kept edits applied, parsed and
re-scored; the guard refuses any result that lost a word of the source (beyond
listed drops and renames) or says something the source does not support.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from tailor.pipeline.readers.documents import SourceDocument
from tailor.pipeline.tailoring.editing import apply_edits
from tailor.pipeline.tailoring.guard import check_edits, derived_years
from tailor.pipeline.tailoring.models import (
    AtsScore,
    Edit,
    JobProfile,
    Resume,
    ResumeProfile,
    RewriteOptions,
    Tailoring,
    Targets,
)
from tailor.pipeline.tailoring.parse import parse_resume
from tailor.pipeline.tailoring.profile import profile_resume
from tailor.pipeline.tailoring.rewriting import keep_if_not_worse, plan_edits
from tailor.pipeline.tailoring.scoring import score_ats
from tailor.pipeline.tailoring.taxonomy import Taxonomy

# Characters re-scored, at most, when edits are tried one by one (~0.4 s a MB): a 5 KB resume may
# try 4,000 edits one at a time, a 1 MB one 20 (in runs), a giant one at least _MIN_TRIALS.
_RESCORE_BUDGET = 20_000_000
_MIN_TRIALS = 4


class _Rescorer:
    """Scores the document with a set of edits applied; remembers the last result."""

    def __init__(self, doc: SourceDocument, job: JobProfile, taxonomy: Taxonomy, today: date | None) -> None:
        self.doc, self.job, self.taxonomy, self.today = doc, job, taxonomy, today
        self.results: dict[tuple[int, ...], tuple[str, Resume, AtsScore]] = {}

    def result(self, edits: Sequence[Edit]) -> tuple[str, Resume, AtsScore]:
        key = tuple(id(e) for e in edits)
        found = self.results.get(key)
        if found is None:
            text = apply_edits(self.doc.text, edits)
            resume = parse_resume(self.doc.model_copy(update={"text": text}))
            score = score_ats(resume, profile_resume(resume, self.taxonomy, self.today), self.job)
            found = self.results[key] = (text, resume, score)
        return found

    def __call__(self, edits: Sequence[Edit]) -> float:
        return self.result(edits)[2].total


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1] or a == b


def tailor_document(doc: SourceDocument, resume: Resume, profile: ResumeProfile, job: JobProfile, targets: Targets,
                    before: AtsScore, options: RewriteOptions, taxonomy: Taxonomy,
                    today: date | None = None, proposed: Sequence[Edit] = (), refused: Sequence[str] = ()) -> Tailoring:
    """Tailor ``doc`` to ``job``: the planned edits that keep the score.

    ``proposed`` edits (a model's) take the place of planned ones they overlap (the
    same list reordered, the same summary) and pass the same re-score and guard;
    ``refused`` notes (proposals that were not edits worth making) join ``declined``.
    """
    planned = plan_edits(doc, profile, job, options, taxonomy)
    taken = [span for edit in proposed for span in edit.spans]
    edits = [*proposed, *(e for e in planned if not any(_overlaps(span, t) for span in e.spans for t in taken))]
    rescore = _Rescorer(doc, job, taxonomy, today)
    # Every try re-scores the whole text: a giant resume gets few tries, a normal one one per edit.
    max_trials = max(_MIN_TRIALS, _RESCORE_BUDGET // max(1, len(doc.text)))
    kept, declined = keep_if_not_worse(edits, rescore, before.total, max_trials)
    text, tailored, score = rescore.result(kept) if kept else (doc.text, resume, before)
    check_edits(doc.text, text, kept, taxonomy, path=doc.path, years=derived_years(resume),
                evidenced={s.skill for s in profile.skills})
    evidenced = {s.skill for s in profile.skills}
    surfaced = tuple(dict.fromkeys(
        m.skill for e in kept if e.kind == "extend" for term in e.terms for m in taxonomy.find(term)))
    return Tailoring(
        edits=tuple(kept),
        text=text,
        resume=tailored,
        score=score,
        matched=tuple(h.skill for h in job.skills if h.skill in evidenced),
        surfaced=surfaced,
        missing=tuple(targets.gaps),
        declined=(*refused, *(f"{e.kind} in {e.section}: it would have lowered the score" for e in declined)),
    )
