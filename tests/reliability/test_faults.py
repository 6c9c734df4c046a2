"""Faults under a real run: the cache and the history fail, the disk fills up; the result still comes, or a clear error.

The cache tier's own recovery (garbage database, damaged pages, bad values) is tested in
tests/cache/test_robustness.py and the history store's (locks, garbage file) in
tests/history/test_history_store.py; these check what a user of `tailor run` sees.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import anyio
import pytest

from tests.reliability.conftest import (
    JOB,
    RESUME,
    SAMPLES,
    SUBPROCESS_TIMEOUT,
    Invoke,
    assert_one_line_error,
    make_tiny_resumes,
    mounted_tmpfs,
    read_only,
)

RESUMES = sorted((SAMPLES / "resumes").glob("*.md")) + sorted((SAMPLES / "resumes").glob("*.txt"))


def _tailor_session(env: dict[str, str], resumes: list[Path], out: Path, fault: object) -> tuple[list[float], list[str], bool]:
    """Tailor ``resumes`` in one Session, calling ``fault()`` after the first; (scores, warnings, cache still shared)."""
    from tailor.config import load_settings
    from tailor.pipeline.app import RunRequest, Session

    settings = load_settings().settings
    warnings: list[str] = []

    async def go() -> tuple[list[float], bool]:
        scores = []
        async with Session(settings, warn=warnings.append) as session:
            for i, resume in enumerate(resumes):
                if i == 1:
                    fault()  # type: ignore[operator]
                outcome = await session.tailor(RunRequest(resume=resume, job=JOB, output=out / f"{i}.md"))
                scores.append(outcome.ats_after.total)
            assert session.cache is not None
            return scores, session.cache.shared

    scores, shared = anyio.run(go)
    return scores, warnings, shared


def _reference_scores(env: dict[str, str], resumes: list[Path], out: Path) -> list[float]:
    """The same resumes with no cache at all: what a faulty cache must still give."""
    from tailor.config import load_settings
    from tailor.pipeline.app import RunRequest, Session

    settings = load_settings().settings

    async def go() -> list[float]:
        async with Session(settings, use_cache=False, record_history=False) as session:
            return [(await session.tailor(RunRequest(resume=r, job=JOB, output=out / f"ref{i}.md"))).ats_after.total for i, r in enumerate(resumes)]

    return anyio.run(go)


def _cache_warnings(warnings: list[str]) -> list[str]:
    return [w for w in warnings if "cache" in w]


def test_cache_folder_deleted_mid_run(env: dict[str, str], tmp_path: Path) -> None:
    cache = Path(env["TAILOR_CACHE_DIR"])
    resumes = RESUMES[:4]
    scores, warnings, shared = _tailor_session(env, resumes, tmp_path, lambda: shutil.rmtree(cache))
    assert scores == _reference_scores(env, resumes, tmp_path)
    assert len(_cache_warnings(warnings)) == 1, warnings
    assert "removed or replaced" in _cache_warnings(warnings)[0] and "memory only" in _cache_warnings(warnings)[0]
    assert not shared  # it went on in memory, not into an unlinked database
    assert all((tmp_path / f"{i}.md").is_file() for i in range(len(resumes)))


def test_cache_corrupted_mid_run(env: dict[str, str], tmp_path: Path) -> None:
    cache = Path(env["TAILOR_CACHE_DIR"])

    def corrupt() -> None:
        for path in cache.glob("cache.db*"):
            path.write_bytes(os.urandom(8192))

    resumes = RESUMES[:4]
    scores, warnings, _ = _tailor_session(env, resumes, tmp_path, corrupt)
    assert scores == _reference_scores(env, resumes, tmp_path)
    assert len(_cache_warnings(warnings)) == 1, warnings
    assert "corrupt" in _cache_warnings(warnings)[0]


def test_cache_folder_read_only(tailor_json: object, tailor: Invoke, env: dict[str, str], tmp_path: Path) -> None:
    first = tailor_json("run", RESUME, "--job", JOB, "--out", tmp_path / "a.md")  # type: ignore[operator]
    cache = Path(env["TAILOR_CACHE_DIR"])
    other = SAMPLES / "resumes" / "account_executive.txt"
    with read_only(cache):
        code, out, err = tailor("run", other, "--job", JOB, "--out", tmp_path / "b.md", "--json")
        again = tailor_json("run", RESUME, "--job", JOB, "--out", tmp_path / "c.md")  # type: ignore[operator]
    assert code == 0, err
    data = json.loads(out)
    assert len(_cache_warnings(data["warnings"])) == 1, data["warnings"]
    assert (tmp_path / "b.md").is_file()
    assert again["scores"] == first["scores"]
    assert (tmp_path / "c.md").read_bytes() == (tmp_path / "a.md").read_bytes()


class _Locker:
    """Another connection holding an EXCLUSIVE transaction on the history, from a thread, until released."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.locked = threading.Event()
        self.release = threading.Event()
        self.thread = threading.Thread(target=self._hold, daemon=True)

    def _hold(self) -> None:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        conn.execute("BEGIN EXCLUSIVE")
        self.locked.set()
        self.release.wait(120)
        conn.execute("ROLLBACK")
        conn.close()

    def __enter__(self) -> _Locker:  # noqa: PYI034 - a private helper, never subclassed
        self.thread.start()
        assert self.locked.wait(30)
        return self

    def __exit__(self, *_: object) -> None:
        self.release.set()
        self.thread.join(30)


def _history_rows(env: dict[str, str]) -> int:
    with sqlite3.connect(Path(env["TAILOR_DATA_DIR"]) / "history.sqlite3") as conn:
        return conn.execute("SELECT count(*) FROM runs").fetchone()[0]


@pytest.mark.slow
def test_history_locked_by_another_process(tailor: Invoke, tailor_json: object, env: dict[str, str], tmp_path: Path) -> None:
    tailor_json("run", RESUME, "--job", JOB, "--out", tmp_path / "a.md")  # type: ignore[operator]
    assert _history_rows(env) == 1
    with _Locker(Path(env["TAILOR_DATA_DIR"]) / "history.sqlite3"):
        code, out, err = tailor("run", RESUME, "--job", JOB, "--out", tmp_path / "b.md", "--json")
    assert code == 0, err
    data = json.loads(out)  # the result is printed whole
    assert data["scores"]["after"] > 0 and (tmp_path / "b.md").is_file()
    lost = [w for w in data["warnings"] if "stayed locked; run not recorded" in w]
    assert lost, data["warnings"]  # retried (the busy timeout, then bounded retries), then reported
    assert _history_rows(env) == 1
    tailor_json("run", RESUME, "--job", JOB, "--out", tmp_path / "c.md")  # type: ignore[operator]
    assert _history_rows(env) == 2  # the lock gone, runs are recorded again


def test_history_corrupted(tailor: Invoke, env: dict[str, str], tmp_path: Path) -> None:
    data_dir = Path(env["TAILOR_DATA_DIR"])
    data_dir.mkdir(mode=0o700)
    garbage = os.urandom(20_000)
    (data_dir / "history.sqlite3").write_bytes(garbage)
    code, out, err = tailor("run", RESUME, "--job", JOB, "--out", tmp_path / "a.md", "--json")
    assert code == 0, err
    assert err == ""  # the warning is in the report, not a stray log line
    data = json.loads(out)
    moved = [w for w in data["warnings"] if "corrupted" in w and "moved it to" in w]
    assert len(moved) == 1, data["warnings"]
    aside = list(data_dir.glob("history.sqlite3.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == garbage  # kept for the user, not deleted
    assert _history_rows(env) == 1  # and this run is in the new one


def _check_disk_full(code: int, err: str, resume: Path, before: bytes, folder: Path, output: Path, keep: set[str]) -> None:
    line = assert_one_line_error(code, err, names=f"{output}: cannot write the output")
    assert resume.read_bytes() == before  # the input untouched
    assert not output.exists()  # no half-written output
    assert {p.name for p in folder.iterdir()} == keep  # and no temporary file left
    assert "\n" not in line


def _fill(filler: Path, *, leave: int) -> None:
    """Fill the filesystem with real writes until it refuses, then give back ``leave`` bytes."""
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            try:
                os.write(fd, b"\0" * 1024)
            except OSError:
                break
        os.ftruncate(fd, max(0, os.fstat(fd).st_size - leave))
    finally:
        os.close(fd)


def test_disk_full_on_a_real_tiny_filesystem(tailor: Invoke, tmp_path: Path) -> None:
    with mounted_tmpfs(tmp_path / "disk", "64k") as disk:
        resume = disk / "resume.md"
        # Long enough that the tailored copy cannot fit in what the filler leaves.
        resume.write_text(RESUME.read_text(encoding="utf-8") * 4, encoding="utf-8")
        _fill(disk / "filler", leave=4096)  # one page left: less than the output needs
        before = resume.read_bytes()
        code, _, err = tailor("run", resume, "--job", JOB)
        _check_disk_full(code, err, resume, before, disk, disk / "resume.tailored.md", {"resume.md", "filler"})


_FSIZE_RUNNER = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead of killing us
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
sys.argv = ["tailor", *sys.argv[2:]]
from tailor.cli.app import main
main()
"""


@pytest.mark.slow
def test_disk_full_as_a_file_size_limit(env: dict[str, str], tmp_path: Path) -> None:
    """Where mounting is not allowed this still fails a real write: RLIMIT_FSIZE in a subprocess."""
    folder = tmp_path / "docs"
    folder.mkdir()
    resume = folder / "resume.md"
    resume.write_text(RESUME.read_text(encoding="utf-8") * 4, encoding="utf-8")
    before = resume.read_bytes()
    limit = len(before) // 2  # below the output's size; the input is only read
    done = subprocess.run(
        [sys.executable, "-c", _FSIZE_RUNNER, str(limit), "run", str(resume), "--job", str(JOB), "--no-cache"],
        env={**os.environ, **env, "TAILOR_HISTORY__ENABLED": "false"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )
    assert "File too large" in done.stderr, done.stderr
    _check_disk_full(done.returncode, done.stderr, resume, before, folder, folder / "resume.tailored.md", {"resume.md"})


def test_a_batch_onto_a_full_disk_fails_each_item_cleanly(tailor: Invoke, tmp_path: Path) -> None:
    make_tiny_resumes(tmp_path / "in", 5)
    with mounted_tmpfs(tmp_path / "disk", "16k") as disk:
        out = disk / "out"
        out.mkdir()
        _fill(disk / "filler", leave=0)
        code, stdout, err = tailor("batch", tmp_path / "in", "--job", JOB, "--out", out, "--workers", "1", "--json", "--no-cache")
        assert code == 1 and "Traceback" not in err, err
        data = json.loads(stdout)
        assert data["summary"]["failed"] + data["summary"]["succeeded"] == 5 and data["summary"]["failed"] >= 1
        for item in data["items"]:
            if item["status"] == "failed":
                assert "cannot write the output" in item["error"] and not Path(item["output"] or "/nonexistent").exists()
        assert not [p for p in out.iterdir() if p.name.endswith(".part")]


def test_history_deleted_mid_batch_warns_and_starts_a_new_one(env: dict[str, str], tmp_path: Path) -> None:
    # Issue 17: a history deleted while a Session held it open lost every later record silently.
    from tailor.config import load_settings
    from tailor.pipeline.app import RunRequest, Session

    settings = load_settings(None).settings
    warnings: list[str] = []
    history = settings.history_path

    async def go() -> None:
        async with Session(settings, use_cache=False, warn=warnings.append) as session:
            for n, resume in enumerate(RESUMES[:3]):
                await session.tailor(RunRequest(resume=resume, job=JOB, output=tmp_path / f"o{n}{resume.suffix}"))
                await session.settle()
                if n == 0:
                    history.unlink()
                    for suffix in ("-wal", "-shm"):
                        history.with_name(history.name + suffix).unlink(missing_ok=True)

    anyio.run(go)
    assert [w for w in warnings if "removed or replaced while in use" in w and str(history) in w] and len(
        [w for w in warnings if "removed or replaced" in w]) == 1
    with sqlite3.connect(history) as conn:
        assert conn.execute("SELECT count(*) FROM runs").fetchone()[0] == 2  # the two runs after the deletion


def test_history_on_a_full_disk_warns_once(tailor: Invoke, env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Issue 17: the run's own report and the session's close both said the history could not be written.
    with mounted_tmpfs(tmp_path / "full", "16k") as folder:
        (folder / "fill").write_bytes(b"\0" * 12 * 1024)
        with contextlib.suppress(OSError):
            (folder / "more").write_bytes(b"\0" * 16 * 1024)
        monkeypatch.setenv("TAILOR_DATA_DIR", str(folder / "data"))
        code, out, err = tailor("run", RESUME, "--job", JOB, "--out", tmp_path / "out.md", "--json")
        assert code == 0, err
        warnings = [w for w in json.loads(out)["warnings"] if "history" in w]
        assert len(warnings) == 1, warnings
        assert "full" in warnings[0]
