"""The whole-run fast path (issue 16): a repeat run served before the heavy imports, the same in every
way a person or a script can see, and the full path on any doubt. Real processes, real files."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import JOB, OTHER_JOB, RESUME

HEAVY = ("typer", "pydantic", "rich", "anyio")


def tailor_process(args: list[object], env: dict[str, str], cwd: Path) -> tuple[int, str, bool]:
    """(exit code, stdout, whether typer/pydantic/rich/anyio were imported) of one real `tailor` process."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("TAILOR_")}  # no stray settings
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "tailor.cli", *(str(a) for a in args)],
                          env={**base, **env, "COLUMNS": "120"}, cwd=cwd, capture_output=True, text=True,
                          timeout=120, check=False)
    modules = {m.group(1) for m in re.finditer(r"^import time:\s+\d+ \|\s+\d+ \|\s+([\w.]+)$", done.stderr, re.M)}
    heavy = any(m.split(".")[0] in HEAVY for m in modules)
    return done.returncode, done.stdout, heavy


def history_rows(env: dict[str, str]) -> list[tuple[Any, ...]]:
    with sqlite3.connect(Path(env["TAILOR_DATA_DIR"]) / "history.sqlite3") as conn:
        return conn.execute("SELECT * FROM runs ORDER BY id").fetchall()


def hits_and_misses(env: dict[str, str], cwd: Path) -> dict[str, tuple[int, int]]:
    code, out, _ = tailor_process(["cache", "stats", "--json"], env, cwd)
    assert code == 0
    return {tier: (v["hits"], v["misses"]) for tier, v in json.loads(out)["tiers"].items()}


@pytest.fixture
def place(tmp_path: Path) -> tuple[dict[str, str], Path, list[object]]:
    env = {"TAILOR_CACHE_DIR": str(tmp_path / "cache"), "TAILOR_DATA_DIR": str(tmp_path / "data"),
           "XDG_CONFIG_HOME": str(tmp_path / "config")}  # no user settings file either
    work = tmp_path / "work"
    work.mkdir()
    resume = work / "cv.md"
    resume.write_bytes(RESUME.read_bytes())
    return env, work, ["run", resume, "--job", JOB, "--out", work / "cv.tailored.md"]


@pytest.mark.slow
@pytest.mark.parametrize("extra", [[], ["--json"]], ids=["rich", "json"])
def test_a_repeat_is_the_cached_run_again_without_the_heavy_imports(place: Any, extra: list[str]) -> None:
    env, work, args = place
    output = work / "cv.tailored.md"
    first = tailor_process([*args, *extra], env, work)
    assert first[0] == 0 and first[2]  # cold: the full path
    before = hits_and_misses(env, work)
    second = tailor_process([*args, *extra], env, work)
    assert second[0] == 0 and second[2]  # cached, full path: leaves the record
    counted = {t: (h - before[t][0], m - before[t][1]) for t, (h, m) in hits_and_misses(env, work).items()}
    written = output.read_bytes()
    output.unlink()
    between = hits_and_misses(env, work)
    third = tailor_process([*args, *extra], env, work)
    assert third == (0, second[1], False)  # the same text, and typer, pydantic, Rich, anyio never loaded
    assert output.read_bytes() == written  # the same output, written again
    assert {t: (h - between[t][0], m - between[t][1]) for t, (h, m) in hits_and_misses(env, work).items()} == counted
    rows = history_rows(env)
    assert len(rows) == 3
    # Every field as the cached run recorded it, but the id, the time and the duration.
    assert rows[2][2:10] == rows[1][2:10] and rows[2][11:] == rows[1][11:] and rows[2][1] > rows[1][1]
    records = list((Path(env["TAILOR_CACHE_DIR"]) / "runs").iterdir())
    assert len(records) == 1 and stat.S_IMODE(records[0].stat().st_mode) == 0o600
    assert stat.S_IMODE(records[0].parent.stat().st_mode) == 0o700


@pytest.mark.slow
def test_on_any_doubt_the_full_path_runs(place: Any) -> None:
    env, work, args = place
    for _ in range(2):
        assert tailor_process(args, env, work)[0] == 0  # the second leaves the record
    code, printed, heavy = tailor_process(args, env, work)
    assert (code, heavy) == (0, False)

    def full(changed_args: list[object], changed_env: dict[str, str] | None = None) -> tuple[int, str]:
        code, out, heavy = tailor_process(changed_args, changed_env or env, work)
        assert heavy, changed_args  # not served from the record
        return code, out

    assert full([*args, "--diff"])[0] == 0  # another flag
    assert full([*args[:3], OTHER_JOB, *args[4:]])[0] == 0  # another job
    assert full(args, {**env, "TAILOR_TAILORING__MODE": "partial"})[0] == 0  # a setting in the environment
    (work / "tailor.yaml").write_text("tailoring:\n  length: thorough\n", encoding="utf-8")
    assert full(args)[0] == 0  # a settings file
    (work / "tailor.yaml").unlink()
    resume = Path(str(args[1]))
    resume.write_text(resume.read_text(encoding="utf-8") + "\n- Ran the on-call rota.\n", encoding="utf-8")
    code, out = full(args)  # another resume: its own run, its own output
    assert code == 0 and out != printed
    record = next((Path(env["TAILOR_CACHE_DIR"]) / "runs").iterdir())
    record.write_text("{not json", encoding="utf-8")
    assert full(args)[0] == 0  # a damaged record is no record
    output = Path(str(args[5]))
    output.unlink()
    os.mkfifo(output)
    code, _ = full(args)  # the record cannot write there: the full path says why
    assert code == 2 and stat.S_ISFIFO(output.stat().st_mode)
