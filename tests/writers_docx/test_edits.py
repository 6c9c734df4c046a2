"""DOCX ops applied to the original document: each does what it says, and nothing else changes."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from docx.document import Document
from docx.oxml import OxmlElement
from lxml import etree

from tailor.pipeline.readers import read_resume
from tailor.pipeline.readers._docx import docx_to_document, paragraphs
from tailor.pipeline.writers._docx_edit import Append, InsertAfter, Remove, Reorder, Replace, apply_docx
from tests.writers_docx.conftest import MESSY, SAMPLE, save

Write = Callable[..., Path]
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def open_docx(raw: bytes) -> Document:
    return docx.Document(io.BytesIO(raw))


def number(raw: bytes, text: str) -> int:
    """The number of the paragraph whose text starts with ``text``."""
    return next(n for n, p in enumerate(paragraphs(open_docx(raw))) if p.text.startswith(text))


def snapshot(paragraph: docx.text.paragraph.Paragraph) -> tuple:
    """What an untouched paragraph must keep: text, style, and each run's text and formatting."""
    runs = tuple(
        (r.text, r.bold, r.italic, r.underline, r.font.size, r.font.name, r.style.name if r.style else None)
        for r in paragraph.runs
    )
    pPr = paragraph._p.pPr
    return paragraph.text, paragraph.style.name, runs, etree.tostring(pPr) if pPr is not None else b""


def untouched_kept(before: bytes, after: bytes, touched: set[int], *, in_order: bool = True) -> None:
    old = [snapshot(p) for n, p in enumerate(paragraphs(open_docx(before))) if n not in touched]
    new = [snapshot(p) for p in paragraphs(open_docx(after))]
    assert not Counter(old) - Counter(new), "an untouched paragraph changed"
    if in_order:
        it = iter(new)
        assert all(any(s == t for t in it) for s in old), "untouched paragraphs out of order"


def parts(raw: bytes, prefix: str) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name.startswith(prefix)}


def tables(raw: bytes) -> list[bytes]:
    return [etree.tostring(t._tbl) for t in open_docx(raw).tables]


def words(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text))


def view(raw: bytes) -> str:
    return docx_to_document(raw, "out.docx")[0]


# -- Replace -----------------------------------------------------------------------------------


def test_replace_in_one_run_keeps_its_formatting(resume: bytes) -> None:
    n = number(resume, "Migrated")
    out = apply_docx(resume, [Replace(n, "200 services", "210 services")])
    paragraph = paragraphs(open_docx(out))[n]
    assert paragraph.text == "Migrated 210 services to Terraform modules."
    assert [(r.text, r.bold, r.font.size) for r in paragraph.runs] == [
        ("Migrated ", None, None),
        ("210 services", True, docx.shared.Pt(12)),
        (" to Terraform modules.", None, None),
    ]
    untouched_kept(resume, out, {n})
    assert parts(out, "word/header") == parts(resume, "word/header")
    assert parts(out, "word/footer") == parts(resume, "word/footer")
    assert tables(out) == tables(resume)


def test_replace_across_runs_goes_into_the_first_run(resume: bytes) -> None:
    n = number(resume, "Engineer who ran")
    out = apply_docx(resume, [Replace(n, "ran Kubernetes clusters", "ran K8s clusters")])
    paragraph = paragraphs(open_docx(out))[n]
    assert paragraph.text == "Engineer who ran K8s clusters for 40 teams and cut cloud spend by 30% in two years."
    # "ran " is in the plain first run: the new text is there, "Kube"/"rnetes" are cut away
    # (their emptied runs go), " clusters" stays in its plain run.
    assert [(r.text, r.bold, r.italic) for r in paragraph.runs] == [
        ("Engineer who ran K8s clusters", None, None),
        (" for 40 teams and cut cloud spend by 30% in two years.", None, None),
    ]
    untouched_kept(resume, out, {n})


def test_replace_of_a_word_split_mid_word_keeps_the_first_runs_formatting(resume: bytes) -> None:
    n = number(resume, "Engineer who ran")
    out = apply_docx(resume, [Replace(n, "Kubernetes", "Kubernetes (EKS)")])
    runs = [(r.text, r.bold, r.italic) for r in paragraphs(open_docx(out))[n].runs]
    assert runs == [
        ("Engineer who ran ", None, None),
        ("Kubernetes (EKS)", True, None),  # the bold "Kube" run holds it all
        (" clusters for 40 teams and cut cloud spend by 30% in two years.", None, None),
    ]


def test_replace_in_a_hyperlink_header_and_footer(resume: bytes) -> None:
    link = number(resume, "Portfolio")
    head = number(resume, "ada@example.com")
    foot = number(resume, "Ada Example · references")
    out = apply_docx(resume, [
        Replace(link, "ada.example.com", "ada.dev"),
        Replace(head, "London", "London, UK"),
        Replace(foot, "references on request", "references available"),
    ])
    document = open_docx(out)
    items = paragraphs(document)
    assert items[link].text == "Portfolio: ada.dev (case studies)"
    assert items[link]._p.find(f"{_W}hyperlink") is not None  # still a link
    assert document.sections[0].header.paragraphs[0].text == "ada@example.com · +44 20 7946 0000 · London, UK"
    assert document.sections[0].footer.paragraphs[0].text == "Ada Example · references available"
    untouched_kept(resume, out, {link, head, foot})


def test_replace_on_the_second_line_of_a_paragraph_with_a_break(resume: bytes) -> None:
    n = number(resume, "Senior Platform Engineer")
    out = apply_docx(resume, [Replace(n, "(hybrid)", "(remote)")])
    paragraph = paragraphs(open_docx(out))[n]
    assert paragraph.text == "Senior Platform Engineer\nLondon, UK (remote)"
    assert paragraph._p.find(f"{_W}r/{_W}br") is not None


def test_replace_in_a_table_row_line_looks_in_every_cell(resume: bytes) -> None:
    languages = number(resume, "Languages")  # "Languages | Python, Go" is row:languages
    out = apply_docx(resume, [Replace(languages, "Go", "Go, Rust")])
    assert "Languages | Python, Go, Rust" in view(out).split("\n")
    assert parts(out, "word/header") == parts(resume, "word/header")  # and its table of links
    untouched_kept(resume, out, {languages + 1})


def test_replace_finds_text_the_reader_normalised() -> None:
    document = docx.Document()
    document.add_paragraph("Name Example")
    document.add_paragraph("Ran Kuber\u200bnetes at the cafe\u0301 chain")
    raw = save(document)
    assert "Ran Kubernetes at the café chain" in view(raw)
    out = apply_docx(raw, [Replace(1, "Kubernetes", "K8s"), Replace(1, "café", "coffee")])
    assert paragraphs(open_docx(out))[1].text == "Ran K8s at the coffee chain"


def test_replace_refuses_what_is_not_there(resume: bytes) -> None:
    with pytest.raises(ValueError, match="not in paragraph"):
        apply_docx(resume, [Replace(number(resume, "Migrated"), "Kubernetes", "K8s")])
    with pytest.raises(ValueError, match="empty old text"):
        apply_docx(resume, [Replace(0, "", "x")])
    with pytest.raises(ValueError, match="not in the document"):
        apply_docx(resume, [Replace(999, "a", "b")])


# -- Append ------------------------------------------------------------------------------------


def test_append_copies_the_last_runs_formatting(resume: bytes) -> None:
    n = number(resume, "Mentored")
    out = apply_docx(resume, [Append(n, " and 2 interns")])
    paragraph = paragraphs(open_docx(out))[n]
    assert paragraph.text == "Mentored 6 engineers. and 2 interns"
    assert [(r.text, r.italic) for r in paragraph.runs] == [("Mentored 6 engineers.", True), (" and 2 interns", True)]
    untouched_kept(resume, out, {n})


def test_append_to_a_table_row_line_goes_to_its_last_cell(resume: bytes) -> None:
    tools = number(resume, "Tools")
    out = apply_docx(resume, [Append(tools, ", Kubernetes")])
    assert "Tools | Docker, Terraform, Kubernetes" in view(out).split("\n")
    untouched_kept(resume, out, {tools + 1})


def test_append_after_a_hyperlink_is_not_a_link() -> None:
    document = docx.Document()
    document.add_paragraph("Name Example")
    from tests.writers_docx.conftest import add_hyperlink

    add_hyperlink(document.add_paragraph(), "ada.example.com", "https://ada.example.com")
    out = apply_docx(save(document), [Append(1, " · London")])
    p = paragraphs(open_docx(out))[1]
    assert p.text == "ada.example.com · London"
    assert p.runs[-1].text == " · London" and p.runs[-1].style.name != "Hyperlink"


# -- InsertAfter -------------------------------------------------------------------------------


@pytest.mark.slow
def test_insert_after_styles_lines_like_the_documents_own(resume: bytes) -> None:
    summary = number(resume, "Engineer who ran")
    out = apply_docx(resume, [InsertAfter(summary, (("heading", "Highlights"), ("bullet", "Led the EKS migration."), ("body", "Open to platform roles.")))])
    document = open_docx(out)
    items = paragraphs(document)
    new = items[summary + 1 : summary + 4]
    assert [(p.text, p.style.name) for p in new] == [
        ("Highlights", "Heading 1"),  # the section headings' style (the name is a Title)
        ("Led the EKS migration.", "List Bullet"),
        ("Open to platform roles.", "Normal"),
    ]
    bullet = paragraphs(open_docx(resume))[number(resume, "Migrated")]
    assert etree.tostring(new[1]._p.pPr) == etree.tostring(bullet._p.pPr)  # same numbering, same list
    lines = view(out).split("\n")
    at = lines.index("## Highlights")
    assert lines[at : at + 3] == ["## Highlights", "- Led the EKS migration.", "Open to platform roles."]
    assert lines[at - 1].startswith("Engineer who ran")
    untouched_kept(resume, out, set())


def test_insert_after_a_bullet_continues_its_list(resume: bytes) -> None:
    n = number(resume, "Built the CI")
    out = apply_docx(resume, [InsertAfter(n, (("bullet", "First new."),)), InsertAfter(n, (("bullet", "Second new."),))])
    lines = view(out).split("\n")
    at = lines.index("- Built the CI pipeline in GitHub Actions.")
    assert lines[at : at + 4] == ["- Built the CI pipeline in GitHub Actions.", "- First new.", "- Second new.", "- Mentored 6 engineers."]
    new = paragraphs(open_docx(out))[n + 1]
    assert new.runs[0].font.name == "Arial"  # the anchor bullet's run formatting


def test_insert_after_a_table_row_goes_after_the_table(resume: bytes) -> None:
    cloud = number(resume, "Cloud")
    out = apply_docx(resume, [InsertAfter(cloud, (("bullet", "Certified: CKA"),))])
    lines = view(out).split("\n")
    assert lines[lines.index("Cloud | AWS, GCP") + 1] == "- Certified: CKA"
    assert tables(out) == tables(resume)


def test_insert_at_the_start_and_after_header_and_footer(resume: bytes) -> None:
    head = number(resume, "ada@example.com")
    foot = number(resume, "Ada Example · references")
    out = apply_docx(resume, [
        InsertAfter(-1, (("body", "First of the body."),)),
        InsertAfter(head, (("body", "Second of the body."),)),
        InsertAfter(foot, (("body", "Last of the body."),)),
    ])
    document = open_docx(out)
    assert [p.text for p in document.paragraphs[:3]] == ["First of the body.", "Second of the body.", "Ada Example"]
    assert document.paragraphs[-1].text == "Last of the body."
    assert parts(out, "word/header") == parts(resume, "word/header")
    assert parts(out, "word/footer") == parts(resume, "word/footer")


def test_insert_in_a_layout_cell_stays_in_the_cell() -> None:
    document = docx.Document()
    document.add_paragraph("Name Example", style="Title")
    layout = document.add_table(rows=1, cols=2)
    left = layout.cell(0, 0)
    left.paragraphs[0].text = "Skills"
    left.paragraphs[0].style = document.styles["Heading 1"]
    left.add_paragraph("Python", style="List Bullet")
    right = layout.cell(0, 1)
    right.paragraphs[0].text = "Experience"
    right.paragraphs[0].style = document.styles["Heading 1"]
    right.add_paragraph("Engineer at Acme, 2019 – 2024, building data platforms for retail.")
    raw = save(document)
    out = apply_docx(raw, [InsertAfter(number(raw, "Python"), (("bullet", "Go"),))])
    cell = open_docx(out).tables[0].cell(0, 0)
    assert [p.text for p in cell.paragraphs] == ["Skills", "Python", "Go"]
    assert cell.paragraphs[2].style.name == "List Bullet"


def test_insert_in_a_document_without_heading_or_list_styles() -> None:
    raw = next(p for p in MESSY if p.name == "docx_recruiter_split_runs.docx").read_bytes()
    first = number(raw, "•\tOwn recruiting")
    out = apply_docx(raw, [InsertAfter(first, (("bullet", "Cut time-to-fill by 9 days."),)), InsertAfter(number(raw, "Recruiter with"), (("heading", "HIGHLIGHTS"),))])
    texts = [p.text for p in paragraphs(open_docx(out))]
    assert texts[first + 2] == "•\tCut time-to-fill by 9 days."  # typed like the bullets it follows
    heading = next(p for p in paragraphs(open_docx(out)) if p.text == "HIGHLIGHTS")
    assert heading.runs[0].bold  # like "PROFILE", "EDUCATION": a bold line


def test_insert_refuses_an_unknown_kind(resume: bytes) -> None:
    with pytest.raises(ValueError, match="line kind"):
        apply_docx(resume, [InsertAfter(0, (("table", "x"),))])


# -- Reorder and Remove ------------------------------------------------------------------------


def test_reorder_moves_paragraphs_between_their_slots(resume: bytes) -> None:
    a, b, c = (number(resume, t) for t in ("Migrated", "Built the CI", "Mentored"))
    out = apply_docx(resume, [Reorder((a, b, c), (2, 0, 1))])
    items = paragraphs(open_docx(out))
    assert [items[n].text for n in (a, b, c)] == ["Mentored 6 engineers.", "Migrated 200 services to Terraform modules.", "Built the CI pipeline in GitHub Actions."]
    untouched_kept(resume, out, set(), in_order=False)
    assert items[a].runs[0].italic and items[c].runs[0].font.name == "Arial"  # each took its runs along


def test_reorder_and_replace_in_one_call_use_the_original_numbers(resume: bytes) -> None:
    a, c = number(resume, "Migrated"), number(resume, "Mentored")
    out = apply_docx(resume, [Reorder((a, c), (1, 0)), Replace(a, "Migrated", "Moved"), Replace(c, "6 engineers", "7 engineers")])
    lines = view(out).split("\n")
    at = lines.index("- Mentored 7 engineers.")
    assert lines[at : at + 3] == ["- Mentored 7 engineers.", "- Built the CI pipeline in GitHub Actions.", "- Moved 200 services to Terraform modules."]
    untouched_kept(resume, out, {a, c}, in_order=False)


def test_reorder_of_table_row_lines_moves_the_rows(resume: bytes) -> None:
    rows = tuple(number(resume, t) for t in ("Languages", "Tools", "Cloud"))
    out = apply_docx(resume, [Reorder(rows, (1, 2, 0))])
    lines = view(out).split("\n")
    at = lines.index("Tools | Docker, Terraform")
    assert lines[at : at + 3] == ["Tools | Docker, Terraform", "Cloud | AWS, GCP", "Languages | Python, Go"]
    assert len(open_docx(out).tables[0].rows) == 3


def test_reorder_refuses_what_is_not_an_order(resume: bytes) -> None:
    with pytest.raises(ValueError, match="not an order"):
        apply_docx(resume, [Reorder((1, 2), (0, 0))])
    with pytest.raises(ValueError, match="mix table rows"):
        apply_docx(resume, [Reorder((number(resume, "Languages"), number(resume, "Mentored")), (1, 0))])


def test_remove_a_paragraph_and_a_row(resume: bytes) -> None:
    bullet, cloud = number(resume, "Built the CI"), number(resume, "Cloud")
    out = apply_docx(resume, [Remove(bullet), Remove(cloud), Remove(cloud)])
    lines = view(out).split("\n")
    assert "- Built the CI pipeline in GitHub Actions." not in lines
    assert "Cloud | AWS, GCP" not in lines and "Tools | Docker, Terraform" in lines
    assert len(open_docx(out).tables[0].rows) == 2
    untouched_kept(resume, out, {bullet, cloud, cloud + 1})


def test_remove_keeps_the_xml_valid() -> None:
    document = docx.Document()
    document.add_paragraph("Name Example")
    single = document.add_table(rows=1, cols=2)
    single.cell(0, 0).text, single.cell(0, 1).text = "Only", "row"
    box = document.add_table(rows=1, cols=1)
    box.cell(0, 0).add_paragraph("second")  # a layout cell: "" and "second" are lines of their own
    box.cell(0, 0).paragraphs[0].text = "first"
    raw = save(document)
    out = apply_docx(raw, [Remove(number(raw, "Only")), Remove(number(raw, "first")), Remove(number(raw, "second"))])
    body = open_docx(out).element.body
    assert len(body.findall(f"{_W}tbl")) == 1  # the table left with no row went
    cell = body.find(f"{_W}tbl/{_W}tr/{_W}tc")
    assert cell.findall(f"{_W}p")  # a cell keeps a paragraph
    section_break = docx.Document()
    section_break.add_paragraph("Name Example")
    carrier = section_break.add_paragraph("Ends section one")
    carrier._p.get_or_add_pPr().append(OxmlElement("w:sectPr"))
    section_break.add_paragraph("Section two")
    raw = save(section_break)
    out = apply_docx(raw, [Remove(1)])
    assert len(open_docx(out).sections) == 2 and "Ends section one" not in view(out)


# -- the whole document ------------------------------------------------------------------------


def test_the_output_reads_back_with_every_word_but_the_replaced_ones(resume: bytes, write: Write) -> None:
    ops = [
        Replace(number(resume, "Engineer who ran"), "Kubernetes", "K8s"),
        Append(number(resume, "Tools"), ", Helm"),
        InsertAfter(number(resume, "Mentored"), (("bullet", "Ran the on-call rota."),)),
        Reorder((number(resume, "Migrated"), number(resume, "Built the CI")), (1, 0)),
    ]
    out = apply_docx(resume, ops)
    source, tailored = read_resume(write(resume, "in.docx")), read_resume(write(out, "out.docx"))
    assert not words(source.text) - words("Kubernetes") - words(tailored.text)
    assert words(tailored.text) - words(source.text) == words("K8s Helm Ran the on-call rota")
    assert len(tailored.origins) == len(tailored.text.split("\n"))
    assert apply_docx(resume, ops) == out  # the same edits, the same bytes


def test_the_shipped_sample(write: Write) -> None:
    raw = SAMPLE.read_bytes()
    skills, tools = number(raw, "Design: interaction"), number(raw, "Tools: Figma")
    first, second = number(raw, "Lead designer for budgeting"), number(raw, "Planned and ran 60+")
    ops = [
        Replace(tools, "Sketch", "Sketch, Framer"),
        Append(skills, ", service design"),
        Reorder((first, second), (1, 0)),
        InsertAfter(number(raw, "Product designer with 7 years"), (("heading", "Highlights"), ("bullet", "Design system used by 14 squads."))),
        Remove(number(raw, "Wrote a four-part")),
    ]
    out = apply_docx(raw, ops)
    document = read_resume(write(out))
    lines = document.text.split("\n")
    assert "- Tools: Figma, FigJam, Sketch, Framer, ProtoPie, Principle, Adobe Illustrator, Amplitude, Maze, Dovetail" in lines
    assert lines[lines.index("## Highlights") + 1] == "- Design system used by 14 squads."
    assert lines.index("- Planned and ran 60+ user interviews and 25 usability tests; synthesised findings into journey maps and opportunity trees.") < next(
        i for i, line in enumerate(lines) if line.startswith("- Lead designer for budgeting")
    )
    assert not any(line.startswith("- Wrote a four-part") for line in lines)
    untouched_kept(raw, out, {skills, tools, first, second, number(raw, "Wrote a four-part")})
    assert {p.style.name for p in open_docx(out).paragraphs} <= {p.style.name for p in open_docx(raw).paragraphs}


def test_no_ops_change_nothing_python_docx_made(resume: bytes) -> None:
    out = apply_docx(resume, [])
    with zipfile.ZipFile(io.BytesIO(resume)) as a, zipfile.ZipFile(io.BytesIO(out)) as b:
        assert a.namelist() == b.namelist()
        assert all(a.read(name) == b.read(name) for name in a.namelist())


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_output(resume: bytes, tmp_path: Path) -> None:
    ops = [
        Replace(number(resume, "Engineer who ran"), "Kubernetes", "K8s"),
        InsertAfter(number(resume, "Mentored"), (("bullet", "Ran the on-call rota."),)),
        Remove(number(resume, "Cloud")),
    ]
    (tmp_path / "out.docx").write_bytes(apply_docx(resume, ops))
    done = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", "txt:Text", "--outdir", str(tmp_path), str(tmp_path / "out.docx")],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "out.txt").read_text(encoding="utf-8-sig")
    assert "Engineer who ran K8s clusters" in text and "Ran the on-call rota." in text and "AWS, GCP" not in text


def test_replace_with_a_tab_or_a_line_break_writes_word_elements(resume: bytes) -> None:
    n = number(resume, "2019 – Present")
    out = apply_docx(resume, [Replace(n, " · ", "\t"), Replace(number(resume, "Mentored"), "6 engineers.", "6 engineers.\nAnd 2 interns.")])
    items = paragraphs(open_docx(out))
    assert items[n].text == "2019 – Present\tLondon"
    assert items[n]._p.find(f"{_W}r/{_W}tab") is not None
    assert items[number(resume, "Mentored")].text == "Mentored 6 engineers.\nAnd 2 interns."
    assert not any("\t" in (t.text or "") or "\n" in (t.text or "") for t in open_docx(out).element.body.iter(f"{_W}t"))


def test_a_numbered_heading_is_not_a_bullet_to_copy() -> None:
    document = docx.Document()
    document.add_paragraph("Name Example", style="Title")
    heading = document.add_heading("Experience", 1)
    heading._p.get_or_add_pPr().get_or_add_numPr().get_or_add_numId().val = 1
    document.add_paragraph("Engineer at Acme for five years, building data platforms.")
    raw = save(document)
    out = apply_docx(raw, [InsertAfter(1, (("bullet", "Led the platform team."),))])
    new = paragraphs(open_docx(out))[2]
    assert new.text == "Led the platform team." and new.style.name == "List Bullet"
