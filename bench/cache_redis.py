"""Redis L2 beside diskcache L2: hit latency at 1 KB and 500 KB, medians from this one run.

    python bench/cache_redis.py      # ~20 s; starts its own redis-server (or uses $TAILOR_REDIS_URL)

Every lookup goes to L2 (L1 holds nothing). Anchors: a bare redis-py GET of
the same blob and a raw diskcache get. Last, what a lost server costs: the
first failing lookup (refused, then hung), then a lookup once degraded to L1.
"""

from __future__ import annotations

import os
import random
import signal
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import diskcache  # noqa: E402
import redis  # noqa: E402

from bench.cache import WORDS, per_call, profile, row, us  # noqa: E402
from tailor.pipeline.cache import RedisTier, TieredCache  # noqa: E402
from tests.servers import free_port, start_redis  # noqa: E402


@contextmanager
def redis_server(folder: Path) -> Iterator[tuple[str, int | None]]:
    """(url, pid of the server we started, or None when $TAILOR_REDIS_URL names one)."""
    url = os.environ.get("TAILOR_REDIS_URL")
    if url:
        yield url, None
        return
    try:
        server = start_redis(folder)
    except RuntimeError as exc:  # not installed, or it never answered
        sys.exit(f"{exc}; or set TAILOR_REDIS_URL")
    try:
        yield server.url, server.process.pid
    finally:
        server.stop()


def bench_hits(tmp: Path, url: str) -> None:
    print("L2 hit: Redis vs diskcache (TieredCache.lookup, L1 empty; same blobs)")
    rng = random.Random(7)
    values = {
        "1 KB model": (profile(1_000), 500),
        "1 KB dict": ({"skills": WORDS[:40], "score": 71.5}, 500),
        "500 KB model": (profile(500_000), 10),
        "500 KB resume text": (" ".join(rng.choice(WORDS) for _ in range(62_000))[:500_000], 10),
    }
    tier = RedisTier(url, prefix="tailor-bench:")
    on_redis = TieredCache(tier.location, tier=tier, max_entries=0)
    on_disk = TieredCache(tmp / "disk", max_entries=0)
    bare_redis = redis.Redis.from_url(url)
    bare_disk = diskcache.Cache(str(tmp / "disk"))
    for label, (value, batch) in values.items():
        on_redis.set(label, value, namespace="bench")
        on_disk.set(label, value, namespace="bench")
        key = tier.entry_key("bench", label)
        blob = bare_redis.get(key)
        assert on_redis.lookup(label, namespace="bench").value == value
        disk_key = "e\x1fbench\x1f" + label
        r_anchor = per_call(lambda k=key: bare_redis.get(k), batch, 15)
        d_anchor = per_call(lambda k=disk_key: bare_disk.get(k), batch, 15)
        r = per_call(lambda k=label: on_redis.lookup(k, namespace="bench"), batch, 15)
        d = per_call(lambda k=label: on_disk.lookup(k, namespace="bench"), batch, 15)
        print(f" {label} ({len(blob):,} bytes stored)")
        row("bare redis-py GET of the blob (anchor)", us(r_anchor))
        row("bare diskcache get of the blob (anchor)", us(d_anchor))
        row("diskcache L2 hit", us(d))
        row("Redis L2 hit", us(r), f"{r / d:5.2f}x diskcache")
    print(f"  (redis-py {redis.__version__}, hiredis {'on' if _hiredis() else 'off'}; Redis on localhost)")
    on_redis.clear()
    on_redis.close()
    on_disk.close()
    bare_redis.close()
    bare_disk.close()


def _hiredis() -> bool:
    try:
        import hiredis  # noqa: F401
    except ImportError:
        return False
    return True


def bench_outage(url: str, pid: int | None) -> None:
    print("A lost server: the first failing lookup, then lookups degraded to L1")
    dead = f"redis://127.0.0.1:{free_port()}/0"
    start = time.perf_counter()
    cache = TieredCache("dead", tier=RedisTier(dead), warn=lambda _m: None)
    row("refused at open (connect fails once)", us(time.perf_counter() - start))
    cache.set("k", 1)
    row("lookup after degrading (L1 hit)", us(per_call(lambda: cache.lookup("k"), 20000)))
    cache.close()
    if pid is None:
        return
    cache = TieredCache("hung", tier=RedisTier(url), warn=lambda _m: None)
    os.kill(pid, signal.SIGSTOP)  # the server we started: alive but answering nothing
    try:
        start = time.perf_counter()
        cache.lookup("absent")
        first = time.perf_counter() - start
        start = time.perf_counter()
        for i in range(100):
            cache.lookup(f"absent{i}")
        rest = (time.perf_counter() - start) / 100
    finally:
        os.kill(pid, signal.SIGCONT)
    row("hung server: first lookup (socket timeout)", f"{first * 1e3:9.1f} ms", f"shared afterwards: {cache.shared}")
    row("hung server: each later lookup", us(rest))
    cache.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as folder, redis_server(Path(folder)) as (url, pid):
        bench_hits(Path(folder), url)
        bench_outage(url, pid)


if __name__ == "__main__":
    main()
