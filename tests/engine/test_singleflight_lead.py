"""SingleFlight.lead: the first caller runs the call itself; callers during it share its outcome."""

from __future__ import annotations

import asyncio

import pytest

from tailor.pipeline.engine.coalesce import SingleFlight

pytestmark = pytest.mark.anyio


async def test_callers_during_a_call_share_its_result_and_say_they_joined() -> None:
    flight = SingleFlight()
    release = asyncio.Event()
    calls = 0

    async def work() -> str:
        nonlocal calls
        calls += 1
        await release.wait()
        return f"answer-{calls}"

    callers = [asyncio.ensure_future(flight.lead("k", work)) for _ in range(20)]
    await asyncio.sleep(0)
    release.set()
    outcomes = await asyncio.gather(*callers)
    assert calls == 1
    assert outcomes[0] == ("answer-1", False)  # the leader ran it
    assert set(outcomes[1:]) == {("answer-1", True)}
    # Released once done: the next call is made anew.
    assert await flight.lead("k", work) == ("answer-2", False)


async def test_the_leaders_error_is_every_waiters_error() -> None:
    flight = SingleFlight()
    release = asyncio.Event()

    async def failing() -> str:
        await release.wait()
        raise ValueError("service down")

    callers = [asyncio.ensure_future(flight.lead("k", failing)) for _ in range(3)]
    await asyncio.sleep(0)
    release.set()
    results = await asyncio.gather(*callers, return_exceptions=True)
    assert [type(r) for r in results] == [ValueError] * 3


async def test_a_cancelled_leader_hands_the_call_to_a_waiter() -> None:
    flight = SingleFlight()
    started: list[int] = []
    release = asyncio.Event()

    async def work() -> int:
        started.append(len(started))
        await release.wait()
        return len(started)

    leader = asyncio.ensure_future(flight.lead("k", work))
    await asyncio.sleep(0)
    waiter = asyncio.ensure_future(flight.lead("k", work))
    await asyncio.sleep(0)
    leader.cancel()
    await asyncio.sleep(0)
    release.set()
    assert await waiter == (2, False)  # it asked again, and led the second call
    assert leader.cancelled()
    assert started == [0, 1]


async def test_a_cancelled_waiter_leaves_the_call_running() -> None:
    flight = SingleFlight()
    release = asyncio.Event()

    async def work() -> str:
        await release.wait()
        return "done"

    leader = asyncio.ensure_future(flight.lead("k", work))
    await asyncio.sleep(0)
    waiter = asyncio.ensure_future(flight.lead("k", work))
    await asyncio.sleep(0)
    waiter.cancel()
    await asyncio.sleep(0)
    release.set()
    assert await leader == ("done", False)
