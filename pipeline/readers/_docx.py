"""A DOCX body as Markdown-like text via python-docx (imported only when a DOCX is read).

Heading styles become ``#`` lines, list paragraphs ``- `` bullets, and table
rows lines, so the one text parser serves Word resumes too. Each line keeps where
it came from (``"p:N"``, ``"row:N"``), N counting ``paragraphs(document)``, which the
DOCX writer uses too, so an edit of a line lands in the paragraph it came from.
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from tailor.pipeline.errors import InputError
from tailor.pipeline.readers._bytes import input_error, one_line
from tailor.pipeline.readers._text import normalise_text, require_words

if TYPE_CHECKING:
    from docx.document import Document
    from docx.table import Table, _Cell, _Row
    from docx.text.paragraph import Paragraph

# Bounded cost. A DOCX is a zip: refuse archives that unpack to far more than any resume (zip
# bombs), counted while decompressing, since a zip's headers can claim any size. A resume has
# a few hundred paragraphs and rows; refuse documents with far more before walking them.
_MAX_UNPACKED_BYTES = 50_000_000
_MAX_MEMBERS = 10_000
_MAX_PARAGRAPHS = 5_000
_MAX_TABLE_ROWS = 2_000
_CHUNK = 1 << 16
_HEADING = re.compile(r"heading\s*(\d)", re.IGNORECASE)
_TYPED_BULLET = re.compile(r"^[•·▪◦‣*-]\s*")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_to_markdown(raw: bytes, where: str) -> str:
    return docx_to_document(raw, where)[0]


def docx_to_document(raw: bytes, where: str) -> tuple[str, tuple[str, ...]]:
    """The DOCX as Markdown-like text, and the origin of each line of ``text.split("\\n")``:
    "p:N" for the N-th paragraph of ``paragraphs(document)``, "row:N" for a table row joined
    into one line (N its first cell paragraph), "" for the reader's own (the final empty line)."""
    if not raw.startswith(b"PK"):
        raise input_error(where, "not a DOCX (not a zip archive)")
    _check_archive(raw, where)

    import docx

    try:
        document = docx.Document(io.BytesIO(raw))
        _check_size(document, where)
        items, body, _ = _read(document)
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - python-docx/lxml raise many types on damaged parts; all mean "corrupt"
        raise input_error(where, f"corrupt DOCX ({one_line(exc)})") from None
    lines: list[str] = []
    origins: list[str] = []
    for line, origin in _markdown(items, body):
        # A paragraph with a line break (<w:br/>) gives several lines, each with its origin.
        for part in line.split("\n"):
            lines.append(part)
            origins.append(origin)
    text = "\n".join(lines) + "\n"
    require_words(text, where, "DOCX has no text")
    return text, (*origins, "")


def _check_archive(raw: bytes, where: str) -> None:
    """Unpack every member in bounded chunks, counting what comes out: refuse past
    ``_MAX_UNPACKED_BYTES`` in all, and members whose data is not what their headers say (size
    or CRC), so that python-docx, which trusts them (its reads are not chunked), reads only
    what was counted here."""
    total = 0
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            members = archive.infolist()
            if len(members) > _MAX_MEMBERS:
                raise input_error(where, f"DOCX has more than {_MAX_MEMBERS:,} parts; refusing to open it")
            for info in members:
                # Read to the end of the compressed data, not to the size the headers claim (zipfile
                # stops there, and checks the CRC of what it read): claim a chunk past the budget
                # left, so that the count below, not a CRC error, stops an oversized member.
                measured = copy.copy(info)
                measured.file_size = _MAX_UNPACKED_BYTES - total + _CHUNK + 1
                size = 0
                with archive.open(measured) as member:
                    while chunk := member.read(_CHUNK):
                        size += len(chunk)
                        if total + size > _MAX_UNPACKED_BYTES:
                            raise input_error(where, f"DOCX unpacks to more than {_MAX_UNPACKED_BYTES:,} bytes; "
                                                     "refusing to open it")
                if size != info.file_size:
                    raise input_error(where, f"corrupt DOCX (part {one_line(info.filename)!r} unpacks to {size:,} "
                                             f"bytes, its header says {info.file_size:,})")
                total += size
    except InputError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError, RuntimeError,
            NotImplementedError, zlib.error) as exc:
        raise input_error(where, f"corrupt DOCX ({one_line(exc)})") from None


def _check_size(document: Document, where: str) -> None:
    """Refuse a body with far more paragraphs or table rows than a resume, counted in the XML
    (lxml's C iterator: milliseconds for a huge one) before python-docx walks them."""
    body = document.element.body
    count = 0
    for count, _ in enumerate(body.iter(f"{_W}p"), 1):
        if count > _MAX_PARAGRAPHS:
            raise input_error(where, f"DOCX has more than {_MAX_PARAGRAPHS:,} paragraphs; a resume has a few hundred")
    for count, _ in enumerate(body.iter(f"{_W}tr"), 1):
        if count > _MAX_TABLE_ROWS:
            raise input_error(where, f"DOCX has more than {_MAX_TABLE_ROWS:,} table rows; a resume has a few dozen")


def paragraphs(document: Document) -> list[Paragraph]:
    """Every paragraph in reading order: the first section's header, the body, its footer.

    Tables row by row, each cell once (a merged cell in the row where it starts),
    a cell's content in order, nested tables within it; the content of block-level
    content controls (``w:sdt``) where they stand. The reader numbers lines by this
    list ("p:N") and the DOCX writer finds paragraphs by it.
    """
    from docx.text.paragraph import Paragraph

    out: list[Paragraph] = []

    def walk(blocks: Iterator[Paragraph | Table]) -> None:
        for block in blocks:
            if isinstance(block, Paragraph):
                out.append(block)
            else:
                seen: set[Any] = set()
                for row in block.rows:
                    for cell in _cells(row, seen):
                        walk(_blocks(cell._tc, cell))

    for part in _margins(document, "header"):
        walk(_blocks(part._element, part))
    walk(_blocks(document.element.body, document._body))
    for part in _margins(document, "footer"):
        walk(_blocks(part._element, part))
    return out


def row_lines(document: Document) -> dict[int, tuple[int, ...]]:
    """The table rows the reader writes as one line, by the number of their first paragraph (the N
    of the line's origin, "row:N" or, for a row with one cell of text, "p:N"): the numbers of the
    paragraphs that line is made of, one a cell, in order. Every other table paragraph is a line
    of its own (a layout cell)."""
    return _read(document)[2]


def _read(document: Document) -> tuple[list[_Item], int, dict[int, tuple[int, ...]]]:
    """The document's items (header, body, footer), how many of them come from the header, and
    the rows written as one line."""
    numbers = {p._p: n for n, p in enumerate(paragraphs(document))}  # elements as keys keep their proxies alive
    rows: dict[int, tuple[int, ...]] = {}
    items: list[_Item] = []
    style = _style_names(document)
    for part in _margins(document, "header"):
        items += _items(_blocks(part._element, part), numbers, rows, style)
    body = len(items)
    items += _items(_blocks(document.element.body, document._body), numbers, rows, style)
    for part in _margins(document, "footer"):
        items += _items(_blocks(part._element, part), numbers, rows, style)
    return items, body, rows


def _style_names(document: Document) -> Callable[[Paragraph], str]:
    """A paragraph's style name as ``paragraph.style.name`` gives it ("" for none), from one pass
    over the styles part: python-docx searches every style by XPath for each paragraph it is
    asked about (minutes for thousands of paragraphs and styles).

    Its rules: the first style with the paragraph's id if that is a paragraph style, else
    (no id, an unknown one, another type) the last default paragraph style; UI names
    ("Heading 1" for the stored "heading 1")."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.styles import BabelFish

    paragraph = WD_STYLE_TYPE.PARAGRAPH
    first: dict[str, Any] = {}
    default = None
    for element in document.styles.element.style_lst:
        if element.styleId is not None:
            first.setdefault(element.styleId, element)
        if element.type == paragraph and element.default:
            default = element

    def name(element: Any) -> str:
        value = element.name_val if element is not None else None
        return BabelFish.internal2ui(value) if value else ""

    fallback = name(default)
    names = {style_id: name(element) if element.type == paragraph else fallback for style_id, element in first.items()}

    def style_of(block: Paragraph) -> str:
        style_id = block._p.style
        return names.get(style_id, fallback) if style_id else fallback

    return style_of


def _margins(document: Document, kind: str) -> list[Any]:
    """The first section's header (or footer) parts that have content: the first-page one too when it differs.

    A linked one has no definition (the first section has nothing to inherit), and asking it
    for its paragraphs would add one, so it is skipped.
    """
    sections = document.sections
    if not len(sections):  # no w:sectPr: valid (Word's default page setup), and no header or footer
        return []
    section = sections[0]
    parts = [getattr(section, kind)]
    if section.different_first_page_header_footer:
        parts.insert(0, getattr(section, f"first_page_{kind}"))
    return [part for part in parts if not part.is_linked_to_previous]


def _blocks(container: Any, parent: Any) -> Iterator[Paragraph | Table]:
    """The paragraphs and tables of a body, cell, header or footer element in document order:
    python-docx's ``iter_inner_content``, and what block-level content controls hold (Word's
    resume templates wrap whole sections in them); a control still showing its placeholder
    text ("[Your name]") has none of the author's."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in container.iterchildren():
        if child.tag == f"{_W}p":
            yield Paragraph(child, parent)
        elif child.tag == f"{_W}tbl":
            yield Table(child, parent)
        elif child.tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None and child.find(f"{_W}sdtPr/{_W}showingPlcHdr") is None:
                yield from _blocks(content, parent)
        elif child.tag == f"{_W}customXml":
            yield from _blocks(child, parent)


def _cells(row: _Row, seen: set[Any]) -> list[_Cell]:
    """The row's cells, each once: python-docx repeats a merged cell across its span, horizontal
    (in the row) and vertical (in the rows below, as the cell above); ``seen`` is the table's."""
    cells: list[_Cell] = []
    for cell in row.cells:
        if cell._tc not in seen:  # the elements, not their id(): a proxy let go may come back as another
            seen.add(cell._tc)
            cells.append(cell)
    return cells


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


_StyleOf = Callable[["Paragraph"], str]


def _items(content: Iterator[Paragraph | Table], numbers: dict[Any, int], rows: dict[int, tuple[int, ...]],
           style_of: _StyleOf) -> list[_Item]:
    from docx.text.paragraph import Paragraph

    out: list[_Item] = []
    for block in content:
        if isinstance(block, Paragraph):
            item = _item(block, numbers, style_of)
            if item[1]:
                out.append(item)
        else:
            out += _table(block, numbers, rows, style_of)
    return out


def _item(paragraph: Paragraph, numbers: dict[Any, int], style_of: _StyleOf) -> _Item:
    """The paragraph's normalised text (mojibake repaired, odd line separators made newlines,
    no trailing spaces), with its heading level; a list item as a "- " line."""
    n = numbers.get(paragraph._p)
    origin = "" if n is None else f"p:{n}"
    raw = paragraph.text
    if not raw.strip():
        return None, "", origin
    text = normalise_text(raw).strip()
    if not text:
        return None, "", origin
    style = style_of(paragraph)
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


def _table(table: Table, numbers: dict[Any, int], rows: dict[int, tuple[int, ...]], style_of: _StyleOf) -> list[_Item]:
    """A row of one-line cells becomes one " | " line; a layout cell with paragraphs keeps its lines."""
    out: list[_Item] = []
    seen: set[Any] = set()
    for row in table.rows:
        blocks = [_items(_blocks(cell._tc, cell), numbers, rows, style_of) for cell in _cells(row, seen)]
        if all(len(block) <= 1 and (not block or block[0][0] is None) for block in blocks):
            filled = [block[0] for block in blocks if block]
            if not filled:
                continue
            line = " | ".join(text for _, text, _ in filled)
            first = filled[0][2]
            if first:
                rows[int(first.split(":", 1)[1])] = tuple(int(o.split(":", 1)[1]) for _, _, o in filled if o)
            out.append((None, line, first.replace("p:", "row:", 1) if len(filled) > 1 else first))
        else:
            for block in blocks:
                out += block
    return out
