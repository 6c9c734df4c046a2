"""Simulated-latency profiles: the shipped ones load, validate and say what they claim."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from tailor.config import STAGE_NAMES, LatencyProfile, available_profiles, load_profile
from tailor.pipeline.errors import ConfigError

# The tailoring graph as DESIGN.md and pipeline/tailoring/stages.py draw it, in stage names.
# `log` runs in the background and never delays the result, so it is left out.
GRAPH: Mapping[str, tuple[str, ...]] = {
    "validate": (),
    "job_analysis": ("validate",),
    "resume_profile": ("validate",),
    "ats_before": ("job_analysis", "resume_profile"),
    "targets": ("ats_before", "job_analysis", "resume_profile"),
    "rewrite": ("targets", "job_analysis", "resume_profile"),
    "ats_after": ("rewrite", "job_analysis"),
    "render": ("rewrite",),
    "store": ("render",),
}


def eager_makespan(profile: LatencyProfile) -> float:
    end: dict[str, float] = {}
    for stage, needs in GRAPH.items():  # listed in topological order
        end[stage] = max((end[n] for n in needs), default=0.0) + profile.seconds(stage)
    return max(end.values())


def waves_makespan(profile: LatencyProfile) -> float:
    level: dict[str, int] = {}
    for stage, needs in GRAPH.items():
        level[stage] = max((level[n] + 1 for n in needs), default=0)
    waves = range(max(level.values()) + 1)
    return sum(max(profile.seconds(stage) for stage in GRAPH if level[stage] == wave) for wave in waves)


def test_shipped_profiles_are_listed() -> None:
    assert {"seed", "waves_trap"} <= set(available_profiles())


def test_seed_profile_is_the_seeds_figures_on_tailor_stage_names() -> None:
    seed = load_profile("seed")
    assert seed.name == "seed"
    assert seed.total_seconds == 76  # 2 + 15 + 15 + 1 + 30 + 10 + 2 + 1
    expected = {
        "validate": 2,
        "job_analysis": 15,
        "ats_before": 0,
        "targets": 1,
        "rewrite": 30,
        "ats_after": 10,
        "store": 2,
        "log": 1,
        "resume_profile": 15,
        "render": 0,
    }
    assert {stage: seed.seconds(stage) for stage in STAGE_NAMES} == expected
    assert seed.seconds("rewrite", scale=0.01) == pytest.approx(0.30)


def test_waves_trap_makes_waves_slower_than_eager() -> None:
    trap = load_profile("waves_trap")
    assert waves_makespan(trap) == 33
    assert eager_makespan(trap) == 22
    # The seed profile barely shows it (store's 2 s overlap ats_after's 10 s): the trap is the point.
    # Eager gives the seeds' full-parallel 58 s.
    seed = load_profile("seed")
    assert (waves_makespan(seed), eager_makespan(seed)) == (60, 58)


def test_profile_by_path_and_missing_stages_default_to_zero(tmp_path: Path) -> None:
    path = tmp_path / "tiny.yaml"
    path.write_text("name: tiny\nunit: seconds\nstages:\n  rewrite: 0.5\n", encoding="utf-8")
    profile = load_profile(path)
    assert profile.total_seconds == 0.5
    assert profile.seconds("store") == 0
    assert load_profile(str(path)) == profile
    with pytest.raises(KeyError, match="unknown stage 'tailoring'"):
        profile.seconds("tailoring")


def test_unknown_profile_name_lists_the_available_ones() -> None:
    with pytest.raises(ConfigError, match=r"unknown latency profile 'turbo' \(available: .*seed.*waves_trap"):
        load_profile("turbo")


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("name: x\nunit: s\nstages:\n  rewrite: -1\n", "stages.rewrite: Input should be greater than or equal to 0"),
        ("name: x\nunit: s\nstages:\n  rewirte: 1\n", "stages.rewirte"),
        ("name: x\nstages: {}\n", "unit: Field required"),
        ("name: x\nunit: s\nstages: {}\nspeed: 2\n", "speed: Extra inputs are not permitted"),
        ("name: x\nunit: s\nstages:\n  rewrite: slow\n", "stages.rewrite: Input should be a valid number"),
    ],
)
def test_bad_profiles_name_the_file_and_key(tmp_path: Path, body: str, problem: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_profile(path)
    assert str(info.value).startswith(f"{path.resolve()}: {problem}")
