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
