"""A DOCX body as Markdown-like text via python-docx (imported only when a DOCX is read).

Heading styles become ``#`` lines, list paragraphs ``- `` bullets, and table
rows lines, so the one text parser serves Word resumes too.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from typing import TYPE_CHECKING

from tailor.pipeline.errors import InputError
from tailor.pipeline.readers._bytes import input_error, one_line
from tailor.pipeline.readers._text import normalise_text, require_words

if TYPE_CHECKING:
    from docx.document import Document
    from docx.table import Table, _Cell, _Row
    from docx.text.paragraph import Paragraph

# A DOCX is a zip: refuse archives that would unpack to far more than any resume (zip bombs).
_MAX_UNPACKED_BYTES = 200_000_000
_HEADING = re.compile(r"heading\s*(\d)", re.IGNORECASE)
_TYPED_BULLET = re.compile(r"^[•·▪◦‣*-]\s*")


def docx_to_markdown(raw: bytes, where: str) -> str:
    return docx_to_document(raw, where)[0]


def docx_to_document(raw: bytes, where: str) -> tuple[str, tuple[str, ...]]:
    """The DOCX as Markdown-like text, and the origin of each of its lines: "p:N" for the N-th
    paragraph of ``paragraphs(document)``, "row:N" for a table row joined into one line."""
    if not raw.startswith(b"PK"):
        raise input_error(where, "not a DOCX (not a zip archive)")
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise input_error(where, f"corrupt DOCX ({one_line(exc)})") from None
    if unpacked > _MAX_UNPACKED_BYTES:
        raise input_error(where, f"DOCX unpacks to {unpacked:,} bytes; refusing to open it")

    import docx

    try:
        document = docx.Document(io.BytesIO(raw))
        numbers = {p._p: n for n, p in enumerate(paragraphs(document))}
        items = [item for paragraph in _margins(document, "header") if (item := _item(paragraph, numbers))[1]]
        body = len(items)
        items += list(_items(document.iter_inner_content(), numbers))
        items += [item for paragraph in _margins(document, "footer") if (item := _item(paragraph, numbers))[1]]
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - python-docx/lxml raise many types on damaged parts; all mean "corrupt"
        raise input_error(where, f"corrupt DOCX ({one_line(exc)})") from None
    lines: list[str] = []
    origins: list[str] = []
    for line, origin in _markdown(items, body):
        # Each paragraph normalised on its own, so one with a line break keeps its origin on both lines.
        for part in normalise_text(line).rstrip("\n").split("\n"):
            lines.append(part)
            origins.append(origin)
    text = "\n".join(lines) + "\n"
    require_words(text, where, "DOCX has no text")
    return text, (*origins, "")


def _margins(document: Document, kind: str) -> list[Paragraph]:
    """The first section's header (or footer) paragraphs: the first-page one too when it differs."""
    section = document.sections[0]
    parts = [getattr(section, kind)]
    if section.different_first_page_header_footer:
        parts.insert(0, getattr(section, f"first_page_{kind}"))
    seen: list[Paragraph] = []
    for part in parts:
        if not part.is_linked_to_previous:
            seen += part.paragraphs
    return seen


def paragraphs(document: Document) -> list[Paragraph]:
    """Every paragraph in reading order: header, body (tables row by row, each merged cell once), footer.

    The reader numbers lines by it ("p:N") and the DOCX writer finds them by it.
    """
    from docx.text.paragraph import Paragraph

    out: list[Paragraph] = list(_margins(document, "header"))

    def walk(content: Iterator[Paragraph | Table]) -> None:
        for block in content:
            if isinstance(block, Paragraph):
                out.append(block)
            else:
                for row in block.rows:
                    for cell in _cells(row):
                        walk(cell.iter_inner_content())

    walk(document.iter_inner_content())
    out += _margins(document, "footer")
    return out


# (heading level, text, origin): level 0 for the Title style, n for "Heading n", None for body lines.
_Item = tuple[int | None, str, str]


def _markdown(items: list[_Item], body: int) -> Iterator[tuple[str, str]]:
    """Headings as "#" lines in the parser's convention: "#" the name, "##" sections, "###" entries.

    A body that opens with a Heading 1 uses it for the name (a page header before it
    does not count); otherwise (a Title, or a plain first line) Heading 1 marks
    sections, so levels shift by one.
    """
    shift = 0 if len(items) > body and items[body][0] == 1 else 1
    for level, text, origin in items:
        if level is None:
            yield text, origin
        else:
            yield f"{'#' * (1 if level == 0 else min(level + shift, 6))} {text}", origin


def _items(content: Iterator[Paragraph | Table], numbers: dict) -> Iterator[_Item]:
    from docx.text.paragraph import Paragraph

    for block in content:
        if isinstance(block, Paragraph):
            item = _item(block, numbers)
            if item[1]:
                yield item
        else:
            yield from _table(block, numbers)


def _item(paragraph: Paragraph, numbers: dict) -> _Item:
    origin = f"p:{numbers[paragraph._p]}" if paragraph._p in numbers else ""
    text = paragraph.text.strip()
    if not text:
        return None, "", origin
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    if style == "Title":
        return 0, text, origin
    heading = _HEADING.match(style)
    if heading:
        return max(int(heading.group(1)), 1), text, origin
    if _is_list_item(paragraph, style):
        return None, f"- {_TYPED_BULLET.sub('', text)}", origin
    return None, text, origin


def _is_list_item(paragraph: Paragraph, style: str) -> bool:
    """List styles, or direct numbering (how Word marks bullets typed in a Normal paragraph)."""
    if style.startswith("List"):
        return True
    properties = paragraph._p.pPr
    return properties is not None and properties.numPr is not None


def _cells(row: _Row) -> list[_Cell]:
    cells: list[_Cell] = []
    for cell in row.cells:
        if not cells or cell._tc is not cells[-1]._tc:  # merged cells repeat across the span
            cells.append(cell)
    return cells


def _table(table: Table, numbers: dict) -> Iterator[_Item]:
    """A row of one-line cells becomes one " | " line; a layout cell with paragraphs keeps its lines."""
    for row in table.rows:
        cells = _cells(row)
        blocks = [list(_items(cell.iter_inner_content(), numbers)) for cell in cells]
        if all(len(block) <= 1 and (not block or block[0][0] is None) for block in blocks):
            line = " | ".join(block[0][1] for block in blocks if block)
            first = next((block[0][2] for block in blocks if block), "")
            if line:
                yield None, line, first.replace("p:", "row:", 1) if sum(1 for b in blocks if b) > 1 else first
        else:
            for block in blocks:
                yield from block
