from __future__ import annotations

import asyncio

import pytest

pytestmark = pytest.mark.anyio


async def test_hundred_concurrent_misses_compute_once(make_cache) -> None:
    cache = make_cache()
    calls = 0

    async def compute() -> dict[str, float]:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.01)
        return {"score": 88.0}

    results = await asyncio.gather(*(cache.get_or_compute("k", compute, namespace="ats") for _ in range(100)))
    assert calls == 1
    assert all(r == ({"score": 88.0}, "miss") for r in results)
    assert await cache.get_or_compute("k", compute, namespace="ats") == ({"score": 88.0}, "l1")
    assert calls == 1


async def test_compute_failure_reaches_all_and_stores_nothing(make_cache) -> None:
    cache = make_cache()

    async def boom() -> None:
        await asyncio.sleep(0.01)
        raise RuntimeError("provider timeout")

    results = await asyncio.gather(*(cache.get_or_compute("k", boom) for _ in range(3)), return_exceptions=True)
    assert all(isinstance(r, RuntimeError) for r in results)
    assert cache.get("k") is None


async def test_dynamic_ttl_higher_scores_live_longer(make_cache, clock) -> None:
    cache = make_cache(grace_ratio=0.0)

    def ttl(result: dict[str, float]) -> float:
        return 100 * result["score"]

    async def low() -> dict[str, float]:
        return {"score": 0.2}

    async def high() -> dict[str, float]:
        return {"score": 0.9}

    await cache.get_or_compute("low", low, ttl=ttl)
    await cache.get_or_compute("high", high, ttl=ttl)
    clock.advance(50)
    assert cache.get("low") is None
    assert cache.get("high") == {"score": 0.9}
    clock.advance(41)
    assert cache.get("high") is None


async def test_stale_served_at_once_then_refreshed_in_background(make_cache, clock) -> None:
    cache = make_cache()
    version = 0
    gate = asyncio.Event()

    async def compute() -> str:
        nonlocal version
        version += 1
        if version > 1:
            await gate.wait()  # the refresh is slow: the stale caller must not wait for it
        return f"v{version}"

    assert await cache.get_or_compute("k", compute, ttl=10, grace=10) == ("v1", "miss")
    clock.advance(15)  # past soft, before hard expiry
    results = await asyncio.gather(*(cache.get_or_compute("k", compute, ttl=10, grace=10) for _ in range(5)))
    assert all(r == ("v1", "stale") for r in results)
    gate.set()
    await cache.drain()
    assert version == 2  # five stale hits, one refresh
    assert cache.lookup("k") == ("v2", "l1")
    assert make_cache().lookup("k") == ("v2", "l2")


async def test_past_hard_expiry_is_a_miss(make_cache, clock) -> None:
    cache = make_cache()
    calls = 0

    async def compute() -> int:
        nonlocal calls
        calls += 1
        return calls

    await cache.get_or_compute("k", compute, ttl=10, grace=10)
    clock.advance(21)
    assert await cache.get_or_compute("k", compute, ttl=10, grace=10) == (2, "miss")


async def test_stale_from_l2(make_cache, clock) -> None:
    cache = make_cache()
    cache.set("k", "old", ttl=10, grace=100)
    clock.advance(20)

    async def compute() -> str:
        return "new"

    other = make_cache()
    assert await other.get_or_compute("k", compute, ttl=10) == ("old", "stale")
    await other.drain()
    assert make_cache().get("k") == "new"


async def test_failed_refresh_keeps_stale_value_and_warns(make_cache, clock, warnings_seen) -> None:
    cache = make_cache()
    cache.set("k", "old", ttl=10, grace=100)
    clock.advance(20)

    async def boom() -> str:
        raise RuntimeError("provider down")

    assert await cache.get_or_compute("k", boom) == ("old", "stale")
    await cache.drain()
    assert cache.get("k") == "old"
    assert any("refresh" in w and "provider down" in w for w in warnings_seen)


async def test_cancelled_caller_still_stores_the_result(make_cache) -> None:
    cache = make_cache()
    started = asyncio.Event()

    async def compute() -> str:
        started.set()
        await asyncio.sleep(0.02)
        return "value"

    caller = asyncio.ensure_future(cache.get_or_compute("k", compute))
    await started.wait()
    caller.cancel()
    await asyncio.sleep(0.05)
    assert cache.get("k") == "value"
