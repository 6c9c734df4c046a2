"""Where a batch's chunks run: the ``Executor`` protocol the driver loops over, and its vocabulary.

The driver (``driver.Batch``) gathers items into chunks of ``CHUNK_SIZE`` and hands
them to an executor: worker processes on this machine (``executor_pool``), this process
for a batch that fits one chunk (``executor_inline``), or a Dask cluster (``_dask``). A chunk comes back as its ``ChunkResult`` or as the error that
lost it whole; ``lost_reason`` words that error for each of its items.
"""

from __future__ import annotations

from concurrent.futures import CancelledError
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from tailor.pipeline.history import RunRecord

CHUNK_SIZE = 8  # items per task: amortises the IPC and the scheduler's cost per task, small enough to balance the tail

# (index, resume path, job path, output path)
WorkItem = tuple[int, str, str, str]
# (index, status, error, score before, score after, duration ms)
WorkResult = tuple[int, str, "str | None", "float | None", "float | None", float]
# What a worker sends back for a chunk: each item's result, the warnings it raised, and (when the
# parent writes the history) each ok item's history record, by item index.
ChunkResult = tuple[list[WorkResult], list[str], "dict[int, RunRecord]"]
# A chunk that is done: its items and its result, or the error that lost the whole chunk.
Finished = tuple[list[WorkItem], "ChunkResult | BaseException"]


class ChunkLost(Exception):
    """A chunk lost for a reason its executor words itself (the message is each item's error)."""


class Executor(Protocol):
    """Runs chunks somewhere, a bounded number at a time, and hands them back as they finish."""

    # True when the workers write no history: each ok item's record comes back in its
    # ChunkResult and the parent writes it (once, however often a lost chunk is re-run).
    parent_writes_history: bool

    @property
    def in_flight(self) -> int:
        """Chunks submitted and not yet handed back by ``completed``."""
        ...

    @property
    def full(self) -> bool:
        """As many chunks in flight as the executor takes: wait for one to finish before submitting."""
        ...

    @property
    def given_up(self) -> bool:
        """The executor can run nothing more (what was in flight came back lost): submit no more."""
        ...

    def submit(self, chunk: list[WorkItem]) -> None:
        """Send ``chunk`` to run; it comes back, once, from ``completed``."""
        ...

    def completed(self, timeout: float) -> list[Finished]:
        """Wait up to ``timeout`` seconds for chunks to finish; those that did (none on a timeout)."""
        ...

    def stop(self) -> None:
        """A stop was asked for: chunks not yet started need not run (they come back cancelled)."""
        ...

    def close(self) -> None:
        """Release the workers (or the cluster); wait for them to exit."""
        ...


def lost_reason(error: BaseException) -> str | None:
    """Why a whole chunk was lost, as each of its items' error; None when a stop cancelled it (never started)."""
    if isinstance(error, CancelledError):
        return None
    if isinstance(error, ChunkLost):
        return str(error)
    if isinstance(error, BrokenProcessPool):
        return f"worker process crashed while this item was in flight ({one_line(str(error))})"
    return f"internal error: {type(error).__name__}: {one_line(str(error))}"


def one_line(text: str) -> str:
    return " ".join(text.split())
