"""`tailor batch --executor dask`: same results as local processes, a lost worker loses no item, the client writes the history."""

from __future__ import annotations

import json
import os
import shutil
import signal
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tailor.pipeline.batch import MANIFEST_NAME, Batch, ItemOutcome
from tests.batch.conftest import BAD, JOB, MESSY, make_resumes
from tests.batch_dask.conftest import Invoke


def _settings() -> Any:
    from tailor.cli.settings import settings_from_flags

    return settings_from_flags(None)


def _history_rows() -> list[Any]:
    from tailor.pipeline.history import History

    with History(_settings().history_path) as history:
        return history.recent(10_000)


def _outputs(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}


def _manifest_names(out: Path) -> list[str]:
    return [json.loads(line)["o"] for line in (out / MANIFEST_NAME).read_text(encoding="utf-8").splitlines()]


def _worker_state() -> dict[str, Any]:
    """On a worker: how its batch session was made (run through client.run)."""
    from tailor.pipeline.batch import worker

    runner = worker.current()
    session = runner.session if runner is not None else None
    return {
        "batch_id": runner.batch_id if runner is not None else None,
        "history_kind": type(session.history).__name__ if session is not None else None,
        "writes_history": bool(session._record_history) if session is not None else None,
    }


@pytest.mark.slow
def test_dask_gives_the_local_executors_outputs_and_scores_on_a_messy_folder(tmp_path: Path, batch_json: Invoke) -> None:
    folder = tmp_path / "in"
    make_resumes(folder, 6)
    shutil.copytree(BAD, folder / "bad")  # unreadable, empty, binary...: each fails alone
    shutil.copytree(MESSY, folder / "messy")
    common = (folder, "--job", JOB, "--workers", "2", "--no-cache")
    local_code, local = batch_json(*common, "--out", tmp_path / "out_local")
    dask_code, dask = batch_json(*common, "--out", tmp_path / "out_dask", "--executor", "dask")  # starts a LocalCluster

    assert dask_code == local_code == 1  # the bad files failed, as items
    def rows(data: dict[str, Any]) -> list[tuple[Any, ...]]:
        return [(i["resume"], i["status"], i["error"], i["score_before"], i["score_after"]) for i in data["items"]]

    assert rows(dask) == rows(local)
    statuses = Counter(i["status"] for i in dask["items"])
    assert statuses["ok"] >= 6 and statuses["failed"] >= 1
    assert _outputs(tmp_path / "out_dask") == _outputs(tmp_path / "out_local")  # byte-identical files
    assert sorted(_manifest_names(tmp_path / "out_dask")) == sorted(_manifest_names(tmp_path / "out_local"))
    for key in ("total", "succeeded", "failed", "skipped", "not_started"):
        assert dask["summary"][key] == local["summary"][key]


@pytest.mark.slow
def test_scheduler_joins_the_cluster_and_only_the_client_writes_the_history(
    tmp_path: Path, batch_json: Invoke, client: Any, cluster: Any
) -> None:
    make_resumes(tmp_path / "in", 20)
    code, data = batch_json(tmp_path / "in", "--job", JOB, "--out", tmp_path / "out", "--scheduler", cluster.scheduler_address)
    assert code == 0
    assert data["summary"]["succeeded"] == 20
    states = client.run(_worker_state)
    ran = [s for s in states.values() if s["batch_id"] == data["batch_id"]]
    assert ran, states  # the chunks ran on the cluster we started, not on a cluster of its own
    assert all(s["history_kind"] == "_KeptRecords" and s["writes_history"] is False for s in ran)
    rows = _history_rows()
    assert len(rows) == 20 and {r.batch_id for r in rows} == {data["batch_id"]}

    # Run again: every output is up to date, nothing is sent, no history row is added.
    code, again = batch_json(tmp_path / "in", "--job", JOB, "--out", tmp_path / "out", "--scheduler", cluster.scheduler_address)
    assert code == 0 and again["summary"]["skipped"] == 20
    assert len(_history_rows()) == 20


@pytest.mark.slow
def test_a_worker_killed_mid_batch_loses_no_item_and_repeats_none(
    tmp_path: Path, env: dict[str, str], client: Any, cluster: Any
) -> None:
    count = 48  # six chunks: more than the four in flight, so the batch outlives the kill
    make_resumes(tmp_path / "in", count)
    out = tmp_path / "out"
    out.mkdir()
    batch = Batch(_settings(), tmp_path / "in", [JOB], out, workers=2, executor="dask", scheduler=cluster.scheduler_address)
    outcomes: list[ItemOutcome] = []
    killed: list[tuple[str, int]] = []

    def on_outcome(outcome: ItemOutcome) -> None:
        outcomes.append(outcome)
        if killed:
            return
        busy = [address for address, keys in client.processing().items() if keys]
        if busy:  # a worker with a chunk in hand: kill it, as a machine lost mid-batch
            pid = client.run(os.getpid, workers=[busy[0]])[busy[0]]
            os.kill(pid, signal.SIGKILL)
            killed.append((busy[0], pid))

    stopped = batch.run(on_outcome, lambda: False)

    assert not stopped
    assert killed, "no worker had work in hand after the first result"
    assert Counter(o.item.index for o in outcomes) == Counter(range(count))  # every item, once
    assert {o.status for o in outcomes} == {"ok"}
    names = _manifest_names(out)
    assert len(names) == len(set(names)) == count
    assert len(_outputs(out)) == count
    assert not [p for p in out.iterdir() if p.name.startswith(".") and p.name != MANIFEST_NAME]  # no temp file left
    rows = _history_rows()
    assert len(rows) == count and {r.batch_id for r in rows} == {batch.batch_id}
    client.wait_for_workers(2, timeout=60)
    assert killed[0][1] not in client.run(os.getpid).values()  # the worker really died (its nanny started a new one)


def test_bad_executor_flags_are_usage_errors(tmp_path: Path, env: dict[str, str]) -> None:
    from tailor.cli.app import app

    make_resumes(tmp_path / "in", 1)
    runner = CliRunner()
    base = ["batch", str(tmp_path / "in"), "--job", str(JOB), "--out", str(tmp_path / "out")]
    result = runner.invoke(app, [*base, "--executor", "spark"])
    assert result.exit_code == 2 and "--executor spark: expected local or dask" in result.stderr
    result = runner.invoke(app, [*base, "--executor", "local", "--scheduler", "tcp://127.0.0.1:8786"])
    assert result.exit_code == 2 and "for --executor dask" in result.stderr
