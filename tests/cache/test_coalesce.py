from __future__ import annotations

import asyncio

import pytest

from tailor.pipeline.engine.coalesce import SingleFlight

pytestmark = pytest.mark.anyio


async def test_concurrent_calls_share_one_call() -> None:
    flight = SingleFlight()
    calls = 0
    release = asyncio.Event()

    async def work() -> str:
        nonlocal calls
        calls += 1
        await release.wait()
        return f"result-{calls}"

    waiters = [asyncio.ensure_future(flight.do("k", work)) for _ in range(50)]
    await asyncio.sleep(0)
    assert flight.pending == 1
    release.set()
    results = await asyncio.gather(*waiters)
    assert calls == 1
    assert set(results) == {"result-1"}


async def test_different_keys_run_separately() -> None:
    flight = SingleFlight()
    seen: list[str] = []

    async def work(key: str) -> str:
        seen.append(key)
        await asyncio.sleep(0.01)
        return key.upper()

    results = await asyncio.gather(*(flight.do(k, lambda k=k: work(k)) for k in "abc"))
    assert results == ["A", "B", "C"]
    assert sorted(seen) == ["a", "b", "c"]


async def test_exception_reaches_every_waiter() -> None:
    flight = SingleFlight()
    calls = 0

    async def boom() -> None:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.01)
        raise RuntimeError("upstream down")

    results = await asyncio.gather(*(flight.do("k", boom) for _ in range(5)), return_exceptions=True)
    assert calls == 1
    assert all(isinstance(r, RuntimeError) and str(r) == "upstream down" for r in results)
    assert flight.pending == 0


async def test_synchronous_raise_in_fn_reaches_waiters() -> None:
    flight = SingleFlight()

    def not_async() -> object:
        raise ValueError("bad fn")

    with pytest.raises(ValueError, match="bad fn"):
        await flight.do("k", not_async)  # type: ignore[arg-type]
    assert flight.pending == 0


async def test_key_released_when_call_ends_so_next_call_computes_again() -> None:
    flight = SingleFlight()
    calls = 0

    async def work() -> int:
        nonlocal calls
        calls += 1
        return calls

    assert await flight.do("k", work) == 1
    assert flight.pending == 0
    assert await flight.do("k", work) == 2


async def test_cancelling_the_leader_does_not_cancel_the_shared_call() -> None:
    flight = SingleFlight()
    release = asyncio.Event()
    calls = 0

    async def work() -> str:
        nonlocal calls
        calls += 1
        await release.wait()
        return "done"

    leader = asyncio.ensure_future(flight.do("k", work))
    await asyncio.sleep(0)
    follower = asyncio.ensure_future(flight.do("k", work))
    await asyncio.sleep(0)
    leader.cancel()
    await asyncio.sleep(0)
    assert leader.cancelled()
    assert flight.pending == 1
    release.set()
    assert await follower == "done"
    assert calls == 1


async def test_cancelling_a_follower_leaves_the_leader_its_result() -> None:
    flight = SingleFlight()
    release = asyncio.Event()

    async def work() -> str:
        await release.wait()
        return "done"

    leader = asyncio.ensure_future(flight.do("k", work))
    follower = asyncio.ensure_future(flight.do("k", work))
    await asyncio.sleep(0)
    follower.cancel()
    release.set()
    assert await leader == "done"
    with pytest.raises(asyncio.CancelledError):
        await follower


async def test_call_abandoned_by_every_waiter_finishes_on_its_own() -> None:
    flight = SingleFlight()
    release = asyncio.Event()
    finished = asyncio.Event()

    async def work() -> str:
        await release.wait()
        finished.set()
        return "done"

    waiters = [asyncio.ensure_future(flight.do("k", work)) for _ in range(3)]
    await asyncio.sleep(0)
    for w in waiters:
        w.cancel()
    await asyncio.sleep(0)
    assert all(w.cancelled() for w in waiters)
    release.set()
    await asyncio.wait_for(finished.wait(), 1)
    await asyncio.sleep(0)
    assert flight.pending == 0


async def test_forget_makes_the_next_call_start_fresh() -> None:
    flight = SingleFlight()
    first_release = asyncio.Event()
    calls = 0

    async def work() -> int:
        nonlocal calls
        calls += 1
        mine = calls
        if mine == 1:
            await first_release.wait()
        return mine

    old = asyncio.ensure_future(flight.do("k", work))
    await asyncio.sleep(0)
    flight.forget("k")
    assert await flight.do("k", work) == 2  # did not join the forgotten call
    first_release.set()
    assert await old == 1  # the forgotten call still delivers to its waiters
    assert calls == 2
    assert flight.pending == 0
