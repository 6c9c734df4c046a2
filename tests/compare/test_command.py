"""`tailor compare` through Typer's CliRunner: JSON shape, SVG, simulated label, bad input."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tailor.cli.app import app
from tailor.pipeline.app.compare import FIGURES, SCHEDULES

from .conftest import JOB

KEYS = {"runs", "provider", "simulated", "parallel", "waves", "sequential", "speedup", "steps", "what_if", "note"}


def _invoke(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["compare", *map(str, args)])
    return result.exit_code, result.stdout, result.stderr


def test_json_is_the_documented_object_and_nothing_else(resume_copy: Path) -> None:
    code, out, err = _invoke(resume_copy, "--job", JOB, "--runs", "2", "--json")
    assert code == 0, err
    data = json.loads(out)  # the whole of stdout is one JSON object
    assert set(data) == KEYS
    assert data["runs"] == 2 and data["provider"] == "local" and data["simulated"] is False
    for schedule in SCHEDULES:
        obj = data[schedule]
        assert set(FIGURES) <= set(obj)
        for bound in ("min", "max"):
            assert set(obj[bound]) == set(FIGURES)
        assert obj["min"]["wall_ms"] <= obj["wall_ms"] <= obj["max"]["wall_ms"]
        assert obj["speedup"] > 0 and obj["critical_path"]
    assert set(data["speedup"]) == {"median", "min", "max"}
    assert data["speedup"]["min"] <= data["speedup"]["median"] <= data["speedup"]["max"]
    assert {"tailoring", "stored", "logged"} <= set(data["steps"])
    assert all(set(by) == set(SCHEDULES) for by in data["steps"].values())
    assert data["what_if"] and {"step", "duration_ms", "critical_path_ms", "saved_ms"} == set(data["what_if"][0])
    if data["speedup"]["median"] < 1.1:
        assert "tailor batch --workers" in data["note"]


def test_svg_and_the_terminal_report(resume_copy: Path, tmp_path: Path) -> None:
    picture = tmp_path / "out" / "timelines.svg"
    code, out, err = _invoke(
        resume_copy, "--job", JOB, "--runs", "1", "--svg", picture,
        "--provider", "simulated", "--profile", "waves_trap", "--scale", "0.002",
    )
    assert code == 0, err
    text = picture.read_text(encoding="utf-8")
    assert text.lstrip().startswith("<svg") and text.rstrip().endswith("</svg>")
    # Rich writes each character run as its own <text>; step names survive whole (spaces become &#160;).
    for name in ("tailoring", "ats_after", "stored", "logged", "parallel", "waves", "sequential"):
        assert name in text, name
    assert "SIMULATED" in out and "1 untimed warm-up run" in out
    for heading in ("Median step durations", "Schedules", "parallel over sequential", "What if", "theory"):
        assert heading in out, heading
    assert str(picture) in out.replace("\n", "")


def test_simulated_json_is_labelled(resume_copy: Path) -> None:
    code, out, err = _invoke(
        resume_copy, "--job", JOB, "--runs", "1", "--json", "--provider", "simulated", "--profile", "seed", "--scale", "0.002"
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["simulated"] is True and data["provider"] == "simulated"
    assert data["note"].startswith("Timings are simulated (profile seed x 0.002)")


def test_bad_input_is_one_line_and_exit_code_2(env: dict[str, str], tmp_path: Path) -> None:
    missing = tmp_path / "nope.md"
    code, out, err = _invoke(missing, "--job", JOB, "--json")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and str(missing) in err and "Traceback" not in err
    messy = tmp_path / "blank.md"
    messy.write_text("   \n\t\n", encoding="utf-8")
    code, out, err = _invoke(messy, "--job", JOB)
    assert code == 2 and err.startswith("error:") and err.count("\n") == 1
