"""What a batch will do, decided while streaming: find resumes, name outputs, skip what is up to date.

The folder is walked lazily (``os.scandir``, sorted per directory), so a folder of
10 000 resumes is never listed into memory; the output folder is read once into a
dict, and the manifest (which settings produced each output, and its scores) once.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from tailor.pipeline.readers import RESUME_SUFFIXES
from tailor.pipeline.writers import is_tailored_output, write_atomically

MANIFEST_NAME = ".tailor-batch.jsonl"
_EXAMPLES = 5  # names shown in the "skipped" note
_UNSAFE = re.compile(r"[^A-Za-z0-9-]+")
_MAX_PART = 100  # characters of one name part; keeps whole names far below 255 bytes


# --- discovery ----------------------------------------------------------------


class Found(NamedTuple):
    """A resume file found in the folder."""

    path: str  # as walked: folder/relative
    rel: str  # relative to the folder, "/"-separated
    mtime_ns: int


@dataclass
class SkipNote:
    """Files passed over: how many, and the first few, to tell the user."""

    count: int = 0
    examples: list[str] = field(default_factory=list)

    def add(self, rel: str) -> None:
        self.count += 1
        if len(self.examples) < _EXAMPLES:
            self.examples.append(rel)


def walk_resumes(folder: Path, note: SkipNote | None = None, *, exclude: Path | None = None) -> Iterator[Found]:
    """Resume files under ``folder``, recursively, sorted per directory, one at a time.

    Hidden files and folders, files whose suffix is not a resume's, our own outputs,
    the ``exclude`` folder (the batch's --out, if it lies inside), symlinked folders (loops)
    and links to files outside ``folder`` are passed over; files among them are counted in ``note``.
    """
    excluded = _identity(exclude) if exclude is not None else None
    root = os.path.realpath(folder)
    stack: list[tuple[str, str]] = [(os.fspath(folder), "")]
    while stack:
        directory, prefix = stack.pop()
        try:
            with os.scandir(directory) as entries:
                ordered = sorted(entries, key=lambda entry: entry.name)
        except OSError:
            if note is not None:
                note.add(prefix or ".")
            continue
        subfolders = []
        for entry in ordered:
            rel = prefix + entry.name
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                if entry.name.startswith(".") or (excluded is not None and _identity(entry.path) == excluded):
                    continue
                subfolders.append((entry.path, rel + "/"))
                continue
            if entry.name.startswith(".") or is_tailored_output(entry.name) or Path(entry.name).suffix.lower() not in RESUME_SUFFIXES \
                    or (entry.is_symlink() and not _inside(entry.path, root)):
                # A link to a file outside the folder (/etc/passwd) is not the folder's resume.
                if note is not None:
                    note.add(rel)
                continue
            try:
                mtime = entry.stat().st_mtime_ns
            except OSError:
                mtime = 0  # unreadable: the run itself reports why, as this item's failure
            yield Found(entry.path, rel, mtime)
        stack.extend(reversed(subfolders))  # depth first, still in name order


def _inside(path: str, root: str) -> bool:
    """Whether ``path``, its links followed, lies in the folder ``root`` (already real)."""
    real = os.path.realpath(path)
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def count_resumes(folder: Path, *, exclude: Path | None = None) -> int:
    """How many resumes ``walk_resumes`` will yield (for a progress bar's total); O(1) memory."""
    return sum(1 for _ in walk_resumes(folder, exclude=exclude))


def _identity(path: str | Path) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_dev, stat.st_ino)


# --- naming -------------------------------------------------------------------


def safe_part(text: str) -> str:
    """``text`` in a safe character set: ASCII letters, digits and ``-``; anything else becomes ``_``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _UNSAFE.sub("_", ascii_text).strip("_-")[:_MAX_PART]


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:8]


class Namer:
    """Output names: the resume's relative path flattened, then the job's tag, then the extension.

    A resume at the top of the folder whose name is already safe keeps it: ``alice.md`` against
    ``backend_engineer.md`` gives ``alice.backend_engineer.md``. Any other name is made safe
    (no separator, no leading dot) and told apart by a hash of its relative path:
    ``team/alice.md`` gives ``team_alice-1a2b3c4d.backend_engineer.md``. So a name depends on
    its own path only: adding ``a b.md`` beside ``a_b.md`` never changes which resume
    ``a_b.backend_engineer.md`` holds. Two safe names that still meet (``a_b.md`` and
    ``a_b.txt`` under one ``--format``) are told apart by a hash too, the first in walk order
    (sorted) keeping the plain name.
    """

    def __init__(self, extension: str) -> None:
        self.extension = extension
        self._used: set[str] = set()

    def job_tags(self, jobs: Sequence[str]) -> list[str]:
        """One distinct tag per job file name."""
        tags: list[str] = []
        for job in jobs:
            tag = safe_part(Path(job).stem) or "job"
            if tag in tags:
                tag = f"{tag}-{_short_hash(job)}"
            tags.append(tag)
        return tags

    def base(self, rel: str) -> str:
        """The resume part of the names for ``rel`` (a path relative to the batch folder)."""
        stem = rel[: -len(Path(rel).suffix)] if Path(rel).suffix else rel
        base = safe_part(stem.replace("/", "_")) or "resume"
        if base != stem or base in self._used:  # made safe (or met before): its own path's hash
            base = f"{base}-{_short_hash(rel)}"
        self._used.add(base)
        return base

    def name(self, base: str, job_tag: str) -> str:
        return f"{base}.{job_tag}{self.extension}"


# --- what exists in --out -----------------------------------------------------


class Produced(NamedTuple):
    """A manifest line: the settings fingerprint an output was made under, and its scores."""

    fingerprint: str
    score_before: float
    score_after: float


class OutputIndex:
    """The --out folder as it is now: one scandir into a dict, plus the manifest, read once.

    Successes are appended to the manifest as they come (one JSON line each, flushed per
    call of ``flush``), so an interrupted batch keeps what it finished. Nothing is kept
    per recorded item, so the parent's memory does not grow with the batch.
    """

    def __init__(self, out: Path, mtimes: dict[str, int], produced: dict[str, Produced], lines: int) -> None:
        self.out = out
        self._mtimes = mtimes
        self._produced = produced
        self._superseded = lines - len(produced)  # lines a later line for the same output replaced
        self._added = 0
        self._fd: int | None = None  # O_APPEND: one write per line, so two batches' lines never interleave

    @classmethod
    def load(cls, out: Path) -> OutputIndex:
        mtimes: dict[str, int] = {}
        with os.scandir(out) as entries:
            for entry in entries:
                if not entry.name.startswith("."):
                    try:
                        mtimes[entry.name] = entry.stat().st_mtime_ns
                    except OSError:
                        continue
        produced, lines = _read_manifest(out / MANIFEST_NAME)
        return cls(out, mtimes, produced, lines)

    def up_to_date(self, name: str, fingerprint: str, inputs_mtime_ns: int) -> Produced | None:
        """The manifest entry if ``name`` exists, is newer than its inputs and was made under ``fingerprint``."""
        mtime = self._mtimes.get(name)
        if mtime is None or mtime <= inputs_mtime_ns:
            return None
        produced = self._produced.get(name)
        return produced if produced is not None and produced.fingerprint == fingerprint else None

    def record(self, name: str, fingerprint: str, score_before: float, score_after: float) -> None:
        if self._fd is None:
            self._fd = os.open(self.out / MANIFEST_NAME, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        # Unbuffered: a killed batch loses no recorded line, and a line is never split by another writer.
        os.write(self._fd, _manifest_line(name, Produced(fingerprint, score_before, score_after)).encode("utf-8"))
        if name in self._produced:
            self._superseded += 1
        else:
            self._added += 1

    def flush(self) -> None:
        """Nothing to do: every record is written through at once (kept for callers that flush)."""

    def close(self) -> None:
        """Flush; rewrite the manifest when superseded lines outnumber live ones (it never grows unbounded)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        if self._superseded > len(self._produced) + self._added + 64:
            produced, _ = _read_manifest(self.out / MANIFEST_NAME)
            write_atomically(self.out / MANIFEST_NAME, "".join(_manifest_line(n, p) for n, p in produced.items()),
                             new_mode=0o600)
            self._superseded = 0


def append_manifest(output: str | Path, fingerprint: str, score_before: float, score_after: float) -> None:
    """In a worker: record ``output`` as produced, the moment it is written (one O_APPEND write).

    The parent records it too when the chunk comes back; this line is what keeps it done if
    the parent is killed first, so a re-run skips it instead of doing it (and logging it) twice.
    """
    target = Path(output)
    fd = os.open(target.parent / MANIFEST_NAME, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, _manifest_line(target.name, Produced(fingerprint, score_before, score_after)).encode("utf-8"))
    finally:
        os.close(fd)


def _manifest_line(name: str, produced: Produced) -> str:
    row = {"o": name, "f": produced.fingerprint, "b": round(produced.score_before, 3), "a": round(produced.score_after, 3)}
    return json.dumps(row, separators=(",", ":")) + "\n"


def _read_manifest(path: Path) -> tuple[dict[str, Produced], int]:
    """The last entry per output name, and how many lines there were."""
    produced: dict[str, Produced] = {}
    lines = 0
    try:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                lines += 1
                try:
                    row = json.loads(line)
                    produced[row["o"]] = Produced(row["f"], float(row["b"]), float(row["a"]))
                except (ValueError, KeyError, TypeError):
                    continue  # a line cut short by a crash: that output is simply redone
    except FileNotFoundError:
        pass
    return produced, lines
