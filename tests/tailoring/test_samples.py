"""Every sample resume (and every messy one) against every sample job: honest, never lower, deterministic."""

from __future__ import annotations

from pathlib import Path

import pytest

from tailor.pipeline.tailoring import (
    RewriteOptions,
    Taxonomy,
    analyse_job,
    check_no_invention,
    parse_job,
    parse_resume,
    profile_resume,
    render,
    rewrite,
    score_ats,
    set_targets,
)

from .conftest import MESSY_RESUMES, SAMPLE_JOBS, SAMPLE_RESUMES

pytestmark = pytest.mark.skipif(not SAMPLE_JOBS, reason="sample_data/jobs not present")


def _run(resume_path: Path, job_path: Path, taxonomy: Taxonomy, options: RewriteOptions) -> tuple[float, float, str]:
    from tailor.pipeline.readers import read_job, read_resume

    source = parse_resume(read_resume(resume_path))
    job = analyse_job(parse_job(read_job(job_path)), taxonomy)
    profile = profile_resume(source, taxonomy)
    before = score_ats(source, profile, job)
    result = rewrite(source, profile, job, set_targets(before, profile, job, 80), options)
    check_no_invention(source, result.resume, taxonomy)
    after = score_ats(result.resume, profile_resume(result.resume, taxonomy), job)
    return before.total, after.total, render(result.resume, "md")


@pytest.mark.parametrize("resume_path", SAMPLE_RESUMES + MESSY_RESUMES, ids=lambda p: p.name)
def test_every_resume_against_every_job(resume_path: Path, taxonomy: Taxonomy) -> None:
    for job_path in SAMPLE_JOBS:
        for options in (RewriteOptions(), RewriteOptions(mode="partial", tone="formal"),
                        RewriteOptions(length="concise", max_bullets_per_role=2, tone="confident")):
            before, after, text = _run(resume_path, job_path, taxonomy, options)
            assert after >= before, (job_path.name, options)
            assert text.strip()


@pytest.mark.parametrize(("resume_name", "job_name"), [
    ("software_engineer.md", "backend_engineer.md"),
    ("registered_nurse.pdf", "registered_nurse.txt"),
    ("account_executive.txt", "account_executive.md"),
    ("product_designer.docx", "product_designer.md"),
    ("data_scientist.json", "data_scientist.txt"),
])
def test_matching_pairs_score_well_and_improve(resume_name: str, job_name: str, taxonomy: Taxonomy) -> None:
    root = SAMPLE_JOBS[0].parents[1]
    resume_path, job_path = root / "resumes" / resume_name, root / "jobs" / job_name
    if not resume_path.exists() or not job_path.exists():
        pytest.skip("sample pair not present")
    before, after, text = _run(resume_path, job_path, taxonomy, RewriteOptions())
    assert before >= 55 and after > before
    # Same inputs twice: the same bytes out.
    assert _run(resume_path, job_path, taxonomy, RewriteOptions())[2] == text
    # A matching pair beats every mismatched job for the same resume.
    for other in SAMPLE_JOBS:
        if other != job_path:
            assert _run(resume_path, other, taxonomy, RewriteOptions())[0] < before
