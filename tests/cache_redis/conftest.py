"""A real redis-server for the Redis tier's tests: one per session, started on a free port.

Every test gets the server flushed (it is ours alone), a fake clock and a
``make_cache`` that builds TieredCaches on it, closed at the end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tailor.pipeline.cache import RedisTier, TieredCache
from tests.clock import FakeClock
from tests.servers import RedisServer, RedisUnavailable
from tests.servers import start_redis as launch


def start_redis(folder: Path) -> RedisServer:
    """The shared launcher, as a test wants it: skipped without a server, failed if it never answers."""
    pytest.importorskip("redis", reason="the redis client is not installed (from a checkout: pip install -e '.[redis]')")
    try:
        return launch(folder)
    except RedisUnavailable as exc:
        pytest.skip(str(exc))
    except RuntimeError as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = start_redis(tmp_path_factory.mktemp("redis"))
    try:
        yield server
    finally:
        server.stop()  # by PID: only the server this session started


@pytest.fixture
def redis_url(redis_server: RedisServer) -> Iterator[str]:
    """The session server's URL, emptied before each test."""
    import redis

    client = redis.Redis.from_url(redis_server.url)
    client.flushdb()
    client.close()
    yield redis_server.url


@pytest.fixture
def raw(redis_url: str) -> Iterator[object]:
    """A plain client on the test server, to look under the tier."""
    import redis

    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def warnings_seen() -> list[str]:
    return []


@pytest.fixture
def make_cache(redis_url: str, clock: FakeClock, warnings_seen: list[str]) -> Iterator[Callable[..., TieredCache]]:
    """Build caches on the test server (a new one = another machine: empty L1); all closed after."""
    made: list[TieredCache] = []

    def make(url: str | None = None, *, prefix: str = "tailor:", **kwargs: object) -> TieredCache:
        kwargs.setdefault("clock", clock)
        kwargs.setdefault("warn", warnings_seen.append)
        tier = RedisTier(url or redis_url, prefix=prefix)
        cache = TieredCache(tier.location, tier=tier, **kwargs)  # type: ignore[arg-type]
        made.append(cache)
        return cache

    yield make
    for cache in made:
        cache.close()
