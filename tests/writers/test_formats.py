"""The writers: DOCX and JSON/YAML edited in place, PDF/HTML/DOCX made anew; every word kept, text never markup."""

from __future__ import annotations

import io
import json
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from tailor.pipeline.app.output import render_output
from tailor.pipeline.readers import read_job, read_resume
from tailor.pipeline.tailoring import (
    RewriteOptions,
    analyse_job,
    load_taxonomy,
    parse_job,
    parse_resume,
    profile_resume,
    score_ats,
    set_targets,
    tailor_document,
)
from tailor.pipeline.tailoring.guard import word_counts
from tailor.pipeline.writers._docx_edit import Append, InsertAfter, Remove, Reorder, Replace, apply_docx
from tailor.pipeline.writers._docx_new import to_docx
from tailor.pipeline.writers._html import to_html
from tailor.pipeline.writers._pdf import to_pdf
from tailor.pipeline.writers._structured import AddSkills, AppendItems, SetSummary, apply_fields, dump
from tailor.pipeline.writers._structured import Remove as RemoveField
from tailor.pipeline.writers._structured import Reorder as ReorderFields
from tailor.pipeline.writers._structured import Replace as ReplaceField
from tests._samples import SAMPLES as SAMPLE_DATA

ROOT = Path(__file__).resolve().parents[2]
RESUMES = SAMPLE_DATA / "resumes"
JOBS = SAMPLE_DATA / "jobs"
MESSY = ROOT / "tests" / "data" / "messy"
SPECIAL = ("# Ada #Lovelace\nada@example.com · $100 · *star* _under_ @handle <b>bold</b> \\ ] [ { } \" ' & – • é\n"
           "## Experience\n- Built #tags, $vars, <script>alert(1)</script> and [links](https://example.com).\n")


def words_of_pdf(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def tailored(path: Path, job: str = "backend_engineer.md"):  # type: ignore[no-untyped-def]
    tax = load_taxonomy()
    doc = read_resume(path)
    resume = parse_resume(doc)
    profile = profile_resume(resume, tax)
    job_profile = analyse_job(parse_job(read_job(JOBS / job)), tax)
    before = score_ats(resume, profile, job_profile)
    targets = set_targets(before, profile, job_profile, 80)
    return doc, tailor_document(doc, resume, profile, job_profile, targets, before, RewriteOptions(), tax)


@pytest.mark.parametrize("text", [(RESUMES / "software_engineer.md").read_text(), SPECIAL])
def test_pdf_keeps_every_word_and_markup_characters_literally(text: str) -> None:
    data = to_pdf(text, markdown=True)
    assert data.startswith(b"%PDF-") and 1 <= len(PdfReader(io.BytesIO(data)).pages) <= 2
    got = words_of_pdf(data)
    assert not word_counts(text) - word_counts(got)
    if text is SPECIAL:
        for literal in ("#Lovelace", "$100", "@handle", "<b>bold</b>", "#tags", "$vars"):
            assert literal in got


def test_pdf_of_plain_text_and_the_same_bytes_twice() -> None:
    text = (RESUMES / "account_executive.txt").read_text()
    first = to_pdf(text, markdown=False)
    assert not word_counts(text) - word_counts(words_of_pdf(first))
    assert to_pdf(text, markdown=False) == first


def test_html_escapes_everything() -> None:
    page = to_html(SPECIAL, markdown=True)
    assert "<script" not in page and "&lt;script&gt;" in page and "&lt;b&gt;bold&lt;/b&gt;" in page
    import html
    import re

    body = page[page.index("<body>"):]
    visible = html.unescape(re.sub(r"<[^>]+>", " ", body))
    hrefs = " ".join(html.unescape(h) for h in re.findall(r'<a href="([^"]+)"', body))
    # Every word is on the page: Markdown links are links, their address in the href (issue 18).
    assert not word_counts(SPECIAL.replace("_under_", "under")) - word_counts(visible + " " + hrefs)  # _x_ is emphasis
    assert '<a href="https://example.com">links</a>' in body and "<em>star</em>" in body


def test_new_docx_has_every_word_in_builtin_styles() -> None:
    text = (RESUMES / "software_engineer.md").read_text()
    document = docx.Document(io.BytesIO(to_docx(text, markdown=True)))
    styles = {p.style.name for p in document.paragraphs}
    assert {"Title", "Heading 1", "List Bullet"} <= styles
    assert not word_counts(text) - word_counts("\n".join(p.text for p in document.paragraphs))


def _runs(document: docx.document.Document) -> list[tuple[str, str, bool | None, bool | None]]:
    return [(p.style.name, r.text, r.bold, r.italic) for p in document.paragraphs for r in p.runs]


def test_docx_ops_edit_in_place_and_keep_styles_runs_and_headers(tmp_path: Path) -> None:
    source = docx.Document()
    source.sections[0].header.paragraphs[0].text = "Ada Lovelace · ada@example.com"
    source.add_paragraph("Ada Lovelace", style="Title")
    source.add_paragraph("Experience", style="Heading 1")
    first = source.add_paragraph(style="List Bullet")
    first.add_run("Built ")
    first.add_run("Post").bold = True
    first.add_run("gres pipelines.").bold = True
    source.add_paragraph("Ran the offsite.", style="List Bullet")
    source.add_paragraph("Skills", style="Heading 1")
    table = source.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Tools", "Docker"
    source.add_paragraph("Python, Docker")
    buffer = io.BytesIO()
    source.save(buffer)
    raw = buffer.getvalue()
    from tailor.pipeline.readers._docx import paragraphs

    numbers = {p.text: n for n, p in enumerate(paragraphs(docx.Document(io.BytesIO(raw))))}
    out = apply_docx(raw, [
        Replace(numbers["Built Postgres pipelines."], "Postgres", "PostgreSQL"),  # across two runs
        Append(numbers["Python, Docker"], ", Kafka"),
        Reorder((numbers["Built Postgres pipelines."], numbers["Ran the offsite."]), (1, 0)),
        InsertAfter(numbers["Ada Lovelace"], (("heading", "Summary"), ("body", "Engineer with Kafka."))),
    ])
    document = docx.Document(io.BytesIO(out))
    texts = [p.text for p in document.paragraphs]
    assert texts.index("Ran the offsite.") < texts.index("Built PostgreSQL pipelines.")
    assert "Python, Docker, Kafka" in texts and "Summary" in texts and "Engineer with Kafka." in texts
    summary = document.paragraphs[texts.index("Summary")]
    assert summary.style.name == "Heading 1"
    bullet = document.paragraphs[texts.index("Built PostgreSQL pipelines.")]
    assert bullet.style.name == "List Bullet" and [r.bold for r in bullet.runs][:2] == [None, True]
    assert document.sections[0].header.paragraphs[0].text == "Ada Lovelace · ada@example.com"
    assert document.tables[0].cell(0, 1).text == "Docker"
    dropped = docx.Document(io.BytesIO(apply_docx(raw, [Remove(numbers["Ran the offsite."])])))
    assert "Ran the offsite." not in [p.text for p in dropped.paragraphs]
    with pytest.raises(ValueError):
        apply_docx(raw, [Replace(numbers["Python, Docker"], "Rust", "Go")])


@pytest.mark.parametrize("path", [RESUMES / "product_designer.docx", *sorted(MESSY.glob("*.docx"))], ids=lambda p: p.name)
def test_tailored_docx_keeps_paragraph_styles_and_every_word(path: Path, tmp_path: Path) -> None:
    doc, result = tailored(path, "product_designer.md")
    out = tmp_path / "out.docx"
    out.write_bytes(render_output(doc, result, "docx", str(path)))
    before, after = docx.Document(str(path)), docx.Document(str(out))
    styles_before = sorted(p.style.name for p in before.paragraphs)
    added = sum(1 for e in result.edits if e.lines)
    assert len(after.paragraphs) >= len(before.paragraphs) and (added or styles_before == sorted(
        p.style.name for p in after.paragraphs))
    renamed = word_counts(" ".join(e.before for e in result.edits if e.kind == "rename"))
    assert not word_counts(doc.text) - word_counts(read_resume(out).text) - renamed


def test_field_ops_edit_by_path_and_leave_the_rest() -> None:
    data = {"basics": {"name": "Ada"}, "work": [{"name": "Acme", "highlights": ["a", "b", "c"]}],
            "skills": [{"name": "Data", "keywords": ["Postgres"]}, "Python"]}
    out = apply_fields(data, [
        ReplaceField("skills.0.keywords", "Postgres", "PostgreSQL"),
        AppendItems("skills.0.keywords", ("Kafka",)),
        AppendItems("skills.1", ("Go",)),
        SetSummary("Engineer."),
        # as the planner makes them: a drop, and a move among the bullets kept
        ReorderFields(("work.0.highlights.0", "work.0.highlights.2"), (1, 0)),
        RemoveField("work.0.highlights.1"),
    ])
    assert out["skills"] == [{"name": "Data", "keywords": ["PostgreSQL", "Kafka"]}, "Python", "Go"]
    assert out["work"][0]["highlights"] == ["c", "a"] and out["basics"] == {"name": "Ada", "summary": "Engineer."}
    assert data["work"][0]["highlights"] == ["a", "b", "c"]  # the input is not touched
    assert apply_fields({}, [AddSkills(("Go",), "Skills")]) == {"skills": [{"name": "Skills", "keywords": ["Go"]}]}
    assert dump({"a": "é"}, "json", '{\n    "a": 1\n}') == '{\n    "a": "é"\n}\n'


@pytest.mark.parametrize("path", [RESUMES / "data_scientist.json", RESUMES / "career_changer_teacher.yaml",
                                  *sorted(MESSY.glob("*.json")), *sorted(MESSY.glob("*.yaml"))], ids=lambda p: p.name)
def test_tailored_json_resume_validates_and_keeps_every_word(path: Path, tmp_path: Path) -> None:
    import jsonschema
    import yaml

    doc, result = tailored(path, "data_scientist.txt")
    fmt = "json" if path.suffix == ".json" else "yaml"
    out = tmp_path / f"out{path.suffix}"
    out.write_bytes(render_output(doc, result, fmt, str(path)))
    data = json.loads(out.read_text()) if fmt == "json" else yaml.safe_load(out.read_text())
    schema = json.loads((ROOT / "tests" / "data" / "jsonresume-schema.json").read_text())
    source = json.loads(path.read_text()) if fmt == "json" else yaml.safe_load(path.read_text())
    if not list(jsonschema.Draft7Validator(schema).iter_errors(json.loads(json.dumps(source, default=str)))):
        jsonschema.validate(json.loads(json.dumps(data, default=str)), schema)  # valid in, valid out
    renamed = word_counts(" ".join(e.before for e in result.edits if e.kind == "rename"))
    assert not word_counts(doc.text) - word_counts(read_resume(out).text) - renamed


def test_json_resume_from_markdown_validates() -> None:
    import jsonschema
    import yaml

    path = RESUMES / "software_engineer.md"
    doc, result = tailored(path)
    schema = json.loads((ROOT / "tests" / "data" / "jsonresume-schema.json").read_text())
    for fmt in ("json", "yaml"):
        raw = render_output(doc, result, fmt, str(path)).decode()
        data = json.loads(raw) if fmt == "json" else yaml.safe_load(raw)
        jsonschema.validate(data, schema)
        assert data["basics"]["name"] == "Maya Okonkwo-Reyes" and data["work"][0]["highlights"]
