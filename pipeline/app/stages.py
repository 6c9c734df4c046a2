"""The tailoring pipeline as a list of step functions.

Each parameter name is the step (or run input) it needs, so this file *is* the
graph: parse resume ‖ parse job → validation → job profile ‖ resume profile →
ATS before → targets → tailoring → ATS after ‖ rendered → stored, and logged
in the background.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from tailor.pipeline.engine import step
from tailor.pipeline.readers.inputs import InputFile
from tailor.pipeline.tailoring.models import Validation
from tailor.pipeline.writers._atomic import write_output

# The domain modules are imported inside the steps that use them: a fully cached run
# executes none of these steps, and importing the parser, taxonomy and rewriter would
# cost it more than the run itself.

if TYPE_CHECKING:
    from tailor.pipeline.tailoring.models import (
        AtsScore,
        JobPosting,
        JobProfile,
        Resume,
        ResumeProfile,
        RewriteOptions,
        Tailoring,
        Targets,
    )

# Run inputs the graph expects besides its steps.
# `today` is the first day of the current month: "Present" in a resume counts to it, and
# keeping it to the month keeps cache keys stable for a month.
RUN_INPUTS = ("resume_file", "job_file", "options", "target_score", "output", "history_sink", "today")

# Bump a step's version when its logic changes, so old cache entries stop matching.
PARSE_VERSION = "3"  # 3: readers refuse lone surrogates and bound their cost (issue 17)
ANALYSIS_VERSION = "4"  # 4: implications, either/or, no free points, fit band (issue 15)


@dataclass(frozen=True)
class OutputTarget:
    """Where and how the tailored resume is written."""

    path: str
    format: str


class HistorySink(Protocol):
    """Receives a finished run's facts; the log step calls it in the background."""

    def record_run(self, values: dict[str, Any]) -> None: ...


def _score_ttl(score: AtsScore) -> float:
    # As in the seeds: a strong result is worth keeping longer than a weak one.
    return 86_400.0 * (1 + 6 * score.total / 100)


@step(cache=True, version=PARSE_VERSION)
def resume(resume_file: InputFile) -> Resume:
    from tailor.pipeline.readers._files import read_resume
    from tailor.pipeline.tailoring.parse import parse_resume

    return parse_resume(read_resume(resume_file.path, max_bytes=resume_file.size + 1, max_lines=resume_file.max_lines,
                                    max_bullets=resume_file.max_bullets))


@step(cache=True, version=PARSE_VERSION)
def job(job_file: InputFile) -> JobPosting:
    from tailor.pipeline.readers._files import read_job
    from tailor.pipeline.tailoring.parse import parse_job

    return parse_job(read_job(job_file.path, max_bytes=job_file.size + 1))


# Cached although cheap: it needs the taxonomy, and a fully cached run should never pay to compile it.
@step(cache=True, version=ANALYSIS_VERSION)
def validation(resume: Resume, job: JobPosting, resume_file: InputFile, job_file: InputFile) -> Validation:
    from tailor.pipeline.tailoring.parse import validate_inputs

    # The files' paths are not part of their content (nor of this step's key): they only name
    # this run's files in an error.
    return Validation(tuple(validate_inputs(resume, job, resume_path=resume_file.path, job_path=job_file.path)))


@step(cache=True, version=ANALYSIS_VERSION)
def job_profile(job: JobPosting, validation: Validation) -> JobProfile:
    from tailor.pipeline.tailoring.jobs import analyse_job
    from tailor.pipeline.tailoring.taxonomy import load_taxonomy

    return analyse_job(job, load_taxonomy())


@step(cache=True, version=ANALYSIS_VERSION)
def resume_profile(resume: Resume, validation: Validation, today: date) -> ResumeProfile:
    from tailor.pipeline.tailoring.profile import profile_resume
    from tailor.pipeline.tailoring.taxonomy import load_taxonomy

    return profile_resume(resume, load_taxonomy(), today)


@step(cache=True, version=ANALYSIS_VERSION, ttl=_score_ttl)
def ats_before(resume: Resume, resume_profile: ResumeProfile, job_profile: JobProfile) -> AtsScore:
    from tailor.pipeline.tailoring.scoring import score_ats

    return score_ats(resume, resume_profile, job_profile)


@step(cache=True, version=ANALYSIS_VERSION)
def targets(ats_before: AtsScore, resume_profile: ResumeProfile, job_profile: JobProfile, target_score: float) -> Targets:
    from tailor.pipeline.tailoring.targets import set_targets

    return set_targets(ats_before, resume_profile, job_profile, target_score)


@step(cache=True, version=ANALYSIS_VERSION)
def tailoring(
    resume: Resume,
    resume_profile: ResumeProfile,
    job_profile: JobProfile,
    targets: Targets,
    ats_before: AtsScore,
    options: RewriteOptions,
    today: date,
) -> Tailoring:
    from tailor.pipeline.tailoring.tailored import tailor_document
    from tailor.pipeline.tailoring.taxonomy import load_taxonomy

    assert resume.source is not None, "a parsed resume keeps its source document"
    # Plans the edits, keeps those that do not lower the re-score, and refuses (GuardError) any
    # result that lost a word of the source or claims what it does not support.
    return tailor_document(resume.source, resume, resume_profile, job_profile, targets, ats_before, options,
                           load_taxonomy(), today)


@step(cache=True, version=ANALYSIS_VERSION, ttl=_score_ttl)
def ats_after(tailoring: Tailoring) -> AtsScore:
    # The tailoring step re-scored its result to decide which edits to keep: the re-score is that one.
    assert tailoring.score is not None
    return tailoring.score


@step(cache=False)
def rendered(tailoring: Tailoring, resume: Resume, resume_file: InputFile, output: OutputTarget) -> bytes:
    from tailor.pipeline.app.output import render_output

    assert resume.source is not None
    return render_output(resume.source, tailoring, output.format, resume_file.path)


@step(cache=False)
def stored(rendered: bytes, output: OutputTarget) -> str:
    write_output(output.path, rendered)
    return output.path


@step(cache=False, background=True, required=False)
def logged(
    stored: str,
    ats_before: AtsScore,
    ats_after: AtsScore,
    targets: Targets,
    tailoring: Tailoring,
    validation: Validation,
    job_profile: JobProfile,
    resume_file: InputFile,
    job_file: InputFile,
    history_sink: HistorySink | None,
) -> None:
    if history_sink is None:
        return
    history_sink.record_run(
        {
            "ats_before": ats_before,
            "ats_after": ats_after,
            "targets": targets,
            "tailoring": tailoring,
            "job_profile": job_profile,
            "warnings": list(validation.warnings_for(resume_file.path, job_file.path)),
        }
    )


STEPS = (
    resume,
    job,
    validation,
    job_profile,
    resume_profile,
    ats_before,
    targets,
    tailoring,
    ats_after,
    rendered,
    stored,
    logged,
)
