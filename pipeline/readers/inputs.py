"""Content-addressed references to input files: the run inputs of the pipeline.

A run's inputs are the files' *hashes*, not their text, so a cached run only
reads and hashes the bytes (microseconds) before every step hits; the reading,
decoding and parsing happen inside the (cached) parse steps.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from tailor.pipeline.readers._bytes import MAX_RESUME_BULLETS, MAX_RESUME_LINES, display, read_bytes

InputKind = Literal["resume", "job"]


@dataclass(frozen=True)
class InputFile:
    """A file to read, identified by its content: equal content, equal cache keys."""

    kind: InputKind
    sha256: str
    suffix: str
    size: int
    # The path is where to read it, not what it is: moving a file keeps its cache entries.
    path: str = field(compare=False)
    # How much text the reader takes (limits.max_resume_lines / max_resume_bullets).
    max_lines: int = field(default=MAX_RESUME_LINES, compare=False)
    max_bullets: int = field(default=MAX_RESUME_BULLETS, compare=False)

    @classmethod
    def open(cls, path: str | Path, kind: InputKind, *, max_bytes: int, max_lines: int = MAX_RESUME_LINES,
             max_bullets: int = MAX_RESUME_BULLETS) -> InputFile:
        """Check the file is a readable, non-empty regular file within the size limit, and hash it."""
        raw = read_bytes(path, display(path), max_bytes)
        text = os.fspath(path)
        # os.path, not pathlib: a run opens two files, and Path().suffix alone cost more than the read.
        suffix = os.path.splitext(os.path.basename(text))[1].lower()
        return cls(kind=kind, sha256=hashlib.sha256(raw).hexdigest(), suffix=suffix, size=len(raw), path=text,
                   max_lines=max_lines, max_bullets=max_bullets)

    def content_key(self) -> str:
        """What the cache hashes: the kind and the bytes' hash, never the path."""
        return f"{self.kind}:{self.sha256}:{self.suffix}"
