from __future__ import annotations

import pytest

from tailor.pipeline.errors import InputError
from tailor.pipeline.tailoring import (
    JobProfile,
    Taxonomy,
    analyse_job,
    parse_job,
    parse_resume,
    validate_inputs,
)

from .conftest import document


def analyse(text: str, taxonomy: Taxonomy) -> JobProfile:
    return analyse_job(parse_job(document(text, "job.md")), taxonomy)


def requirement(job: JobProfile, skill: str) -> str:
    hit = job.hit(skill)
    assert hit is not None, f"{skill} not found in {[h.skill for h in job.skills]}"
    return hit.requirement


def test_required_and_preferred_by_section(backend_job: JobProfile) -> None:
    assert backend_job.title == "Senior Backend Engineer"
    for skill in ("Python", "PostgreSQL", "Apache Kafka", "Kubernetes"):
        assert requirement(backend_job, skill) == "required"
    for skill in ("Go", "Docker", "Terraform"):
        assert requirement(backend_job, skill) == "preferred"
    kinds = [h.requirement for h in backend_job.skills]
    assert kinds == ["required"] * kinds.count("required") + ["preferred"] * kinds.count("preferred")


@pytest.mark.parametrize(("heading", "expected"), [
    ("Requirements", "required"), ("Qualifications", "required"), ("Must have", "required"),
    ("Nice to have", "preferred"), ("Preferred Qualifications", "preferred"), ("Bonus points", "preferred"),
])
def test_section_headings(taxonomy: Taxonomy, heading: str, expected: str) -> None:
    job = analyse(f"Data Engineer\n\n{heading}:\n- Experience with Snowflake.\n", taxonomy)
    assert requirement(job, "Snowflake") == expected


@pytest.mark.parametrize(("sentence", "python", "go"), [
    ("Python is required and Go is a plus.", "required", "preferred"),
    ("You must know Python; Go is nice to have.", "required", "preferred"),
    ("Python, Go preferred.", "preferred", "preferred"),
    ("Must have Python, bonus if you know Go.", "required", "preferred"),
])
def test_cue_words_in_the_sentence(taxonomy: Taxonomy, sentence: str, python: str, go: str) -> None:
    job = analyse(f"Engineer\n\nWhat you'll do\n- {sentence}\n", taxonomy)
    assert (requirement(job, "Python"), requirement(job, "Go")) == (python, go)


def test_cue_word_overrides_section(taxonomy: Taxonomy) -> None:
    job = analyse("Engineer\n\nRequirements\n- Python.\n- Experience with Rust is a plus.\n", taxonomy)
    assert requirement(job, "Rust") == "preferred"
    assert requirement(job, "Python") == "required"


def test_about_and_benefits_sections_add_no_skills(taxonomy: Taxonomy) -> None:
    job = analyse("Engineer\n\nAbout us\nWe run on AWS.\n\nBenefits\n- Free Tableau training.\n\nRequirements\n- SQL\n", taxonomy)
    assert [h.skill for h in job.skills] == ["SQL"]


@pytest.mark.parametrize(("text", "years"), [
    ("5+ years of experience with Python", 5.0),
    ("at least 3 years of nursing experience", 3.0),
    ("3-5 years in B2B sales", 3.0),
    ("two years of experience", 2.0),
    ("Minimum 2 years as an RN; 7+ years preferred for leads", 7.0),
    ("Founded 20 years ago, we value Python", None),
])
def test_years(taxonomy: Taxonomy, text: str, years: float | None) -> None:
    assert analyse(f"Engineer\n\nRequirements\n- {text}\n", taxonomy).years == years


@pytest.mark.parametrize(("title", "level"), [
    ("Software Engineering Intern", "intern"), ("Junior Data Analyst", "junior"), ("Sr. Product Designer", "senior"),
    ("Staff Software Engineer", "staff"), ("Principal Engineer", "principal"), ("Engineering Manager", "manager"),
    ("Director of Sales", "director"), ("Tech Lead", "lead"), ("Staff Nurse", None), ("Registered Nurse", None),
])
def test_seniority_from_title(taxonomy: Taxonomy, title: str, level: str | None) -> None:
    assert analyse(f"# {title}\n\nRequirements\n- Python\n", taxonomy).seniority == level


@pytest.mark.parametrize(("text", "degree"), [
    ("Bachelor's degree in Computer Science.", "bachelor"),
    ("BSN required.", "bachelor"),
    ("Master's or PhD in statistics.", "master"),
    ("Graduate of an accredited program (ADN or BSN).", "associate"),
    ("PhD in machine learning.", "doctorate"),
    ("Scrum Master certification and MS Office.", None),
    ("Bachelor's degree preferred.", None),
])
def test_degree(taxonomy: Taxonomy, text: str, degree: str | None) -> None:
    assert analyse(f"Role\n\nRequirements\n- {text}\n", taxonomy).degree == degree


def test_key_terms_are_recurring_non_skill_terms(taxonomy: Taxonomy) -> None:
    text = (
        "Registered Nurse\n\nResponsibilities\n- Improve patient outcomes through evidence-based practice.\n"
        "- Track patient outcomes and report to the stakeholder group.\n- Partner with each stakeholder on "
        "evidence-based practice.\n- Use Epic daily.\n"
    )
    job = analyse(text, taxonomy)
    assert "patient outcomes" in job.key_terms
    assert "stakeholder" in job.key_terms
    assert all("epic" not in t for t in job.key_terms)  # skills are not key terms
    assert not {"the", "and", "with", "experience"} & set(job.key_terms)


def test_validate_inputs(taxonomy: Taxonomy) -> None:
    resume = parse_resume(document("Jo Bloggs\nSkills: Python"))
    empty_job = parse_job(document("!!! ---", "job.txt"))
    with pytest.raises(InputError, match=r"^job.txt: .*no recognisable content"):
        validate_inputs(resume, empty_job)
    with pytest.raises(InputError, match=r"^elsewhere/job.md: .*no recognisable content"):
        validate_inputs(resume, empty_job, job_path="elsewhere/job.md")  # this run's file, not the parsed one's
    warnings = validate_inputs(resume, parse_job(document("Engineer\nRequirements: Python and SQL.", "job.txt")))
    assert ("resume", "no roles found; years of experience will count as 0") in warnings
    assert ("resume", "no email address found") in warnings
