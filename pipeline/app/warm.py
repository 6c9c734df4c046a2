"""Pre-compute job analyses so the first resume against each job is already half cached."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tailor.pipeline.app.stages import job, job_profile
from tailor.pipeline.engine import Engine, Graph
from tailor.pipeline.engine.report import CacheStatus
from tailor.pipeline.errors import InputError, TailorError
from tailor.pipeline.readers._files import JOB_SUFFIXES
from tailor.pipeline.readers.inputs import InputFile
from tailor.pipeline.tailoring.models import Validation

if TYPE_CHECKING:
    from tailor.config import Settings


@dataclass(frozen=True)
class Warmed:
    path: str
    cache: str  # miss (computed now) | l1 | l2 | stale (already there)
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "cache": self.cache, "error": self.error}


async def warm_jobs(settings: Settings, folder: Path) -> list[Warmed]:
    """Parse and analyse every job in ``folder`` through the step cache."""
    if not folder.is_dir():
        raise InputError(f"{folder}: not a folder of job descriptions")
    return await warm_job_files(settings, sorted(p for p in folder.iterdir() if p.suffix.lower() in JOB_SUFFIXES and p.is_file()))


async def warm_job_files(settings: Settings, paths: Iterable[Path]) -> list[Warmed]:
    """Parse and analyse each job through the step cache, so later runs (in any process) hit."""
    from tailor.pipeline.app.caching import open_cache, step_memo

    # The same steps, versions and fingerprint as a real run, so the keys match.
    # Validation takes no part in a key (its warnings are compare=False), so an empty one stands in.
    graph = Graph([job, job_profile], inputs=["job_file", "validation"])
    results = []
    with open_cache(settings) as cache:
        async with Engine(cache=step_memo(settings, cache)) as engine:
            for path in paths:
                try:
                    ref = InputFile.open(path, "job", max_bytes=settings.limits.max_input_bytes)
                    result = await engine.run(graph, {"job_file": ref, "validation": Validation()})
                except TailorError as error:
                    results.append(Warmed(str(path), CacheStatus.OFF, str(error)))
                    continue
                if not result.ok:
                    failure = result.errors.get("job") or result.errors.get("job_profile")
                    results.append(Warmed(str(path), CacheStatus.OFF, str(failure)))
                    continue
                results.append(Warmed(str(path), result.report.step("job_profile").cache))
    return results
