"""Readers: files -> documents. Resumes and job descriptions from disk, every failure one line.

``InputFile.open`` hashes a file for the cache (the run inputs); ``read_resume`` /
``read_job`` turn its bytes into a ``SourceDocument`` (Markdown, text, JSON Resume,
YAML, PDF, DOCX). Heavy parsers load only when a file needs them.
"""

from __future__ import annotations

from tailor.pipeline.readers._files import (
    DEFAULT_MAX_BYTES,
    JOB_SUFFIXES,
    RESUME_SUFFIXES,
    read_job,
    read_resume,
)
from tailor.pipeline.readers.documents import SourceDocument, SourceFormat
from tailor.pipeline.readers.inputs import InputFile, InputKind

__all__ = [
    "DEFAULT_MAX_BYTES",
    "JOB_SUFFIXES",
    "RESUME_SUFFIXES",
    "InputFile",
    "InputKind",
    "SourceDocument",
    "SourceFormat",
    "read_job",
    "read_resume",
]
