from __future__ import annotations

import json
from pathlib import Path

import pytest

from tailor.pipeline.errors import InputError
from tailor.pipeline.readers import read_resume
from tests._samples import SAMPLES as SAMPLE_DATA

DATA = Path(__file__).resolve().parent.parent / "data"
SAMPLES = SAMPLE_DATA


def _section(text: str, heading: str) -> list[str]:
    lines = text.splitlines()
    start = lines.index(heading) + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("## ")), len(lines))
    return [line for line in lines[start:end] if line]


def test_json_resume_sample_renders_markdown() -> None:
    path = SAMPLES / "resumes" / "data_scientist.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    document = read_resume(path)
    text = document.text
    assert document.format == "json"
    assert text.startswith("# Lena Marchetti-Osei\nData Scientist\n")
    assert "## Summary" in text
    experience = _section(text, "## Experience")
    assert experience[:2] == ["### Senior Data Scientist — Harborview Fitness (subscription app)",
                              "Mar 2022 – Present · Boston, MA"]
    assert "Jun 2019 – Feb 2022 · Hartford, CT" in experience
    bullets = [line[2:] for line in experience if line.startswith("- ")]
    assert bullets == [h for job in data["work"] for h in job["highlights"]]
    skills = _section(text, "## Skills")
    assert skills[0] == "- Programming: Python, SQL, R, Bash"
    assert len(skills) == len(data["skills"])
    assert "### M.S. in Data Science — Tufts University" in _section(text, "## Education")
    assert "- dbt Analytics Engineering Certification — dbt Labs (May 2023)" in text


def test_yaml_resume_sample_renders_markdown() -> None:
    document = read_resume(SAMPLES / "resumes" / "career_changer_teacher.yaml")
    text = document.text
    assert document.format == "yaml"
    assert text.startswith("# Marcus Delacroix-Byrne\n")
    experience = _section(text, "## Experience")
    # startDate: 2023-02-01 is a YAML date, 2014 a YAML integer: both render as dates.
    assert experience[1] == "Feb 2023 – Present"
    assert "2014 – 2016" in experience
    assert "- Spanish" in _section(text, "## Languages")
    assert "- Analysis: SQL, Python, pandas, Excel, Google Sheets, statistics, regression, data cleaning" in text


def test_lenient_shapes(tmp_path: Path) -> None:
    path = tmp_path / "lenient.yaml"
    path.write_text(
        "basics: {name: Kim Example, website: kim.example.com}\n"
        "work:\n  - company: Old Schema Corp\n    position: Analyst\n    startDate: 2019\n    endDate: 2021-06\n"
        "    highlights: Built one report\n"
        "skills: [Python, {name: Cloud, keywords: [AWS]}]\n"
        "education:\n  - institution: Example U\n    gpa: 3.9\n"
        "x-custom: kept but not rendered\n",
        encoding="utf-8",
    )
    text = read_resume(path).text
    assert "kim.example.com" in text
    assert "### Analyst — Old Schema Corp\n2019 – Jun 2021\n- Built one report\n" in text
    assert "- Python\n- Cloud: AWS" in text
    assert "### Example U\nGPA: 3.9" in text
    assert "x-custom" not in text


def test_entry_without_dates_or_title(tmp_path: Path) -> None:
    path = tmp_path / "min.json"
    path.write_text(json.dumps({"work": [{"name": "Solo Co", "highlights": ["Did things"]}]}), encoding="utf-8")
    assert read_resume(path).text == "## Experience\n\n### Solo Co\n- Did things\n"


def test_yaml_never_runs_tags(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.yaml"
    path.write_text(f"basics:\n  name: !!python/object/apply:os.system ['touch {marker}']\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"YAML tag not allowed at line 2"):
        read_resume(path)
    assert not marker.exists()


def test_shipped_tags_yaml_is_refused() -> None:
    path = DATA / "bad" / "tags.yaml"
    with pytest.raises(InputError) as caught:
        read_resume(path)
    assert str(caught.value).startswith(f"{path}: YAML tag not allowed at line 3")


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('{\n  "basics": {\n    "name": "A",\n  }\n}', "malformed JSON at line 4, column 3: "),
        ("[1, 2]", "not a JSON Resume (the JSON holds a list, not an object)"),
        ('"just a string"', "not a JSON Resume (the JSON holds a string, not an object)"),
        ('{"name": "A"}', "not a JSON Resume (none of basics, work, education, skills)"),
        ('{"work": [{"highlights": [{"nested": 1}]}]}', "invalid JSON Resume (work[0].highlights[0]: "),
        ('{"basics": {}, "work": []}', "JSON Resume has no content"),
        ("[" * 100_000, "malformed JSON"),
    ],
)
def test_json_problems(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "resume.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_resume(path)
    assert str(caught.value).startswith(f"{path}: {problem}")
    assert "\n" not in str(caught.value)


def test_malformed_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "resume.yml"
    path.write_text("basics:\n  name: A\n  label: [unclosed\nwork: []\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"^.*resume\.yml: malformed YAML at line \d+: "):
        read_resume(path)
