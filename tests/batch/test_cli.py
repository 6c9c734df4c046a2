"""`tailor batch` end to end through the CLI: isolation, exit codes, resumability, ranking, names."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.batch.conftest import BAD, JOB, JOBS, MESSY, SAMPLES, make_resumes

Invoke = Callable[..., tuple[int, dict[str, Any]]]


def by_resume(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {Path(item["resume"]).name: item for item in data["items"]}


@pytest.mark.slow
def test_bad_files_fail_alone_with_their_reason_and_the_rest_succeed(tmp_path: Path, batch_json: Invoke) -> None:
    folder = tmp_path / "in"
    shutil.copytree(SAMPLES / "resumes", folder)
    shutil.copytree(BAD, folder / "bad")
    shutil.copytree(MESSY, folder / "messy")
    (folder / "bad" / "gone.md").symlink_to(folder / "bad" / "nowhere.md")  # unreadable: a dangling link
    code, data = batch_json(folder, "--job", JOB, "--out", tmp_path / "out", "--workers", "2")
    assert code == 1
    items = by_resume(data)
    expected_bad = {p.name for p in BAD.iterdir() if p.suffix != ".rtf"} | {"gone.md"}
    failed = {name for name, item in items.items() if item["status"] == "failed"}
    assert failed == expected_bad
    for name in failed:
        error = items[name]["error"]
        assert error and "\n" not in error and name in error  # one line, naming the file
        assert items[name]["output"] is None
    ok = [item for item in items.values() if item["status"] == "ok"]
    assert len(ok) == len(list((SAMPLES / "resumes").iterdir())) + len(list(MESSY.iterdir()))
    for item in ok:
        assert Path(item["output"]).is_file() and item["score_after"] is not None
    summary = data["summary"]
    assert (summary["succeeded"], summary["failed"], summary["skipped"]) == (len(ok), len(failed), 0)
    assert summary["total"] == len(items)
    assert data["skipped_files"]["count"] == 1 and data["skipped_files"]["examples"] == ["bad/resume.rtf"]
    assert summary["p50_ms"] <= summary["p95_ms"] <= summary["p99_ms"]


def test_exit_code_0_when_nothing_failed_and_human_summary(tmp_path: Path, tailor: Callable[..., tuple[int, str, str]]) -> None:
    make_resumes(tmp_path / "in", 3)
    code, out, err = tailor("batch", tmp_path / "in", "--job", JOB, "--out", tmp_path / "out", "--quiet")
    assert code == 0, err
    assert "Batch summary" in out and "p50 / p95 / p99" in out
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if not p.name.startswith(".")) == [
        f"r00{i}.backend_engineer.md" for i in range(3)
    ]


@pytest.mark.parametrize(
    "args, message",
    [
        (["missing_dir", "--job", JOB], "no such folder"),
        (["in"], "exactly one of --job"),
        (["in", "--job", JOB, "--jobs", JOBS], "exactly one of --job"),
        (["in", "--job", "nope.md"], "no such file"),
        (["in", "--job", BAD / "job_empty.txt"], "empty"),
        (["in", "--jobs", "nojobs"], "no job descriptions"),
    ],
)
def test_bad_usage_exits_2_with_one_line(tmp_path: Path, tailor: Callable[..., tuple[int, str, str]], args: list[Any], message: str) -> None:
    make_resumes(tmp_path / "in", 1)
    (tmp_path / "nojobs").mkdir()
    (tmp_path / "nojobs" / "logo.png").write_bytes(b"\x89PNG")
    code, _, err = tailor("batch", *args, "--out", tmp_path / "out")
    assert code == 2
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


@pytest.mark.slow
def test_rerun_skips_up_to_date_outputs_and_redoes_only_a_touched_input(tmp_path: Path, batch_json: Invoke) -> None:
    paths = make_resumes(tmp_path / "in", 4)
    args = (tmp_path / "in", "--job", JOB, "--out", tmp_path / "out", "--workers", "1")
    code, first = batch_json(*args)
    assert code == 0 and first["summary"]["succeeded"] == 4
    code, second = batch_json(*args)
    assert code == 0 and second["summary"]["skipped"] == 4 and second["summary"]["succeeded"] == 0
    assert second["summary"]["success_rate"] == 1.0  # all up to date is success, not 0.0 (issue 17)
    # Skipped items still carry their scores (from the manifest) and output path.
    assert [i["score_after"] for i in second["items"]] == [i["score_after"] for i in first["items"]]
    assert all(Path(i["output"]).is_file() for i in second["items"])

    later = time.time_ns() + 10**9
    os.utime(paths[2], ns=(later, later))
    code, third = batch_json(*args)
    statuses = {Path(i["resume"]).name: i["status"] for i in third["items"]}
    assert statuses == {"r000.md": "skipped", "r001.md": "skipped", "r002.md": "ok", "r003.md": "skipped"}

    code, forced = batch_json(*args, "--force")
    assert forced["summary"]["succeeded"] == 4 and forced["summary"]["skipped"] == 0


@pytest.mark.slow
def test_other_settings_make_outputs_stale(tmp_path: Path, batch_json: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    make_resumes(tmp_path / "in", 2)
    args = (tmp_path / "in", "--job", JOB, "--out", tmp_path / "out", "--workers", "1")
    assert batch_json(*args)[1]["summary"]["succeeded"] == 2
    monkeypatch.setenv("TAILOR_TAILORING__TONE", "formal")  # changes results, so the fingerprint
    assert batch_json(*args)[1]["summary"]["succeeded"] == 2
    monkeypatch.setenv("TAILOR_BATCH__CONCURRENCY", "3")  # changes speed only: still up to date
    assert batch_json(*args)[1]["summary"]["skipped"] == 2


@pytest.mark.slow
def test_jobs_folder_ranks_jobs_per_resume_and_resumes_per_job(tmp_path: Path, batch_json: Invoke) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ["software_engineer.md", "account_executive.txt", "data_scientist.json"]:
        shutil.copy(SAMPLES / "resumes" / name, folder / name)
    code, data = batch_json(folder, "--jobs", JOBS, "--out", tmp_path / "out")
    assert code == 0
    jobs = sorted(p for p in JOBS.iterdir())
    assert data["summary"]["total"] == 3 * len(jobs)
    scores = {(i["resume"], i["job"]): (i["score_after"], i["score_before"]) for i in data["items"]}
    ranking = data["ranking"]
    for resume, rows in ranking["by_resume"].items():
        assert len(rows) == len(jobs)
        keys = [(-r["score_after"], -r["score_before"]) for r in rows]
        assert keys == sorted(keys)
        for r in rows:
            assert (r["score_after"], r["score_before"]) == scores[(resume, r["job"])]
    for rows in ranking["by_job"].values():
        assert [r["score_after"] for r in rows] == sorted((r["score_after"] for r in rows), reverse=True)
    # The engineer fits the backend job best; the account executive fits the sales job best.
    best = {Path(r).name: Path(rows[0]["job"]).stem for r, rows in ranking["by_resume"].items()}
    assert best["software_engineer.md"] == "backend_engineer"
    assert best["account_executive.txt"] == "account_executive"
    # Each resume comes back in its own format, one file per job.
    outputs = [p for p in (tmp_path / "out").iterdir() if not p.name.startswith(".")]
    assert len(outputs) == 3 * len(jobs)


@pytest.mark.slow
def test_odd_resume_names_stay_inside_out(tmp_path: Path, batch_json: Invoke) -> None:
    folder = tmp_path / "in"
    text = (SAMPLES / "resumes" / "software_engineer.md").read_text()
    odd = ["x..md", "a b  (copy).md", "Zoë Ångström.md", "日本語.md", "-rf.md", "nested_.._.._up.md", "a\nb.md"]
    (folder / "deep" / "er").mkdir(parents=True)
    for i, name in enumerate(odd):
        (folder / name).write_text(text + f"\n- note {i}\n")
    (folder / "deep" / "er" / "we..ird.md").write_text(text)
    (folder / "..hidden.md").write_text(text)  # a dot file: passed over, like any hidden file
    out = tmp_path / "out"
    code, data = batch_json(folder, "--job", JOB, "--out", out)
    assert code == 0, data
    outputs = [Path(i["output"]) for i in data["items"]]
    assert len(set(outputs)) == len(odd) + 1
    assert data["skipped_files"]["examples"] == ["..hidden.md"]
    for path in outputs:
        assert path.resolve().parent == out.resolve() and path.is_file()
        assert not path.name.startswith(".")
    everything = {p.resolve() for p in tmp_path.rglob("*") if p.is_file()}
    assert {p for p in everything if out.resolve() not in p.parents and "cache" not in p.parts and "data" not in p.parts} == {
        p.resolve() for p in folder.rglob("*") if p.is_file()
    }  # nothing written beside the inputs or anywhere else


@pytest.mark.slow
def test_history_is_written_by_the_workers_and_read_by_another_process(tmp_path: Path, batch_json: Invoke, env: dict[str, str]) -> None:
    make_resumes(tmp_path / "in", 5)
    code, data = batch_json(tmp_path / "in", "--job", JOB, "--out", tmp_path / "out", "--workers", "2")
    assert code == 0
    script = (
        "import json, sys; from pathlib import Path; from tailor.pipeline.history import History; "
        "runs = History(Path(sys.argv[1]) / 'history.sqlite3').recent(50); "
        "print(json.dumps([[r.batch_id, r.resume_sha256, r.score_after] for r in runs]))"
    )
    result = subprocess.run([sys.executable, "-c", script, env["TAILOR_DATA_DIR"]], capture_output=True, text=True, check=True)
    runs = json.loads(result.stdout)
    assert len(runs) == 5
    assert {r[0] for r in runs} == {data["batch_id"]}
    assert len({r[1] for r in runs}) == 5
    assert sorted(r[2] for r in runs) == pytest.approx(sorted(i["score_after"] for i in data["items"]), abs=0.05)


def test_simulated_provider_runs_async_in_one_process(tmp_path: Path, batch_json: Invoke) -> None:
    make_resumes(tmp_path / "in", 4)
    shutil.copy(BAD / "empty.md", tmp_path / "in" / "empty.md")
    code, data = batch_json(
        tmp_path / "in", "--job", JOB, "--out", tmp_path / "out", "--provider", "simulated", "--scale", "0.001", "--concurrency", "4"
    )
    assert code == 1
    assert data["summary"]["succeeded"] == 4 and data["summary"]["failed"] == 1
    assert by_resume(data)["empty.md"]["error"].endswith("file is empty")


@pytest.mark.slow
def test_the_job_is_analysed_once_for_the_whole_folder(tmp_path: Path, batch_json: Invoke, tailor: Callable[..., tuple[int, str, str]]) -> None:
    make_resumes(tmp_path / "in", 12)
    code, data = batch_json(tmp_path / "in", "--job", JOB, "--out", tmp_path / "out", "--workers", "2")
    assert code == 0 and data["summary"]["succeeded"] == 12
    code, out, err = tailor("cache", "stats", "--json")
    assert code == 0, err
    tiers = json.loads(out)["tiers"]
    l1, l2 = (tiers[t]["namespaces"]["job_profile"] for t in ("l1", "l2"))
    # Analysed once (in the parent, before the workers start); every item after that hits:
    # a worker's first lookup in L2, the rest in its own L1.
    assert l2["misses"] == 1 and l2["entries"] == 1
    assert l1["hits"] + l2["hits"] == 12


def test_links_out_of_the_folder_are_passed_over(tmp_path: Path, batch_json: Invoke) -> None:
    # Issue 17: a symlink in the batch folder to /etc/passwd was followed and "tailored".
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SAMPLES / "resumes" / "software_engineer.md", folder / "mine.md")
    outside = tmp_path / "secret.txt"
    outside.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    (folder / "passwd.txt").symlink_to(outside)
    (folder / "inside.md").symlink_to(folder / "mine.md")  # a link within the folder is its file
    code, data = batch_json(folder, "--job", JOB, "--out", tmp_path / "out")
    assert code == 0
    assert sorted(by_resume(data)) == ["inside.md", "mine.md"]
    assert "passwd.txt" in data["skipped_files"]["examples"]
