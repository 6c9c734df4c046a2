from __future__ import annotations

import json

import pytest

from tailor.pipeline.errors import GuardError
from tailor.pipeline.tailoring import (
    JobProfile,
    Resume,
    ResumeProfile,
    RewriteOptions,
    Role,
    Tailoring,
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

from .conftest import TIDY_RESUME, document


def tailor(resume: Resume, profile: ResumeProfile, job: JobProfile, **options: object) -> Tailoring:
    targets = set_targets(score_ats(resume, profile, job), profile, job, 80)
    return rewrite(resume, profile, job, targets, RewriteOptions(**options))  # type: ignore[arg-type]


def test_bullets_reordered_by_relevance_with_a_reason(tidy: Resume, tidy_profile: ResumeProfile, backend_job: JobProfile) -> None:
    result = tailor(tidy, tidy_profile, backend_job)
    acme = result.resume.roles[0]
    assert acme.bullets[0].startswith("Built a Kafka pipeline")
    assert acme.bullets[1].startswith("Tuned Postgres")
    assert acme.bullets[2].startswith("Organised the team offsite")  # mentions nothing the job asks for
    reorder = next(c for c in result.changes if c.kind == "reorder" and c.section == "Experience: Acme Corp")
    assert reorder.reason == ("moved 'Built a Kafka pipeline processing 2 million eve…' to the top of Acme Corp: "
                              "mentions Kafka, required by the job")


def test_ties_keep_their_original_order(taxonomy: Taxonomy) -> None:
    text = "## Experience\n### Engineer — Acme\n2019 - 2021\n- Alpha task.\n- Beta task.\n- Gamma task.\n"
    resume = parse_resume(document(text))
    job = analyse_job(parse_job(document("Engineer\nRequirements: Python", "j.md")), taxonomy)
    result = tailor(resume, profile_resume(resume, taxonomy), job)
    assert result.resume.roles[0].bullets == ("Alpha task.", "Beta task.", "Gamma task.")
    assert not [c for c in result.changes if c.kind == "reorder" and c.section.startswith("Experience")]


def test_skills_renamed_to_the_jobs_term_and_ordered_job_first(
    tidy: Resume, tidy_profile: ResumeProfile, backend_job: JobProfile
) -> None:
    result = tailor(tidy, tidy_profile, backend_job)
    skills = result.resume.skills
    assert "PostgreSQL" in skills and "Postgres" not in skills
    assert skills.index("Python") < skills.index("JavaScript")  # required before unrelated
    assert skills.index("PostgreSQL") < skills.index("Docker")  # required before preferred
    rename = next(c for c in result.changes if c.kind == "rename" and c.section == "Skills")
    assert rename.reason == "renamed 'Postgres' to 'PostgreSQL': the job's wording for the same skill"
    # In a bullet the job's term is added in parentheses; the fact itself is untouched.
    assert "Tuned Postgres (PostgreSQL) queries, cutting p99 latency by 40%." in result.resume.roles[0].bullets


def test_evidenced_skills_are_surfaced_and_gaps_never_filled(
    tidy: Resume, tidy_profile: ResumeProfile, backend_job: JobProfile
) -> None:
    result = tailor(tidy, tidy_profile, backend_job)
    assert "Kafka" in result.resume.skills
    assert result.surfaced == ("Apache Kafka",)
    surface = next(c for c in result.changes if c.kind == "surface")
    assert "Kafka" in surface.reason and "Built a Kafka pipeline" in surface.reason
    assert set(result.missing) == {"Kubernetes", "Go", "Terraform"}
    text = render(result.resume, "md")
    for gap in ("Kubernetes", "k8s", "Terraform", "Golang"):
        assert gap not in text


def test_summary_rewritten_from_the_resumes_own_facts(tidy: Resume, tidy_profile: ResumeProfile, backend_job: JobProfile) -> None:
    for tone, phrase in (("neutral", "years of experience in"), ("confident", "hands-on experience"),
                         ("formal", "professional experience, including")):
        result = tailor(tidy, tidy_profile, backend_job, tone=tone)
        lead = result.resume.summary.removesuffix(" " + tidy.summary)
        assert lead.startswith("Senior Software Engineer ") and phrase in lead
        assert "3+ years" in lead  # 2016-2019 + Jan 2020 to the latest date the resume gives (2020-01)
        assert "Python" in lead and "Kubernetes" not in lead
        assert result.resume.summary.endswith(tidy.summary)  # the original is kept
        assert any(c.section == "Summary" and c.kind == "rewrite" and tone in c.reason for c in result.changes)


def test_partial_mode_leaves_experience_untouched(tidy: Resume, tidy_profile: ResumeProfile, backend_job: JobProfile) -> None:
    result = tailor(tidy, tidy_profile, backend_job, mode="partial")
    assert result.resume.roles == tidy.roles
    assert result.resume.skills != tidy.skills and result.resume.summary != tidy.summary
    assert {c.section for c in result.changes} <= {"Skills", "Summary"}


def test_concise_drops_least_relevant_bullets_past_the_cap(
    tidy: Resume, tidy_profile: ResumeProfile, backend_job: JobProfile
) -> None:
    result = tailor(tidy, tidy_profile, backend_job, length="concise", max_bullets_per_role=2)
    assert result.resume.roles[0].bullets == (
        "Built a Kafka pipeline processing 2 million events a day.",
        "Tuned Postgres (PostgreSQL) queries, cutting p99 latency by 40%.",
    )
    assert any(c.kind == "rewrite" and "dropped the 1 least relevant bullet" in c.reason for c in result.changes)
    thorough = tailor(tidy, tidy_profile, backend_job, length="thorough", max_bullets_per_role=2)
    assert len(thorough.resume.roles[0].bullets) == 3


def test_concise_keeps_a_bullet_that_alone_evidences_a_job_skill(taxonomy: Taxonomy) -> None:
    text = "## Experience\n### Engineer — Acme\n2019 - 2021\n- Wrote Python.\n- Wrote more Python.\n- Ran Docker.\n"
    resume = parse_resume(document(text))
    job = analyse_job(parse_job(document("Engineer\nRequirements: Python. Nice to have: Docker.", "j.md")), taxonomy)
    profile = profile_resume(resume, taxonomy)
    result = tailor(resume, profile, job, length="concise", max_bullets_per_role=1, mode="full")
    # Docker is surfaced in Skills, so the Docker bullet may go; one of the two Python bullets may go too.
    bullets = result.resume.roles[0].bullets
    assert bullets[0] == "Wrote Python."
    assert score_ats(result.resume, profile_resume(result.resume, taxonomy), job).total >= \
        score_ats(resume, profile, job).total


def test_skills_section_created_when_missing(taxonomy: Taxonomy, backend_job: JobProfile) -> None:
    resume = parse_resume(document("Jo Park\n\n## Experience\n### Engineer — Acme\n2015 - 2021\n- Built Python services.\n"))
    result = tailor(resume, profile_resume(resume, taxonomy), backend_job)
    assert [s.kind for s in result.resume.sections] == ["header", "summary", "skills", "experience"]
    assert result.resume.skills == ("Python",)
    assert result.resume.roles[0].section == 3  # still points at the experience section
    assert "## Skills\nPython" in render(result.resume, "md")


def test_rewrite_is_deterministic(tidy: Resume, tidy_profile: ResumeProfile, backend_job: JobProfile) -> None:
    first = tailor(tidy, tidy_profile, backend_job, length="concise", max_bullets_per_role=2)
    again = tailor(parse_resume(document(TIDY_RESUME)), tidy_profile, backend_job, length="concise", max_bullets_per_role=2)
    assert first == again
    assert render(first.resume, "json") == render(again.resume, "json")


def test_score_not_lower_after_tailoring(tidy: Resume, tidy_profile: ResumeProfile, backend_job: JobProfile, taxonomy: Taxonomy) -> None:
    before = score_ats(tidy, tidy_profile, backend_job)
    result = tailor(tidy, tidy_profile, backend_job)
    after = score_ats(result.resume, profile_resume(result.resume, taxonomy), backend_job)
    assert after.total > before.total  # surfacing Kafka and wording PostgreSQL are worth points
    check_no_invention(tidy, result.resume, taxonomy)


# --- the guard -------------------------------------------------------------------------------------


def test_guard_passes_an_honest_tailoring(tidy: Resume, tidy_profile: ResumeProfile, backend_job: JobProfile, taxonomy: Taxonomy) -> None:
    check_no_invention(tidy, tailor(tidy, tidy_profile, backend_job).resume, taxonomy)


def test_guard_catches_an_invented_skill(tidy: Resume, taxonomy: Taxonomy) -> None:
    planted = tidy.model_copy(update={"skills": (*tidy.skills, "k8s")})
    with pytest.raises(GuardError, match=r"skills not evidenced in the source: Kubernetes"):
        check_no_invention(tidy, planted, taxonomy)


def test_guard_catches_an_invented_employer_title_and_dates(tidy: Resume, taxonomy: Taxonomy) -> None:
    role = tidy.roles[0]
    for change, expected in (({"employer": "Google"}, "employer 'Google'"), ({"title": "CTO"}, "title 'CTO'"),
                             ({"dates": "Jan 2010 – Present", "start": "2010-01"}, "dates 'Jan 2010 – Present'")):
        planted = tidy.model_copy(update={"roles": (role.model_copy(update=change), *tidy.roles[1:])})
        with pytest.raises(GuardError, match=expected):
            check_no_invention(tidy, planted, taxonomy)


def test_guard_catches_an_invented_number(tidy: Resume, taxonomy: Taxonomy) -> None:
    role = tidy.roles[0]
    bullets = ("Built a Kafka pipeline processing 5 million events a day.", *role.bullets[1:])
    planted = tidy.model_copy(update={"roles": (role.model_copy(update={"bullets": bullets}), *tidy.roles[1:])})
    with pytest.raises(GuardError, match=r"numbers not in the source: 5$"):
        check_no_invention(tidy, planted, taxonomy)
    inflated = tidy.model_copy(update={"summary": "Engineer with 12+ years of experience."})
    with pytest.raises(GuardError, match="12"):
        check_no_invention(tidy, inflated, taxonomy)


def test_guard_error_names_the_file(tidy: Resume, taxonomy: Taxonomy) -> None:
    planted = tidy.model_copy(update={"roles": (Role(title="Invented", employer="Nowhere"),)})
    with pytest.raises(GuardError, match=r"^resume.md: invented content: roles not in the source"):
        check_no_invention(tidy, planted, taxonomy)


# --- render ----------------------------------------------------------------------------------------


def test_markdown_parses_back(tidy: Resume, tidy_profile: ResumeProfile, backend_job: JobProfile) -> None:
    tailored = tailor(tidy, tidy_profile, backend_job).resume
    again = parse_resume(document(render(tailored, "md")))
    assert again.contact == tailored.contact.model_copy(update={"location": again.contact.location})
    assert again.summary == tailored.summary
    assert again.skills == tailored.skills
    assert [(r.title, r.employer, r.dates, r.bullets) for r in again.roles] == \
        [(r.title, r.employer, r.dates, r.bullets) for r in tailored.roles]
    assert again.education == tailored.education


def test_json_is_json_resume_like(tidy: Resume) -> None:
    data = json.loads(render(tidy, "json"))
    assert data["basics"]["name"] == "Jane Doe" and data["basics"]["email"] == "jane.doe@example.com"
    assert data["work"][0] == {
        "name": "Acme Corp", "position": "Senior Software Engineer", "startDate": "2020-01", "endDate": "",
        "current": True, "dates": "Jan 2020 – Present", "highlights": list(tidy.roles[0].bullets),
    }
    assert [s["name"] for s in data["skills"]] == list(tidy.skills)


def test_html_is_escaped_and_self_contained(taxonomy: Taxonomy) -> None:
    resume = parse_resume(document("# A <b>&</b> B\n\n## Skills\nC++, <script>alert(1)</script>\n"))
    page = render(resume, "html")
    assert page.startswith("<!doctype html>") and "<style>" in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "A &lt;b&gt;&amp;&lt;/b&gt; B" in page
    assert "<span>C++</span>" in page
    assert "http" not in page  # nothing fetched from elsewhere
