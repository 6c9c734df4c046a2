"""Decode text files and normalise any extracted text to clean, NFC, ``\\n``-separated lines."""

from __future__ import annotations

import codecs
import re
import unicodedata
from typing import Any

from tailor.pipeline.readers._bytes import input_error

# UTF-32 first: its little-endian BOM starts with the UTF-16 one.
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# A character U+00C2..U+00EF followed by what cp1252/latin-1 makes of a UTF-8
# continuation byte: the fingerprint of UTF-8 mis-decoded ("Ã©", "â€™", "Ã¯").
# Only text that shows it (or PDF ligatures) pays for ftfy (~70 ms import, ~1 ms a page).
_NEEDS_FTFY = re.compile(
    "[\u00c2-\u00ef][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
    "|[\ufb00-\ufb06]"
)
_LOST_BULLET_RE = re.compile("\u00e2\u0080?\u00a2")
_LINE_BREAKS = re.compile("\r\n?|[\x0b\x0c\x85\u2028\u2029]")
# C0/C1 controls except tab and newline, DEL, zero-width and direction marks, stray BOMs.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\u200b\u200e\u200f\u2060\ufeff\ufffe\uffff]")
# One scan that says whether either substitution above has anything to do (usually not).
_ODD_CHARACTER = re.compile(f"[\r\x0b\x0c\x85\u2028\u2029]|{_CONTROLS.pattern}")
_TRAILING_SPACE = re.compile(r"[ \t]+$", re.MULTILINE)
# A few stray controls are paste noise (stripped); many mean the file is not text at all.
_BINARY_CONTROL_MIN = 8
_BINARY_CONTROL_SHARE = 0.05
_FTFY_OPTIONS: dict[str, Any] = {
    "uncurl_quotes": False,  # keep the author's typography: "’" stays "’"
    "unescape_html": False,  # a literal "&amp;" in a resume is the author's text
    "normalization": "NFC",
}


def decode_text(raw: bytes, where: str) -> str:
    """Decode UTF-8 (BOM optional) or BOM-marked UTF-16/32; anything else is an InputError."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise input_error(where, f"not valid {encoding.upper()} text ({exc.reason})") from None
    if b"\x00" in raw:
        raise input_error(where, "binary data, not text (it contains NUL bytes)")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        problem = f"not UTF-8 text (byte 0x{raw[exc.start]:02x} on line {line} is invalid); save it as UTF-8"
        raise input_error(where, problem) from None


def normalise_text(text: str, *, repair: bool = False) -> str:
    """Repair mojibake, unify line breaks, drop control characters, NFC; bullets stay as they are.

    ``repair`` forces ftfy (for PDF text layers); otherwise it runs only when the
    text shows signs of mis-decoding, which keeps clean files fast.
    """
    if repair or (not text.isascii() and _may_be_mojibake(text) and _NEEDS_FTFY.search(text)):
        import ftfy

        # "â¢" is "•" mis-decoded with its middle byte lost (a C1 control a paste dropped); ftfy
        # would make it a Braille sign, so it is put back first.
        text = _LOST_BULLET_RE.sub("•", text)
        text = ftfy.fix_text(text, **_FTFY_OPTIONS)
    if _ODD_CHARACTER.search(text):
        text = _CONTROLS.sub("", _LINE_BREAKS.sub("\n", text))
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if " \n" in text or "\t\n" in text or text.endswith((" ", "\t")):
        text = _TRAILING_SPACE.sub("", text)
    return text.strip("\n") + "\n"


def _may_be_mojibake(text: str) -> bool:
    """A cheap pre-check before the regex: memchr-fast byte search instead of a regex scan.

    Every suspect lead character (U+00C2..U+00EF) starts with 0xC3 in UTF-8 and
    every ligature with 0xEF 0xAC, so text without those bytes cannot match.
    """
    encoded = text.encode("utf-8", "surrogatepass")
    return b"\xc3" in encoded or b"\xef\xac" in encoded


def clean_text(raw: bytes, where: str) -> str:
    """Decode and normalise a text or Markdown file, refusing binary data and blank files."""
    text = decode_text(raw, where)
    controls = len(_CONTROLS.findall(text))
    if controls > _BINARY_CONTROL_MIN and controls > len(text) * _BINARY_CONTROL_SHARE:
        raise input_error(where, "binary data, not text (too many control characters)")
    text = normalise_text(text)
    if not text.strip():
        raise input_error(where, "file is empty or whitespace only")
    require_words(text, where, "no readable text (no letters or digits)")
    return text


def require_words(text: str, where: str, problem: str) -> None:
    """Refuse text with no letter or digit at all: there is nothing to parse."""
    if not any(char.isalnum() for char in text):
        raise input_error(where, problem)
