"""The tailored resume as bytes in the format asked for.

Format out = format in edits the source itself: Markdown and text byte for byte,
a DOCX paragraph by paragraph (styles, runs, tables, headers and footers kept),
JSON Resume and YAML field by field. Other formats are made from the tailored
text: HTML, PDF (typeset anew; a PDF's layout cannot be edited) and a fresh DOCX;
JSON/YAML from a non-JSON resume are what the parser understood of it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tailor.pipeline.readers.documents import SourceDocument
from tailor.pipeline.tailoring.editing import LineIndex
from tailor.pipeline.tailoring.models import Edit, Tailoring

_MARKDOWN_VIEWS = frozenset({"markdown", "docx", "json", "yaml"})  # formats whose text is Markdown


def render_output(doc: SourceDocument, tailoring: Tailoring, fmt: str, source_path: str) -> bytes:
    """The tailored resume in ``fmt`` (md, txt, json, yaml, docx, pdf, html)."""
    text = tailoring.text
    markdown = doc.format in _MARKDOWN_VIEWS
    title = tailoring.resume.contact.name
    if fmt in ("md", "txt"):
        return text.encode("utf-8")
    if fmt == "html":
        from tailor.pipeline.writers._html import to_html

        return to_html(text, markdown=markdown, title=title).encode("utf-8")
    if fmt == "pdf":
        from tailor.pipeline.writers._pdf import to_pdf

        return to_pdf(text, markdown=markdown, title=title)
    if fmt == "docx":
        if doc.format == "docx":
            from tailor.pipeline.writers._docx_edit import apply_docx

            return apply_docx(Path(source_path).read_bytes(), list(docx_ops(doc, tailoring.edits)))
        from tailor.pipeline.writers._docx_new import to_docx

        return to_docx(text, markdown=markdown, title=title)
    if fmt in ("json", "yaml"):
        from tailor.pipeline.writers._structured import dump

        if doc.format in ("json", "yaml"):
            from tailor.pipeline.writers._structured import apply_fields

            original = Path(source_path).read_text(encoding="utf-8-sig")
            data = _load(original, doc.format)
            return dump(apply_fields(data, list(field_ops(doc, tailoring.edits))), fmt, original).encode("utf-8")
        from tailor.pipeline.tailoring.rendering import to_json_resume

        return dump(to_json_resume(tailoring.resume), fmt, "").encode("utf-8")
    raise ValueError(f"unknown output format {fmt!r}")


def _load(text: str, source_format: str) -> Any:
    import json

    if source_format == "json":
        return json.loads(text)
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _inserted_lines(after: str) -> tuple[tuple[str, str], ...]:
    """The lines an insertion adds, each as (kind, text): heading, bullet or body."""
    from tailor.pipeline.tailoring._text import is_bullet, strip_bullet

    lines: list[tuple[str, str]] = []
    for line in after.split("\n"):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            lines.append(("heading", stripped.lstrip("#").strip()))
        elif stripped.startswith("**") and stripped.endswith("**"):
            lines.append(("heading", stripped.strip("*").strip()))
        elif is_bullet(stripped):
            lines.append(("bullet", strip_bullet(stripped)))
        else:
            lines.append(("body", stripped))
    return tuple(lines)


def _anchor(doc: SourceDocument, index: LineIndex, offset: int) -> int:
    """The paragraph of the line at ``offset``, or of the nearest line above it that has one (-1: none)."""
    line = index.line(offset)
    while line >= 0:
        origin = doc.origin(line)
        if origin.startswith(("p:", "row:")):
            return int(origin.split(":", 1)[1])
        line -= 1
    return -1


def docx_ops(doc: SourceDocument, edits: tuple[Edit, ...]) -> Iterator[Any]:
    """The tailoring's edits as operations on the source DOCX's paragraphs."""
    from tailor.pipeline.writers import _docx_edit as ops

    index = LineIndex(doc.text)

    def paragraph(offset: int) -> int:
        return int(doc.origin(index.line(offset)).split(":", 1)[1])

    for edit in edits:
        start, end = edit.spans[0]
        if edit.kind == "rename":
            yield ops.Replace(paragraph(start), edit.before, edit.after)
        elif edit.kind in ("extend", "summary") and edit.lines:
            yield ops.InsertAfter(_anchor(doc, index, start), _inserted_lines(edit.after))
        elif edit.kind == "extend":
            yield ops.Append(paragraph(start), edit.after)
        elif edit.kind == "summary":
            yield ops.Replace(paragraph(start), edit.before, edit.after)
        elif edit.kind == "move":
            yield ops.Reorder(tuple(paragraph(s) for s, _ in edit.spans), edit.order)
        elif edit.kind == "drop":
            yield ops.Remove(paragraph(start if doc.text[start:start + 1] != "\n" else start + 1))


def field_ops(doc: SourceDocument, edits: tuple[Edit, ...]) -> Iterator[Any]:
    """The tailoring's edits as operations on the source JSON Resume's fields."""
    from tailor.pipeline.writers import _structured as ops

    index = LineIndex(doc.text)

    def field(offset: int) -> str:
        return doc.origin(index.line(offset))

    for edit in edits:
        start, _ = edit.spans[0]
        if edit.kind == "rename":
            yield ops.Replace(field(start), edit.before, edit.after)
        elif edit.kind == "summary":
            yield ops.SetSummary(_inserted_lines(edit.after)[-1][1])
        elif edit.kind == "extend" and not edit.lines:
            yield ops.AppendItems(field(start), edit.terms)
        elif edit.kind == "extend":
            yield ops.AddSkills(edit.terms, "Skills")
        elif edit.kind == "move":
            yield ops.Reorder(tuple(field(s) for s, _ in edit.spans), edit.order)
        elif edit.kind == "drop":
            yield ops.Remove(field(start if doc.text[start:start + 1] != "\n" else start + 1))


def where(doc: SourceDocument, edit: Edit, index: LineIndex | None = None) -> dict[str, Any]:
    """The JSON report's place of an edit: 1-based line and column of the source text, and the
    DOCX paragraph or JSON Resume field it is in."""
    index = index or LineIndex(doc.text)
    start = edit.spans[0][0]
    if edit.kind == "move":  # where the bullet that moved up was
        start = next((edit.spans[k][0] for n, k in enumerate(edit.order) if k != n), start)
    line, col = index.position(start)
    origin = doc.origin(line)
    paragraph = int(origin.split(":", 1)[1]) if doc.format == "docx" and ":" in origin else None
    field = origin if doc.format in ("json", "yaml") and origin else None
    return {"line": line + 1, "col": col + 1, "paragraph": paragraph, "field": field}
