"""Hostile PDF and DOCX inputs cost bounded time and memory (issue 17).

Each file is made here, small on disk and crafted to be expensive to read: a PDF whose
nested forms or pages hold hundreds of thousands of text operators, a DOCX with tens of
thousands of styled paragraphs, zip bombs whose headers lie about their sizes. Each ends in
the text read or one clear InputError naming the file, well inside a generous bound.
"""

from __future__ import annotations

import io
import struct
import time
import zipfile
import zlib
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader, PdfWriter

from tailor.pipeline.errors import InputError
from tailor.pipeline.readers import read_resume
from tests._documents import pdf_of

BOUND_S = 20.0  # generous: the machine is shared; today these take minutes


def _read_within(path: Path) -> tuple[str | None, str | None]:
    """(text, error) of reading ``path`` as a resume, the error's path shortened to the file's
    name (the message starts with the path as given), within ``BOUND_S`` seconds."""
    start = time.perf_counter()
    try:
        text, error = read_resume(path).text, None
    except InputError as exc:
        text, error = None, str(exc)
        assert error.startswith(f"{path}: ") and "\n" not in error, error
        error = path.name + error[len(str(path)):]
    elapsed = time.perf_counter() - start
    assert elapsed < BOUND_S, f"{path.name} took {elapsed:.1f} s"
    return text, error


# --- PDF fixtures -------------------------------------------------------------------------------

def raw_pdf(pages: list[bytes], forms: dict[str, bytes] | None = None) -> bytes:
    """A PDF written by hand: one Helvetica font, the given page content streams (Flate
    compressed) and form XObjects every page and form can draw (``/NAME Do``)."""
    forms = forms or {}
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    resources = add(b"")
    numbers = {}
    for name, content in forms.items():
        data = zlib.compress(content, 9)
        numbers[name] = add(b"<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources %d 0 R "
                            b"/Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream" % (resources, len(data), data))
    xobjects = b" ".join(b"/%s %d 0 R" % (name.encode(), n) for name, n in numbers.items())
    objects[resources - 1] = b"<< /Font << /F1 %d 0 R >> /XObject << %s >> >>" % (font, xobjects)
    tree = add(b"")
    kids = []
    for content in pages:
        data = zlib.compress(content, 9)
        stream = add(b"<< /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream" % (len(data), data))
        kids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Resources %d 0 R /Contents %d 0 R >>"
                        % (tree, resources, stream)))
    objects[tree - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % tree)
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, catalog, xref)
    return bytes(out)


def tiny_text_operators(count: int, text: bytes = b"a") -> bytes:
    """A content stream of ``count`` one-character show-text operators."""
    return b"BT /F1 1 Tf 10 700 Td " + b"(%s) Tj 0.01 0 Td " % text * count + b"ET"


def nested_forms_pdf(pages: int = 1) -> bytes:
    """~1 KB: each page draws a form 100 times that draws another 50 times that shows 200
    characters one operator each: a million text operators a page."""
    forms = {"F0": tiny_text_operators(200), "F1": b"/F0 Do " * 50}
    return raw_pdf([b"/F1 Do " * 100] * pages, forms)




# --- DOCX fixtures ------------------------------------------------------------------------------

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _blank_docx() -> bytes:
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    return buffer.getvalue()


def _rezip(raw: bytes, replace: dict[str, bytes]) -> bytes:
    """The archive with some members' contents replaced (or added)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename not in replace:
                target.writestr(info.filename, source.read(info.filename))
        for name, data in replace.items():
            target.writestr(name, data)
    return out.getvalue()


def styled_paragraphs_docx(paragraphs: int, styles: int, *, section: bool = True) -> bytes:
    """A DOCX of ``paragraphs`` paragraphs cycling through ``styles`` custom paragraph styles
    (and Heading 2 / List Bullet every few), written as XML: python-docx takes minutes to make it."""
    with zipfile.ZipFile(io.BytesIO(_blank_docx())) as archive:
        styles_xml = archive.read("word/styles.xml").decode("utf-8")
    custom = "".join(f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="Custom{i}"><w:name w:val="Custom {i}"/>'
                     f'<w:basedOn w:val="Normal"/></w:style>' for i in range(styles))
    styles_xml = styles_xml.replace("</w:styles>", custom + "</w:styles>")
    body = []
    for n in range(paragraphs):
        style = "Heading2" if n % 7 == 0 else "ListBullet" if n % 7 == 1 else f"Custom{n % styles}"
        body.append(f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr><w:r><w:t>Line {n} with Python and SQL</w:t></w:r></w:p>')
    sect = '<w:sectPr><w:pgSz w:w="12240" w:h="15840"/></w:sectPr>' if section else ""
    document = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{_W_NS}"><w:body>{"".join(body)}{sect}</w:body></w:document>'
    return _rezip(_blank_docx(), {"word/document.xml": document.encode("utf-8"), "word/styles.xml": styles_xml.encode("utf-8")})


def no_section_docx() -> bytes:
    """A valid DOCX whose body has no ``w:sectPr`` (Word's default page setup applies)."""
    body = ('<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Sam Example</w:t></w:r></w:p>'
            '<w:p><w:r><w:t>sam@example.com</w:t></w:r></w:p>'
            '<w:p><w:pPr><w:pStyle w:val="Heading2"/></w:pPr><w:r><w:t>Skills</w:t></w:r></w:p>'
            '<w:p><w:pPr><w:pStyle w:val="ListBullet"/></w:pPr><w:r><w:t>Python and Kubernetes</w:t></w:r></w:p>')
    document = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{_W_NS}"><w:body>{body}</w:body></w:document>'
    return _rezip(_blank_docx(), {"word/document.xml": document.encode("utf-8")})


def zip_bomb_docx(unpacked: int = 300_000_000, *, claimed: int | None = None, whole_crc: bool = True) -> bytes:
    """A DOCX with an image part of ``unpacked`` zero bytes (~0.1% of that on disk), referenced
    from the document so python-docx loads it. ``claimed``: the size its zip headers state
    (both the local and the central one); ``whole_crc``: the CRC of all the data, else of the
    claimed prefix only (so a reader that trusts the headers sees a valid member)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = bytes(1 << 20)
    parts = [compressor.compress(chunk) for _ in range(unpacked >> 20)]
    parts.append(compressor.compress(bytes(unpacked & ((1 << 20) - 1))))
    parts.append(compressor.flush())
    data = b"".join(parts)
    crc = zlib.crc32(bytes(unpacked)) if whole_crc else zlib.crc32(bytes(claimed or unpacked))
    size = unpacked if claimed is None else claimed
    name = b"word/media/image1.png"
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(data), size, len(name), 0) + name
    with zipfile.ZipFile(io.BytesIO(_blank_docx())) as archive:
        rels = archive.read("word/_rels/document.xml.rels").decode("utf-8")
        types = archive.read("[Content_Types].xml").decode("utf-8")
    rels = rels.replace("</Relationships>", '<Relationship Id="rIdBomb" Type="http://schemas.openxmlformats.org/'
                        'officeDocument/2006/relationships/image" Target="media/image1.png"/></Relationships>')
    if 'Extension="png"' not in types:
        types = types.replace("<Default ", '<Default Extension="png" ContentType="image/png"/><Default ', 1)
    base = _rezip(_blank_docx(), {"word/_rels/document.xml.rels": rels.encode("utf-8"), "[Content_Types].xml": types.encode("utf-8")})
    # Append the member by hand, then rewrite the central directory with it.
    with zipfile.ZipFile(io.BytesIO(base)) as archive:
        end = archive.start_dir
    body = bytearray(base[:end]) + local
    offset = end
    body += data
    with zipfile.ZipFile(io.BytesIO(base)) as archive:
        central = base[end : end + sum(46 + len(i.filename.encode()) + len(i.extra) + len(i.comment) for i in archive.infolist())]
        count = len(archive.infolist())
    central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(data), size, len(name),
                           0, 0, 0, 0, 0, offset) + name
    start = len(body)
    body += central
    body += struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count + 1, count + 1, len(central), start, 0)
    return bytes(body)


def _write(tmp_path: Path, name: str, raw: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(raw)
    return path


# --- PDF ----------------------------------------------------------------------------------------

def test_pdf_of_nested_forms_is_refused_quickly(tmp_path: Path) -> None:
    path = _write(tmp_path, "forms.pdf", nested_forms_pdf(pages=4))  # ~2 KB; minutes to extract unbounded
    _, error = _read_within(path)
    assert error is not None and error.startswith("forms.pdf: PDF content is too complex to read"), error


def test_pdf_of_many_pages_is_refused_by_its_page_tree(tmp_path: Path) -> None:
    path = _write(tmp_path, "long.pdf", raw_pdf([tiny_text_operators(2_000)] * 200))
    _, error = _read_within(path)
    assert error == "long.pdf: PDF has more than 50 pages (200); a resume has a few"


def test_pdf_pages_of_tiny_text_operators_are_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "dense.pdf", raw_pdf([tiny_text_operators(20_000)] * 10))
    _, error = _read_within(path)
    assert error == "dense.pdf: PDF content is too complex to read (more than 50,000 drawing operators)"


def test_pdf_with_a_huge_content_stream_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    path = _write(tmp_path, "huge.pdf", raw_pdf([tiny_text_operators(200_000)]))  # 3.4 MB of operators, ~9 KB on disk
    _, error = _read_within(path)
    assert error == "huge.pdf: PDF content is too complex to read (more than 2,000,000 bytes of drawing instructions)"


def test_ordinary_five_page_pdf_is_still_read_whole(tmp_path: Path) -> None:
    pages = [f"Page {n}: Python, SQL and Kubernetes\n" + "Built services used by many teams. " * 40 for n in range(5)]
    text, error = _read_within(_write(tmp_path, "five.pdf", pdf_of(pages)))
    assert error is None and text is not None
    assert all(f"Page {n}: Python, SQL and Kubernetes" in text for n in range(5))


def test_aes256_pdf_with_an_empty_user_password_is_read(tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_of(["Aes Example\nSkills: Go, Rust"]))))
    writer.encrypt(user_password="", owner_password="x", algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)
    text, error = _read_within(_write(tmp_path, "aes.pdf", buffer.getvalue()))
    assert error is None and text is not None and "Skills: Go, Rust" in text


# --- DOCX ---------------------------------------------------------------------------------------

def test_docx_of_20k_styled_paragraphs_is_refused_quickly(tmp_path: Path) -> None:
    path = _write(tmp_path, "long.docx", styled_paragraphs_docx(20_000, 200))
    _, error = _read_within(path)
    assert error == "long.docx: DOCX has more than 5,000 paragraphs; a resume has a few hundred"


def test_docx_of_thousands_of_paragraphs_and_styles_is_read_quickly(tmp_path: Path) -> None:
    # Under the limits, but paragraphs x styles XPath searches took over 10 s in python-docx's paragraph.style.
    path = _write(tmp_path, "styled.docx", styled_paragraphs_docx(4_000, 3_000))
    text, error = _read_within(path)
    assert error is None and text is not None
    lines = text.splitlines()
    assert len(lines) == 4_000
    assert lines[:3] == ["### Line 0 with Python and SQL", "- Line 1 with Python and SQL", "Line 2 with Python and SQL"]


def test_style_names_are_python_docx_s(tmp_path: Path) -> None:
    from tailor.pipeline.readers._docx import _style_names, paragraphs
    from tests._samples import SAMPLES

    for raw in ((SAMPLES / "resumes" / "product_designer.docx").read_bytes(), styled_paragraphs_docx(60, 5)):
        document = docx.Document(io.BytesIO(raw))
        style_of = _style_names(document)
        for paragraph in paragraphs(document):
            assert style_of(paragraph) == ((paragraph.style.name if paragraph.style is not None else "") or "")


@pytest.mark.parametrize(("claimed", "whole_crc"), [(None, True), (1_000, True), (1_000, False)],
                         ids=["honest-headers", "understated-size", "understated-size-and-crc"])
def test_docx_zip_bomb_is_refused_by_what_it_unpacks_to(tmp_path: Path, claimed: int | None, whole_crc: bool) -> None:
    path = _write(tmp_path, "bomb.docx", zip_bomb_docx(300_000_000, claimed=claimed, whole_crc=whole_crc))
    _, error = _read_within(path)
    assert error == "bomb.docx: DOCX unpacks to more than 50,000,000 bytes; refusing to open it"


def test_docx_member_larger_than_its_header_says_is_corrupt(tmp_path: Path) -> None:
    path = _write(tmp_path, "liar.docx", zip_bomb_docx(1_000_000, claimed=1_000))
    _, error = _read_within(path)
    assert error == ("liar.docx: corrupt DOCX (part 'word/media/image1.png' unpacks to 1,000,000 bytes, "
                     "its header says 1,000)")


def test_docx_without_a_section_is_read(tmp_path: Path) -> None:
    from tailor.pipeline.readers._docx import row_lines

    raw = no_section_docx()
    text, error = _read_within(_write(tmp_path, "nosect.docx", raw))
    assert error is None
    assert text == "# Sam Example\nsam@example.com\n## Skills\n- Python and Kubernetes\n"
    assert row_lines(docx.Document(io.BytesIO(raw))) == {}  # the DOCX writer's view of it works too
