"""Cache benchmark: every figure is a median from this one run, beside its anchor.

    python bench/cache.py            # ~30 s on a shared 2-core machine

Prints L1 and L2 hit times against a bare OrderedDict LRU, cachetools (if
installed) and raw diskcache.Cache.get on the same values, and for each 500 KB
value its floor: building its objects from bytes already in memory, which no
cache can avoid. Then JSON vs pickle vs the cache's codec; zstd vs zlib; content
hashing choices; inline vs worker-thread diskcache calls.
"""

from __future__ import annotations

import array
import asyncio
import gc
import json
import pickle
import random
import statistics
import sys
import tempfile
import time
import zlib
from collections import OrderedDict, deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import diskcache  # noqa: E402
import zstandard  # noqa: E402
from pydantic import BaseModel, ConfigDict  # noqa: E402

from tailor.pipeline.cache import TieredCache, _codec, content_hash  # noqa: E402


class Role(BaseModel):
    model_config = ConfigDict(frozen=True)
    title: str
    employer: str
    bullets: list[str]
    skills: list[str]


class Profile(BaseModel):
    model_config = ConfigDict(frozen=True)
    name: str
    summary: str
    roles: list[Role]
    scores: dict[str, float]


WORDS = (
    "led migrated payments Kubernetes Python Go latency cut p95 by team of engineers designed "
    "event-driven pipeline Kafka Postgres reduced cost cloud AWS Terraform on-call reliability SLO "
    "mentored shipped feature customers revenue growth analytics dashboard React TypeScript"
).split()


def profile(target_bytes: int, seed: int = 7) -> Profile:
    rng = random.Random(seed)

    def sentence() -> str:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20))) + f", {rng.randint(5, 60)}%."

    roles: list[Role] = []
    model = Profile(name="Ada Lovelace", summary=sentence(), roles=[], scores={})
    while len(pickle.dumps(model, 5)) < target_bytes:
        roles.append(
            Role(
                title=rng.choice(["Senior Engineer", "Staff Engineer", "Tech Lead"]),
                employer=f"Company {len(roles)}",
                bullets=[sentence() for _ in range(6)],
                skills=rng.sample(WORDS, 8),
            )
        )
        model = Profile(
            name="Ada Lovelace",
            summary=sentence(),
            roles=roles,
            scores={w: rng.random() for w in WORDS},
        )
    return model


def per_call(fn: Callable[[], Any], batch: int, repeats: int = 25) -> float:
    """Median seconds per call over ``repeats`` batches of ``batch`` calls."""
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(batch):
            fn()
        samples.append((time.perf_counter() - start) / batch)
    return statistics.median(samples)


def us(seconds: float) -> str:
    return f"{seconds * 1e6:9.2f} us"


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:8.3f} ms"


def row(label: str, value: str, note: str = "") -> None:
    print(f"  {label:<60}{value}  {note}".rstrip())


class BareLRU:
    """The anchor: the least an OrderedDict LRU with TTL can do per hit."""

    def __init__(self) -> None:
        self.data: OrderedDict[Any, tuple[Any, float]] = OrderedDict()

    def get(self, key: Any) -> Any:
        item = self.data.get(key)
        if item is None or item[1] < time.time():
            return None
        self.data.move_to_end(key)
        return item[0]


def bench_l1(tmp: Path) -> None:
    print("L1 hit (target <= 1 us)")
    lru = BareLRU()
    lru.data[("ns", "k")] = ({"score": 1.0}, time.time() + 3600)
    row("bare OrderedDict LRU+TTL (anchor)", us(per_call(lambda: lru.get(("ns", "k")), 20000)))
    try:
        import cachetools

        ttl_cache = cachetools.TTLCache(maxsize=4096, ttl=3600)
        ttl_cache["k"] = {"score": 1.0}
        row("cachetools.TTLCache (anchor)", us(per_call(lambda: ttl_cache["k"], 20000)))
    except ImportError:
        row("cachetools.TTLCache (anchor)", "not installed")
    cache = TieredCache(tmp / "l1")
    cache.set("k", {"score": 1.0}, namespace="ns", ttl=3600)
    t = per_call(lambda: cache.lookup("k", namespace="ns"), 20000)
    row("TieredCache.lookup, L1 hit", us(t), "OK" if t <= 1e-6 else "OVER TARGET")
    cache.close()


def gc_paused(fn: Callable[[], Any]) -> Callable[[], Any]:
    """``fn`` run with the collector paused, as the codec loads big payloads."""

    def run() -> Any:
        gc.disable()
        try:
            return fn()
        finally:
            gc.enable()

    return run


def bench_l2(tmp: Path) -> None:
    print("L2 hit (targets: <= 30 us at 1 KB, <= 1 ms at 500 KB)")
    print("  floor: the value's objects built from bytes already in memory (no I/O, no checksum, no")
    print("  decompression, gc paused): what any cache pays to hand the value over")
    text = " ".join(random.choice(WORDS) for _ in range(62_000))[:500_000]
    model = profile(500_000)
    floats = [random.random() for _ in range(55_000)]
    text_pickle, plain_pickle = pickle.dumps(text, 5), pickle.dumps(model.model_dump(), 5)
    float_pickle, doubles = pickle.dumps(floats, 5), array.array("d", floats).tobytes()
    # label: (value, target, batch, floors as (label, function))
    values: dict[str, tuple[Any, float, int, list[tuple[str, Callable[[], Any]]]]] = {
        "1 KB model": (profile(1_000), 30e-6, 2000, []),
        "1 KB dict": ({"skills": WORDS[:40], "score": 71.5}, 30e-6, 2000, []),
        "500 KB resume text (str)": (
            text,
            1e-3,
            40,
            [("the str from its pickle", lambda: pickle.loads(text_pickle))],
        ),
        "500 KB model (text lists)": (
            model,
            1e-3,
            40,
            [("as plain dicts and lists", lambda: pickle.loads(plain_pickle))],
        ),
        "500 KB float list": (
            floats,
            1e-3,
            40,
            [
                ("floats from raw doubles", lambda: memoryview(doubles).cast("d").tolist()),
                ("floats from their pickle", lambda: pickle.loads(float_pickle)),
            ],
        ),
    }
    raw = diskcache.Cache(str(tmp / "raw"))
    cache = TieredCache(tmp / "l2", max_entries=0)  # L1 keeps nothing: every hit is L2
    for label, (value, target, batch, floor_fns) in values.items():
        raw_bytes = len(pickle.dumps(value, 5))
        raw.set(label, value)
        cache.set(label, value, namespace="bench")
        anchor = per_call(lambda: raw.get(label), batch, 15)
        mine = per_call(lambda: cache.lookup(label, namespace="bench"), batch, 15)
        floors = [(name, per_call(gc_paused(fn), batch, 15)) for name, fn in floor_fns]
        assert cache.lookup(label, namespace="bench").value == value
        show = us if target < 1e-4 else ms
        row(f"{label} ({raw_bytes // 1000} KB pickled): raw diskcache", show(anchor), "(anchor)")
        for name, floor in floors:
            row(f"{label}: floor, {name}", show(floor), f"{floor / mine:4.0%} of our hit")
        verdict = "OK" if mine <= target else "OVER TARGET"
        floor = min((t for _, t in floors), default=0.0)
        if mine > target and floor > target:
            verdict += f" (the floor alone is {floor / target:.1f}x the target)"
        row(f"{label}: TieredCache L2 hit", show(mine), f"{anchor / mine:4.2f}x raw  {verdict}")
    stats = cache.stats().l2.namespaces["bench"]
    row("stored / raw bytes in L2", f"{stats.bytes_stored:,} / {stats.bytes_raw:,}")
    raw.close()
    cache.close()


def bench_serialisation() -> None:
    print("Serialisation: JSON vs pickle 5 vs the cache's codec (dump / load)")
    floats = [random.random() for _ in range(55_000)]
    model = profile(500_000)
    cases: dict[str, tuple[Callable[[], Any], Callable[[], Any], Callable[[Any], Any], Callable[[Any], Any]]] = {
        "500 KB float list": (
            lambda: json.dumps(floats),
            lambda: pickle.dumps(floats, 5),
            json.loads,
            pickle.loads,
        ),
        "500 KB pydantic model": (
            model.model_dump_json,
            lambda: pickle.dumps(model, 5),
            Profile.model_validate_json,
            pickle.loads,
        ),
    }
    for label, (jdump, pdump, jload, pload) in cases.items():
        j, p = jdump(), pdump()
        tj, tp = per_call(jdump, 3, 9), per_call(pdump, 3, 9)
        lj, lp = per_call(lambda: jload(j), 3, 9), per_call(lambda: pload(p), 3, 9)
        row(f"{label}: JSON dump / load", f"{ms(tj)} / {ms(lj)}")
        row(f"{label}: pickle dump / load", f"{ms(tp)} / {ms(lp)}", f"dump {tj / tp:5.1f}x, load {lj / lp:5.1f}x faster")
    # The codec pickles pydantic models the plain way (pipeline/cache/_codec.py).
    c = _codec.dumps(model)
    tc, lc = per_call(lambda: _codec.dumps(model), 3, 9), per_call(gc_paused(lambda: pickle.loads(c)), 3, 9)
    row("500 KB pydantic model: codec dump / load (gc paused)", f"{ms(tc)} / {ms(lc)}")
    # The codec pauses gc around big loads. Measured as a program uses a cache: it keeps what it
    # loads (here the last 16 values) and goes on allocating (here 3000 small dicts per load).
    kept: deque[Any] = deque(maxlen=16)
    live: deque[Any] = deque(maxlen=1000)

    def in_use(load: Callable[[], Any]) -> Callable[[], None]:
        def run() -> None:
            kept.append(load())
            live.extend({"i": i} for i in range(3000))

        return run

    running = per_call(in_use(lambda: pickle.loads(c)), 3, 9)
    paused = per_call(in_use(gc_paused(lambda: pickle.loads(c))), 3, 9)
    row(
        "500 KB pydantic model: codec load, values kept, gc running / paused",
        f"{ms(running)} / {ms(paused)}",
        f"pausing saves {1 - paused / running:4.0%}",
    )


def bench_compression() -> None:
    print("Compression of pickled values: zstd level 3 vs zlib level 6")
    data = {
        "500 KB pydantic model": pickle.dumps(profile(500_000), 5),
        "20 KB pydantic model": pickle.dumps(profile(20_000), 5),
        "500 KB float list": pickle.dumps([random.random() for _ in range(55_000)], 5),
    }
    zc, zd = zstandard.ZstdCompressor(level=3), zstandard.ZstdDecompressor()
    for label, blob in data.items():
        z, c = zc.compress(blob), zlib.compress(blob, 6)
        reps = 5 if len(blob) > 100_000 else 50
        tzc, tzd = per_call(lambda: zc.compress(blob), reps, 9), per_call(lambda: zd.decompress(z), reps, 9)
        tlc, tld = per_call(lambda: zlib.compress(blob, 6), reps, 9), per_call(lambda: zlib.decompress(c), reps, 9)
        row(f"{label}: zstd  comp / decomp / ratio", f"{ms(tzc)} / {ms(tzd)} / {len(blob) / len(z):6.2f}")
        row(
            f"{label}: zlib  comp / decomp / ratio",
            f"{ms(tlc)} / {ms(tld)} / {len(blob) / len(c):6.2f}",
            f"zstd comp {tlc / tzc:4.1f}x, decomp {tld / tzd:4.1f}x faster",
        )


def bench_hashing() -> None:
    import hashlib

    print("Content hash of a 500 KB model (keys.py walks it: canonical across processes)")
    model = profile(500_000)
    walk = per_call(lambda: content_hash(model), 3, 9)
    dump = per_call(lambda: hashlib.blake2b(model.model_dump_json().encode(), digest_size=16).digest(), 3, 9)
    pick = per_call(lambda: hashlib.blake2b(pickle.dumps(model, 5), digest_size=16).digest(), 3, 9)
    row("content_hash (walk)", ms(walk))
    row("blake2b(model_dump_json) (not canonical for sets)", ms(dump))
    row("blake2b(pickle) (not canonical for sets)", ms(pick))


def bench_thread_hop(tmp: Path) -> None:
    print("diskcache 1 KB get: inline vs through a worker thread (why reads are synchronous)")
    raw = diskcache.Cache(str(tmp / "hop"))
    raw.set("k", b"x" * 1000)

    async def hop() -> tuple[float, float]:
        inline = per_call(lambda: raw.get("k"), 500, 9)
        samples = []
        for _ in range(9):
            start = time.perf_counter()
            for _ in range(200):
                await asyncio.to_thread(raw.get, "k")
            samples.append((time.perf_counter() - start) / 200)
        return inline, statistics.median(samples)

    inline, threaded = asyncio.run(hop())
    row("inline", us(inline))
    row("asyncio.to_thread", us(threaded), f"+{(threaded - inline) * 1e6:.0f} us per call")
    raw.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        bench_l1(tmp)
        bench_l2(tmp)
        bench_serialisation()
        bench_compression()
        bench_hashing()
        bench_thread_hop(tmp)


if __name__ == "__main__":
    main()
