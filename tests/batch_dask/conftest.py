"""Dask batch tests: a real LocalCluster (2 worker processes), real files, real diskcache and SQLite in tmp folders."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from typer.testing import CliRunner

distributed = pytest.importorskip("distributed")

Invoke = Callable[..., tuple[int, dict[str, Any]]]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Two single-threaded worker processes, started with cache and data folders in tmp (workers inherit the env)."""
    home = tmp_path_factory.mktemp("cluster")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TAILOR_CACHE_DIR", str(home / "cache"))
        patch.setenv("TAILOR_DATA_DIR", str(home / "data"))
        with distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=logging.ERROR
        ) as running:
            yield running


@pytest.fixture
def client(cluster: Any) -> Iterator[Any]:
    """A client of the shared cluster, once both workers are up (a test may have killed one)."""
    with distributed.Client(cluster) as connected:
        connected.wait_for_workers(2, timeout=60)
        yield connected


@pytest.fixture
def batch_json(env: dict[str, str]) -> Invoke:
    """``tailor batch ARGS --json`` in-process; returns (exit code, the JSON report)."""
    from tailor.cli.app import app

    runner = CliRunner()

    def invoke(*args: object) -> tuple[int, dict[str, Any]]:
        result = runner.invoke(app, ["batch", *(str(a) for a in args), "--json"])
        assert result.stdout.strip(), result.stderr
        return result.exit_code, json.loads(result.stdout)

    return invoke
