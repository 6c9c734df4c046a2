from __future__ import annotations

from pathlib import Path

import pytest

from tailor.pipeline.errors import InputError
from tailor.pipeline.tailoring import Resume, parse_resume

from .conftest import MESSY_RESUMES, document


def test_tidy_markdown_resume(tidy: Resume) -> None:
    assert tidy.contact.name == "Jane Doe"
    assert tidy.contact.headline == "Senior Software Engineer"
    assert tidy.contact.email == "jane.doe@example.com"
    assert tidy.contact.phone == "(555) 123-4567"
    assert "github.com/janedoe" in tidy.contact.links
    assert [s.kind for s in tidy.sections] == ["header", "summary", "experience", "skills", "education"]
    assert tidy.summary == "Backend engineer who builds reliable services."
    first, second = tidy.roles
    assert (first.title, first.employer, first.start, first.end, first.current) == (
        "Senior Software Engineer", "Acme Corp", "2020-01", None, True)
    assert len(first.bullets) == 3
    assert (second.title, second.employer, second.start, second.end) == ("Software Engineer", "Globex", "2016-01", "2019-01")
    assert tidy.skills == ("Python", "Postgres", "JavaScript", "Docker")
    assert tidy.education == ("B.S. Computer Science, State University, 2012 - 2016",)


@pytest.mark.parametrize(("header", "dates", "start", "end"), [
    ("Engineer, Acme, Jan 2020 – Present", "Jan 2020 – Present", "2020-01", None),
    ("Engineer | Acme | 2019-2021", "2019-2021", "2019-01", "2021-01"),
    ("Engineer at Acme (03/2018 - 06/2020)", "03/2018 - 06/2020", "2018-03", "2020-06"),
    ("Acme — Engineer — September 2017 to March 2019", "September 2017 to March 2019", "2017-09", "2019-03"),
    ("Engineer, Acme, 2018-04 – 2019-11", "2018-04 – 2019-11", "2018-04", "2019-11"),
])
def test_role_headers_and_date_formats(header: str, dates: str, start: str, end: str | None) -> None:
    resume = parse_resume(document(f"Sam Lee\n\nEXPERIENCE\n{header}\n• Did things with Python.\n"))
    (role,) = resume.roles
    assert (role.title, role.employer) == ("Engineer", "Acme")
    assert (role.dates, role.start, role.end, role.current) == (dates, start, end, end is None)
    assert role.bullets == ("Did things with Python.",)


def test_heading_styles_all_recognised() -> None:
    text = (
        "Ana Ruiz\n\n**Professional Summary**\nNurse.\n\nWORK HISTORY\nRN — City Hospital, 2019 - Present\n"
        "- Patient care.\n\nCore Competencies:\nBLS, ACLS\n\nLicenses\n- RN license\n\nEducation: BSN, 2018\n"
    )
    resume = parse_resume(document(text))
    assert [s.kind for s in resume.sections] == ["header", "summary", "experience", "skills", "certifications", "education"]
    assert resume.skills == ("BLS", "ACLS")
    assert resume.education == ("BSN, 2018",)
    assert resume.roles[0].employer == "City Hospital"


@pytest.mark.parametrize("bullet", ["*", "-", "•", "●", "▪", "–", "◦", "1."])
def test_odd_unicode_bullets(bullet: str) -> None:
    text = f"Lee Park\n\n## Experience\n### Designer — Studio 9\n2019 - 2022\n{bullet} Ran user research.\n{bullet} Built prototypes in Figma.\n"
    (role,) = parse_resume(document(text)).roles
    assert role.bullets == ("Ran user research.", "Built prototypes in Figma.")


def test_skill_details_lists() -> None:
    text = (
        "Skill Details\nPython- Exprience - 24 months\nMachine Learning- Exprience - Less than 1 year months\n"
        "SQL- Experience - 6 months\n"
    )
    resume = parse_resume(document(text))
    assert resume.skills == ("Python", "Machine Learning", "SQL")


def test_skills_table_and_category_lines() -> None:
    text = (
        "## Skills\n| Languages | Tools |\n|---|---|\n| Python | Docker |\n\n"
        "Frameworks: Django, Flask (with SQLAlchemy, Celery)\n"
    )
    resume = parse_resume(document(text))
    assert resume.skills == ("Languages", "Tools", "Python", "Docker", "Django", "Flask (with SQLAlchemy, Celery)")


def test_no_headings_at_all_text_pasted_from_pdf() -> None:
    text = (
        "Priya Nair\npriya@example.com\nSales professional who consistently exceeded quota in B2B SaaS.\n"
        "Account Executive, Brightwave, 2019 - Present\nClosed 40 deals using Salesforce.\n"
        "SDR, Corelink, 2017 - 2019\nBooked meetings by cold calling.\n"
    )
    resume = parse_resume(document(text))
    assert resume.contact.name == "Priya Nair"
    assert resume.contact.email == "priya@example.com"
    assert [(r.title, r.employer) for r in resume.roles] == [("Account Executive", "Brightwave"), ("SDR", "Corelink")]
    assert resume.roles[1].bullets == ("Booked meetings by cold calling.",)


def test_one_giant_line_is_split_on_section_names_and_bullets() -> None:
    text = (
        "Omar Ali omar@example.com SUMMARY Data analyst with a taste for clean data" + ", and more" * 20 + ". EXPERIENCE "
        "Data Analyst at Meridian, Jan 2020 - Present: built Power BI dashboards and automated SQL reports • "
        "cut reporting time by 3 days; Junior Analyst at Crestview, 2017-2019: reconciled ledgers in Excel. "
        "EDUCATION B.Sc. Economics, 2013-2017 SKILLS SQL, Python, Tableau, Excel"
    )
    resume = parse_resume(document(text))
    kinds = [s.kind for s in resume.sections]
    assert kinds[:5] == ["header", "summary", "experience", "education", "skills"]
    assert [(r.title, r.employer) for r in resume.roles] == [("Data Analyst", "Meridian"), ("Junior Analyst", "Crestview")]
    assert resume.skills[:4] == ("SQL", "Python", "Tableau", "Excel")


def test_hard_wrapped_bullets_are_joined() -> None:
    text = "## Experience\n### Nurse — General\n2019 - 2021\n- Cared for six patients per shift on a busy\n  surgical unit.\n- Charted in Epic.\n"
    (role,) = parse_resume(document(text)).roles
    assert role.bullets == ("Cared for six patients per shift on a busy surgical unit.", "Charted in Epic.")


def test_empty_resume_is_an_input_error() -> None:
    with pytest.raises(InputError, match=r"^resume.md: the resume is empty$"):
        parse_resume(document(" \n\t\n"))


@pytest.mark.skipif(not MESSY_RESUMES, reason="tests/data/messy not present")
@pytest.mark.parametrize("path", MESSY_RESUMES, ids=lambda p: p.name)
def test_messy_resumes_parse_to_something_useful(path: Path) -> None:
    from tailor.pipeline.readers import read_resume

    resume = parse_resume(read_resume(path))
    # Every messy sample is someone's resume: we must find its sections and some skills or roles.
    assert any(s.kind in ("experience", "skills") for s in resume.sections)
    assert resume.skills or resume.roles
