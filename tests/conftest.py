"""Fixtures every CLI-level test shares: settings isolated in tmp folders, and the CLI in-process."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

# The one-line "skipped: N (why)" at the end of every run (tests/_skip_summary.py); pytester for its test.
pytest_plugins = ["tests._skip_summary", "pytester"]

Invoke = Callable[..., tuple[int, str, str]]


@pytest.fixture
def anyio_backend() -> str:
    """The engine and cache run on asyncio directly (not trio)."""
    return "asyncio"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Cache and history in tmp folders, never the user's; no stray tailor.yaml."""
    values = {"TAILOR_CACHE_DIR": str(tmp_path / "cache"), "TAILOR_DATA_DIR": str(tmp_path / "data")}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    return values


@pytest.fixture
def tailor(env: dict[str, str]) -> Invoke:
    """Invoke the CLI in-process; returns (exit code, stdout, stderr)."""
    from tailor.cli.app import app

    runner = CliRunner()

    def invoke(*args: object) -> tuple[int, str, str]:
        result = runner.invoke(app, [str(a) for a in args])
        return result.exit_code, result.stdout, result.stderr

    return invoke
