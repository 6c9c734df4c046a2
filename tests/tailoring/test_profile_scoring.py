from __future__ import annotations

from datetime import date

import pytest

from tailor.pipeline.tailoring import (
    WEIGHTS,
    JobProfile,
    Resume,
    ResumeProfile,
    Taxonomy,
    analyse_job,
    parse_job,
    parse_resume,
    profile_resume,
    score_ats,
    set_targets,
)

from .conftest import document


def test_evidence_points_at_the_supporting_line(tidy_profile: ResumeProfile) -> None:
    kafka = tidy_profile.evidence("Apache Kafka")
    assert kafka is not None and kafka.line == "Built a Kafka pipeline processing 2 million events a day."
    assert kafka.sections == ("experience",)
    postgres = tidy_profile.evidence("PostgreSQL")
    assert postgres is not None and set(postgres.sections) == {"experience", "skills"}
    assert postgres.surfaces == ("postgres",)
    assert tidy_profile.evidence("Kubernetes") is None
    assert tidy_profile.sections == ("summary", "experience", "skills", "education")


def test_total_years_merges_overlapping_ranges(taxonomy: Taxonomy) -> None:
    text = (
        "## Experience\n### Nurse — A\nJan 2015 – Dec 2018\n- Care.\n### Nurse — B\n2017 - 2019\n- Care.\n"
        "### Tutor — C\nMar 2021 – Present\n- Tutoring.\n"
    )
    resume = parse_resume(document(text))
    # 2015-01..2019-01 (overlap merged) = 4 years; 2021-03..2022-03 = 1 year.
    assert profile_resume(resume, taxonomy, today=date(2022, 3, 15)).total_years == 5.0
    # Without a date, "Present" counts to the resume's latest date (2021-03): deterministic.
    default = profile_resume(resume, taxonomy)
    assert default.total_years == 4.0 and default.reference == "2021-03"


def test_seniority_and_degree(tidy_profile: ResumeProfile) -> None:
    assert tidy_profile.titles[0] == "Senior Software Engineer"
    assert tidy_profile.seniority == "senior"
    assert tidy_profile.degree == "bachelor"


def test_breakdown_sums_to_total_and_every_component_is_explained(
    tidy: Resume, tidy_profile: ResumeProfile, backend_job: JobProfile
) -> None:
    score = score_ats(tidy, tidy_profile, backend_job)
    assert set(score.breakdown) == set(WEIGHTS) == set(score.explanations)
    assert sum(score.breakdown.values()) == pytest.approx(score.total, abs=1e-9)
    assert 0 <= score.total <= 100
    assert sum(WEIGHTS.values()) == 100
    assert sum(score.weights.values()) == pytest.approx(100, abs=0.05)
    for name, value in score.breakdown.items():
        assert 0 <= value <= score.weights[name] + 1e-9
        assert score.explanations[name].endswith(".") and len(score.explanations[name]) > 20
    assert "Kubernetes" in score.explanations["required_skills"]  # the missing one is named
    assert "Kubernetes" in score.missing and "Python" in score.matched


def test_listing_and_wording_raise_the_skill_score(taxonomy: Taxonomy, backend_job: JobProfile) -> None:
    base = "Jo\n\n## Experience\n### Engineer — Acme\n2015 - 2021\n- Tuned Postgres.\n"
    unlisted = parse_resume(document(base))
    listed = parse_resume(document(base + "\n## Skills\nPostgres\n"))
    worded = parse_resume(document(base + "\n## Skills\nPostgreSQL\n"))
    scores = [score_ats(r, profile_resume(r, taxonomy), backend_job).breakdown["required_skills"]
              for r in (unlisted, listed, worded)]
    assert scores[0] < scores[1] < scores[2]


def test_what_the_job_does_not_ask_for_gives_no_free_points(
        taxonomy: Taxonomy, tidy: Resume, tidy_profile: ResumeProfile) -> None:
    job = analyse_job(parse_job(document("Engineer\n\nRequirements\n- Python\n", "j.md")), taxonomy)
    score = score_ats(tidy, tidy_profile, job)
    # No preferred skills, no degree, no years: those components drop out, the rest is re-weighted to 100.
    for name in ("preferred_skills", "education", "experience_years"):
        assert score.breakdown[name] == 0.0 and score.weights[name] == 0.0
        assert "not counted" in score.explanations[name]
    assert score.weights["required_skills"] > WEIGHTS["required_skills"]
    assert sum(score.weights.values()) == pytest.approx(100, abs=0.05)


def test_targets_split_surfaceable_from_gaps(tidy: Resume, tidy_profile: ResumeProfile, backend_job: JobProfile) -> None:
    score = score_ats(tidy, tidy_profile, backend_job)
    targets = set_targets(score, tidy_profile, backend_job, 90)
    assert "Apache Kafka" in targets.surfaceable  # in a bullet, not in Skills
    assert "PostgreSQL" in targets.renamable  # resume says Postgres
    assert set(targets.gaps) == {"Kubernetes", "Go", "Terraform"}
    assert not set(targets.gaps) & set(targets.surfaceable)
    assert targets.target_score == 90 and targets.current_score == score.total
