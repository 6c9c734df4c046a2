from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader, PdfWriter

from tailor.pipeline.errors import InputError
from tailor.pipeline.readers import read_resume
from tests._documents import pdf_of
from tests._samples import SAMPLES as SAMPLE_DATA

SAMPLES = SAMPLE_DATA




def test_shipped_pdf() -> None:
    document = read_resume(SAMPLES / "resumes" / "registered_nurse.pdf")
    text = document.text
    assert document.format == "pdf"
    assert text.startswith("Grace Adeyemi-Lindqvist, RN, BSN\n")
    assert "Jun 2020 – Present · Spokane, WA" in text
    assert "• Preceptor for 7 new-graduate nurses; all completed orientation on schedule." in text
    assert "  " not in text  # no justified-text space runs
    assert len(text.split()) > 400


def test_shipped_docx() -> None:
    document = read_resume(SAMPLES / "resumes" / "product_designer.docx")
    lines = document.text.splitlines()
    assert document.format == "docx"
    assert lines[0] == "# Sofia Brennan-Ikeda"  # Title style
    assert "## Experience" in lines  # Heading 1 under a Title
    assert "### Senior Product Designer — Moneybird Mobile (personal finance)" in lines
    assert "- Prototyped interactions in ProtoPie and Principle for usability tests and stakeholder reviews." in lines
    assert sum(line.startswith("- ") for line in lines) > 15


def test_generated_pdf_pages_in_order(tmp_path: Path) -> None:
    path = tmp_path / "two_pages.pdf"
    path.write_bytes(pdf_of(["Ada Example\nSkills: Python, SQL", "Page two: Kubernetes and Postgres"]))
    text = read_resume(path).text
    assert text.index("Ada Example") < text.index("Skills: Python, SQL") < text.index("Page two")
    assert "Kubernetes and Postgres" in text


def test_pdf_with_empty_user_password_is_read(tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_of(["Open Example\nSkills: Go"]))))
    writer.encrypt(user_password="", owner_password="owner")
    path = tmp_path / "owner_only.pdf"
    with open(path, "wb") as handle:
        writer.write(handle)
    assert "Skills: Go" in read_resume(path).text


def test_pdf_with_password_is_refused(tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_of(["Secret Example"]))))
    writer.encrypt(user_password="pw", owner_password="pw")
    path = tmp_path / "locked.pdf"
    with open(path, "wb") as handle:
        writer.write(handle)
    with pytest.raises(InputError, match=r"locked\.pdf: encrypted PDF"):
        read_resume(path)


def test_generated_docx_styles_tables_and_numbering(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("Pat Example", level=1)  # a Heading 1 first: the name
    document.add_paragraph("pat@example.com")
    document.add_heading("Experience", level=2)
    document.add_paragraph("Built ReactJS apps", style="List Bullet")
    document.add_paragraph("• Typed bullet", style="List Paragraph")
    numbered = document.add_paragraph("Plain paragraph with Word numbering")
    numbered._p.get_or_add_pPr().get_or_add_numPr().get_or_add_numId().val = 1
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Languages", "Python, JS"
    merged = table.cell(1, 0).merge(table.cell(1, 1))
    merged.text = "Spanning cell"
    layout = document.add_table(rows=1, cols=1)
    layout.cell(0, 0).text = "Left column"
    layout.cell(0, 0).add_paragraph("Second line in the cell")
    document.add_paragraph("   ")
    path = tmp_path / "generated.docx"
    document.save(str(path))

    assert read_resume(path).text == (
        "# Pat Example\n"
        "pat@example.com\n"
        "## Experience\n"
        "- Built ReactJS apps\n"
        "- Typed bullet\n"
        "- Plain paragraph with Word numbering\n"
        "Languages | Python, JS\n"
        "Spanning cell\n"
        "Left column\n"
        "Second line in the cell\n"
    )


def test_docx_without_text(tmp_path: Path) -> None:
    path = tmp_path / "blank.docx"
    docx.Document().save(str(path))
    with pytest.raises(InputError, match=r"blank\.docx: DOCX has no text$"):
        read_resume(path)
