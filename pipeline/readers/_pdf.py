"""The text layer of a PDF, page by page, via pypdf (imported only when a PDF is read)."""

from __future__ import annotations

import io
import logging
import re
from typing import TYPE_CHECKING

from tailor.pipeline.errors import InputError
from tailor.pipeline.readers._bytes import input_error, one_line
from tailor.pipeline.readers._text import normalise_text, require_words

if TYPE_CHECKING:
    from pypdf import PdfReader

_SPACE_RUNS = re.compile(r"[ \u00a0]{2,}")
_HEADER_WINDOW = 1024  # readers tolerate a little junk before "%PDF", as viewers do


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
        pages = [page.extract_text() or "" for page in reader.pages]
    except DependencyError:
        raise input_error(where, "encrypted PDF; remove the password and try again") from None
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


def _opens_without_password(reader: PdfReader) -> bool:
    """Many PDFs are encrypted with an empty user password: readable, so read them."""
    from pypdf import PasswordType

    return reader.decrypt("") != PasswordType.NOT_DECRYPTED
