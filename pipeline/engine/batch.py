"""Bounded-concurrency map over a possibly huge iterable, results in input order.

A fixed pool of ``concurrency`` workers pulls items from one shared iterator (never one task
per item). Results are handed out in input order through a reorder window: a worker does not
pull item ``k`` until item ``k - window`` has been consumed, so memory stays flat however
long the input is, and a slow consumer slows the pulling (backpressure).

An item's failure is its own result (status "failed"); the other items go on. If the
iterable itself raises, the results before that point are yielded and the error re-raised.
Stopping the iteration (break, cancellation) stops pulling; close the generator
(``contextlib.aclosing``) to stop the workers at once rather than when it is collected.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable
from typing import Any, Literal, NamedTuple

import anyio


class ItemResult(NamedTuple):
    """One item's outcome. A NamedTuple: a frozen dataclass costs ~1.3 µs per item to build."""

    index: int  # type: ignore[assignment]  # shadows tuple.index: the field is the public name
    item: Any
    status: Literal["ok", "failed"]
    value: Any
    error: BaseException | None
    duration_ms: float


def _is_async_callable(fn: Callable[..., Any]) -> bool:
    return inspect.iscoroutinefunction(fn) or inspect.iscoroutinefunction(getattr(fn, "__call__", None))  # noqa: B004 - an async __call__, not callability


async def batch_map(
    fn: Callable[[Any], Any],
    items: Iterable[Any] | AsyncIterable[Any],
    concurrency: int = 8,
    on_progress: Callable[[ItemResult], None] | None = None,
    window: int | None = None,
) -> AsyncIterator[ItemResult]:
    """Apply ``fn`` (async, or a plain function run inline) to every item; yield in input order.

    ``on_progress`` is called with each result as it completes (completion order).
    ``window`` bounds the results held for reordering (default ``max(256, 4 * concurrency)``).
    """
    if concurrency < 1:
        raise ValueError(f"concurrency must be >= 1, got {concurrency}")
    limit = window if window is not None else max(256, 4 * concurrency)
    if limit < concurrency:
        raise ValueError(f"window ({limit}) must be >= concurrency ({concurrency})")

    loop = asyncio.get_running_loop()
    is_async_fn = _is_async_callable(fn)
    async_source = isinstance(items, AsyncIterable)
    source_aiter = items.__aiter__() if async_source else None  # type: ignore[union-attr]
    source_iter = None if async_source else iter(items)  # type: ignore[arg-type]
    pull_lock = asyncio.Lock()
    perf = time.perf_counter

    results: dict[int, ItemResult] = {}
    pulled = 0  # next index to hand to a worker
    consumed = 0  # results already yielded
    exhausted = False
    failure: BaseException | None = None  # the source (or progress callback) broke
    active = concurrency
    consumer_wait: asyncio.Future[None] | None = None
    space_wait: asyncio.Future[None] | None = None

    def wake_consumer() -> None:
        if consumer_wait is not None and not consumer_wait.done():
            consumer_wait.set_result(None)

    async def worker() -> None:
        nonlocal pulled, exhausted, failure, active, space_wait
        try:
            while not exhausted:
                if pulled - consumed >= limit:
                    if space_wait is None or space_wait.done():
                        space_wait = loop.create_future()
                    await space_wait
                    continue
                if source_iter is not None:
                    try:
                        item = next(source_iter)
                    except StopIteration:
                        exhausted = True
                        break
                else:
                    async with pull_lock:  # an async generator cannot be advanced concurrently
                        if exhausted:
                            break
                        try:
                            item = await source_aiter.__anext__()  # type: ignore[union-attr]
                        except StopAsyncIteration:
                            exhausted = True
                            break
                index = pulled
                pulled += 1
                start = perf()
                try:
                    value = fn(item)
                    if is_async_fn:
                        value = await value
                    result = ItemResult(index, item, "ok", value, None, (perf() - start) * 1000.0)
                except asyncio.CancelledError as exc:
                    task = asyncio.current_task()
                    if task is not None and task.cancelling():
                        raise  # we are being stopped; not the item's own failure
                    result = ItemResult(index, item, "failed", None, exc, (perf() - start) * 1000.0)
                except Exception as exc:
                    result = ItemResult(index, item, "failed", None, exc, (perf() - start) * 1000.0)
                results[index] = result
                if on_progress is not None:
                    on_progress(result)
                if index == consumed:
                    wake_consumer()
        except Exception as exc:  # the iterable or the progress callback failed
            if failure is None:
                failure = exc
            exhausted = True
        finally:
            active -= 1
            if active == 0:
                wake_consumer()

    workers = [loop.create_task(worker()) for _ in range(concurrency)]
    try:
        while True:
            result = results.pop(consumed, None)
            if result is None:
                if active == 0:  # every pulled item is in ``results``: nothing more will come
                    if failure is not None:
                        raise failure
                    return
                consumer_wait = loop.create_future()
                await consumer_wait
                consumer_wait = None
                continue
            consumed += 1
            if space_wait is not None and not space_wait.done():
                space_wait.set_result(None)
            yield result
    finally:
        for w in workers:
            w.cancel()
        with anyio.CancelScope(shield=True):
            await asyncio.gather(*workers, return_exceptions=True)
