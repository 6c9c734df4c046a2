"""Writers: text -> files, so that a crash or a full disk never leaves half a file.

``write_output`` writes atomically (temporary file, rename), never reading the target;
``check_output_target`` refuses devices, FIFOs, sockets and the run's own inputs before any
work; ``remove_stale_parts`` clears what killed writers left; ``output_path`` names a
tailored resume beside its source.
"""

from __future__ import annotations

from tailor.pipeline.writers._atomic import (
    check_output_target,
    remove_stale_parts,
    write_atomically,
    write_output,
)
from tailor.pipeline.writers.naming import (
    EXTENSIONS,
    FORMATS,
    format_of,
    is_tailored_output,
    output_extension,
    output_path,
    resolve_format,
)

__all__ = [
    "EXTENSIONS",
    "FORMATS",
    "check_output_target",
    "format_of",
    "is_tailored_output",
    "output_extension",
    "output_path",
    "remove_stale_parts",
    "resolve_format",
    "write_atomically",
    "write_output",
]
