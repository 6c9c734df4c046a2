"""Fixtures for the tailoring domain's tests: the real taxonomy and documents built from text."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from tailor.pipeline.readers import SourceDocument
from tailor.pipeline.tailoring import (
    AtsScore,
    JobProfile,
    Resume,
    ResumeProfile,
    RewriteOptions,
    Tailoring,
    Taxonomy,
    analyse_job,
    load_taxonomy,
    parse_job,
    parse_resume,
    profile_resume,
    score_ats,
    set_targets,
    tailor_document,
)
from tests._samples import SAMPLES as SAMPLE_DATA

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_RESUMES = sorted((SAMPLE_DATA / "resumes").glob("*"))
SAMPLE_JOBS = sorted((SAMPLE_DATA / "jobs").glob("*"))
MESSY_RESUMES = sorted((ROOT / "tests" / "data" / "messy").glob("*"))  # described in tests/data/messy.md

TIDY_RESUME = """\
# Jane Doe
Senior Software Engineer
jane.doe@example.com | (555) 123-4567 | github.com/janedoe

## Summary
Backend engineer who builds reliable services.

## Experience
### Senior Software Engineer — Acme Corp
Jan 2020 – Present
- Organised the team offsite and wrote the onboarding guide.
- Built a Kafka pipeline processing 2 million events a day.
- Tuned Postgres queries, cutting p99 latency by 40%.

### Software Engineer | Globex | 2016 - 2019
- Wrote internal tools in JavaScript and React.
- Ran Docker builds in Jenkins.

## Skills
Python, Postgres, JavaScript, Docker

## Education
B.S. Computer Science, State University, 2012 - 2016
"""

BACKEND_JOB = """\
# Senior Backend Engineer

## Requirements
- 5+ years of experience building backend services.
- Strong Python and PostgreSQL skills.
- Experience with Kafka and Kubernetes.
- Bachelor's degree in Computer Science.

## Nice to have
- Go experience.
- Docker and Terraform.
"""


def document(text: str, path: str = "resume.md") -> SourceDocument:
    return SourceDocument(path=path, format="markdown", text=text, sha256=hashlib.sha256(text.encode()).hexdigest())


@pytest.fixture(scope="session")
def taxonomy() -> Taxonomy:
    return load_taxonomy()


@pytest.fixture
def make_doc() -> Callable[..., SourceDocument]:
    return document


@pytest.fixture
def tidy() -> Resume:
    return parse_resume(document(TIDY_RESUME))


@pytest.fixture
def tidy_profile(tidy: Resume, taxonomy: Taxonomy) -> ResumeProfile:
    return profile_resume(tidy, taxonomy)


@pytest.fixture
def backend_job(taxonomy: Taxonomy) -> JobProfile:
    return analyse_job(parse_job(document(BACKEND_JOB, "job.md")), taxonomy)


def tailor_doc(doc: SourceDocument, job_text_or_profile: str | JobProfile, taxonomy: Taxonomy,
               options: RewriteOptions | None = None) -> tuple[AtsScore, Tailoring]:
    """The whole domain pipeline on one document: (score before, tailoring)."""
    job = (job_text_or_profile if isinstance(job_text_or_profile, JobProfile)
           else analyse_job(parse_job(document(job_text_or_profile, "job.md")), taxonomy))
    source = parse_resume(doc)
    profile = profile_resume(source, taxonomy)
    before = score_ats(source, profile, job)
    targets = set_targets(before, profile, job, 80)
    return before, tailor_document(doc, source, profile, job, targets, before, options or RewriteOptions(), taxonomy)
