"""The text layer of a PDF, page by page, via pypdf (imported only when a PDF is read)."""

from __future__ import annotations

import io
import logging
import re
import time
from typing import TYPE_CHECKING, Any

from tailor.pipeline.errors import InputError
from tailor.pipeline.readers._bytes import input_error, one_line
from tailor.pipeline.readers._text import normalise_text, require_words

if TYPE_CHECKING:
    from pypdf import PdfReader

_SPACE_RUNS = re.compile(r"[ \u00a0]{2,}")
_HEADER_WINDOW = 1024  # readers tolerate a little junk before "%PDF", as viewers do

# Bounded cost: pypdf's text extraction runs ~20-50 us of Python per content-stream operator, and a
# few KB of nested forms can ask for millions. A resume is 1-5 pages of a few hundred operators
# and a few thousand characters; the limits below are far above that, counted while reading
# (pages in the page tree, bytes of drawing instructions parsed, operators run, text out), with
# a wall-clock backstop. Past one, the PDF is refused rather than read in part.
_MAX_PAGES = 50
_MAX_CONTENT_BYTES = 2_000_000  # decoded page content, plus each form's every time it is drawn
_MAX_OPERATORS = 50_000
_MAX_TEXT_CHARS = 1_000_000
_MAX_SECONDS = 15.0


class _OverBudget(BaseException):  # noqa: N818 - not an Exception: pypdf's "except Exception" around forms must not swallow it
    """Raised from pypdf's operator callback to stop an extraction that went past a limit."""


def pdf_to_text(raw: bytes, where: str) -> str:
    if b"%PDF" not in raw[:_HEADER_WINDOW]:
        raise input_error(where, "not a PDF (no %PDF header)")
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    # pypdf logs every repaired cross-reference at WARNING; users need one error line, not noise.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(raw), strict=False)
        if reader.is_encrypted and not _opens_without_password(reader):
            raise input_error(where, "encrypted PDF; remove the password and try again")
        pages = _extract(reader, where)
    except _OverBudget as over:
        raise input_error(where, str(over)) from None
    except DependencyError as exc:
        # AES needs a crypto backend (pypdf[crypto]); without one say so, not "remove the password".
        raise input_error(where, f"encrypted PDF that cannot be decrypted here ({one_line(exc)})") from None
    except RecursionError:
        raise input_error(where, "corrupt PDF (objects nested too deeply)") from None
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - pypdf raises many types on damaged files; all mean "corrupt"
        raise input_error(where, f"corrupt PDF ({one_line(exc)})") from None
    if not pages:
        raise input_error(where, "PDF has no pages")
    # Justified lines come out with runs of spaces; PDF text has no meaningful indentation to keep.
    text = normalise_text(_SPACE_RUNS.sub(" ", "\n\n".join(pages)), repair=True)
    require_words(text, where, "PDF has no text layer (scanned?); OCR it first")
    return text


def _extract(reader: PdfReader, where: str) -> list[str]:
    """Each page's text, within the limits above (an InputError, or _OverBudget, past one)."""
    count = len(reader.pages)  # pypdf walks the page tree (its /Count is not trusted)
    if count > _MAX_PAGES:
        raise input_error(where, f"PDF has more than {_MAX_PAGES} pages ({count}); a resume has a few")
    budget = _Budget()
    pages: list[str] = []
    for page in reader.pages:
        budget.content(page)
        pages.append(page.extract_text(visitor_operand_before=budget.operator) or "")
        budget.text(len(pages[-1]))
    return pages


class _Budget:
    """What one document's extraction has cost so far; raises _OverBudget past a limit."""

    def __init__(self) -> None:
        self.deadline = time.monotonic() + _MAX_SECONDS
        self.bytes = 0
        self.operators = 0
        self.chars = 0
        self.forms: dict[Any, int] = {}  # form XObject name -> its largest decoded size

    def content(self, page: Any) -> None:
        """Charge the page's content streams (decoded) before pypdf parses them, and learn the
        sizes of the forms it can draw, to charge each time one is drawn."""
        from pypdf.generic import ArrayObject

        contents = page.get("/Contents")
        contents = contents.get_object() if contents is not None else None
        streams = list(contents) if isinstance(contents, ArrayObject) else [contents] if contents is not None else []
        for stream in streams:
            stream = stream.get_object()
            if hasattr(stream, "get_data"):
                self._charge(len(stream.get_data()))
        self._learn_forms(page.get("/Resources"), set())

    def _learn_forms(self, resources: Any, seen: set[int]) -> None:
        from pypdf.generic import DictionaryObject, StreamObject

        resources = resources.get_object() if resources is not None else None
        xobjects = resources.get("/XObject") if isinstance(resources, DictionaryObject) else None
        xobjects = xobjects.get_object() if xobjects is not None else None
        if not isinstance(xobjects, DictionaryObject):
            return
        for name, reference in xobjects.items():
            form = reference.get_object()
            if id(form) in seen or not isinstance(form, StreamObject) or form.get("/Subtype") != "/Form":
                continue
            seen.add(id(form))
            size = len(form.get_data())
            self._check_bytes(size)
            self.forms[name] = max(self.forms.get(name, 0), size)
            self._learn_forms(form.get("/Resources"), seen)

    def operator(self, operator: bytes, operands: Any, _cm: Any, _tm: Any) -> None:
        """pypdf's callback before each operator, in page and form content alike."""
        self.operators += 1
        if self.operators > _MAX_OPERATORS:
            raise _OverBudget(f"PDF content is too complex to read (more than {_MAX_OPERATORS:,} drawing operators)")
        if operator == b"Do" and operands:  # a form drawn: pypdf parses its content again
            self._charge(self.forms.get(operands[0], 0))
        if time.monotonic() > self.deadline:
            raise _OverBudget(f"PDF text extraction took over {_MAX_SECONDS:.0f} s; giving up")

    def text(self, chars: int) -> None:
        self.chars += chars
        if self.chars > _MAX_TEXT_CHARS:
            raise _OverBudget(f"PDF holds more than {_MAX_TEXT_CHARS:,} characters of text; a resume has a few thousand")

    def _charge(self, size: int) -> None:
        self.bytes += size
        self._check_bytes(self.bytes)

    def _check_bytes(self, size: int) -> None:
        if size > _MAX_CONTENT_BYTES:
            raise _OverBudget(f"PDF content is too complex to read (more than {_MAX_CONTENT_BYTES:,} bytes "
                              "of drawing instructions)")


def _opens_without_password(reader: PdfReader) -> bool:
    """Many PDFs are encrypted with an empty user password: readable, so read them."""
    from pypdf import PasswordType

    return reader.decrypt("") != PasswordType.NOT_DECRYPTED
