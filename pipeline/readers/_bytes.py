"""Read an input file's raw bytes once, with every failure as a one-line InputError."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from tailor.pipeline.errors import InputError

_MAX_DETAIL = 160


def display(path: str | Path) -> str:
    """The path as users typed it, escaped if it holds characters that would break one line."""
    text = str(path)
    return text if text.isprintable() else text.encode("unicode_escape").decode("ascii")


def one_line(detail: object) -> str:
    """A library's error message squeezed to one short line."""
    text = " ".join(str(detail).split()) or type(detail).__name__
    return text if len(text) <= _MAX_DETAIL else text[: _MAX_DETAIL - 1] + "…"


def input_error(where: str, problem: str) -> InputError:
    return InputError(f"{where}: {problem}")


def read_bytes(path: str | Path, where: str, max_bytes: int) -> bytes:
    """Return the file's bytes; refuse folders, special files and files over ``max_bytes``.

    The size comes from ``stat`` so an oversized file is refused without reading
    it, and the read is capped in case the file grows in between.
    """
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise input_error(where, "is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise input_error(where, "not a regular file")
        if info.st_size > max_bytes:
            raise input_error(where, f"file is {info.st_size:,} bytes; the limit is {max_bytes:,} bytes")
        with open(path, "rb") as handle:
            # Ask for what stat said (+1 to see growth): a read of max_bytes would allocate that
            # much up front, ~30 us of page faults per file for a 3 KB resume and a 10 MB limit.
            want = min(info.st_size, max_bytes) + 1
            raw = handle.read(want)
            if len(raw) == want and want <= max_bytes:  # it grew since stat: the rest, still capped
                raw += handle.read(max_bytes + 1 - want)
    except FileNotFoundError:
        raise input_error(where, "no such file") from None
    except NotADirectoryError:
        raise input_error(where, "no such file (a parent is not a folder)") from None
    except PermissionError:
        raise input_error(where, "permission denied") from None
    except IsADirectoryError:
        raise input_error(where, "is a folder, not a file") from None
    except OSError as exc:
        raise input_error(where, f"cannot read ({one_line(exc.strerror or exc)})") from None
    except ValueError as exc:  # e.g. an embedded NUL in the path
        raise input_error(where, f"invalid path ({one_line(exc)})") from None
    if len(raw) > max_bytes:
        raise input_error(where, f"file is over the limit of {max_bytes:,} bytes")
    if not raw:
        raise input_error(where, "file is empty")
    return raw


# A resume has a few pages: dozens of bullets, a few hundred lines. Far past that a file is not one
# (or is built to cost): the readers refuse it at once (issue 17). Settings: limits.max_resume_*.
MAX_RESUME_LINES = 20_000
MAX_RESUME_BULLETS = 5_000
