"""Tailor a folder of resumes against one job or a folder of jobs: streamed, parallel, resumable.

``Batch(settings, folder, jobs, out).run(on_outcome, should_stop)`` walks the folder
lazily, skips outputs that are up to date (newer than both inputs and made under the
same settings fingerprint, per the manifest in --out), runs the rest on worker
processes (local provider) or with async concurrency (simulated), and hands every
``ItemOutcome`` to ``on_outcome`` as it finishes. ``Tally`` turns outcomes into the
``BatchSummary`` (nearest-rank p50/p95/p99); ``rank`` orders jobs and resumes by fit.
"""

from __future__ import annotations

from tailor.pipeline.batch.driver import Batch
from tailor.pipeline.batch.plan import (
    MANIFEST_NAME,
    Found,
    Namer,
    OutputIndex,
    Produced,
    SkipNote,
    count_resumes,
    safe_part,
    walk_resumes,
)
from tailor.pipeline.batch.report import (
    BatchItem,
    BatchSummary,
    Fit,
    ItemOutcome,
    Ranking,
    Status,
    Tally,
    nearest_rank,
    rank,
)

__all__ = [
    "MANIFEST_NAME",
    "Batch",
    "BatchItem",
    "BatchSummary",
    "Fit",
    "Found",
    "ItemOutcome",
    "Namer",
    "OutputIndex",
    "Produced",
    "Ranking",
    "SkipNote",
    "Status",
    "Tally",
    "count_resumes",
    "nearest_rank",
    "rank",
    "safe_part",
    "walk_resumes",
]
