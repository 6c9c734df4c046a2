"""The boundary between readers and parsers: a source file as normalised text, line by line.

A ``SourceDocument``'s ``text`` is what the parser reads and what edits are made
against (the "view"). For Markdown and text files it *is* the source (decoded,
mojibake repaired, line breaks unified), so an edit at a character offset is an
edit of the file. Structured formats (DOCX, JSON Resume, YAML) are rendered to
Markdown-like lines, and ``origins`` says where each line came from, so a writer
can put an edit back into the paragraph or field it belongs to.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

SourceFormat = Literal["markdown", "text", "json", "yaml", "pdf", "docx"]

# Where a view line came from, one per line of ``text`` (empty for Markdown, text and PDF,
# whose lines are the source's own lines):
#   DOCX        "p:N"  the N-th paragraph of the document (see readers._docx.paragraphs),
#               "row:N" a table row written as one line, whose first cell paragraph is N;
#   JSON/YAML   a field path, "work.0.highlights.2", "skills.1.keywords", "basics.summary";
#   ""          a line the reader composed (a heading, "Title — Employer", a blank line): no edit lands there.
Origin = str


class SourceDocument(BaseModel):
    """A resume or job description read from disk and normalised to Markdown-like text."""

    model_config = ConfigDict(frozen=True)

    path: str
    format: SourceFormat
    text: str
    sha256: str  # of the raw file bytes: cache tags and history use it, never the text
    origins: tuple[Origin, ...] = ()

    @property
    def edits_in_place(self) -> bool:
        """True when ``text`` is the source itself (Markdown, text): edits are byte edits of the file."""
        return self.format in ("markdown", "text")

    def origin(self, line: int) -> Origin:
        """The origin of view line ``line`` (0-based): "" when the line is the reader's own."""
        if self.edits_in_place or self.format == "pdf":
            return f"line:{line}"
        return self.origins[line] if line < len(self.origins) else ""
