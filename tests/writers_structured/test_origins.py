"""The JSON Resume reader's origins: one field path (or "") per line of the view, each line a piece of its field."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tailor.pipeline.readers import read_resume
from tailor.pipeline.readers._jsonresume import json_resume_to_document, json_resume_to_markdown
from tests.writers_structured._support import MESSY_JSON, SAMPLE_FILES, check_origins, load


def _document(data: Any) -> tuple[str, tuple[str, ...]]:
    return json_resume_to_document(data, "resume.json", "JSON")


def _by_line(text: str, origins: tuple[str, ...]) -> dict[str, str]:
    return dict(zip(text.split("\n"), origins, strict=True))


@pytest.mark.parametrize("path", [*SAMPLE_FILES, *MESSY_JSON], ids=lambda p: p.name)
def test_sample_origins_are_pieces_of_their_fields(path: Path) -> None:
    _, data = load(path)
    document = read_resume(path)
    assert document.text == json_resume_to_markdown(data, str(path), "JSON")
    assert check_origins(document.text, document.origins, data) > 10


def test_data_scientist_paths() -> None:
    document = read_resume(SAMPLE_FILES[0])
    lines = _by_line(document.text, document.origins)
    assert lines["# Lena Marchetti-Osei"] == "basics.name"
    assert lines["Data Scientist"] == "basics.label"
    assert lines["## Summary"] == lines["### Senior Data Scientist — Harborview Fitness (subscription app)"] == ""
    assert lines["Mar 2022 – Present · Boston, MA"] == ""
    assert lines["- Programming: Python, SQL, R, Bash"] == "skills.0.keywords"
    assert lines["- Presented findings to underwriting and claims leadership each quarter."] == "work.1.highlights.4"
    assert lines["- dbt Analytics Engineering Certification — dbt Labs (May 2023)"].startswith("certificates.")
    assert lines["Courses: Statistical Learning, Causal Inference, Bayesian Methods, Deep Learning"] == "education.0.courses"
    assert lines["GPA: 3.7"] == "education.1.score"
    assert document.origin(0) == "basics.name" and document.origin(10_000) == ""


def test_teacher_yaml_paths() -> None:
    document = read_resume(SAMPLE_FILES[1])
    lines = _by_line(document.text, document.origins)
    summary = [o for o in document.origins if o == "basics.summary"]
    assert len(summary) == 1  # a folded scalar is one line of text
    assert lines["- Spanish"] == "languages.1" and lines["- English (Native)"] == "languages.0"
    assert lines["- Keywords: BigQuery, Python, Tableau, logistic regression"] == "projects.0.keywords"
    assert lines["Capstone project for the Google certificate using public Oregon education data."] == "projects.0.description"
    assert lines["About ten hours a week alongside teaching."] == "work.0.summary"
    assert lines["Feb 2023 – Present"] == ""  # startDate: 2023-02-01, a YAML date


_EDGE: dict[str, Any] = {
    "basics": {"name": "Kim Example", "website": "kim.example.com", "summary": "First line\nsecond line"},
    "work": [
        None,
        {"company": "Old Schema Corp", "position": "Analyst", "startDate": 2019, "endDate": datetime.date(2021, 6, 1),
         "highlights": "Built one report"},
        {"name": "New Co", "highlights": [None, "Led the migration", None, "Cut costs 20%", "  "],
         "summary": "Platform team."},
    ],
    "skills": [None, "Python", {"name": "Cloud", "keywords": ["AWS", None, "GCP"]}, {"name": "Go"},
               {"name": "Data", "keywords": "SQL"}],
    "education": [{"institution": "Example U", "gpa": 3.9, "courses": "Algebra"}],
    "projects": ["Side project", {"name": "Tool", "highlights": ["Wrote it"], "keywords": ["Rust"]}],
    "volunteer": [{"organization": "Food Bank", "highlights": [None, "Sorted cans"]}],
    "awards": [None, {"title": "Best Analyst", "awarder": "Old Schema Corp", "date": "2020-03"}],
    "certificates": ["AWS Practitioner"],
    "publications": [{"name": "A Paper", "publisher": "Journal"}],
    "languages": ["English", None, {"language": "French", "fluency": "B2"}],
    "interests": [{"name": "Music", "keywords": ["jazz"]}, "chess"],
    "x-custom": {"kept": True},
}


def test_edge_data_paths_index_the_data_as_loaded() -> None:
    text, origins = _document(_EDGE)
    check_origins(text, origins, _EDGE)
    lines = _by_line(text, origins)
    assert lines["kim.example.com"] == ""  # the contact line joins fields
    assert [o for o in origins if o == "basics.summary"] == ["basics.summary"] * 2
    assert lines["### Analyst — Old Schema Corp"] == "" and lines["2019 – Jun 2021"] == ""
    assert lines["- Built one report"] == "work.1.highlights"  # a lone string: no index
    assert lines["- Led the migration"] == "work.2.highlights.1"  # None items still count
    assert lines["- Cut costs 20%"] == "work.2.highlights.3"
    assert lines["Platform team."] == "work.2.summary"
    assert lines["- Python"] == "skills.1"  # a bare-string skill
    assert lines["- Cloud: AWS, GCP"] == "skills.2.keywords"
    assert lines["- Go"] == "skills.3.name"  # a name-only skill
    assert lines["- Data: SQL"] == "skills.4.keywords"
    assert lines["GPA: 3.9"] == "education.0.gpa" and lines["Courses: Algebra"] == "education.0.courses"
    assert lines["### Side project"] == ""
    assert lines["- Wrote it"] == "projects.1.highlights.0" and lines["- Keywords: Rust"] == "projects.1.keywords"
    assert lines["- Sorted cans"] == "volunteer.0.highlights.1"
    assert lines["- Best Analyst — Old Schema Corp (Mar 2020)"] == "awards.1"
    assert lines["- AWS Practitioner"] == "certificates.0"
    assert lines["- A Paper — Journal"] == "publications.0"
    assert lines["- English"] == "languages.0" and lines["- French (B2)"] == "languages.2"
    assert lines["- Music: jazz"] == "interests.0.keywords" and lines["- chess"] == "interests.1"


def test_top_level_lone_values() -> None:
    text, origins = _document({"skills": "Python", "work": [{"name": "Co", "highlights": 2024}]})
    assert _by_line(text, origins)["- Python"] == "skills"
    assert _by_line(text, origins)["- 2024"] == "work.0.highlights"


def test_yaml_unquoted_dates_and_numbers(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text("basics:\n  name: A B\n  label: 2024\nwork:\n  - name: Co\n    startDate: 2020-01-15\n"
                    "    highlights:\n      - 2023-05-01\n      -\n      - Shipped it\n", encoding="utf-8")
    document = read_resume(path)
    lines = _by_line(document.text, document.origins)
    assert lines["2024"] == "basics.label"
    assert lines["Jan 2020 – Present"] == ""
    assert lines["- 2023-05-01"] == "work.0.highlights.0" and lines["- Shipped it"] == "work.0.highlights.2"


def test_line_breaks_inside_values_keep_the_text_and_their_path() -> None:
    """The text is the whole rendering normalised, as before origins existed: a value that ends in a line
    break still leaves its blank line, a lone "\\r" or U+2028 breaks a line, blank lines at the ends go."""
    data = {"basics": {"label": "\n\n", "summary": "one\r\ntwo  \n"},
            "work": [{"name": "W", "highlights": ["x\n", "y\u2028z", "a\rb"], "summary": "\n\nS\n"}]}
    text, origins = _document(data)
    assert text == ("## Summary\n\none\ntwo\n\n\n## Experience\n\n### W\n\n\nS\n\n- x\n\n- y\nz\n- a\nb\n")
    check_origins(text, origins, data)
    assert origins[:4] == ("", "", "basics.summary", "basics.summary")
    assert origins[text.split("\n").index("z")] == "work.0.highlights.1"


def test_mojibake_repair_keeps_lines_aligned() -> None:
    """ftfy repairs the whole text line by line, and with it a C1 control becomes text, not a line break."""
    data = {"basics": {"summary": "CafÃ© owner\x85 and more\rthird"}, "work": [{"name": "Ã©cole", "highlights": ["a\x0cb"]}]}
    text, origins = _document(data)
    assert "Café owner… and more\nthird" in text and "### école" in text
    lines = _by_line(text, origins)
    assert lines["Café owner… and more"] == lines["third"] == "basics.summary"
    assert lines["- a"] == lines["b"] == "work.0.highlights.0"


_texts = st.one_of(st.text(max_size=12), st.sampled_from(["Python", " ", "", "a\nb", "x\r", "Ã©t\x85", "2020-01"]))
_maybe = st.one_of(st.none(), _texts)
_strings = st.one_of(st.none(), _texts, st.lists(st.one_of(st.none(), _texts), max_size=4))
_entry = st.fixed_dictionaries({}, optional={
    "name": _maybe, "company": _maybe, "position": _maybe, "summary": _maybe, "startDate": _maybe,
    "highlights": _strings, "keywords": _strings, "title": _maybe, "language": _maybe, "fluency": _maybe,
})
_entries = st.one_of(st.none(), st.lists(st.one_of(st.none(), _entry, _texts), max_size=4))
_resume = st.fixed_dictionaries(
    {"skills": _entries},
    optional={"basics": st.fixed_dictionaries({}, optional={"name": _maybe, "label": _maybe, "summary": _maybe}),
              "work": _entries, "projects": _entries, "awards": _entries, "interests": _entries,
              "languages": _entries, "certificates": _entries},
)


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=_resume)
def test_any_resume_keeps_one_origin_per_line(data: dict[str, Any]) -> None:
    from tailor.pipeline.errors import InputError

    try:
        text, origins = _document(json.loads(json.dumps(data)))
    except InputError:
        return
    check_origins(text, origins, data)
