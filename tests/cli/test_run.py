"""`tailor run` end to end: output, JSON format, cache behaviour, errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import BAD, JOB, OTHER_JOB, RESUME, SAMPLES

CACHED_STEPS = {"resume", "job", "validation", "job_profile", "resume_profile", "ats_before", "targets", "tailoring", "ats_after"}


def _copy(src: Path, folder: Path) -> Path:
    dest = folder / src.name
    dest.write_bytes(src.read_bytes())
    return dest


def test_run_writes_the_tailored_resume_and_the_documented_json(tailor_json, tmp_path: Path) -> None:
    resume = _copy(RESUME, tmp_path)
    data = tailor_json("run", resume, "--job", JOB)
    assert set(data) >= {"input", "scores", "skills", "changes", "output", "report"}
    assert data["input"] == {"resume": str(resume), "job": str(JOB)}
    scores = data["scores"]
    assert 0 <= scores["before"] <= scores["after"] <= 100
    assert sum(scores["breakdown"].values()) == pytest.approx(scores["after"], abs=0.05)
    assert set(data["skills"]) == {"matched", "surfaced", "missing"}
    assert data["changes"] and data["format"] == "md"
    source = resume.read_text(encoding="utf-8").split("\n")
    for change in data["changes"]:
        assert change["kind"] in {"move", "rename", "extend", "summary", "drop"} and change["reason"]
        assert set(change) == {"kind", "section", "where", "before", "after", "reason", "evidence"}
        where = change["where"]
        assert set(where) == {"line", "col", "paragraph", "field"} and where["paragraph"] is None
        if change["kind"] in ("rename", "move"):
            line = source[where["line"] - 1]
            assert line[where["col"] - 1:].startswith(change["before"].split("\n")[0]), change
    output = Path(data["output"])
    assert output == tmp_path / "software_engineer.tailored.md"
    assert output.read_text(encoding="utf-8").strip()
    report = data["report"]
    assert report["mode"] == "parallel"
    assert {s["name"] for s in report["steps"]} >= CACHED_STEPS | {"rendered", "stored"}
    assert report["critical_path"] and report["critical_path_ms"] <= report["wall_ms"] + 1e-6
    assert report["speedup"] == pytest.approx(report["sequential_ms"] / report["wall_ms"], rel=1e-3)
    for s in report["steps"]:
        assert s["status"] == "ok" and s["end_ms"] >= s["start_ms"]
        assert set(s) == {"name", "needs", "start_ms", "end_ms", "duration_ms", "attempts", "cache", "status", "background", "error"}


def test_second_run_hits_every_cached_step_and_a_new_job_keeps_resume_side_hits(tailor_json, tmp_path: Path) -> None:
    resume = _copy(RESUME, tmp_path)
    first = {s["name"]: s["cache"] for s in tailor_json("run", resume, "--job", JOB)["report"]["steps"]}
    assert {first[n] for n in CACHED_STEPS} == {"miss"}
    second = {s["name"]: s["cache"] for s in tailor_json("run", resume, "--job", JOB)["report"]["steps"]}
    assert {second[n] for n in CACHED_STEPS} <= {"l1", "l2"}
    assert second["stored"] == "off"  # side effects are never cached
    third = {s["name"]: s["cache"] for s in tailor_json("run", resume, "--job", OTHER_JOB)["report"]["steps"]}
    assert third["resume"] in {"l1", "l2"} and third["resume_profile"] in {"l1", "l2"}
    assert third["job"] == "miss" and third["job_profile"] == "miss" and third["tailoring"] == "miss"


def test_no_cache_computes_everything(tailor_json, tmp_path: Path) -> None:
    resume = _copy(RESUME, tmp_path)
    tailor_json("run", resume, "--job", JOB)
    data = tailor_json("run", resume, "--job", JOB, "--no-cache")
    assert {s["cache"] for s in data["report"]["steps"]} == {"off"}


@pytest.mark.parametrize("schedule", ["sequential", "waves", "parallel"])
def test_every_schedule_gives_the_same_result(tailor_json, tmp_path: Path, schedule: str) -> None:
    resume = _copy(RESUME, tmp_path)
    baseline = tailor_json("run", resume, "--job", JOB, "--no-cache", "--out", tmp_path / "a.md")
    data = tailor_json("run", resume, "--job", JOB, "--no-cache", "--schedule", schedule, "--out", tmp_path / "b.md")
    assert data["report"]["mode"] == schedule
    assert data["scores"] == baseline["scores"] and data["changes"] == baseline["changes"]
    assert (tmp_path / "a.md").read_bytes() == (tmp_path / "b.md").read_bytes()


@pytest.mark.parametrize("fmt", ["md", "txt", "json", "yaml", "docx", "pdf", "html"])
def test_output_formats(tailor_json, tmp_path: Path, fmt: str) -> None:
    resume = _copy(RESUME, tmp_path)
    data = tailor_json("run", resume, "--job", JOB, "--format", fmt)
    output = Path(data["output"])
    assert output.suffix == f".{fmt}" and data["format"] == fmt
    raw = output.read_bytes()
    if fmt == "json":
        assert json.loads(raw)["basics"]["name"]
    elif fmt == "html":
        assert raw.decode().lstrip().lower().startswith("<!doctype html")
    elif fmt == "pdf":
        assert raw.startswith(b"%PDF-")
    elif fmt == "docx":
        assert raw.startswith(b"PK")
    if fmt in ("md", "txt", "docx", "pdf"):
        from tailor.pipeline.readers import read_resume

        # Every word of the resume survives into the new format (PDF through its text layer).
        from tailor.pipeline.tailoring.guard import word_counts

        renamed = word_counts(" ".join(c["before"] for c in data["changes"] if c["kind"] == "rename"))
        lost = word_counts(read_resume(resume).text) - word_counts(read_resume(output).text) - renamed
        assert not lost, lost


def test_out_extension_picks_the_format_and_a_contradiction_is_a_usage_error(tailor, tailor_json, tmp_path: Path) -> None:
    resume = _copy(RESUME, tmp_path)
    data = tailor_json("run", resume, "--job", JOB, "--out", tmp_path / "x.pdf")
    assert data["format"] == "pdf" and (tmp_path / "x.pdf").read_bytes().startswith(b"%PDF-")
    code, out, err = tailor("run", resume, "--job", JOB, "--out", tmp_path / "y.pdf", "--format", "docx")
    assert code == 2 and "y.pdf" in err and "pdf" in err and "docx" in err and "Traceback" not in err
    assert not (tmp_path / "y.pdf").exists()


def test_format_out_is_format_in(tailor_json, tmp_path: Path) -> None:
    for name in ("account_executive.txt", "data_scientist.json", "career_changer_teacher.yaml", "product_designer.docx"):
        resume = _copy(RESUME.parent / name, tmp_path)
        data = tailor_json("run", resume, "--job", JOB)
        assert Path(data["output"]).suffix == resume.suffix, name


def test_diff_shows_the_edits_against_the_source(tailor, tmp_path: Path) -> None:
    resume = _copy(RESUME, tmp_path)
    code, out, err = tailor("run", resume, "--job", JOB, "--diff")
    assert code == 0, err
    assert "Diff" in out and "PostgreSQL" in out
    assert any(line.lstrip().startswith("+") for line in out.splitlines())


def test_rich_output_shows_scores_changes_and_timings(tailor, tmp_path: Path) -> None:
    resume = _copy(RESUME, tmp_path)
    code, out, err = tailor("run", resume, "--job", JOB, "--explain")
    assert code == 0, err
    for needle in ("ATS score", "Score breakdown", "Edits", "Steps", "critical path", "speedup", "What if", "Wrote"):
        assert needle in out


def test_the_input_is_never_overwritten(tailor, tmp_path: Path) -> None:
    resume = _copy(RESUME, tmp_path)
    before = resume.read_bytes()
    code, out, err = tailor("run", resume, "--job", JOB, "--out", resume)
    assert code == 2 and "is the resume this run reads" in err and resume.read_bytes() == before


def test_the_input_is_never_overwritten_through_a_link(tailor, tmp_path: Path) -> None:
    resume = _copy(RESUME, tmp_path)
    link = tmp_path / "link.md"
    link.symlink_to(resume)
    code, out, err = tailor("run", resume, "--job", JOB, "--out", link)
    assert code == 2 and "is the resume this run reads" in err and resume.read_bytes() == RESUME.read_bytes()


def test_an_output_is_replaced_whole_keeping_its_mode_and_never_read(tailor_json, tmp_path: Path) -> None:
    # Issue 17: nothing is read from the target (a FIFO there once hung the run); an existing
    # file keeps its permission bits; a changed output is rewritten.
    resume = _copy(RESUME, tmp_path)
    out = tmp_path / "out.md"
    tailor_json("run", resume, "--job", JOB, "--out", out)
    expected = out.read_bytes()
    out.chmod(0o640)
    out.write_text("edited by hand\n", encoding="utf-8")
    tailor_json("run", resume, "--job", JOB, "--out", out)
    assert out.read_bytes() == expected
    assert out.stat().st_mode & 0o777 == 0o640
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_errors_and_warnings_name_this_runs_files_even_when_their_bytes_were_cached_under_others(
    tailor, tailor_json, tmp_path: Path
) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for folder in (first, second):
        folder.mkdir()
        (folder / "cv.md").write_text("Jo Bloggs\nSkills: Python, SQL\n", encoding="utf-8")  # no email, no roles
        (folder / "job.md").write_text("TBD soon\n", encoding="utf-8")  # parses, but nothing to tailor to
    for folder in (first, second):  # the second run's documents come from the cache
        code, out, err = tailor("run", folder / "cv.md", "--job", folder / "job.md")
        assert code == 2 and err.strip() == f"error: {folder / 'job.md'}: the job description has no recognisable content (no skills, no sentences)"
    for folder in (first, second):
        data = tailor_json("run", folder / "cv.md", "--job", JOB)
        assert f"{folder / 'cv.md'}: no email address found" in data["warnings"]
        assert not [w for w in data["warnings"] if str(first if folder == second else second) in w]
    assert {s["cache"] for s in data["report"]["steps"] if s["name"] in CACHED_STEPS} <= {"l1", "l2"}


@pytest.mark.slow
def test_a_fully_cached_process_never_imports_the_analysis_modules(env: dict[str, str], tmp_path: Path) -> None:
    resume = _copy(RESUME, tmp_path)
    argv = ["run", str(resume), "--job", str(JOB), "--json"]
    script = (
        "import sys\n"
        "from tailor.cli.app import main\n"
        f"sys.argv = ['tailor', *{argv!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('tailor.pipeline.tailoring.'))), file=sys.stderr)\n"
    )
    loaded, statuses = [], []
    for _ in range(2):  # the first run fills the cache, the second is served from it
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                              env={**os.environ, **env}, timeout=120)
        assert done.returncode == 0, done.stderr
        statuses.append({s["cache"] for s in json.loads(done.stdout)["report"]["steps"] if s["name"] in CACHED_STEPS})
        loaded.append(set(done.stderr.split()))
    assert statuses == [{"miss"}, {"l2"}]
    analysis = {f"tailor.pipeline.tailoring.{m}" for m in ("parse", "taxonomy", "jobs", "profile", "scoring", "rewriting", "guard")}
    assert analysis <= loaded[0]  # the cold run needs them all
    assert not analysis & loaded[1]  # the cached run none


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("missing.md", "no such file"),
        ("empty.md", "empty"),
        ("binary.md", ""),
        ("malformed.json", ""),
        ("not_resume.json", "JSON Resume"),
        ("tags.yaml", ""),
        ("corrupt.pdf", ""),
        ("corrupt.docx", ""),
    ],
)
def test_bad_resumes_are_one_line_errors_with_exit_2(tailor, name: str, problem: str) -> None:
    path = BAD / name
    code, out, err = tailor("run", path, "--job", JOB)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and str(path) in lines[0]
    assert problem in lines[0]
    assert "Traceback" not in err


def test_a_job_with_no_content_is_rejected(tailor, tmp_path: Path) -> None:
    resume = _copy(RESUME, tmp_path)
    code, out, err = tailor("run", resume, "--job", BAD / "job_empty.txt")
    assert code == 2 and "job_empty.txt" in err and "Traceback" not in err


def test_a_folder_where_a_file_is_expected(tailor, tmp_path: Path) -> None:
    code, out, err = tailor("run", tmp_path, "--job", JOB)
    assert code == 2 and "folder" in err


@pytest.mark.slow
def test_real_subprocess_with_console_script(env: dict[str, str], tmp_path: Path) -> None:
    resume = _copy(RESUME, tmp_path)
    completed = subprocess.run(
        [sys.executable, "-m", "tailor.cli", "run", str(resume), "--job", str(JOB), "--json"],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    data = json.loads(completed.stdout)  # nothing but the JSON object on stdout
    assert Path(data["output"]).exists()
    missing = subprocess.run(
        [sys.executable, "-m", "tailor.cli", "run", str(tmp_path / "nope.md"), "--job", str(JOB)],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
    )
    assert missing.returncode == 2 and "Traceback" not in missing.stderr and "nope.md" in missing.stderr


def test_the_background_log_step_is_reported_apart(tailor_json, tmp_path: Path) -> None:
    resume = _copy(RESUME, tmp_path)
    report = tailor_json("run", resume, "--job", JOB)["report"]
    (logged,) = [s for s in report["steps"] if s["name"] == "logged"]
    assert logged["background"] is True and logged["status"] == "ok"
    # It never counts towards the run's figures.
    foreground = [s for s in report["steps"] if not s["background"]]
    assert report["sequential_ms"] == pytest.approx(sum(s["duration_ms"] for s in foreground), abs=0.01)
    assert "logged" not in report["critical_path"]


def test_the_fit_band_and_verdict_are_in_the_json_and_on_screen(tailor, tailor_json, tmp_path: Path) -> None:
    resume = _copy(RESUME, tmp_path)
    data = tailor_json("run", resume, "--job", JOB)
    assert data["fit"] in {"strong", "good", "partial", "poor"}
    assert data["verdict"].lower().startswith(data["fit"] + " fit: ")
    weights = data["scores"]["weights"]
    assert set(weights) == set(data["scores"]["breakdown"]) and sum(weights.values()) == pytest.approx(100, abs=0.05)
    nurse = _copy(SAMPLES / "resumes" / "registered_nurse.pdf", tmp_path)
    poor = tailor_json("run", nurse, "--job", JOB)
    assert poor["fit"] == "poor" and poor["scores"]["after"] < 20
    code, out, err = tailor("run", nurse, "--job", JOB, "--out", tmp_path / "n.pdf")
    assert code == 0, err
    assert "poor fit: " in out


_ENTRY = (
    "import atexit, sys\n"
    "atexit.register(lambda: print('typer loaded' if 'typer' in sys.modules else 'no typer', file=sys.stderr))\n"
    "from tailor.cli.entry import main\n"
    "sys.argv = ['tailor', *sys.argv[1:]]\n"
    "main()\n"
)


def _entry(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("TAILOR_")} | env
    return subprocess.run([sys.executable, "-c", _ENTRY, *args], capture_output=True, text=True, env=full_env,
                          cwd=cwd, timeout=120)


def test_a_plain_run_skips_typer_and_matches_the_full_cli(env: dict[str, str], tmp_path: Path) -> None:
    resume = _copy(RESUME, tmp_path)
    plain = _entry(["run", str(resume), "--job", str(JOB), "--out", "plain.md", "--json"], env, tmp_path)
    assert plain.returncode == 0, plain.stderr
    assert plain.stderr.strip().endswith("no typer")
    other = {"TAILOR_CACHE_DIR": str(tmp_path / "c2"), "TAILOR_DATA_DIR": str(tmp_path / "d2")}
    # An explicit default flag takes the Typer path: the same run, the same result.
    full = _entry(["run", str(resume), "--job", str(JOB), "--out", "full.md", "--schedule", "parallel", "--json"],
                  other, tmp_path)
    assert full.returncode == 0, full.stderr
    assert full.stderr.strip().endswith("typer loaded")
    assert (tmp_path / "plain.md").read_bytes() == (tmp_path / "full.md").read_bytes()
    a, b = json.loads(plain.stdout), json.loads(full.stdout)
    for key in ("scores", "skills", "fit", "verdict", "changes", "format", "warnings"):
        assert a[key] == b[key], key
    missing = _entry(["run", "nope.md", "--job", str(JOB)], env, tmp_path)
    assert missing.returncode == 2 and missing.stderr.startswith("error: nope.md: ")
    assert "Traceback" not in missing.stderr
