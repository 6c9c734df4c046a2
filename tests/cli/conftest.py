"""CLI tests run against real files, a real diskcache and real SQLite in tmp folders."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_data"
RESUME = SAMPLES / "resumes" / "software_engineer.md"
JOB = SAMPLES / "jobs" / "backend_engineer.md"
OTHER_JOB = SAMPLES / "jobs" / "data_scientist.txt"
BAD = ROOT / "tests" / "data" / "bad"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Cache and history in tmp folders, never the user's; no stray tailor.yaml."""
    values = {"TAILOR_CACHE_DIR": str(tmp_path / "cache"), "TAILOR_DATA_DIR": str(tmp_path / "data")}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    return values


@pytest.fixture
def tailor(env: dict[str, str]):  # type: ignore[no-untyped-def]
    """Invoke the CLI in-process; returns (exit code, stdout, stderr)."""
    from cli.app import app

    runner = CliRunner()

    def invoke(*args: str) -> tuple[int, str, str]:
        result = runner.invoke(app, [str(a) for a in args])
        return result.exit_code, result.stdout, result.stderr

    return invoke


@pytest.fixture
def tailor_json(tailor):  # type: ignore[no-untyped-def]
    def invoke(*args: str) -> dict[str, Any]:
        code, out, err = tailor(*args, "--json")
        assert code == 0, err
        return json.loads(out)

    return invoke
