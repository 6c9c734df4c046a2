"""A real redis-server for the Redis tier's tests: one per session, started on a free port.

Every test gets the server flushed (it is ours alone), a fake clock and a
``make_cache`` that builds TieredCaches on it, closed at the end.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipeline.cache import RedisTier, TieredCache
from tests.clock import FakeClock


@dataclass(frozen=True)
class RedisServer:
    process: subprocess.Popen[bytes]
    port: int

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def kill(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def start_redis(folder: Path) -> RedisServer:
    """Start redis-server on a free port (no persistence), wait for PING; skip if there is none."""
    pytest.importorskip("redis", reason="the redis client is not installed (pip install 'tailor-cli[redis]')")
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    folder.mkdir(parents=True, exist_ok=True)
    for _attempt in range(3):  # the free port may be taken between probing and binding
        port = _free_port()
        process = subprocess.Popen(
            [
                binary,
                "--save",
                "",
                "--appendonly",
                "no",
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and process.poll() is None:
            if _answers_ping(port):
                return RedisServer(process, port)
            time.sleep(0.02)
        server = RedisServer(process, port)
        server.kill()
    pytest.fail("redis-server did not answer PING")


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = start_redis(tmp_path_factory.mktemp("redis"))
    try:
        yield server
    finally:
        if server.process.poll() is None:
            server.process.terminate()  # by PID: only the server this session started
            try:
                server.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()


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
