"""`tailor run` with TAILOR_REDIS_URL: the second run's cached steps come from Redis."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests._samples import SAMPLES as SAMPLE_DATA

ROOT = Path(__file__).resolve().parents[2]
RESUME = SAMPLE_DATA / "resumes" / "software_engineer.md"
JOB = SAMPLE_DATA / "jobs" / "backend_engineer.md"


def test_run_twice_hits_redis_and_cache_stats_shows_it(
    redis_url: str, raw, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tailor.cli.app import app

    monkeypatch.setenv("TAILOR_REDIS_URL", redis_url)
    monkeypatch.setenv("TAILOR_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("TAILOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    resume = tmp_path / RESUME.name
    resume.write_bytes(RESUME.read_bytes())
    runner = CliRunner()

    def run(*args: str) -> dict:
        result = runner.invoke(app, [*args, "--json"])
        assert result.exit_code == 0, result.stderr
        assert "memory only" not in result.stderr
        return json.loads(result.stdout)

    first = {s["name"]: s["cache"] for s in run("run", str(resume), "--job", str(JOB))["report"]["steps"]}
    cached = {name for name, status in first.items() if status == "miss"}
    assert {"resume_profile", "job_profile", "ats_before"} <= cached
    assert any(k.startswith(b"tailor:e:ats_before\x1f") for k in raw.scan_iter())

    second = {s["name"]: s["cache"] for s in run("run", str(resume), "--job", str(JOB))["report"]["steps"]}
    assert {second[name] for name in cached} == {"l2"}  # a new process's L1 is empty: all from Redis
    assert not (tmp_path / "cache").exists()  # L2 is Redis, not the cache folder

    stats = run("cache", "stats")
    assert stats["directory"] == redis_url
    l2 = stats["tiers"]["l2"]
    assert l2["enabled"] and l2["hits"] >= len(cached)
    for name in cached:
        counts = l2["namespaces"][name]
        assert (counts["hits"], counts["misses"], counts["entries"]) == (1, 1, 1), name

    cleared = run("cache", "clear", "--all")
    assert cleared["dropped"] >= len(cached)
    assert not any(k.startswith(b"tailor:") and not k.startswith(b"tailor:gen") for k in raw.scan_iter())
    after = run("cache", "stats")["tiers"]["l2"]
    assert (after["hits"], after["misses"], after["entries"]) == (0, 0, 0)
