"""A Redis that dies, never was, or cannot be named: the cache goes L1-only with one warning."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tailor.pipeline.app import open_cache
from tailor.pipeline.cache import RedisTier, TieredCache
from tests.cache_redis.conftest import start_redis
from tests.servers import RedisServer, free_port

pytestmark = pytest.mark.anyio


@pytest.fixture
def doomed_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A server of this test's own, so killing it leaves the session's alone."""
    server = start_redis(tmp_path / "doomed")
    yield server
    server.kill()


def _cache(url: str, clock, warnings: list[str]) -> TieredCache:
    tier = RedisTier(url)
    return TieredCache(tier.location, tier=tier, clock=clock, warn=warnings.append)


def _settings(tmp_path: Path, url: str):  # type: ignore[no-untyped-def]
    from tailor.config import load_settings

    overrides = {"cache.redis_url": url, "cache.dir": str(tmp_path / "disk")}
    return load_settings(overrides=overrides, env={}, cwd=tmp_path).settings


async def test_server_killed_mid_run_degrades_to_memory_and_results_stay_right(doomed_redis, clock) -> None:
    seen_a: list[str] = []
    seen_b: list[str] = []
    a, b = _cache(doomed_redis.url, clock, seen_a), _cache(doomed_redis.url, clock, seen_b)
    computed: list[int] = []

    def compute(i: int):  # type: ignore[no-untyped-def]
        async def run() -> dict[str, int]:
            computed.append(i)
            return {"i": i, "square": i * i}

        return run

    for i in range(5):
        assert await a.get_or_compute(f"k{i}", compute(i), namespace="ats", tags=["job:J"]) == (
            {"i": i, "square": i * i},
            "miss",
        )
    assert b.lookup("k0", namespace="ats") == ({"i": 0, "square": 0}, "l2")

    doomed_redis.kill()
    for i in range(10):  # 0-4 from a's memory, 5-9 computed: every result right
        found = await a.get_or_compute(f"k{i}", compute(i), namespace="ats", tags=["job:J"])
        assert found.value == {"i": i, "square": i * i}
        assert found.status == ("l1" if i < 5 else "miss")
    for i in range(1, 4):  # b never held these: Redis is gone, so they are computed again
        assert (await b.get_or_compute(f"k{i}", compute(i), namespace="ats")).status == "miss"
    assert computed == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 2, 3]
    assert a.lookup("k7", namespace="ats").status == "l1"
    assert not a.shared and not b.shared
    assert len(seen_a) == 1 and "unreachable" in seen_a[0] and "memory only" in seen_a[0]
    assert len(seen_b) == 1 and "memory only" in seen_b[0]

    clock.advance(5)  # a sync with no Redis: nothing to flush to, no new warning
    assert a.invalidate("job:J") == 10
    stats = a.stats()
    assert not stats.l2.enabled and stats.directory is None
    assert stats.l1.namespaces["ats"].hits >= 6
    assert len(seen_a) == 1


async def test_unreachable_at_start_is_memory_only_with_one_warning(tmp_path: Path) -> None:
    warnings: list[str] = []
    dead = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    cache = open_cache(_settings(tmp_path, dead), warn=warnings.append)
    try:
        assert not cache.shared
        found = await cache.get_or_compute("k", _const({"score": 1.0}), namespace="ats")
        assert found == ({"score": 1.0}, "miss")
        assert cache.lookup("k", namespace="ats") == ({"score": 1.0}, "l1")
    finally:
        cache.close()
    assert len(warnings) == 1 and "memory only" in warnings[0] and dead in warnings[0]
    assert not (tmp_path / "disk").exists()  # no silent switch to another machine-local L2


@pytest.mark.parametrize(
    ("url", "problem"),
    [("http://127.0.0.1:6379/0", "bad redis url"), ("redis://127.0.0.1:notaport/0", "")],
)
async def test_unusable_url_is_memory_only_and_hides_credentials(tmp_path: Path, url: str, problem: str) -> None:
    warnings: list[str] = []
    cache = open_cache(_settings(tmp_path, url.replace("//", "//user:s3cret@")), warn=warnings.append)
    try:
        assert not cache.shared
        cache.set("k", 1)
        assert cache.get("k") == 1
    finally:
        cache.close()
    assert len(warnings) == 1 and "memory only" in warnings[0] and problem in warnings[0]
    assert "s3cret" not in warnings[0]


def _const(value: object):  # type: ignore[no-untyped-def]
    async def compute() -> object:
        return value

    return compute
