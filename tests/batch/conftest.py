"""Batch tests: real files, real diskcache and SQLite in tmp folders, the real CLI."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests._samples import SAMPLES as SAMPLE_DATA

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = SAMPLE_DATA
TEMPLATE = (SAMPLES / "resumes" / "software_engineer.md").read_text(encoding="utf-8")
# A third of the ten-page resume: slow enough (tens of ms) for a signal to land mid-batch.
_TEN_PAGES = (ROOT / "tests" / "data" / "messy" / "ten_pages.md").read_text(encoding="utf-8").splitlines()
BIG_TEMPLATE = "\n".join(_TEN_PAGES[: len(_TEN_PAGES) // 3])
JOB = SAMPLES / "jobs" / "backend_engineer.md"
JOBS = SAMPLES / "jobs"
BAD = ROOT / "tests" / "data" / "bad"
MESSY = ROOT / "tests" / "data" / "messy"


@pytest.fixture
def batch_json(tailor: Callable[..., tuple[int, str, str]]) -> Callable[..., tuple[int, dict[str, Any]]]:
    def invoke(*args: object) -> tuple[int, dict[str, Any]]:
        code, out, err = tailor("batch", *args, "--json")
        assert out.strip(), err
        return code, json.loads(out)

    return invoke


def make_resumes(folder: Path, count: int, *, big: bool = False, prefix: str = "r") -> list[Path]:
    """``count`` distinct resumes (different names and bullet order), so each has its own hash."""
    folder.mkdir(parents=True, exist_ok=True)
    template = BIG_TEMPLATE if big else TEMPLATE
    lines = template.splitlines()
    paths = []
    for i in range(count):
        rng = random.Random(i)
        bullets = [n for n, line in enumerate(lines) if line.startswith("- ")]
        shuffled = [lines[n] for n in bullets]
        rng.shuffle(shuffled)
        body = list(lines)
        for n, line in zip(bullets, shuffled):
            body[n] = line
        body[0] = f"# Candidate {prefix}{i:03d}"
        path = folder / f"{prefix}{i:03d}.md"
        path.write_text("\n".join(body) + "\n", encoding="utf-8")
        paths.append(path)
    return paths
