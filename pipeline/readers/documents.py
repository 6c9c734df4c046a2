"""The boundary between readers and parsers: a source file as normalised text."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

SourceFormat = Literal["markdown", "text", "json", "yaml", "pdf", "docx"]


class SourceDocument(BaseModel):
    """A resume or job description read from disk and normalised to Markdown-like text.

    Every reader produces one: structured formats (JSON Resume, YAML, DOCX) are
    rendered to Markdown headings and ``- `` bullets, so one parser serves all.
    """

    model_config = ConfigDict(frozen=True)

    path: str
    format: SourceFormat
    text: str
    sha256: str  # of the raw file bytes: cache tags and history use it, never the text
