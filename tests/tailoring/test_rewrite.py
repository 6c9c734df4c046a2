"""The edits, one kind at a time, and every defect issue 14 quoted, each as a test.

Each defect was a re-rendering of what the parser understood; the tests pin that
the tailored text is the source's own text with a few listed edits.
"""

from __future__ import annotations

import re

import pytest

from tailor.pipeline.readers import read_job, read_resume
from tailor.pipeline.tailoring import RewriteOptions, Taxonomy, analyse_job, apply_edits, parse_job
from tailor.pipeline.tailoring.guard import lost_words
from tests._samples import SAMPLES as SAMPLE_DATA

from .conftest import BACKEND_JOB, ROOT, TIDY_RESUME, document, tailor_doc

SAMPLES = SAMPLE_DATA


def sample(resume: str, job: str, taxonomy: Taxonomy, **options: object):  # type: ignore[no-untyped-def]
    doc = read_resume(SAMPLES / "resumes" / resume)
    profile = analyse_job(parse_job(read_job(SAMPLES / "jobs" / job)), taxonomy)
    before, result = tailor_doc(doc, profile, taxonomy, RewriteOptions(**options))  # type: ignore[arg-type]
    return doc, before, result


def test_move_puts_the_bullet_the_job_asks_for_first_and_keeps_every_line(taxonomy: Taxonomy) -> None:
    doc = document(TIDY_RESUME)
    _, result = tailor_doc(doc, BACKEND_JOB, taxonomy)
    move = next(e for e in result.edits if e.kind == "move")
    assert "Kafka" in move.before and "Kafka" in move.reason
    lines = result.text.split("\n")
    assert lines.index("- Built a Kafka pipeline processing 2 million events a day.") < lines.index(
        "- Organised the team offsite and wrote the onboarding guide.")
    assert sorted(line for line in result.text.split("\n") if line.startswith("- ")) == sorted(
        line for line in doc.text.split("\n") if line.startswith("- "))


def test_rename_is_in_place_on_the_skills_line_to_the_jobs_wording(taxonomy: Taxonomy) -> None:
    _, result = tailor_doc(document(TIDY_RESUME), BACKEND_JOB, taxonomy)
    rename = next(e for e in result.edits if e.kind == "rename")
    assert (rename.before, rename.after) == ("Postgres", "PostgreSQL")
    assert "Python, PostgreSQL, JavaScript, Docker" in result.text
    assert "Tuned Postgres queries" in result.text  # the person's sentences keep their words


def test_extend_adds_only_evidenced_skills_to_the_existing_line(taxonomy: Taxonomy) -> None:
    _, result = tailor_doc(document(TIDY_RESUME), BACKEND_JOB, taxonomy)
    extend = next(e for e in result.edits if e.kind == "extend")
    assert "Kafka" in " ".join(extend.terms) and "Kafka" in extend.evidence
    assert "Kubernetes" not in result.text  # a gap: reported, never filled
    assert "Kubernetes" in result.missing


def test_summary_is_inserted_only_where_there_is_none(taxonomy: Taxonomy) -> None:
    without = TIDY_RESUME.replace("## Summary\nBackend engineer who builds reliable services.\n\n", "")
    _, result = tailor_doc(document(without), BACKEND_JOB, taxonomy)
    summary = next(e for e in result.edits if e.kind == "summary")
    assert "## Summary" in summary.after and "Senior Software Engineer" in summary.after
    _, kept = tailor_doc(document(TIDY_RESUME), BACKEND_JOB, taxonomy)
    assert not [e for e in kept.edits if e.kind == "summary"]
    assert "## Summary\nBackend engineer who builds reliable services.\n" in kept.text


@pytest.mark.parametrize("tone", ["neutral", "confident", "formal"])
def test_the_summary_never_says_the_years_of_the_work_are_years_of_a_skill(taxonomy: Taxonomy, tone: str) -> None:
    # Issue 15's note: "HR Business Partner with 10+ years of experience in Logistics." from a resume
    # whose dates cover ten years of work, seven of them HR, with logistics named once.
    without = TIDY_RESUME.replace("## Summary\nBackend engineer who builds reliable services.\n\n", "")
    _, result = tailor_doc(document(without), BACKEND_JOB, taxonomy, RewriteOptions(tone=tone))  # type: ignore[arg-type]
    summary = next(e for e in result.edits if e.kind == "summary").after
    assert re.search(r"\d+\+ years of (work|professional) experience(; skills include| and hands-on skills in) ", summary), summary
    for tied in ("experience in ", "experience with ", "experience, including "):  # years said of the skills
        assert tied not in summary, summary
    assert "Python" in summary


def test_overlapping_edits_are_refused(taxonomy: Taxonomy) -> None:
    from tailor.pipeline.errors import TailorError
    from tailor.pipeline.tailoring import Edit

    a = Edit(kind="rename", section="s", spans=((0, 4),), before="# Ja", after="x", reason="r")
    b = Edit(kind="rename", section="s", spans=((2, 6),), before="Ja", after="y", reason="r")
    with pytest.raises(TailorError, match="overlapping"):
        apply_edits(TIDY_RESUME, [a, b])


# --- the defects quoted in issue 14 ----------------------------------------------------------


def test_closing_bracket_kept_harborview_fitness(taxonomy: Taxonomy) -> None:
    # "Harborview Fitness (subscription app" lost its bracket when roles were re-rendered.
    for job in ("data_scientist.txt", "backend_engineer.md"):
        _, _, result = sample("data_scientist.json", job, taxonomy)
        assert "Harborview Fitness (subscription app)" in result.text


def test_role_locations_and_header_city_kept(taxonomy: Taxonomy) -> None:
    doc, _, result = sample("software_engineer.md", "backend_engineer.md", taxonomy)
    for place in ("Denver, CO (remote-first)", "Boulder, CO", "Fort Collins, CO"):
        assert result.text.count(place) == doc.text.count(place) > 0


def test_skills_groups_and_spoken_languages_stay_as_written(taxonomy: Taxonomy) -> None:
    doc, _, result = sample("product_designer.docx", "product_designer.md", taxonomy)
    languages = next(line for line in doc.text.split("\n") if line.startswith("- Languages:"))
    assert languages in result.text.split("\n")  # not flattened into the skills list
    assert sum(1 for line in result.text.split("\n") if line.startswith("- ") and ":" in line[:20]) >= 4


def test_education_line_not_split_and_degree_stays_under_education(taxonomy: Taxonomy) -> None:
    doc, _, result = sample("software_engineer.md", "backend_engineer.md", taxonomy)
    education = doc.text.split("## Education", 1)[1]
    assert result.text.split("## Education", 1)[1] == education
    assert "- 2012 – 2016 · Fort Collins, CO" not in result.text
    _, _, teacher = sample("career_changer_teacher.yaml", "data_scientist.txt", taxonomy)
    courses = teacher.text.split("Courses", 1)[1] if "Courses" in teacher.text else ""
    assert "Bachelor" not in courses.split("##", 1)[0]


def test_summary_never_stacked_in_front_of_the_persons_own(taxonomy: Taxonomy) -> None:
    # "Data Analyst (volunteer, part-time experienced in…" was stacked before the summary.
    doc, _, result = sample("career_changer_teacher.yaml", "data_scientist.txt", taxonomy)
    assert not [e for e in result.edits if e.kind == "summary"]
    assert "experienced in" not in result.text.replace(doc.text, "")
    own = next(line for line in doc.text.split("\n") if len(line.split()) > 12)
    assert own in result.text


def test_portfolio_link_kept_for_a_design_job(taxonomy: Taxonomy) -> None:
    doc, _, result = sample("product_designer.docx", "product_designer.md", taxonomy)
    assert "portfolio" in doc.text and result.text.count("portfolio") == doc.text.count("portfolio")


@pytest.mark.parametrize(("resume", "job", "achievement"), [
    ("account_executive.txt", "account_executive.md", "Closed $1.06M in new ARR in 2023 against a $900K quota (118%)"),
    ("data_scientist.json", "data_scientist.txt", "Designed and analysed 25+ A/B tests"),
    ("registered_nurse.pdf", "registered_nurse.txt", "Relief charge nurse"),
])
def test_concise_keeps_the_strongest_achievements(resume: str, job: str, achievement: str, taxonomy: Taxonomy) -> None:
    doc, _, result = sample(resume, job, taxonomy, length="concise")
    assert achievement in doc.text and achievement in result.text
    assert not any(achievement in e.before for e in result.edits if e.kind == "drop")


def test_default_length_keeps_every_bullet(taxonomy: Taxonomy) -> None:
    for resume, job in (("account_executive.txt", "account_executive.md"), ("data_scientist.json", "data_scientist.txt")):
        doc, _, result = sample(resume, job, taxonomy)
        assert not lost_words(doc.text, result.text, result.edits)
        assert not [e for e in result.edits if e.kind == "drop"]


def test_a_b_testing_never_renamed_to_experimentation_nor_looker_studio_to_looker(taxonomy: Taxonomy) -> None:
    resume = TIDY_RESUME.replace("Python, Postgres, JavaScript, Docker", "Python, A/B testing, Looker Studio, SQL")
    job = BACKEND_JOB + "- Experimentation and Looker dashboards.\n"
    _, result = tailor_doc(document(resume), job, taxonomy)
    assert "A/B testing" in result.text and "Looker Studio" in result.text
    assert not [e for e in result.edits if e.kind == "rename" and e.before in ("A/B testing", "Looker Studio")]
    assert taxonomy.canonical("looker studio") != taxonomy.canonical("looker")
    assert taxonomy.canonical("experimentation") != taxonomy.canonical("a/b testing")


def test_docx_cv_score_does_not_fall(taxonomy: Taxonomy) -> None:
    for job in sorted((SAMPLES / "jobs").iterdir()):
        _, before, result = sample("product_designer.docx", job.name, taxonomy)
        assert result.score is not None and result.score.total >= before.total


def test_no_heading_garbage_and_no_table_rows_as_skills(taxonomy: Taxonomy) -> None:
    # Outputs opened with "# •"; "company - X" and "description - <city>, 58.8%" were listed as skills.
    messy = sorted((ROOT / "tests" / "data" / "messy").glob("*skill_details*.txt"))
    assert messy
    for path in messy:
        doc = read_resume(path)
        _, result = tailor_doc(doc, BACKEND_JOB, taxonomy)
        assert result.text.split("\n")[0].startswith(doc.text.split("\n")[0])  # the first line is theirs
        for edit in result.edits:
            if edit.kind == "extend":
                assert all(taxonomy.canonical(t.lower()) or taxonomy.skills_in(t) for t in edit.terms), edit.terms
                assert not any(t.lower().startswith(("company", "description")) for t in edit.terms)


def test_employer_stays_with_its_role(taxonomy: Taxonomy) -> None:
    # "Java Developer - <employer>" was filed under Education and the employer vanished from the role.
    text = ("Ravi Kumar\nravi@example.com\nExperience\nJava Developer - Trident Softworks\nJan 2019 - Present\n"
            "- Built Spring Boot services in Java.\n- Wrote SQL reports.\nEducation\nB.E. Computer Engineering, 2018\n")
    doc = document(text, "r.txt").model_copy(update={"format": "text"})
    _, result = tailor_doc(doc, BACKEND_JOB, taxonomy)
    experience = result.text.split("Education")[0]
    assert "Java Developer - Trident Softworks" in experience


def test_wrapped_bullets_move_whole(taxonomy: Taxonomy) -> None:
    # "sentences broken across reordered bullets": a wrapped bullet moves with its continuation line.
    text = ("Ada Lovelace\nada@example.com\n\nEXPERIENCE\nEngineer, Acme, Jan 2019 - Present\n"
            "- Organised the team offsite and wrote the onboarding guide for new\n  hires in the platform group.\n"
            "- Built a Kafka pipeline processing 2 million events a day for the\n  billing and invoicing teams.\n"
            "\nSKILLS\nPython, Docker\n")
    doc = document(text, "r.txt").model_copy(update={"format": "text"})
    _, result = tailor_doc(doc, BACKEND_JOB, taxonomy)
    assert any(e.kind == "move" for e in result.edits)
    assert ("- Built a Kafka pipeline processing 2 million events a day for the\n  billing and invoicing teams.\n"
            "- Organised the team offsite and wrote the onboarding guide for new\n  hires in the platform group.") in result.text


def test_giant_pasted_line_keeps_every_character(taxonomy: Taxonomy) -> None:
    path = ROOT / "tests" / "data" / "messy" / "oneline_data_analyst.txt"
    doc = read_resume(path)
    assert max(len(line) for line in doc.text.split("\n")) > 300
    _, result = tailor_doc(doc, (SAMPLES / "jobs" / "data_scientist.txt").read_text(), taxonomy)
    assert not lost_words(doc.text, result.text, result.edits)
    for edit in result.edits:
        if edit.kind == "move":
            assert sorted(doc.text[s:e] for s, e in edit.spans) == sorted(
                doc.text[edit.spans[k][0]:edit.spans[k][1]] for k in edit.order)


def test_a_role_line_right_after_bullets_is_not_part_of_the_last_bullet(taxonomy: Taxonomy) -> None:
    # Found by the property test: CommonMark reads "Engineer — Acme | Jan 1995 – Present" and "SKILLS"
    # after a bullet as its lazy continuation, so a move carried the next role's header (and the
    # skills heading) along with a bullet, and overlapped the skills line's extend.
    text = ("# Ada Lovelace\nada@example.com\nEXPERIENCE\nEngineer — Acme | Jan 1995 – Present\n"
            "- Built built.\n- Built built.\n- Built built.\nEngineer — Beta | Jan 1990 – Dec 1994\n"
            "- Built built.\n- Built built.\n- Built built.\n- Built built.\n- Built pipeline.\n"
            "Engineer — Gamma | Jan 1985 – Dec 1989\nSKILLS\n.NET\nEDUCATION\nBSc, University, 1995")
    job = ("Senior Engineer\n## Requirements\n- 1+ years with .NET, .NET for built built.\n"
           "## Nice to have\n- 1+ years with .NET for built pipeline.")
    doc = document(text)
    from tailor.pipeline.tailoring.blocks import layout

    for block in layout(doc).lists:
        for start, end in block.items:
            assert doc.text[start:end].startswith("- ") and "\n" not in doc.text[start:end]
    for length in ("concise", "thorough"):
        _, result = tailor_doc(doc, job, taxonomy, RewriteOptions(length=length))  # type: ignore[arg-type]
        roles = [line for line in result.text.split("\n") if line.startswith("Engineer — ")]
        assert [r.split(" |")[0] for r in roles] == ["Engineer — Acme", "Engineer — Beta", "Engineer — Gamma"]
        assert not lost_words(doc.text, result.text, result.edits)
