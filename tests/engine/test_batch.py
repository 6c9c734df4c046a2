from __future__ import annotations

import itertools
import random
from contextlib import aclosing

import anyio
import pytest

from tailor.pipeline.engine import ItemResult, batch_map

pytestmark = pytest.mark.anyio


async def test_results_come_in_input_order_despite_random_durations() -> None:
    rng = random.Random(7)
    delays = [rng.random() * 0.01 for _ in range(60)]

    async def work(i: int) -> int:
        await anyio.sleep(delays[i])
        return i * i

    results = [r async for r in batch_map(work, range(60), concurrency=6)]
    assert [r.index for r in results] == list(range(60))
    assert [r.value for r in results] == [i * i for i in range(60)]
    assert all(r.status == "ok" and r.error is None and r.duration_ms >= 0 for r in results)


async def test_a_failing_item_does_not_stop_the_others() -> None:
    async def parse(text: str) -> int:
        await anyio.sleep(0)
        return int(text)

    items = ["1", "two", "", "4", None, "  6 "]
    results = [r async for r in batch_map(parse, items, concurrency=3)]
    assert [r.status for r in results] == ["ok", "failed", "failed", "ok", "failed", "ok"]
    assert [r.value for r in results] == [1, None, None, 4, None, 6]
    assert isinstance(results[1].error, ValueError)
    assert isinstance(results[4].error, TypeError)
    assert [r.item for r in results] == items


async def test_concurrency_is_bounded() -> None:
    in_flight = peak = 0

    async def work(i: int) -> int:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await anyio.sleep(0.001)
        in_flight -= 1
        return i

    results = [r async for r in batch_map(work, range(200), concurrency=4)]
    assert len(results) == 200
    assert peak == 4


async def test_pulls_lazily_from_an_infinite_generator() -> None:
    pulled = 0

    def forever():
        nonlocal pulled
        for i in itertools.count():
            pulled += 1
            yield i

    async def work(i: int) -> int:
        await anyio.sleep(0)
        return i

    taken = []
    async with aclosing(batch_map(work, forever(), concurrency=4, window=16)) as results:
        async for r in results:
            taken.append(r.value)
            if len(taken) == 10:
                break
    assert taken == list(range(10))
    assert pulled <= 10 + 16 + 4  # never more than the reorder window ahead of the consumer


async def test_async_iterables_are_accepted() -> None:
    async def source():
        for i in range(25):
            await anyio.sleep(0)
            yield i

    async def work(i: int) -> int:
        await anyio.sleep(0.001 * (i % 3))
        return -i

    assert [r.value async for r in batch_map(work, source(), concurrency=5)] == [-i for i in range(25)]


async def test_plain_function_and_progress_callback() -> None:
    seen: list[ItemResult] = []
    results = [r async for r in batch_map(lambda s: s.strip().lower(), [" A", "b ", 3], concurrency=2,
                                          on_progress=seen.append)]
    assert [r.value for r in results] == ["a", "b", None]
    assert results[2].status == "failed"
    assert sorted(r.index for r in seen) == [0, 1, 2]


async def test_a_broken_source_yields_what_came_before_then_raises() -> None:
    def source():
        yield 1
        yield 2
        raise OSError("disk gone")

    async def work(i: int) -> int:
        return i

    got = []
    with pytest.raises(OSError, match="disk gone"):
        async for r in batch_map(work, source(), concurrency=2):
            got.append(r.value)
    assert got == [1, 2]


async def test_cancellation_stops_pulling() -> None:
    pulled = 0

    def forever():
        nonlocal pulled
        for i in itertools.count():
            pulled += 1
            yield i

    async def work(i: int) -> int:
        await anyio.sleep(0.005)
        return i

    got = []
    with anyio.move_on_after(0.1):
        async with aclosing(batch_map(work, forever(), concurrency=2, window=8)) as results:
            async for r in results:
                got.append(r.value)
    pulled_at_cancel = pulled
    await anyio.sleep(0.05)
    assert pulled == pulled_at_cancel  # workers are gone
    assert got == list(range(len(got)))
    assert pulled <= len(got) + 8 + 2


async def test_empty_input_and_bad_arguments() -> None:
    async def work(i: int) -> int:
        return i

    assert [r async for r in batch_map(work, [], concurrency=3)] == []
    with pytest.raises(ValueError, match="concurrency"):
        async for _ in batch_map(work, [1], concurrency=0):
            pass
    with pytest.raises(ValueError, match="window"):
        async for _ in batch_map(work, [1], concurrency=8, window=4):
            pass
