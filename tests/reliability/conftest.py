"""Reliability tests: real files, real diskcache and SQLite, the real CLI (in-process and as subprocesses).

Every CLI call runs with TAILOR_CACHE_DIR / TAILOR_DATA_DIR in the test's tmp folder,
never the user's, and from the tmp folder (no stray tailor.yaml).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests._samples import SAMPLES as SAMPLE_DATA

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = SAMPLE_DATA
RESUME = SAMPLES / "resumes" / "software_engineer.md"
JOB = SAMPLES / "jobs" / "backend_engineer.md"
BAD = ROOT / "tests" / "data" / "bad"
_TEN_PAGES = (ROOT / "tests" / "data" / "messy" / "ten_pages.md").read_text(encoding="utf-8").splitlines()
# A third of the ten-page resume takes tens of ms: slow enough for a signal to land mid-batch.
BIG_BODY = "\n".join(_TEN_PAGES[1 : len(_TEN_PAGES) // 3])
SUBPROCESS_TIMEOUT = 240  # generous: the machine is shared; a hang still fails the test

TINY = """# Candidate {n}
candidate{n}@example.com

## Summary
Backend engineer who ships {a} and {b} services.

## Experience
### Engineer, Acme {n}
Jan 2019 - Present
- Built {a} APIs used by {n} teams
- Ran {b} in production

## Skills
{a}, {b}, SQL
"""
_SKILLS = ["Python", "Go", "Java", "Kubernetes", "PostgreSQL", "Kafka", "Docker", "AWS", "Terraform", "Redis"]


Invoke = Callable[..., tuple[int, str, str]]


@pytest.fixture
def tailor(env: dict[str, str]) -> Invoke:
    """Invoke the CLI in-process; returns (exit code, stdout, stderr). Unexpected exceptions fail the test."""
    from tailor.cli.app import app

    runner = CliRunner()

    def invoke(*args: object) -> tuple[int, str, str]:
        result = runner.invoke(app, [str(a) for a in args])
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise AssertionError(f"uncaught {type(result.exception).__name__}: {result.exception}\n{result.stderr}")
        return result.exit_code, result.stdout, result.stderr

    return invoke


@pytest.fixture
def tailor_json(tailor: Invoke) -> Callable[..., dict[str, Any]]:
    def invoke(*args: object) -> dict[str, Any]:
        code, out, err = tailor(*args, "--json")
        assert code == 0, err
        return json.loads(out)

    return invoke


def cli_process(args: list[object], env: dict[str, str], cwd: Path, **popen: Any) -> subprocess.Popen[str]:
    """`python -m cli ARGS` as a real process with the test's settings folders."""
    return subprocess.Popen(
        [sys.executable, "-m", "tailor.cli", *(str(a) for a in args)],
        env={**os.environ, **env},
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


def assert_one_line_error(code: int, err: str, *, exit_code: int = 2, names: str | None = None) -> str:
    """The documented failure: the exit code, one line on stderr starting "error: ", no traceback."""
    assert code == exit_code, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: "), err
    if names is not None:
        assert names in lines[0], err
    return lines[0]


def make_tiny_resumes(folder: Path, count: int, *, start: int = 0) -> list[Path]:
    """``count`` small, distinct resumes (each its own content hash)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(start, start + count):
        path = folder / f"c{n:05d}.md"
        a, b = _SKILLS[n % len(_SKILLS)], _SKILLS[(n // len(_SKILLS) + 1 + n) % len(_SKILLS)]
        path.write_text(TINY.format(n=n, a=a, b=b), encoding="utf-8")
        paths.append(path)
    return paths


def make_big_resumes(folder: Path, count: int) -> list[Path]:
    """``count`` distinct resumes that take tens of ms each."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        path = folder / f"b{n:03d}.md"
        path.write_text(f"# Candidate {n:03d}\n{BIG_BODY}\n- note {n}\n", encoding="utf-8")
        paths.append(path)
    return paths


@contextlib.contextmanager
def mounted_tmpfs(folder: Path, size: str) -> Iterator[Path]:
    """A real tiny filesystem at ``folder`` (needs root and mount); skips the test where that is not allowed."""
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """Make ``folder`` read-only for real: a read-only bind mount as root, else permissions."""
    if os.geteuid() != 0:
        modes = {p: p.stat().st_mode for p in [folder, *folder.rglob("*")]}
        for path in modes:
            path.chmod(0o500 if path.is_dir() else 0o400)
        try:
            yield
        finally:
            for path, mode in modes.items():
                path.chmod(mode)
        return
    done = subprocess.run(["mount", "--bind", "-o", "ro", str(folder), str(folder)], capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"root, and cannot bind-mount read-only here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)
