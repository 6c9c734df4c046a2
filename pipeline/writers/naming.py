"""What a tailored resume is called: ``NAME.tailored.EXT`` beside its source (or in a given folder)."""

from __future__ import annotations

from pathlib import Path

EXTENSIONS = {"md": ".md", "json": ".json", "html": ".html"}
# The mark `tailor run` puts in every name it writes: a batch never tailors such a file again.
TAILORED_MARK = ".tailored."


def output_extension(fmt: str) -> str:
    """The file extension of an output format (``md`` -> ``.md``)."""
    return EXTENSIONS[fmt]


def output_path(resume: Path, fmt: str, folder: Path | None = None) -> Path:
    """``NAME.tailored.EXT`` beside the input (or in ``folder``): never the input itself."""
    return (resume.parent if folder is None else folder) / f"{resume.stem}.tailored{EXTENSIONS[fmt]}"


def is_tailored_output(name: str) -> bool:
    """True for a file name that `tailor run` writes (``NAME.tailored.EXT``)."""
    return TAILORED_MARK in name
