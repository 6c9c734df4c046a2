"""The SQLite history: round trips, processes, locks, corruption, permissions, privacy."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
import textwrap
import threading
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from pydantic import ValidationError

from tailor.pipeline.errors import HistoryError
from tailor.pipeline.history import SCHEMA_VERSION, History, RunRecord, StepRecord

from .conftest import NOW, MakeRun, sha

ROOT = Path(__file__).resolve().parents[2]

# Run by child processes: record N runs tagged with a batch id, starting at a shared instant.
WRITER = textwrap.dedent(
    """
    import sys, time
    from datetime import UTC, datetime
    from tailor.pipeline.history import History, RunRecord

    path, batch, count, start_at = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    while time.time() < start_at:
        time.sleep(0.001)
    with History(path) as history:
        for i in range(count):
            history.record(RunRecord(
                at=datetime.now(UTC), resume_sha256="a" * 64, job_sha256="b" * 64, provider="local",
                mode="full", score_before=50, score_after=60 + i % 10, target=80, target_met=False,
                duration_ms=float(i), batch_id=batch,
            ))
    """
)
READER = textwrap.dedent(
    """
    import json, sys
    from tailor.pipeline.history import History
    with History(sys.argv[1]) as history:
        runs = history.recent(100)
        print(json.dumps({"ids": [run.batch_id for run in runs], "analytics": history.analytics().to_dict()}))
    """
)


def python(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def finish(process: subprocess.Popen[str]) -> str:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    return out


def test_record_and_recent_round_trip_every_field(tmp_path: Path, make_run: MakeRun) -> None:
    run = make_run(
        at=NOW,
        steps=[
            {"name": "validate", "duration_ms": 1.5, "cache": "off", "status": "ok"},
            StepRecord(name="rewrite", duration_ms=30.25, cache="l2", status="ok"),
        ],
        cache_hits=3,
        cache_lookups=7,
        warnings=["job has no requirements section"],
        skills_surfaced=["Kubernetes", "C++"],
        tokens_in=1200,
        tokens_out=300,
        batch_id="b-1",
    )
    older = make_run(at=NOW - timedelta(hours=1), provider="openai")
    with History(tmp_path / "h.sqlite3") as history:
        history.record(older)
        history.record(run)
        assert history.recent(10) == [run, older]
        assert history.recent(1) == [run]
        assert history.recent(0) == []
    assert run.improvement == 20


def test_written_by_one_process_read_by_another(tmp_path: Path, make_run: MakeRun) -> None:
    path = tmp_path / "h.sqlite3"
    finish(python(WRITER, str(path), "child", "3", "0"))
    with History(path) as history:
        assert [run.batch_id for run in history.recent(10)] == ["child"] * 3
        history.record(make_run(at=datetime.now(UTC), batch_id="parent"))
    seen = json.loads(finish(python(READER, str(path))))
    assert seen["ids"] == ["parent", "child", "child", "child"]
    assert seen["analytics"]["runs"] == 4


@pytest.mark.slow
def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    start_at = str(time.time() + 1.0)  # both start writing at the same instant, after their imports
    writers = [python(WRITER, str(path), name, "200", start_at) for name in ("one", "two")]
    for writer in writers:
        finish(writer)
    with sqlite3.connect(path) as conn:
        counts = dict(conn.execute("SELECT batch_id, count(*) FROM runs GROUP BY batch_id").fetchall())
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert counts == {"one": 200, "two": 200}


def test_threads_sharing_one_history(tmp_path: Path, make_run: MakeRun) -> None:
    with History(tmp_path / "h.sqlite3") as history:

        def write(name: str) -> None:
            for _ in range(25):
                history.record(make_run(batch_id=name))

        threads = [threading.Thread(target=write, args=(f"t{i}",)) for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert history.analytics().overall.runs == 100


def test_a_lock_held_too_long_fails_with_a_step_error(tmp_path: Path, make_run: MakeRun) -> None:
    path = tmp_path / "h.sqlite3"
    History(path).record(make_run())
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(HistoryError, match="stayed locked; run not recorded"):
            History(path, busy_timeout=0.01).record(make_run())
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    with History(path) as history:
        history.record(make_run())
        assert history.analytics().overall.runs == 2


def test_a_lock_released_in_time_is_waited_for(tmp_path: Path, make_run: MakeRun) -> None:
    path = tmp_path / "h.sqlite3"
    History(path).record(make_run())
    blocker = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN EXCLUSIVE")
    release = threading.Timer(0.2, lambda: blocker.execute("ROLLBACK"))
    release.start()
    try:
        History(path).record(make_run())  # default busy timeout comfortably outlasts the lock
    finally:
        release.join()
        blocker.close()
    assert History(path).analytics().overall.runs == 2


def test_permissions_are_private_even_with_a_permissive_umask(tmp_path: Path, make_run: MakeRun) -> None:
    folder = tmp_path / "data" / "tailor"
    old = os.umask(0)
    try:
        with History(folder / "history.sqlite3") as history:
            history.record(make_run())
            # While open, WAL mode keeps -wal and -shm files beside the database: all must be private.
            modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()}
    finally:
        os.umask(old)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert set(modes) == {"history.sqlite3", "history.sqlite3-wal", "history.sqlite3-shm"}
    assert set(modes.values()) == {0o600}


def test_existing_folders_keep_their_permissions(tmp_path: Path, make_run: MakeRun) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    History(shared / "h.sqlite3").record(make_run())
    assert stat.S_IMODE(shared.stat().st_mode) == 0o755


def test_schema_is_versioned_and_created_idempotently(tmp_path: Path, make_run: MakeRun) -> None:
    path = tmp_path / "h.sqlite3"
    for _ in range(3):
        with History(path) as history:
            history.record(make_run())
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("SELECT count(*) FROM runs").fetchone()[0] == 3
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(HistoryError, match="newer than this tailor"):
        History(path).record(make_run())


def test_garbage_file_is_moved_aside_with_a_warning(
    tmp_path: Path, make_run: MakeRun, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "history.sqlite3"
    garbage = b"this is not a database, it is a shopping list\n" * 200
    path.write_bytes(garbage)
    with History(path) as history:
        history.record(make_run())
        assert history.analytics().overall.runs == 1
        assert len(history.warnings) == 1
        assert "corrupted" in history.warnings[0] and "history.sqlite3.corrupt-" in history.warnings[0]
    aside = list(tmp_path.glob("history.sqlite3.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == garbage
    assert any("corrupted" in record.message for record in caplog.records)


def test_damaged_pages_are_detected_and_replaced(tmp_path: Path, make_run: MakeRun) -> None:
    path = tmp_path / "history.sqlite3"
    with History(path) as history:
        for i in range(300):
            history.record(make_run(warnings=[f"warning number {i}" * 5]))
    with sqlite3.connect(path) as conn:  # fold the WAL in so the damage below hits the live pages
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with path.open("r+b") as handle:
        handle.seek(4096 * 2)
        handle.write(os.urandom(4096 * 3))
    with History(path) as history:
        analytics = history.analytics()  # must not raise
        assert analytics.overall.runs == 0
        assert history.warnings and "corrupted" in history.warnings[0]
        history.record(make_run())
        assert history.analytics().overall.runs == 1
    aside = [p for p in tmp_path.glob("history.sqlite3.corrupt-*") if not p.name.endswith(("-wal", "-shm"))]
    assert len(aside) == 1


def test_run_records_hold_no_text(tmp_path: Path, make_run: MakeRun) -> None:
    secret = "Led the migration of 40 microservices at Globex Corporation"
    # The record has nowhere to put text: no such field, and hash fields accept only hashes.
    assert not any("text" in name or name in {"resume", "job"} for name in RunRecord.model_fields)
    with pytest.raises(ValidationError, match="resume_text"):
        make_run(resume_text=secret)
    with pytest.raises(ValidationError, match="resume_sha256"):
        make_run(resume_sha256=secret)
    with pytest.raises(ValidationError, match="job_sha256"):
        make_run(job_sha256=sha(secret).upper() + "0")
    with History(tmp_path / "h.sqlite3") as history:
        history.record(make_run(resume_sha256=sha(secret)))
    stored = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert sha(secret).encode() in stored
    assert secret.encode() not in stored


def test_timestamps_are_stored_in_utc(tmp_path: Path, make_run: MakeRun) -> None:
    paris = timezone(timedelta(hours=1))
    with History(tmp_path / "h.sqlite3") as history:
        history.record(make_run(at=datetime(2025, 1, 31, 13, 0, 0, 123456, tzinfo=paris)))
        (run,) = history.recent(1)
    assert run.at == datetime(2025, 1, 31, 12, 0, 0, 123456, tzinfo=UTC)
    assert run.at.utcoffset() == timedelta(0)
    with pytest.raises(ValidationError):
        make_run(at=datetime(2025, 1, 31, 12, 0))  # naive: which zone? refuse rather than guess


def test_messy_record_values_are_refused(make_run: MakeRun) -> None:
    with pytest.raises(ValidationError):
        make_run(duration_ms=-1)
    with pytest.raises(ValidationError):
        make_run(cache_hits=-2)
    with pytest.raises(ValidationError):
        make_run(steps=[{"name": "x", "duration_ms": 1, "cache": "miss"}])  # no status
    run = make_run(warnings=["naïve résumé — “quotes”", ""], skills_surfaced=["C#", "Node.js"])
    assert run.warnings[0].startswith("naïve")
