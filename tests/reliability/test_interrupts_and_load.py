"""Real `tailor batch` processes: Ctrl-C and SIGTERM mid-batch, two batches on one folder, a few hundred items.

No timing assertions: a signal is sent once the first output exists, whatever the speed.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tailor.pipeline.batch import MANIFEST_NAME
from tests.reliability.conftest import (
    BAD,
    JOB,
    SUBPROCESS_TIMEOUT,
    Invoke,
    cli_process,
    make_big_resumes,
    make_tiny_resumes,
)


def _outputs(out: Path) -> list[Path]:
    return sorted(p for p in out.iterdir() if not p.name.startswith(".")) if out.exists() else []


def _manifest(out: Path) -> list[dict[str, Any]]:
    lines = (out / MANIFEST_NAME).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]  # every line whole


def _accounted(summary: dict[str, Any], total: int) -> None:
    assert summary["total"] == total
    assert summary["succeeded"] + summary["failed"] + summary["skipped"] + summary["not_started"] == total


@pytest.mark.parametrize(("signum", "exit_code", "group"), [
    (signal.SIGINT, 130, True),  # Ctrl-C: the terminal signals the whole process group
    (signal.SIGTERM, 143, True),  # a service manager stopping the group
    (signal.SIGTERM, 143, False),  # `kill PID`: the parent alone
], ids=["sigint-group", "sigterm-group", "sigterm-parent"])
@pytest.mark.slow
def test_a_signal_mid_batch_stops_cleanly(env: dict[str, str], tmp_path: Path, signum: int, exit_code: int, group: bool) -> None:
    count = 40
    make_big_resumes(tmp_path / "in", count)
    out = tmp_path / "out"
    out.mkdir()
    # What a writer killed mid-write long ago left behind (its process is gone): swept at the end.
    stale = out / f".b000.backend_engineer.md.{2**22 + 12345}.x1y2z3.part"
    stale.write_text("half a resu")
    proc = cli_process(
        ["batch", tmp_path / "in", "--job", JOB, "--out", out, "--workers", "1", "--no-cache", "--json"],
        env, tmp_path, start_new_session=True,
    )
    deadline = time.monotonic() + SUBPROCESS_TIMEOUT
    while not _outputs(out) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert proc.poll() is None, "the batch finished before it could be interrupted"
    if group:
        os.killpg(proc.pid, signum)
    else:
        os.kill(proc.pid, signum)
    stdout, stderr = proc.communicate(timeout=SUBPROCESS_TIMEOUT)
    assert proc.returncode == exit_code, stderr
    assert "Traceback" not in stderr
    data = json.loads(stdout)  # the summary is printed
    summary = data["summary"]
    assert summary["interrupted"] is True and summary["not_started"] > 0
    _accounted(summary, count)
    finished = _outputs(out)
    assert len(finished) == summary["succeeded"] > 0  # finished items kept
    for path in finished:
        assert path.read_text(encoding="utf-8").startswith("# Candidate")  # whole files only
    assert not [p for p in out.iterdir() if p.name.endswith(".part")]  # partial files removed
    assert {row["o"] for row in _manifest(out)} == {p.name for p in finished}
    statuses = {Path(i["resume"]).name: i["status"] for i in data["items"]}
    assert len(statuses) == count and set(statuses.values()) <= {"ok", "not_started"}


def test_stale_part_files_of_running_writers_are_kept(tmp_path: Path) -> None:
    from tailor.pipeline.writers._atomic import remove_stale_parts, write_atomically

    live = tmp_path / f".a.md.{os.getppid()}.abc.part"  # a running process (pytest's parent) is writing it
    dead = tmp_path / f".b.md.{2**22 + 54321}.abc.part"
    mine = tmp_path / f".c.md.{os.getpid()}.abc.part"  # this process, which is not writing now
    for path in (live, dead, mine):
        path.write_text("partial")
    write_atomically(tmp_path / "whole.md", "whole\n")
    assert remove_stale_parts(tmp_path) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, "whole.md"])


def test_a_part_file_of_a_killed_writer_not_yet_reaped_is_removed(tmp_path: Path) -> None:
    from tailor.pipeline.writers._atomic import remove_stale_parts

    killed = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        killed.kill()
        while not _is_zombie(killed.pid):  # dead, its exit status not yet collected by us (its parent)
            time.sleep(0.01)
        (tmp_path / f".a.md.{killed.pid}.x.part").write_text("partial")
        (tmp_path / f".b.md.{alive.pid}.x.part").write_text("partial")
        assert remove_stale_parts(tmp_path) == 1
        assert [p.name for p in tmp_path.iterdir()] == [f".b.md.{alive.pid}.x.part"]
    finally:
        alive.kill()
        alive.wait()
        killed.wait()


def _is_zombie(pid: int) -> bool:
    with open(f"/proc/{pid}/status") as handle:
        return any(line.startswith("State:") and "Z" in line.split()[1] for line in handle)


@pytest.mark.slow
def test_two_batches_on_the_same_output_folder_and_cache(env: dict[str, str], tmp_path: Path) -> None:
    count = 60
    make_tiny_resumes(tmp_path / "in", count)
    out = tmp_path / "out"
    args = ["batch", tmp_path / "in", "--job", JOB, "--out", out, "--workers", "1", "--json", "--format", "json"]
    first, second = (cli_process(args, env, tmp_path) for _ in range(2))
    results = [proc.communicate(timeout=SUBPROCESS_TIMEOUT) for proc in (first, second)]
    for proc, (stdout, stderr) in zip((first, second), results):
        assert proc.returncode == 0, stderr
        assert "Traceback" not in stderr
        summary = json.loads(stdout)["summary"]
        _accounted(summary, count)
        assert summary["failed"] == 0 and summary["not_started"] == 0
    outputs = _outputs(out)
    assert len(outputs) == count  # each item done (by one batch or both)
    for path in outputs:
        document = json.loads(path.read_text(encoding="utf-8"))  # no corrupt file: every output parses
        assert document
    assert not [p for p in out.iterdir() if p.name.endswith(".part")]  # no leftover temporary files
    assert {row["o"] for row in _manifest(out)} == {p.name for p in outputs}  # the manifest is readable


@pytest.mark.slow
def test_a_few_hundred_items_are_all_accounted_for(tailor: Invoke, tmp_path: Path) -> None:
    count, bad = 300, 7
    folder = tmp_path / "in"
    make_tiny_resumes(folder, count)
    for i in range(bad):
        (folder / f"broken{i}.json").write_bytes((BAD / "malformed.json").read_bytes())
    code, stdout, err = tailor("batch", folder, "--job", JOB, "--out", tmp_path / "out", "--workers", "2", "--json", "--no-cache")
    assert code == 1, err
    data = json.loads(stdout)
    summary = data["summary"]
    _accounted(summary, count + bad)
    assert (summary["succeeded"], summary["failed"], summary["not_started"]) == (count, bad, 0)
    items = data["items"]
    assert len(items) == count + bad and len({i["resume"] for i in items}) == count + bad
    assert len(_outputs(tmp_path / "out")) == count
