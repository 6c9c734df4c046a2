"""Arbitrary text and bytes at `tailor run`: it succeeds (exit 0), or fails the documented way (exit 2, one line).

The readers alone get the same treatment in tests/readers/test_read_properties.py; this
goes through the whole CLI: reading, parsing, validation, analysis, rewriting and writing.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tests.reliability.conftest import JOB, RESUME

_PREFIXES = [b"%PDF-1.4\n", b"PK\x03\x04", b'{"basics": ', b"basics:\n  ", b"# Name\n## Experience\n- "]
_contents = st.one_of(
    st.binary(max_size=600),
    st.text(max_size=600).map(lambda text: text.encode("utf-8")),
    st.tuples(st.sampled_from(_PREFIXES), st.binary(max_size=400)).map(b"".join),
    st.tuples(st.sampled_from(_PREFIXES), st.text(max_size=400)).map(lambda pair: pair[0] + pair[1].encode("utf-8")),
)
_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _run(args: list[str]) -> tuple[int, str, str]:
    from tailor.cli.app import app

    result = CliRunner().invoke(app, args)
    exception = result.exception
    assert exception is None or isinstance(exception, SystemExit), f"{type(exception).__name__}: {exception}"
    return result.exit_code, result.stdout, result.stderr


def _check(code: int, out: str, err: str, named: Path, output: Path) -> None:
    assert "Traceback" not in err
    if code == 0:
        data = json.loads(out)
        assert Path(data["output"]) == output and output.read_text(encoding="utf-8").strip()
        return
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert str(named) in lines[0], err
    assert not output.exists()


@pytest.mark.slow
@_SETTINGS
@given(suffix=st.sampled_from([".md", ".txt", ".json", ".yaml", ".pdf", ".docx"]), raw=_contents)
def test_any_resume_bytes(env: dict[str, str], suffix: str, raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        resume = Path(folder) / f"input{suffix}"
        resume.write_bytes(raw)
        output = Path(folder) / "out.md"
        code, out, err = _run(["run", str(resume), "--job", str(JOB), "--out", str(output), "--json"])
        _check(code, out, err, resume, output)


@pytest.mark.slow
@_SETTINGS
@given(suffix=st.sampled_from([".md", ".txt"]), raw=_contents)
def test_any_job_bytes(env: dict[str, str], suffix: str, raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        job = Path(folder) / f"job{suffix}"
        job.write_bytes(raw)
        output = Path(folder) / "out.md"
        code, out, err = _run(["run", str(RESUME), "--job", str(job), "--out", str(output), "--json"])
        _check(code, out, err, job, output)
