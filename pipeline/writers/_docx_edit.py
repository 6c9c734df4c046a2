"""A DOCX edited in place: paragraphs, runs, styles, tables, headers and footers kept.

Paragraph numbers are those of ``readers._docx.paragraphs`` on the original
document. Text edits are applied first, then new paragraphs, moves and removals,
so every number refers to the paragraph the reader saw.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tailor.pipeline.readers._docx import paragraphs as document_paragraphs

if TYPE_CHECKING:
    from docx.document import Document
    from docx.text.paragraph import Paragraph


@dataclass(frozen=True)
class Replace:
    """The first ``old`` in paragraph ``paragraph`` becomes ``new``, in the run(s) that hold it."""

    paragraph: int
    old: str
    new: str


@dataclass(frozen=True)
class Append:
    """``text`` at the end of the paragraph, in a run formatted like its last one."""

    paragraph: int
    text: str


@dataclass(frozen=True)
class InsertAfter:
    """New paragraphs after ``paragraph`` (after its table, inside one; -1: at the start of the body).

    Each line is (kind, text), kind "heading", "bullet" or "body": styled like the
    document's own section headings, list paragraphs or body paragraphs.
    """

    paragraph: int
    lines: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Reorder:
    """Slot i (where ``paragraphs[i]`` was) receives paragraph ``paragraphs[order[i]]``."""

    paragraphs: tuple[int, ...]
    order: tuple[int, ...]


@dataclass(frozen=True)
class Remove:
    paragraph: int


DocxOp = Replace | Append | InsertAfter | Reorder | Remove
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _replace(paragraph: Paragraph, old: str, new: str) -> None:
    runs = paragraph.runs
    texts = [run.text for run in runs]
    full = "".join(texts)
    at = full.find(old)
    if at < 0:
        raise ValueError(f"{old!r} is not in paragraph {paragraph.text[:60]!r}")
    end = at + len(old)
    offset = 0
    placed = False
    for run, text in zip(runs, texts, strict=True):
        start, stop = offset, offset + len(text)
        offset = stop
        if stop <= at or start >= end:
            continue
        lo, hi = max(at, start) - start, min(end, stop) - start
        run.text = text[:lo] + ("" if placed else new) + text[hi:]
        placed = True


def _append(paragraph: Paragraph, text: str) -> None:
    runs = [run for run in paragraph.runs if run.text]
    run = paragraph.add_run(text)
    if runs and runs[-1]._r.rPr is not None:
        run._r.insert(0, copy.deepcopy(runs[-1]._r.rPr))


def _templates(items: list[Paragraph]) -> dict[str, Paragraph | None]:
    """A paragraph of each kind to copy the look of: a section heading, a list item, a body paragraph."""
    def style(p: Paragraph) -> str:
        return (p.style.name if p.style is not None else "") or ""

    def is_list(p: Paragraph) -> bool:
        ppr = p._p.pPr
        return style(p).startswith("List") or (ppr is not None and ppr.numPr is not None)

    body = [p for p in items if p.text.strip() and not _in_table(p)]
    headings = [p for p in body if style(p).startswith("Heading")]
    # The name is often the first heading; a section heading is the most common level after it.
    levels = [style(p) for p in headings[1:]] or [style(p) for p in headings]
    section = max(set(levels), key=levels.count) if levels else None
    return {
        "heading": next((p for p in headings if style(p) == section), None),
        "bullet": next((p for p in body if is_list(p)), None),
        "body": next((p for p in body if not is_list(p) and not style(p).startswith(("Heading", "Title"))
                      and len(p.text.split()) > 6), None),
    }


def _in_table(paragraph: Paragraph) -> bool:
    return any(element.tag == f"{_W}tbl" for element in paragraph._p.iterancestors())


def _outermost_table(paragraph: Paragraph) -> Any:
    tables = [element for element in paragraph._p.iterancestors() if element.tag == f"{_W}tbl"]
    return tables[-1] if tables else paragraph._p


def _new_paragraph(document: Document, template: Paragraph | None, kind: str, text: str) -> Any:
    if template is None:
        style = {"heading": "Heading 2", "bullet": "List Bullet", "body": None}[kind]
        try:
            made = document.add_paragraph(text, style=style)
        except KeyError:  # a document without that style
            made = document.add_paragraph(text)
        element = made._p
        element.getparent().remove(element)
        return element
    element = copy.deepcopy(template._p)
    for child in list(element):
        if child.tag != f"{_W}pPr":
            element.remove(child)
    run = copy.deepcopy(template.runs[0]._r) if template.runs else None
    from docx.oxml import OxmlElement

    if run is None:
        run = OxmlElement("w:r")
    for child in list(run):
        if child.tag != f"{_W}rPr":
            run.remove(child)
    t = OxmlElement("w:t")
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    run.append(t)
    element.append(run)
    return element


def apply_docx(raw: bytes, ops: Sequence[DocxOp]) -> bytes:
    """The DOCX ``raw`` with ``ops`` applied; everything they do not touch is kept as it was."""
    import docx

    document = docx.Document(io.BytesIO(raw))
    items = document_paragraphs(document)
    templates = _templates(items)
    for op in ops:
        if isinstance(op, Replace):
            _replace(items[op.paragraph], op.old, op.new)
        elif isinstance(op, Append):
            _append(items[op.paragraph], op.text)
    for op in ops:
        if isinstance(op, InsertAfter):
            new = [_new_paragraph(document, templates.get(kind), kind, text) for kind, text in op.lines]
            if op.paragraph < 0:
                body = document.element.body
                for element in reversed(new):
                    body.insert(0, element)
                continue
            anchor = _outermost_table(items[op.paragraph])
            for element in new:
                anchor.addnext(element)
                anchor = element
        elif isinstance(op, Reorder):
            from docx.oxml import OxmlElement

            elements = [items[n]._p for n in op.paragraphs]
            marks = []
            for element in elements:
                mark = OxmlElement("w:p")
                element.addprevious(mark)
                marks.append(mark)
            for element in elements:
                element.getparent().remove(element)
            for mark, source in zip(marks, op.order, strict=True):
                mark.addprevious(elements[source])
                mark.getparent().remove(mark)
    for op in ops:
        if isinstance(op, Remove):
            element = items[op.paragraph]._p
            element.getparent().remove(element)
    return stable_zip(document)


def stable_zip(document: Document) -> bytes:
    """The saved DOCX with fixed zip timestamps: the same edits give the same bytes, on any machine
    (a batch's up-to-date check and a Dask run beside a local one compare them)."""
    import zipfile

    saved = io.BytesIO()
    document.save(saved)
    out = io.BytesIO()
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()
