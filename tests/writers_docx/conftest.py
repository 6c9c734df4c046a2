"""DOCX fixtures made with python-docx: the shapes Word resumes come in, small enough to read."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph

from tests._samples import SAMPLES as SAMPLE_DATA

SAMPLE = SAMPLE_DATA / "resumes" / "product_designer.docx"
MESSY = sorted((Path(__file__).resolve().parents[1] / "data" / "messy").glob("*.docx"))


def add_hyperlink(paragraph: Paragraph, text: str, url: str) -> None:
    """python-docx reads hyperlinks but has no call to add one: the XML Word writes."""
    r_id = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    properties.append(style)
    run.append(properties)
    run.text = text
    link.append(run)
    paragraph._p.append(link)


def build_resume() -> bytes:
    """A resume with a header (a contact line and a contact table), a footer, a Title name, a
    paragraph with a line break, bold runs split mid-word, a hyperlink, List Bullet paragraphs
    with mixed run formatting, and a skills table."""
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "ada@example.com · +44 20 7946 0000 · London"
    links = section.header.add_table(rows=1, cols=2, width=section.page_width - section.left_margin - section.right_margin)
    links.cell(0, 0).text, links.cell(0, 1).text = "github.com/ada-example", "linkedin.com/in/ada-example"
    section.footer.paragraphs[0].text = "Ada Example · references on request"

    document.add_paragraph("Ada Example", style="Title")
    role = document.add_paragraph("Senior Platform Engineer")
    role.add_run().add_break()
    role.add_run("London, UK (hybrid)")
    document.add_heading("Summary", 1)
    summary = document.add_paragraph("Engineer who ran ")
    kube = summary.add_run("Kube")
    kube.bold = True
    rnetes = summary.add_run("rnetes")
    rnetes.bold = True
    rnetes.italic = True
    summary.add_run(" clusters for 40 teams and cut cloud spend by 30% in two years.")
    portfolio = document.add_paragraph("Portfolio: ")
    add_hyperlink(portfolio, "ada.example.com", "https://ada.example.com")
    portfolio.add_run(" (case studies)")

    document.add_heading("Experience", 1)
    document.add_heading("Platform Engineer — Acme Logistics", 2)
    document.add_paragraph("2019 – Present · London")
    first = document.add_paragraph("Migrated ", style="List Bullet")
    big = first.add_run("200 services")
    big.bold = True
    big.font.size = Pt(12)
    first.add_run(" to Terraform modules.")
    second = document.add_paragraph(style="List Bullet")
    arial = second.add_run("Built the CI pipeline in GitHub Actions.")
    arial.font.name = "Arial"
    third = document.add_paragraph(style="List Bullet")
    third.add_run("Mentored 6 engineers.").italic = True

    document.add_heading("Skills", 1)
    skills = document.add_table(rows=3, cols=2)
    for row, (area, items) in zip(skills.rows, [("Languages", "Python, Go"), ("Tools", "Docker, Terraform"), ("Cloud", "AWS, GCP")]):
        row.cells[0].text, row.cells[1].text = area, items
    document.add_heading("Education", 1)
    document.add_paragraph("B.Sc. Computer Science, University of Leeds, 2015")
    return save(document)


def save(document: DocxDocument) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture
def resume() -> bytes:
    return build_resume()


@pytest.fixture
def write(tmp_path: Path) -> Callable[[bytes, str], Path]:
    """Bytes to a .docx file in tmp_path (read_resume reads paths)."""

    def write(raw: bytes, name: str = "resume.docx") -> Path:
        path = tmp_path / name
        path.write_bytes(raw)
        return path

    return write
