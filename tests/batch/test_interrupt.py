"""Ctrl-C on a real `tailor batch` process: a clean stop, then a re-run finishes the rest, once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tailor.pipeline.history import History
from tests.batch.conftest import JOB, make_resumes


def outputs(out: Path) -> list[Path]:
    return [p for p in out.iterdir() if not p.name.startswith(".")] if out.exists() else []


@pytest.mark.slow
def test_interrupted_batch_keeps_finished_items_and_a_rerun_does_each_item_exactly_once(tmp_path: Path) -> None:
    count = 40
    make_resumes(tmp_path / "in", count, big=True)  # tens of ms each: the signal lands mid-batch
    out = tmp_path / "out"
    env = {**os.environ, "TAILOR_CACHE_DIR": str(tmp_path / "cache"), "TAILOR_DATA_DIR": str(tmp_path / "data")}
    command = [sys.executable, "-m", "tailor.cli", "batch", str(tmp_path / "in"), "--job", str(JOB), "--out", str(out), "--workers", "1"]

    # A session of its own, so the signal goes to the whole group, workers included, as Ctrl-C does.
    proc = subprocess.Popen(
        [*command, "--quiet", "--no-cache"], env=env, cwd=tmp_path, start_new_session=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 60
    while not outputs(out) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "interrupted" in stdout and "not started" in stdout
    assert "Traceback" not in stderr

    finished = outputs(out)
    assert 0 < len(finished) < count
    assert not [p for p in out.iterdir() if p.name.endswith(".part")]  # no temporary files left behind
    for path in finished:
        assert path.read_text(encoding="utf-8").startswith("# Candidate")  # whole files only

    rerun = subprocess.run([*command, "--json", "--no-cache"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert rerun.returncode == 0, rerun.stderr
    summary = json.loads(rerun.stdout)["summary"]
    assert summary["skipped"] == len(finished)
    assert summary["succeeded"] == count - len(finished)
    assert summary["failed"] == 0 and summary["not_started"] == 0
    assert len(outputs(out)) == count

    # Every run is in the history exactly once: none lost, none done twice.
    runs = History(tmp_path / "data" / "history.sqlite3").recent(1000)
    assert len(runs) == count
    assert len({r.resume_sha256 for r in runs}) == count


@pytest.mark.slow
def test_after_kill_9_a_rerun_logs_no_item_twice(tmp_path: Path) -> None:
    # Issue 17: the parent records outputs in the manifest as chunks come back; killed first, the
    # items its workers had finished (and logged) were redone, and appeared twice in the history.
    # Each worker now records its output in the manifest as it writes it.
    count = 30
    make_resumes(tmp_path / "in", count, big=True)
    out = tmp_path / "out"
    env = {**os.environ, "TAILOR_CACHE_DIR": str(tmp_path / "cache"), "TAILOR_DATA_DIR": str(tmp_path / "data")}
    command = [sys.executable, "-m", "tailor.cli", "batch", str(tmp_path / "in"), "--job", str(JOB), "--out", str(out), "--workers", "1"]
    proc = subprocess.Popen([*command, "--quiet", "--no-cache"], env=env, cwd=tmp_path, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(outputs(out)) < 3 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)  # the parent only: its workers see it gone and exit
    proc.wait()
    time.sleep(1.0)
    rerun = subprocess.run([*command, "--json", "--no-cache"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=180, check=False)
    assert rerun.returncode == 0, rerun.stderr
    assert len(outputs(out)) == count
    runs = History(tmp_path / "data" / "history.sqlite3").recent(1000)
    by_resume = [r.resume_sha256 for r in runs]
    assert len(set(by_resume)) == count
    assert len(by_resume) == count  # none logged twice
