"""`tailor cache`, `analytics`, `pipeline show` and `config show` through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import JOB, OTHER_JOB, RESUME, SAMPLES


def _steps(data: dict) -> dict[str, str]:
    return {s["name"]: s["cache"] for s in data["report"]["steps"]}


def test_cache_stats_count_real_hits_and_misses_per_step(tailor_json, tmp_path: Path) -> None:
    tailor_json("run", RESUME, "--job", JOB, "--out", tmp_path / "o.md")
    tailor_json("run", RESUME, "--job", JOB, "--out", tmp_path / "o.md")
    stats = tailor_json("cache", "stats")
    l2 = stats["tiers"]["l2"]
    assert l2["namespaces"]["job_profile"]["misses"] == 1
    assert l2["namespaces"]["job_profile"]["hits"] == 1
    assert l2["entries"] >= 8 and l2["bytes_raw"] > 0 and l2["bytes_stored"] > 0
    for tier in stats["tiers"].values():
        for counts in tier["namespaces"].values():
            assert set(counts) >= {"hits", "misses", "hit_rate", "entries", "bytes_raw", "bytes_stored"}


def test_invalidate_by_resume_cascades_to_every_derived_step(tailor_json, tmp_path: Path) -> None:
    tailor_json("run", RESUME, "--job", JOB, "--out", tmp_path / "o.md")
    result = tailor_json("cache", "invalidate", "--resume", RESUME)
    assert result["dropped"] >= 6
    after = _steps(tailor_json("run", RESUME, "--job", JOB, "--out", tmp_path / "o.md"))
    for name in ("resume", "resume_profile", "ats_before", "targets", "tailoring", "ats_after"):
        assert after[name] == "miss", name
    assert after["job"] in {"l1", "l2"}  # the job's own parse is not derived from the resume


def test_invalidate_by_step_and_clear(tailor_json, tmp_path: Path) -> None:
    tailor_json("run", RESUME, "--job", JOB, "--out", tmp_path / "o.md")
    assert tailor_json("cache", "invalidate", "--step", "targets")["dropped"] == 1
    assert _steps(tailor_json("run", RESUME, "--job", JOB, "--out", tmp_path / "o.md"))["targets"] == "miss"
    assert tailor_json("cache", "clear", "--step", "job")["dropped"] == 1
    assert tailor_json("cache", "clear")["dropped"] >= 7
    assert {_steps(tailor_json("run", RESUME, "--job", JOB, "--out", tmp_path / "o.md"))["resume"]} == {"miss"}


def test_clear_all_removes_the_cache_folder(tailor_json, env: dict[str, str], tmp_path: Path) -> None:
    tailor_json("run", RESUME, "--job", JOB, "--out", tmp_path / "o.md")
    folder = Path(env["TAILOR_CACHE_DIR"])
    assert folder.exists()
    tailor_json("cache", "clear", "--all")
    assert not folder.exists()


def test_warm_precomputes_job_analyses(tailor_json, tmp_path: Path) -> None:
    warmed = tailor_json("cache", "warm", "--jobs", SAMPLES / "jobs")
    assert warmed["failed"] == 0 and warmed["warmed"] >= 4
    assert {j["cache"] for j in warmed["jobs"]} == {"miss"}
    again = tailor_json("cache", "warm", "--jobs", SAMPLES / "jobs")
    assert {j["cache"] for j in again["jobs"]} <= {"l1", "l2"}
    steps = _steps(tailor_json("run", RESUME, "--job", OTHER_JOB, "--out", tmp_path / "o.md"))
    assert steps["job_profile"] in {"l1", "l2"} and steps["resume_profile"] == "miss"


def test_analytics_reads_what_runs_recorded(tailor_json, tmp_path: Path) -> None:
    runs = [tailor_json("run", RESUME, "--job", job, "--out", tmp_path / "o.md") for job in (JOB, OTHER_JOB)]
    data = tailor_json("analytics")
    assert data["runs"] == 2
    expected = sum(r["scores"]["after"] - r["scores"]["before"] for r in runs) / 2
    assert abs(data["avg_improvement"] - expected) < 0.1
    grouped = tailor_json("analytics", "--by", "schedule", "--since", "1h")
    assert [g["key"] for g in grouped["groups"]] == ["parallel"]
    grouped = tailor_json("analytics", "--by", "mode", "--since", "1h")
    assert [g["key"] for g in grouped["groups"]] == ["full"]


def test_analytics_rejects_a_bad_period(tailor) -> None:
    code, out, err = tailor("analytics", "--since", "soon")
    assert code == 2 and out == ""
    assert err == "error: --since: expected a positive duration like 30m, 12h, 7d or 2w, got 'soon'\n"


def test_pipeline_show_tree_mermaid_and_json(tailor, tailor_json) -> None:
    data = tailor_json("pipeline", "show")
    names = [s["name"] for s in data["steps"]]
    assert names.index("resume") < names.index("validation") < names.index("job_profile") < names.index("ats_before")
    assert next(s for s in data["steps"] if s["name"] == "logged")["background"] is True
    code, out, _ = tailor("pipeline", "show", "--mermaid")
    assert code == 0 and out.startswith("flowchart TD") and "tailoring --> ats_after" in out
    code, out, _ = tailor("pipeline", "show")
    assert code == 0 and "level 0" in out and "background" in out


def test_config_show_names_sources(tailor, tailor_json, monkeypatch, tmp_path: Path) -> None:
    (tmp_path / "tailor.yaml").write_text("tailoring:\n  target_score: 70\n", encoding="utf-8")
    monkeypatch.setenv("TAILOR_BATCH__CONCURRENCY", "3")
    data = tailor_json("config", "show")
    assert data["tailoring.target_score"] == {"value": 70, "source": "file:tailor.yaml"} or data["tailoring.target_score"]["source"].startswith("file:")
    assert data["batch.concurrency"]["value"] == 3 and data["batch.concurrency"]["source"] == "env:TAILOR_BATCH__CONCURRENCY"
    assert data["tailoring.mode"]["source"] == "default"
    (tmp_path / "tailor.yaml").write_text("tailoring:\n  target_score: lots\n", encoding="utf-8")
    code, out, err = tailor("config", "show")
    assert code == 2 and "tailoring.target_score" in err and "Traceback" not in err
    json.dumps(data)
