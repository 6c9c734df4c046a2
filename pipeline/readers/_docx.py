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
    from docx.table import Table, _Cell
    from docx.text.paragraph import Paragraph

# A DOCX is a zip: refuse archives that would unpack to far more than any resume (zip bombs).
_MAX_UNPACKED_BYTES = 200_000_000
_HEADING = re.compile(r"heading\s*(\d)", re.IGNORECASE)
_TYPED_BULLET = re.compile(r"^[•·▪◦‣*-]\s*")


def docx_to_markdown(raw: bytes, where: str) -> str:
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
        header = [item for paragraph in document.sections[0].header.paragraphs if (item := _item(paragraph))[1]]
        items = header + list(_items(document.iter_inner_content()))
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - python-docx/lxml raise many types on damaged parts; all mean "corrupt"
        raise input_error(where, f"corrupt DOCX ({one_line(exc)})") from None
    text = normalise_text("\n".join(_markdown(items)))
    require_words(text, where, "DOCX has no text")
    return text


# (heading level, text): 0 for the Title style, n for "Heading n", None for body lines.
_Item = tuple[int | None, str]


def _markdown(items: list[_Item]) -> Iterator[str]:
    """Headings as "#" lines in the parser's convention: "#" the name, "##" sections, "###" entries.

    A document that opens with a Heading 1 uses it for the name; otherwise (a
    Title, or a plain first line) Heading 1 marks sections, so levels shift by one.
    """
    shift = 0 if items and items[0][0] == 1 else 1
    for level, text in items:
        if level is None:
            yield text
        else:
            yield f"{'#' * (1 if level == 0 else min(level + shift, 6))} {text}"


def _items(content: Iterator[Paragraph | Table]) -> Iterator[_Item]:
    from docx.text.paragraph import Paragraph

    for block in content:
        if isinstance(block, Paragraph):
            item = _item(block)
            if item[1]:
                yield item
        else:
            yield from _table(block)


def _item(paragraph: Paragraph) -> _Item:
    text = paragraph.text.strip()
    if not text:
        return None, ""
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    if style == "Title":
        return 0, text
    heading = _HEADING.match(style)
    if heading:
        return max(int(heading.group(1)), 1), text
    if _is_list_item(paragraph, style):
        return None, f"- {_TYPED_BULLET.sub('', text)}"
    return None, text


def _is_list_item(paragraph: Paragraph, style: str) -> bool:
    """List styles, or direct numbering (how Word marks bullets typed in a Normal paragraph)."""
    if style.startswith("List"):
        return True
    properties = paragraph._p.pPr
    return properties is not None and properties.numPr is not None


def _table(table: Table) -> Iterator[_Item]:
    """A row of one-line cells becomes one " | " line; a layout cell with paragraphs keeps its lines."""
    for row in table.rows:
        cells: list[_Cell] = []
        for cell in row.cells:
            if not cells or cell._tc is not cells[-1]._tc:  # merged cells repeat across the span
                cells.append(cell)
        blocks = [list(_items(cell.iter_inner_content())) for cell in cells]
        if all(len(block) <= 1 and (not block or block[0][0] is None) for block in blocks):
            line = " | ".join(block[0][1] for block in blocks if block)
            if line:
                yield None, line
        else:
            for block in blocks:
                yield from block
