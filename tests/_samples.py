"""The repository's sample_data, as a pristine copy in a temporary folder, for every test.

A user who follows the README writes ``sample_data/resumes/*.tailored.*`` (git-ignored, so
invisible in ``git status``); tests that read or list the real folder would then depend on what
the user ran. So tests never touch it: they use ``SAMPLES``, a copy of the files git tracks there
(or, without git, every file but tailor's own outputs), made once per test process.
"""

from __future__ import annotations

import atexit
import shutil
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ORIGINAL = ROOT / "sample_data"


def _tracked() -> list[Path] | None:
    """The files git tracks under sample_data, or None where there is no git checkout."""
    try:
        listed = subprocess.run(
            ["git", "-C", str(ROOT), "ls-files", "-z", "--", "sample_data"],
            capture_output=True, check=True, timeout=30,
        ).stdout.decode("utf-8")
    except (OSError, subprocess.SubprocessError):
        return None
    files = [ROOT / name for name in listed.split("\0") if name]
    return files or None


def copy_samples(original: Path, target: Path, tracked: list[Path] | None) -> Path:
    """``original`` copied to ``target``: the ``tracked`` files, or without git every file but tailor's outputs."""
    if tracked is None:
        shutil.copytree(original, target, ignore=shutil.ignore_patterns("*.tailored.*", "__pycache__"))
        return target
    for source in tracked:
        if source.is_file():
            destination = target / source.relative_to(original)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)
    return target


def _copy() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="tailor-samples-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return copy_samples(ORIGINAL, folder / "sample_data", _tracked())


SAMPLES = _copy()
RESUMES = SAMPLES / "resumes"
JOBS = SAMPLES / "jobs"
