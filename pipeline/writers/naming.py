"""What a tailored resume is called and in which format: ``NAME.tailored.EXT`` beside its source.

The format out is the format in, unless ``--format`` or ``--out``'s extension says
otherwise; the two saying different things is a usage error.
"""

from __future__ import annotations

from pathlib import Path

from tailor.pipeline.errors import UsageError

FORMATS = ("md", "txt", "json", "yaml", "docx", "pdf", "html")
EXTENSIONS = {"md": ".md", "txt": ".txt", "json": ".json", "yaml": ".yaml", "docx": ".docx", "pdf": ".pdf", "html": ".html"}
_BY_SUFFIX = {
    ".md": "md", ".markdown": "md", ".txt": "txt", ".text": "txt", ".json": "json", ".yaml": "yaml", ".yml": "yaml",
    ".docx": "docx", ".pdf": "pdf", ".html": "html", ".htm": "html",
}
# The mark `tailor run` puts in every name it writes: a batch never tailors such a file again.
TAILORED_MARK = ".tailored."
AUTO = "auto"  # the setting that means "the format the resume came in"


def format_of(path: str | Path) -> str | None:
    """The output format a file name implies (``x.yml`` -> ``yaml``), None for an unknown extension."""
    return _BY_SUFFIX.get(Path(path).suffix.lower())


def resolve_format(resume: str | Path, requested: str | None, out: str | Path | None, default: str = AUTO) -> str:
    """The format to write: ``requested`` (--format), else ``out``'s extension, else ``default``
    ("auto": the resume's own format)."""
    implied = format_of(out) if out is not None else None
    if requested and requested != AUTO:
        if implied is not None and implied != requested:
            raise UsageError(f"{out}: the file name says {implied} but the format asked for is {requested}")
        return requested
    if implied is not None:
        return implied
    if default != AUTO:
        return default
    return format_of(resume) or "md"


def output_extension(fmt: str) -> str:
    """The file extension of an output format (``md`` -> ``.md``)."""
    return EXTENSIONS[fmt]


def output_path(resume: Path, fmt: str, folder: Path | None = None) -> Path:
    """``NAME.tailored.EXT`` beside the input (or in ``folder``): never the input itself."""
    return (resume.parent if folder is None else folder) / f"{resume.stem}.tailored{EXTENSIONS[fmt]}"


def is_tailored_output(name: str) -> bool:
    """True for a file name that `tailor run` writes (``NAME.tailored.EXT``)."""
    return TAILORED_MARK in name
