"""Content-addressed references to input files: the run inputs of the pipeline.

A run's inputs are the files' *hashes*, not their text, so a cached run only
reads and hashes the bytes (microseconds) before every step hits; the reading,
decoding and parsing happen inside the (cached) parse steps.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pipeline.errors import InputError

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

    @classmethod
    def open(cls, path: str | Path, kind: InputKind, *, max_bytes: int) -> InputFile:
        """Check the file is a readable regular file within the size limit, and hash it."""
        file = Path(path)
        try:
            stat = file.stat()
        except FileNotFoundError:
            raise InputError(f"{file}: no such file") from None
        except PermissionError:
            raise InputError(f"{file}: permission denied") from None
        except OSError as error:
            raise InputError(f"{file}: cannot read ({error.strerror or error})") from None
        if file.is_dir():
            raise InputError(f"{file}: is a folder, expected a {kind} file")
        if stat.st_size > max_bytes:
            raise InputError(
                f"{file}: {stat.st_size / 1e6:.1f} MB is over the {max_bytes / 1e6:.1f} MB limit (limits.max_input_bytes)"
            )
        try:
            data = file.read_bytes()
        except OSError as error:
            raise InputError(f"{file}: cannot read ({error.strerror or error})") from None
        return cls(kind=kind, sha256=hashlib.sha256(data).hexdigest(), suffix=file.suffix.lower(), size=len(data), path=str(file))

    def content_key(self) -> str:
        """What the cache hashes: the kind and the bytes' hash, never the path."""
        return f"{self.kind}:{self.sha256}:{self.suffix}"
