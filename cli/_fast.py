"""A repeat `tailor run`, answered from one whole-run record before typer, pydantic or Rich load.

A fully cached run (every cached step a hit) of a plain ``tailor run RESUME --job JOB
[--out PATH] [--json]``, with no settings file and no ``TAILOR_*`` setting in the
environment, leaves a record in the cache folder: the output's bytes, exactly what it
printed for this kind of terminal, its history row and the cache statistics it counted.
The same command again (same arguments, folder, input bytes, installed code, terminal
and month) writes the same output, prints the same text, appends the history row (its
time and duration anew) and counts the same statistics, in a few tens of milliseconds.

On any doubt it returns None and the full path runs: another flag, a settings file or
variable, a changed input or installed file, a record older than a day, a cache or
history folder that is not safely ours, an output target that is not a regular file.
Standard library only, with tailor's own light modules (the atomic writer, the history's
row layout, the disk tier for the counters).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import sqlite3
import stat
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

_FORMAT = 1  # of the record file
_MAX_AGE_S = 86_400.0  # the cache serves steps fresh for a day (cache.stale_after_seconds)
_MAX_INPUT = 10_000_000  # limits.max_input_bytes
_ALLOWED_ENV = frozenset({"TAILOR_CACHE_DIR", "TAILOR_DATA_DIR"})
# What Rich reads to decide colours, width and terminal-ness: part of which view was printed.
_VIEW_ENV = ("COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR", "TERM", "COLORTERM", "TTY_COMPATIBLE", "TTY_INTERACTIVE",
             "JUPYTER_COLUMNS", "JUPYTER_LINES", "PYCHARM_HOSTED")


class Request:
    """A command line the fast path can answer: ``run RESUME --job JOB [--out PATH] [--json]``."""

    def __init__(self, resume: str, job: str, out: str | None, as_json: bool) -> None:
        self.resume, self.job, self.out, self.as_json = resume, job, out, as_json

    @classmethod
    def parse(cls, argv: Sequence[str]) -> Request | None:
        if not argv or argv[0] != "run":
            return None
        resume = job = out = None
        as_json = False
        words = list(argv[1:])
        while words:
            word = words.pop(0)
            if word in ("--job", "-j", "--out", "-o") and words and not words[0].startswith("-"):
                value = words.pop(0)
                if word in ("--job", "-j"):
                    if job is not None:
                        return None
                    job = value
                else:
                    if out is not None:
                        return None
                    out = value
            elif word == "--json" and not as_json:
                as_json = True
            elif not word.startswith("-") and resume is None:
                resume = word
            else:
                return None  # any other flag or word: the full path decides
        if resume is None or job is None:
            return None
        return cls(resume, job, out, as_json)


def _folders(environ: Mapping[str, str], cwd: str) -> tuple[Path, Path] | None:
    """(cache folder, data folder) as the default settings name them; None when settings could differ."""
    if any(k.startswith("TAILOR_") and k not in _ALLOWED_ENV for k in environ):
        return None
    if os.path.isfile(os.path.join(cwd, "tailor.yaml")):
        return None
    from tailor.pipeline.user_dirs import user_cache_dir, user_config_dir, user_data_dir

    if os.path.isfile(os.path.join(user_config_dir(), "config.yaml")):
        return None
    cache = environ.get("TAILOR_CACHE_DIR") or user_cache_dir()
    data = environ.get("TAILOR_DATA_DIR") or user_data_dir()
    return Path(os.path.join(cwd, os.path.expanduser(cache))), Path(os.path.join(cwd, os.path.expanduser(data)))


def _ours(path: Path) -> bool:
    """A folder this user owns and nobody else can write: the cache's own rule (``_disk.foreign_folder``)."""
    from tailor.pipeline.cache._disk import foreign_folder

    try:
        info = os.stat(path)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and foreign_folder(info) is None


def _digest(path: str, cwd: str) -> str | None:
    full = os.path.join(cwd, path)
    try:
        with open(full, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > _MAX_INPUT:
                return None
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return None


def code_fingerprint() -> str:
    """The installed code and data files (names, sizes, mtimes): a changed file means another record."""
    root = Path(__file__).resolve().parent  # cli/
    found: list[str] = []
    for package in (root, root.parent / "pipeline", root.parent / "config"):
        if not package.is_dir():  # a layout this does not know: never match
            return "unknown-layout"
        stack = [package]
        while stack:
            folder = stack.pop()
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False) and entry.name != "__pycache__":
                        stack.append(Path(entry.path))
                    elif entry.name.endswith((".py", ".yaml", ".typ", ".json")):
                        info = entry.stat()
                        found.append(f"{entry.path}:{info.st_size}:{info.st_mtime_ns}")
    return hashlib.sha256("\n".join(sorted(found)).encode()).hexdigest()


def view_key(as_json: bool, environ: Mapping[str, str]) -> str:
    """Which printed text a run's output is: JSON, or Rich's for this kind of terminal."""
    if as_json:
        return "json"
    tty = sys.stdout.isatty()
    try:
        size = os.get_terminal_size(sys.stdout.fileno()) if tty else None
    except OSError:
        size = None
    parts = [f"tty={tty}", f"size={tuple(size) if size else None}", *(f"{k}={environ.get(k)}" for k in _VIEW_ENV)]
    return "rich:" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def record_key(request: Request, argv: Sequence[str], environ: Mapping[str, str], cwd: str,
               folders: tuple[Path, Path] | None = None) -> tuple[Path, str, Path] | None:
    """(record file, its key, history path) for this command line, or None when the fast path cannot apply.

    ``folders``: the (cache, data) folders when the caller has already looked them up.
    """
    folders = folders or _folders(environ, cwd)
    if folders is None:
        return None
    cache, data = folders
    resume, job = _digest(request.resume, cwd), _digest(request.job, cwd)
    if resume is None or job is None:
        return None
    words = [w for w in argv if w != "--json"]
    month = time.strftime("%Y-%m")  # the pipeline's `today` input (years of experience)
    key = hashlib.sha256(json.dumps([_FORMAT, words, cwd, resume, job, code_fingerprint(), month, str(cache), str(data)])
                         .encode("utf-8", "surrogateescape")).hexdigest()
    return cache / "runs" / f"{key}.json", key, data / "history.sqlite3"


def serve(argv: Sequence[str], environ: Mapping[str, str], cwd: str) -> int | None:
    """Answer a repeat run from its record: the exit code, or None to take the full path."""
    started = time.perf_counter()
    request = Request.parse(argv)
    if request is None:
        return None
    folders = _folders(environ, cwd)
    if folders is None or not os.path.isdir(folders[0] / "runs"):
        return None  # no record was ever kept here: no need to hash the inputs and the code
    located = record_key(request, argv, environ, cwd, folders)
    if located is None:
        return None
    path, key, history = located
    if not _ours(path.parent.parent) or not _ours(path.parent):
        return None
    try:
        info = os.stat(path)
        if info.st_uid != os.geteuid() or info.st_mode & 0o077 or time.time() - info.st_mtime > _MAX_AGE_S:
            return None
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("format") != _FORMAT or record.get("key") != key:
        return None
    printed = record.get("views", {}).get(view_key(request.as_json, environ))
    output, data, row, counters = record.get("output"), record.get("data"), record.get("row"), record.get("counters")
    if not isinstance(printed, str) or not isinstance(output, str) or not isinstance(data, str) \
            or not isinstance(row, list) or not isinstance(counters, list):
        return None
    from tailor.pipeline.history_rows import AT_US, DURATION_MS, SCHEMA_VERSION, WIDTH
    from tailor.pipeline.history_rows import insert as insert_row
    from tailor.pipeline.writers._atomic import check_output_target, write_output

    if len(row) != WIDTH:
        return None
    try:
        check_output_target(output, (("resume", os.path.join(cwd, request.resume)), ("job", os.path.join(cwd, request.job))))
        conn = sqlite3.connect(history, timeout=1.0, isolation_level=None)
    except Exception:  # noqa: BLE001 - any doubt: the full path says what is wrong
        return None
    try:
        if conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            return None
        write_output(output, base64.b64decode(data, validate=True))
        _count(path.parent.parent, counters)
        row[AT_US] = int(time.time() * 1_000_000)
        row[DURATION_MS] = (time.perf_counter() - started) * 1000.0
        insert_row(conn, row)
    except Exception:  # noqa: BLE001 - the full path redoes it all, and reports any real problem
        return None
    finally:
        conn.close()
    sys.stdout.write(printed)
    return 0


def _count(cache: Path, counters: list[Any]) -> None:
    from tailor.pipeline.cache._disk import DiskTier

    deltas = {(str(t), str(n), str(f)): int(v) for t, n, f, v in counters}
    if not deltas:
        return
    tier = DiskTier(cache, warn=lambda message: None)
    try:
        tier.add_counters(deltas)
    finally:
        tier.close()


def save(request: Request, argv: Sequence[str], environ: Mapping[str, str], cwd: str, *, printed: str, output: Path,
         row: Sequence[Any], counters: Mapping[tuple[str, str, str], int]) -> None:
    """After a fully cached full run: keep what the fast path replays (adding this terminal's view)."""
    located = record_key(request, argv, environ, cwd)
    if located is None:
        return
    path, key, _ = located
    if not _ours(path.parent.parent):
        return
    from tailor.pipeline.writers._atomic import write_atomically

    try:
        path.parent.mkdir(mode=0o700, exist_ok=True)
        try:
            record = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        except ValueError:
            record = {}
        views = record.get("views", {}) if record.get("key") == key else {}
        views[view_key(request.as_json, environ)] = printed
        record = {
            "format": _FORMAT, "key": key, "views": views, "output": str(output),
            "data": base64.b64encode(output.read_bytes()).decode("ascii"), "row": list(row),
            "counters": [[t, n, f, v] for (t, n, f), v in sorted(counters.items())],
        }
        write_atomically(path, json.dumps(record), new_mode=0o600)
    except OSError:
        pass  # a record is a nicety: the next run takes the full path
