"""The DOCX reader's origins: one a line of ``text.split("\\n")``, each naming the paragraph
(or table row) the line is a piece of, numbered as ``paragraphs(document)`` numbers them."""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement

from tailor.pipeline.readers import read_resume
from tailor.pipeline.readers._docx import docx_to_document, docx_to_markdown, paragraphs, row_lines
from tailor.pipeline.readers._text import normalise_text
from tests.writers_docx.conftest import MESSY, SAMPLE, build_resume, save

_PREFIX = re.compile(r"^(#{1,6} |- )")


def check_origins(raw: bytes) -> tuple[str, tuple[str, ...]]:
    """The invariant: as many origins as lines, each p:N line a piece of paragraph N's normalised
    text (less the "#"/"- " the reader added), each row:N line made of its row's cells in order."""
    text, origins = docx_to_document(raw, "fixture.docx")
    lines = text.split("\n")
    assert len(origins) == len(lines)
    document = docx.Document(io.BytesIO(raw))
    texts = [normalise_text(p.text).strip() for p in paragraphs(document)]
    rows = row_lines(document)
    for line, origin in zip(lines, origins, strict=True):
        if not origin:
            assert line == ""
            continue
        kind, number = origin.split(":")
        n = int(number)
        if kind == "p":
            body = _PREFIX.sub("", line) if not texts[n].startswith(("#", "- ")) else line
            assert body in texts[n] or line in texts[n], (origin, line, texts[n])
        else:
            assert kind == "row" and len(rows[n]) > 1 and rows[n][0] == n
            cells = [texts[k] for k in rows[n]]
            assert " | ".join(cells).startswith(line) or line in " | ".join(cells), (origin, line, cells)
    return text, origins


@pytest.mark.parametrize("path", [SAMPLE, *MESSY], ids=lambda p: p.name)
def test_origins_of_shipped_documents(path: Path) -> None:
    text, origins = check_origins(path.read_bytes())
    assert read_resume(path).origins == origins
    assert docx_to_markdown(path.read_bytes(), "x") == text


def test_origins_of_the_fixture() -> None:
    raw = build_resume()
    text, origins = check_origins(raw)
    document = docx.Document(io.BytesIO(raw))
    numbers = {p.text: n for n, p in enumerate(paragraphs(document))}
    lines = dict(zip(text.split("\n"), origins, strict=True))
    # the header first (its table too), then the body, the footer last
    assert text.startswith("ada@example.com · +44 20 7946 0000 · London\ngithub.com/ada-example | linkedin.com/in/ada-example\n# Ada Example\n")
    assert lines["github.com/ada-example | linkedin.com/in/ada-example"] == f"row:{numbers['github.com/ada-example']}"
    assert text.endswith("Ada Example · references on request\n")
    assert lines["Ada Example · references on request"] == f"p:{len(numbers) - 1}"
    # a line break: two lines, one paragraph
    role = numbers["Senior Platform Engineer\nLondon, UK (hybrid)"]
    assert lines["Senior Platform Engineer"] == lines["London, UK (hybrid)"] == f"p:{role}"
    # runs split mid-word and a hyperlink are one line of the paragraph's text
    assert "Engineer who ran Kubernetes clusters for 40 teams and cut cloud spend by 30% in two years." in lines
    assert "Portfolio: ada.example.com (case studies)" in lines
    assert lines["- Migrated 200 services to Terraform modules."] == f"p:{numbers['Migrated 200 services to Terraform modules.']}"
    assert lines["Languages | Python, Go"] == f"row:{numbers['Languages']}"
    assert row_lines(document)[numbers["Languages"]] == (numbers["Languages"], numbers["Python, Go"])


def test_a_normalised_paragraph_keeps_its_origin_on_each_line() -> None:
    document = docx.Document()
    document.add_paragraph("Name Example")
    document.add_paragraph("trailing spaces   ")
    document.add_paragraph("Ku\u200bber\u00adnetes and cafe\u0301")  # zero-width space, soft hyphen, NFD
    document.add_paragraph("first\u2028second")  # a line separator becomes a newline
    document.add_paragraph("\u200b")  # nothing left once normalised: no line
    heading = document.add_heading("Skills and", 1)
    heading.add_run().add_break()
    heading.add_run("tools")
    text, origins = check_origins(save(document))
    assert text == "Name Example\ntrailing spaces\nKuber\u00adnetes and café\nfirst\nsecond\n## Skills and\ntools\n"
    assert origins == ("p:0", "p:1", "p:2", "p:3", "p:3", "p:5", "p:5", "")


def test_a_merged_cell_is_read_once() -> None:
    document = docx.Document()
    document.add_paragraph("Name Example")
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(1, 0)).text = "Tools"  # vertical
    table.cell(0, 1).text, table.cell(1, 1).text = "Docker", "Terraform"
    table.cell(2, 0).merge(table.cell(2, 2)).text = "Spanning cell"  # horizontal
    raw = save(document)
    text, origins = check_origins(raw)
    assert text == "Name Example\nTools | Docker\nTerraform\nSpanning cell\n"
    assert [p.text for p in paragraphs(docx.Document(io.BytesIO(raw)))] == ["Name Example", "Tools", "Docker", "", "Terraform", "", "Spanning cell"]
    assert origins == ("p:0", "row:1", "p:4", "p:6", "")


def test_content_controls_are_read_where_they_stand() -> None:
    document = docx.Document()
    document.add_paragraph("Name Example")
    inside = document.add_paragraph("Certified Kubernetes Administrator")
    placeholder = document.add_paragraph("[Your phone number]")
    for paragraph, showing in ((inside, False), (placeholder, True)):
        sdt, properties, content = OxmlElement("w:sdt"), OxmlElement("w:sdtPr"), OxmlElement("w:sdtContent")
        if showing:
            properties.append(OxmlElement("w:showingPlcHdr"))
        paragraph._p.addprevious(sdt)
        sdt.append(properties)
        sdt.append(content)
        content.append(paragraph._p)
    document.add_paragraph("Last line")
    text, origins = check_origins(save(document))
    assert text == "Name Example\nCertified Kubernetes Administrator\nLast line\n"
    assert origins == ("p:0", "p:1", "p:2", "")
