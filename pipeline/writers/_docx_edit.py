"""A DOCX edited in place: paragraphs, runs, styles, tables, headers and footers kept.

Paragraph numbers are those of ``readers._docx.paragraphs`` on the original
document, the N of the reader's "p:N" and "row:N" origins. Text edits (``Replace``,
``Append``) are applied first, then ``InsertAfter``, ``Reorder`` and last ``Remove``,
so every number refers to the paragraph the reader saw.

A table row the reader wrote as one line ("Languages | Python, SQL") is edited as
that line: a ``Replace`` looks in each of its cells, an ``Append`` goes to its last
cell, and ``Reorder`` and ``Remove`` move or delete the whole row.

Text is changed in the ``w:t`` elements of the runs that hold it, so run
properties, fields, drawings and bookmarks beside it stay as they were.
"""

from __future__ import annotations

import copy
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tailor.pipeline.readers._docx import paragraphs as document_paragraphs
from tailor.pipeline.readers._docx import row_lines

if TYPE_CHECKING:
    from docx.document import Document
    from docx.text.paragraph import Paragraph


@dataclass(frozen=True)
class Replace:
    """The first ``old`` in paragraph ``paragraph`` becomes ``new``, in the run(s) that hold it.

    The new text goes into the first run ``old`` touches, keeping that run's
    formatting; the rest of ``old`` is cut from the runs after it. ``ValueError``
    when the paragraph (or, for a table row written as one line, none of its cells)
    holds ``old``.
    """

    paragraph: int
    old: str
    new: str


@dataclass(frozen=True)
class Append:
    """``text`` at the end of the paragraph, in a new run formatted like its last run of text."""

    paragraph: int
    text: str


@dataclass(frozen=True)
class InsertAfter:
    """New paragraphs after ``paragraph``; -1 (or a header paragraph): at the start of the body.

    Inside a table the reader wrote row by row, they go after the table; inside a
    layout cell (whose paragraphs the reader wrote as lines of their own), after the
    paragraph in the cell. After a footer paragraph: at the end of the body.
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
    """Paragraph ``paragraph`` deleted (a row written as one line: the row)."""

    paragraph: int


DocxOp = Replace | Append | InsertAfter | Reorder | Remove
LINE_KINDS = frozenset({"heading", "bullet", "body"})

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
# What python-docx's run.text reads, in order: the characters of a paragraph's text.
_RUN_TEXT = "w:br | w:cr | w:noBreakHyphen | w:ptab | w:t | w:tab"
_PARAGRAPH_RUNS = "./w:r | ./w:hyperlink/w:r"
_HEADING = re.compile(r"heading\s*(\d)", re.IGNORECASE)
_TYPED_BULLET = re.compile(r"^[•·▪◦‣*-]\s+")
# What normalise_text drops from a paragraph's text (zero-width and direction marks, controls).
_DROPPED = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\u200b\u200e\u200f\u2060\ufeff\ufffe\uffff]")


def apply_docx(raw: bytes, ops: Sequence[DocxOp]) -> bytes:
    """The DOCX ``raw`` with ``ops`` applied; everything they do not touch is kept as it was.

    ``ValueError`` for an op that does not fit the document (a paragraph number out of
    range, a ``Replace`` whose text is not there, an order that is not a permutation).
    """
    import docx

    document = docx.Document(io.BytesIO(raw))
    editor = _Editor(document)
    for op in ops:
        editor.check(op)
    for op in ops:
        if isinstance(op, Replace):
            editor.replace(op)
        elif isinstance(op, Append):
            editor.append(op)
    for op in ops:
        if isinstance(op, InsertAfter):
            editor.insert_after(op)
    for op in ops:
        if isinstance(op, Reorder):
            editor.reorder(op)
    for op in ops:
        if isinstance(op, Remove):
            editor.remove(op)
    return stable_zip(document)


class _Editor:
    def __init__(self, document: Document) -> None:
        self.document = document
        self.items = document_paragraphs(document)
        self.rows = row_lines(document)
        self.body = document.element.body
        # The rows written as one line, and each inserted paragraph's predecessor by anchor, so
        # that two insertions after the same paragraph come out in the order they were given.
        self.one_line_rows = {self._row(self.items[n]._p) for n in self.rows}
        self.last_inserted: dict[Any, Any] = {}
        self._templates: dict[str, tuple[Paragraph, str] | None] | None = None

    # -- checks, before anything is changed ---------------------------------------------------

    def check(self, op: DocxOp) -> None:
        count = len(self.items)

        def number(n: int, lowest: int = 0) -> None:
            if not lowest <= n < count:
                raise ValueError(f"{type(op).__name__}: paragraph {n} is not in the document ({count} paragraphs)")

        if isinstance(op, Replace):
            number(op.paragraph)
            if not op.old:
                raise ValueError(f"Replace: nothing to replace in paragraph {op.paragraph} (empty old text)")
        elif isinstance(op, (Append, Remove)):
            number(op.paragraph)
        elif isinstance(op, InsertAfter):
            number(op.paragraph, -1)
            for kind, _ in op.lines:
                if kind not in LINE_KINDS:
                    raise ValueError(f"InsertAfter: line kind {kind!r} is not one of {sorted(LINE_KINDS)}")
        elif isinstance(op, Reorder):
            for n in op.paragraphs:
                number(n)
            if sorted(op.order) != list(range(len(op.paragraphs))):
                raise ValueError(f"Reorder: {op.order} is not an order of {len(op.paragraphs)} paragraphs")
            units = [self._unit(n) for n in op.paragraphs]
            if len({id(unit) for unit in units}) != len(units):
                raise ValueError(f"Reorder: paragraphs {op.paragraphs} repeat one")
            if len({unit.tag for unit in units}) > 1:
                raise ValueError(f"Reorder: paragraphs {op.paragraphs} mix table rows and paragraphs")
        else:
            raise ValueError(f"not a DOCX edit: {op!r}")

    # -- text ---------------------------------------------------------------------------------

    def replace(self, op: Replace) -> None:
        for n in self.rows.get(op.paragraph, (op.paragraph,)):
            if _replace(self.items[n]._p, op.old, op.new):
                return
        raise ValueError(f"Replace: {op.old!r} is not in paragraph {op.paragraph} ({self.items[op.paragraph].text[:80]!r})")

    def append(self, op: Append) -> None:
        _append(self.items[self.rows.get(op.paragraph, (op.paragraph,))[-1]]._p, op.text)

    # -- structure ----------------------------------------------------------------------------

    def insert_after(self, op: InsertAfter) -> None:
        anchor = self._anchor(op.paragraph)
        for kind, text in op.lines:
            element = self._new_paragraph(kind, text, op.paragraph)
            previous = self.last_inserted.get(anchor, anchor)
            if previous == "start":
                self.body.insert(0, element)
            elif previous == "end":
                sect = self.body.find(f"{_W}sectPr")
                if sect is not None:
                    sect.addprevious(element)
                else:
                    self.body.append(element)
            else:
                previous.addnext(element)
            self.last_inserted[anchor] = element

    def reorder(self, op: Reorder) -> None:
        from docx.oxml import OxmlElement

        units = [self._unit(n) for n in op.paragraphs]
        marks = []
        for unit in units:
            mark = OxmlElement("w:p")
            unit.addprevious(mark)
            marks.append(mark)
        for unit in units:
            unit.getparent().remove(unit)
        for mark, source in zip(marks, op.order, strict=True):
            mark.addprevious(units[source])
            mark.getparent().remove(mark)

    def remove(self, op: Remove) -> None:
        _detach(self._unit(op.paragraph))

    # -- where things are ---------------------------------------------------------------------

    @staticmethod
    def _row(element: Any) -> Any:
        return next((a for a in element.iterancestors() if a.tag == f"{_W}tr"), None)

    def _unit(self, n: int) -> Any:
        """What a line is made of: the paragraph, or the table row the reader wrote as one line."""
        p = self.items[n]._p
        row = self._row(p)
        return row if row is not None and row in self.one_line_rows else p

    def _anchor(self, n: int) -> Any:
        """The element new paragraphs go after, or "start" / "end" of the body."""
        if n < 0:
            return "start"
        p = self.items[n]._p
        part = p.getroottree().getroot().tag
        if part == f"{_W}hdr":
            return "start"
        if part == f"{_W}ftr":
            return "end"
        anchor = p
        for ancestor in p.iterancestors():  # innermost first: the last match is the outermost
            if ancestor.tag == f"{_W}tr" and ancestor in self.one_line_rows:
                anchor = next(a for a in ancestor.iterancestors() if a.tag == f"{_W}tbl")
        return anchor

    # -- new paragraphs -----------------------------------------------------------------------

    def _new_paragraph(self, kind: str, text: str, after: int) -> Any:
        template = None
        if kind == "bullet" and after >= 0:
            template = _as_bullet(self.items[after])  # after a list item: the same list, the same level
        if template is None:
            template = self.templates()[kind]
        if template is not None:
            paragraph, prefix = template
            return _copy_paragraph(paragraph, prefix + text)
        return self._plain_paragraph(kind, text)

    def templates(self) -> dict[str, tuple[Paragraph, str] | None]:
        if self._templates is None:
            self._templates = _templates([p for p in self.items if p._p.getroottree().getroot().tag == f"{_W}document"])
        return self._templates

    def _plain_paragraph(self, kind: str, text: str) -> Any:
        """A paragraph for a document that has no paragraph of that kind to copy: Word's built-in
        style when the document defines it, else a bold line (heading) or a typed bullet."""
        from docx.oxml import OxmlElement

        element = OxmlElement("w:p")
        run = OxmlElement("w:r")
        name = {"heading": "Heading 1", "bullet": "List Bullet", "body": ""}[kind]
        style = _style_id(self.document, name) if name else None
        if style is not None:
            element.style = style
        elif kind == "heading":
            run.get_or_add_rPr().append(OxmlElement("w:b"))
        elif kind == "bullet":
            text = "• " + text
        run.text = text
        element.append(run)
        return element


# -- text edits -------------------------------------------------------------------------------


def _pieces(p: Any) -> list[tuple[Any, Any, str]]:
    """(run, element, its text) for every character-bearing element of the paragraph's runs and
    hyperlinks, in order: their texts joined are python-docx's ``paragraph.text``."""
    return [(run, element, str(element)) for run in p.xpath(_PARAGRAPH_RUNS) for element in run.xpath(_RUN_TEXT)]


def _find(text: str, old: str) -> tuple[int, int] | None:
    """Where ``old`` is in ``text``: as it is, or as the reader showed it (without the zero-width
    characters and controls it drops, composed or not)."""
    at = text.find(old)
    if at >= 0:
        return at, at + len(old)
    folded: list[str] = []
    source: list[int] = []
    for i, char in enumerate(text):
        if _DROPPED.match(char):
            continue
        for part in unicodedata.normalize("NFD", char):
            folded.append(part)
            source.append(i)
    target = unicodedata.normalize("NFD", _DROPPED.sub("", old))
    at = "".join(folded).find(target) if target else -1
    if at < 0:
        return None
    end = source[at + len(target) - 1] + 1
    while end < len(text) and unicodedata.combining(text[end]):  # a composed character's marks go with it
        end += 1
    return source[at], end


def _replace(p: Any, old: str, new: str) -> bool:
    """The first ``old`` in the paragraph becomes ``new``; False when it is not there."""
    pieces = _pieces(p)
    found = _find("".join(text for _, _, text in pieces), old)
    if found is None:
        return False
    at, end = found
    offset = 0
    placed = False
    touched = []
    for run, element, text in pieces:
        start, stop = offset, offset + len(text)
        offset = stop
        if stop <= at or start >= end or start == stop:
            continue
        touched.append(run)
        if element.tag == f"{_W}t":
            lo, hi = max(at, start) - start, min(end, stop) - start
            _put(element, text[:lo] + ("" if placed else new) + text[hi:])
        elif not placed and new:  # a tab or break at the start of ``old``: the new text takes its place
            _put(element, new)
        else:
            element.getparent().remove(element)
        placed = True
    for run in touched[1:]:  # runs emptied by the cut go, the first (the new text's) stays
        if run.getparent() is not None and all(
            child.tag == f"{_W}rPr" or (child.tag == f"{_W}t" and not child.text) for child in run
        ):
            run.getparent().remove(run)
    return True


def _put(element: Any, text: str) -> None:
    """``text`` where ``element`` (a ``w:t``, tab or break) is: in that ``w:t`` when it is plain
    text, else as the ``w:t``, ``w:tab`` and ``w:br`` elements Word writes for tabs and line breaks."""
    from docx.oxml import OxmlElement

    if element.tag == f"{_W}t" and "\t" not in text and "\n" not in text:
        _set_text(element, text)
        return
    for part in re.split(r"([\t\n])", text):
        if part == "\t":
            node = OxmlElement("w:tab")
        elif part == "\n":
            node = OxmlElement("w:br")
        elif part:
            node = OxmlElement("w:t")
            _set_text(node, part)
        else:
            continue
        element.addprevious(node)
    element.getparent().remove(element)


def _set_text(t: Any, text: str) -> None:
    t.text = text
    if text != text.strip():
        t.set(_XML_SPACE, "preserve")


def _append(p: Any, text: str) -> None:
    """``text`` in a new run at the end of the paragraph, formatted like its last run of text (one
    outside a hyperlink, so the new text does not look like a link)."""
    from docx.oxml import OxmlElement

    runs = [run for run in p.xpath("./w:r") if run.xpath(_RUN_TEXT) and run.text]
    linked = False
    if not runs:
        runs = [run for run in p.xpath(_PARAGRAPH_RUNS) if run.text]
        linked = True
    run = OxmlElement("w:r")
    if runs and runs[-1].rPr is not None:
        properties = copy.deepcopy(runs[-1].rPr)
        for child in properties.findall(f"{_W}rPrChange") + (properties.findall(f"{_W}rStyle") if linked else []):
            properties.remove(child)
        run.append(properties)
    run.text = text
    p.append(run)


# -- structure --------------------------------------------------------------------------------


def _detach(element: Any) -> None:
    """Delete a paragraph or table row, leaving the XML valid: a paragraph that carries a section
    break keeps its properties, a table left with no row goes, a cell, header or footer left
    without a final paragraph gets an empty one."""
    parent = element.getparent()
    if parent is None:  # removed already
        return
    if element.tag == f"{_W}p" and element.find(f"{_W}pPr/{_W}sectPr") is not None:
        for child in list(element):
            if child.tag != f"{_W}pPr":
                element.remove(child)
        return
    parent.remove(element)
    _repair(parent)


def _repair(container: Any) -> None:
    from docx.oxml import OxmlElement

    if container.tag == f"{_W}tbl" and container.find(f"{_W}tr") is None:
        _detach(container)
    elif container.tag in (f"{_W}tc", f"{_W}hdr", f"{_W}ftr"):
        blocks = [child for child in container if child.tag in (f"{_W}p", f"{_W}tbl", f"{_W}sdt")]
        if not blocks or (container.tag == f"{_W}tc" and blocks[-1].tag != f"{_W}p"):
            container.append(OxmlElement("w:p"))


def _copy_paragraph(template: Paragraph, text: str) -> Any:
    """A new paragraph with the template's paragraph properties and the formatting of its main
    run (the one with the most text), holding ``text``."""
    from docx.oxml import OxmlElement

    element = copy.deepcopy(template._p)
    for child in list(element):
        if child.tag != f"{_W}pPr":
            element.remove(child)
    for name in ("paraId", "textId"):  # Word's paragraph ids are unique within a document
        element.attrib.pop(f"{_W14}{name}", None)
    properties = element.find(f"{_W}pPr")
    if properties is not None:  # a section break or a tracked change is the template's alone
        for child in properties.findall(f"{_W}sectPr") + properties.findall(f"{_W}pPrChange"):
            properties.remove(child)
        mark = properties.find(f"{_W}rPr")
        if mark is not None:
            for child in mark.findall(f"{_W}ins") + mark.findall(f"{_W}del") + mark.findall(f"{_W}rPrChange"):
                mark.remove(child)
    run = OxmlElement("w:r")
    runs = [r for r in template._p.xpath("./w:r") if r.text]
    if runs:
        main = max(runs, key=lambda r: len(r.text))
        if main.rPr is not None:
            run_properties = copy.deepcopy(main.rPr)
            for child in run_properties.findall(f"{_W}rPrChange"):
                run_properties.remove(child)
            run.append(run_properties)
    run.text = text
    element.append(run)
    return element


def _style_name(paragraph: Paragraph) -> str:
    try:
        return (paragraph.style.name if paragraph.style is not None else "") or ""
    except (KeyError, AttributeError):  # a style id the styles part does not define
        return ""


def _style_id(document: Document, name: str) -> str | None:
    from docx.enum.style import WD_STYLE_TYPE

    try:
        style = document.styles[name]
    except KeyError:
        return None
    return style.style_id if style.type == WD_STYLE_TYPE.PARAGRAPH else None


def _heading_level(paragraph: Paragraph) -> int | None:
    match = _HEADING.match(_style_name(paragraph))
    return max(int(match.group(1)), 1) if match else None


def _is_list(paragraph: Paragraph) -> bool:
    """A list item as the reader sees one: a List style or direct numbering, not a heading or Title."""
    style = _style_name(paragraph)
    if style == "Title" or _heading_level(paragraph) is not None:
        return False
    properties = paragraph._p.pPr
    return style.startswith("List") or (properties is not None and properties.numPr is not None)


def _as_bullet(paragraph: Paragraph) -> tuple[Paragraph, str] | None:
    """The paragraph as a bullet to copy: a list paragraph, or one with a typed bullet ("•\\t")
    whose bullet the copy repeats."""
    if _is_list(paragraph):
        return paragraph, ""
    typed = _TYPED_BULLET.match(paragraph.text)
    return (paragraph, typed.group(0)) if typed else None


def _templates(body: list[Paragraph]) -> dict[str, tuple[Paragraph, str] | None]:
    """A paragraph of each kind to copy the look of (with the bullet to type before the text):
    a section heading, a list item, a body paragraph; None for a kind the document lacks."""
    filled = [p for p in body if p.text.strip()]
    name = filled[0] if filled else None
    rest = [p for p in filled if p is not name]
    return {"heading": _section_heading(filled, rest), "bullet": _bullet(rest), "body": _body(rest)}


def _section_heading(filled: list[Paragraph], rest: list[Paragraph]) -> tuple[Paragraph, str] | None:
    """The style the reader makes "##" lines of: Heading 2 under a Heading 1 name, else Heading 1
    (the name being a Title or a plain line); else the highest heading level below the name; else,
    for a document without heading styles, a short all-bold line ("PROFILE", "Experience")."""
    levels = [(_heading_level(p), p) for p in rest]
    section = 2 if filled and _heading_level(filled[0]) == 1 else 1
    chosen = next((p for level, p in levels if level == section), None)
    if chosen is None:
        headed = [(level, p) for level, p in levels if level is not None]
        chosen = min(headed, key=lambda pair: pair[0])[1] if headed else None
    if chosen is None:
        chosen = next((p for p in rest if _is_bold_line(p)), None)
    return (chosen, "") if chosen is not None else None


def _is_bold_line(paragraph: Paragraph) -> bool:
    runs = [run for run in paragraph.runs if run.text.strip()]
    words = paragraph.text.split()
    return bool(runs) and len(words) <= 4 and all(run.bold for run in runs) and not _is_list(paragraph)


def _bullet(rest: list[Paragraph]) -> tuple[Paragraph, str] | None:
    """A list paragraph, a bulleted one before a numbered one; else a typed bullet."""
    lists = [p for p in rest if _is_list(p)]
    chosen = next((p for p in lists if "Number" not in _style_name(p)), lists[0] if lists else None)
    if chosen is not None:
        return chosen, ""
    return next((found for p in rest if (found := _as_bullet(p)) is not None), None)


def _body(rest: list[Paragraph]) -> tuple[Paragraph, str] | None:
    """The longest plain paragraph (a summary or a job's description), outside tables if any is."""
    plain = [
        p for p in rest
        if _heading_level(p) is None and not _is_list(p) and _style_name(p) != "Title" and not _TYPED_BULLET.match(p.text)
    ]
    outside = [p for p in plain if not any(a.tag == f"{_W}tbl" for a in p._p.iterancestors())]
    candidates = outside or plain
    return (max(candidates, key=lambda p: len(p.text.split())), "") if candidates else None


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
