"""Read resumes and job descriptions from disk into ``SourceDocument``s.

The format comes from the file's suffix and is checked against its content;
every failure is an ``InputError`` whose one-line message starts with the path.
Heavy parsers (pypdf, python-docx, PyYAML, ftfy) are imported only when a file
needs them, so reading a Markdown resume stays cheap.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from tailor.pipeline.readers._bytes import MAX_RESUME_BULLETS, MAX_RESUME_LINES, display, input_error, read_bytes
from tailor.pipeline.readers._text import clean_text, decode_text
from tailor.pipeline.readers.documents import SourceDocument, SourceFormat

__all__ = ["JOB_SUFFIXES", "RESUME_SUFFIXES", "read_job", "read_resume"]

DEFAULT_MAX_BYTES = 10_000_000

_TEXT_FORMATS: dict[str, SourceFormat] = {".md": "markdown", ".markdown": "markdown", ".txt": "text", ".text": "text"}
_RESUME_FORMATS: dict[str, SourceFormat] = {
    **_TEXT_FORMATS,
    ".json": "json",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".pdf": "pdf",
    ".docx": "docx",
}

RESUME_SUFFIXES: frozenset[str] = frozenset(_RESUME_FORMATS)
JOB_SUFFIXES: frozenset[str] = frozenset(_TEXT_FORMATS)


def read_resume(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES, max_lines: int = MAX_RESUME_LINES,
                max_bullets: int = MAX_RESUME_BULLETS) -> SourceDocument:
    """Read a resume (Markdown, text, JSON Resume as JSON or YAML, PDF, DOCX) as normalised text."""
    return _read(path, _RESUME_FORMATS, "resume", max_bytes, (max_lines, max_bullets))


def read_job(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> SourceDocument:
    """Read a job description (text or Markdown) as normalised text."""
    return _read(path, _TEXT_FORMATS, "job description", max_bytes, None)


def _read(path: str | Path, formats: dict[str, SourceFormat], what: str, max_bytes: int,
          size_limits: tuple[int, int] | None) -> SourceDocument:
    where = display(path)
    suffix = Path(path).suffix.lower()
    source_format = formats.get(suffix)
    if source_format is None:
        expected = ", ".join(sorted(formats))
        found = f"'{suffix}'" if suffix else "a file with no extension"
        raise input_error(where, f"unsupported {what} type {found} (expected one of {expected})")
    raw = read_bytes(path, where, max_bytes)
    if not raw.strip():
        raise input_error(where, "file is empty or whitespace only")
    text, origins = _to_text(raw, source_format, where)
    if size_limits is not None:
        _check_size(text, where, *size_limits)
    return SourceDocument(
        path=str(path), format=source_format, text=text, sha256=hashlib.sha256(raw).hexdigest(), origins=origins
    )


_BULLET_RE = re.compile(r"(?m)^[ \t]*(?:[-*+•▪●◦‣∙·]|\d{1,3}[.)])[ \t]|[ \t][•▪●◦‣∙][ \t]")


def _check_size(text: str, where: str, max_lines: int, max_bullets: int) -> None:
    """Counted on the text, whatever the format (a one-line PDF paste's inline bullets too)."""
    lines = text.count("\n")
    if lines > max_lines:
        raise input_error(where, f"{lines:,} lines; a resume has a few hundred (limits.max_resume_lines is {max_lines:,})")
    if text.count("-") + text.count("*") + text.count("•") + text.count("+") > max_bullets:  # cheap pre-check
        bullets = sum(1 for _ in _BULLET_RE.finditer(text))
        if bullets > max_bullets:
            raise input_error(
                where, f"{bullets:,} bullets; a resume has a few dozen (limits.max_resume_bullets is {max_bullets:,})")


def _to_text(raw: bytes, source_format: SourceFormat, where: str) -> tuple[str, tuple[str, ...]]:
    """The document's text, and for structured formats where each of its lines came from."""
    if source_format in ("markdown", "text"):
        return clean_text(raw, where), ()
    if source_format == "pdf":
        from tailor.pipeline.readers._pdf import pdf_to_text

        return pdf_to_text(raw, where), ()
    if source_format == "docx":
        from tailor.pipeline.readers._docx import docx_to_document

        return docx_to_document(raw, where)
    from tailor.pipeline.readers import _jsonresume as jsonresume

    text = decode_text(raw, where)
    data = jsonresume.load_json(text, where) if source_format == "json" else jsonresume.load_yaml(text, where)
    return jsonresume.json_resume_to_document(data, where, "JSON" if source_format == "json" else "YAML")
