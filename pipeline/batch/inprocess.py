"""A batch in this process: async concurrency over one Session, for providers that wait on I/O (simulated)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from tailor.pipeline.batch.report import BatchItem, ItemOutcome

if TYPE_CHECKING:
    from tailor.config import Settings


def run_in_process(
    settings: Settings,
    items: Iterator[BatchItem],
    report: Callable[[ItemOutcome], None],
    *,
    use_cache: bool,
    concurrency: int,
    batch_id: str,
    warn: Callable[[str], None],
) -> None:
    """Tailor ``items``, up to ``concurrency`` at a time, reporting each as it finishes."""
    import anyio

    from tailor.pipeline.app.session import RunRequest, Session
    from tailor.pipeline.engine import batch_map
    from tailor.pipeline.errors import TailorError

    async def go() -> None:
        async with Session(settings, use_cache=use_cache, warn=warn) as session:

            async def tailor(item: BatchItem) -> tuple[float, float]:
                request = RunRequest(resume=Path(item.resume), job=Path(item.job), output=Path(item.output), batch_id=batch_id)
                outcome = await session.tailor(request)
                return outcome.ats_before.total, outcome.ats_after.total

            results = batch_map(tailor, items, concurrency=concurrency)
            async with contextlib.aclosing(results):  # type: ignore[type-var]
                async for r in results:
                    if r.status == "ok":
                        report(ItemOutcome(r.item, "ok", None, r.value[0], r.value[1], r.duration_ms))
                    else:
                        error = r.error
                        reason = str(error) if isinstance(error, TailorError) else f"internal error: {type(error).__name__}: {error}"
                        report(ItemOutcome(r.item, "failed", " ".join(reason.split()), None, None, r.duration_ms))

    anyio.run(go)
