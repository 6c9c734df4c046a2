from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from tailor.pipeline.readers import read_job, read_resume
from tests._samples import SAMPLES as SAMPLE_DATA

DATA = Path(__file__).resolve().parent.parent / "data"
SAMPLES = SAMPLE_DATA

MESSY = DATA / "messy"


def test_markdown_resume_is_read_as_is() -> None:
    path = SAMPLES / "resumes" / "software_engineer.md"
    document = read_resume(path)
    assert document.format == "markdown"
    assert document.path == str(path)
    assert document.text == path.read_text(encoding="utf-8")  # clean input passes through untouched


def test_sha256_is_of_the_raw_bytes(tmp_path: Path) -> None:
    raw = "\ufeffAnn Example\r\nSkills: Python\r\n".encode()
    path = tmp_path / "ann.txt"
    path.write_bytes(raw)
    document = read_resume(path)
    assert document.sha256 == hashlib.sha256(raw).hexdigest()
    assert document.text == "Ann Example\nSkills: Python\n"  # text normalised, hash still of the bytes


@pytest.mark.parametrize(
    ("name", "broken", "repaired"),
    [
        ("mojibake.md", "Ã©", "Renée Lefèvre"),
        ("mojibake.md", "â€™", "I’ve run"),
        ("mojibake.md", "Ã¯", "naïve"),
        ("mojibake.md", "â‚¬", "€1.2M"),
    ],
)
def test_mojibake_is_repaired(name: str, broken: str, repaired: str) -> None:
    assert broken in (MESSY / name).read_text(encoding="utf-8")
    text = read_resume(MESSY / name).text
    assert repaired in text
    assert broken not in text


def test_pasted_sample_is_repaired_and_keeps_its_bullets() -> None:
    path = SAMPLES / "resumes" / "mechanical_engineer_pasted.txt"
    bullets = path.read_text(encoding="utf-8").count("â€¢")
    text = read_resume(path).text
    assert bullets > 5
    assert "â€" not in text and "Â·" not in text
    assert "Apr 2020 – Present" in text
    assert "pâtisserie and naïve" in text
    assert sum(line.startswith("• ") for line in text.splitlines()) == bullets


def test_bullets_are_kept_as_written() -> None:
    source = (MESSY / "bullets_mixed.md").read_text(encoding="utf-8")
    text = read_resume(MESSY / "bullets_mixed.md").text
    assert text == source  # "*", "•", "-", "+", "·", "▪" and indentation are the parser's business


def test_windows_line_endings_and_tabs() -> None:
    raw = (MESSY / "windows_crlf_tabs.txt").read_bytes()
    assert b"\r\n" in raw
    text = read_resume(MESSY / "windows_crlf_tabs.txt").text
    assert "\r" not in text
    assert "Warehouse Supervisor\tAcme Distribution\t2018-2023\n" in text
    assert text.count("\n") == raw.count(b"\r\n")  # one newline per CRLF, none doubled


def test_utf16_with_bom_is_decoded() -> None:
    text = read_resume(MESSY / "utf16_bom.txt").text
    assert text.startswith("Yuki Tanaka-Roberts\n")
    assert "\ufeff" not in text


def test_controls_are_stripped_and_text_is_nfc(tmp_path: Path) -> None:
    path = tmp_path / "controls.md"
    path.write_text("Jose\u0301 Example\u200b\x07\nLine\x0cTwo\u2028Three\x7f\n", encoding="utf-8")
    assert read_resume(path).text == "José Example\nLine\nTwo\nThree\n"


@pytest.mark.parametrize(
    "name", ["pasted_no_headings.txt", "single_line.txt", "kaggle_skill_details.txt", "name_and_skills.txt"]
)
def test_messy_text_keeps_every_word(name: str) -> None:
    source = (MESSY / name).read_text(encoding="utf-8")
    text = read_resume(MESSY / name).text
    assert text.split() == source.split()


def test_single_line_stays_one_line() -> None:
    text = read_resume(MESSY / "single_line.txt").text
    assert text.count("\n") == 1 and len(text) > 500


def test_ten_page_resume() -> None:
    path = MESSY / "ten_pages.md"
    assert path.stat().st_size < 200_000
    text = read_resume(path).text
    assert len(text.split()) > 4500
    assert text.count("\n### ") == 31  # 30 roles and one degree


@pytest.mark.parametrize("path", sorted((SAMPLES / "jobs").iterdir()), ids=lambda p: p.name)
def test_sample_jobs(path: Path) -> None:
    document = read_job(path)
    assert document.format == ("markdown" if path.suffix == ".md" else "text")
    assert 300 <= len(document.text.split()) <= 700
    assert "years" in document.text


def test_markdown_read_imports_no_heavy_parser() -> None:
    code = (
        "import sys; from tailor.pipeline.readers import read_resume, read_job;"
        f"read_resume({str(SAMPLES / 'resumes' / 'software_engineer.md')!r});"
        f"read_job({str(SAMPLES / 'jobs' / 'backend_engineer.md')!r});"
        "print(sorted(m for m in ('pypdf', 'docx', 'yaml', 'ftfy', 'fpdf') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
