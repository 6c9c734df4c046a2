"""The Redis tier under TieredCache: promotion, the codec's bytes, expiry by PX, and clear()."""

from __future__ import annotations

import os
import pickle
import time
from pathlib import Path

import pytest
from pydantic import BaseModel

from tailor.pipeline.cache import TieredCache, _codec
from tailor.pipeline.cache._disk import entry_key as disk_key


class Skillset(BaseModel):
    name: str
    bullets: list[str]
    scores: dict[str, float]


VALUE = Skillset(name="Ada", bullets=["Led café payments in Python", "  messy\ttabs\n"], scores={"python": 0.9})


def key(namespace: str, k: str) -> bytes:
    return f"tailor:e:{namespace}\x1f{k}".encode()


def test_l1_miss_then_redis_hit_then_promoted(make_cache, raw) -> None:
    writer = make_cache()
    writer.set("k", VALUE, namespace="ats", tags=["job:1"])
    assert raw.exists(key("ats", "k"))
    reader = make_cache()  # another machine: empty L1, same Redis
    assert reader.lookup("k", namespace="ats") == (VALUE, "l2")
    assert reader.lookup("k", namespace="ats") == (VALUE, "l1")
    assert reader.get("absent", namespace="ats") is None
    assert reader.get("k", namespace="job") is None  # namespaces are separate keys
    stats = reader.stats()
    ats = stats.l2.namespaces["ats"]
    assert (ats.hits, ats.misses, ats.entries) == (1, 1, 1)
    assert (stats.l1.namespaces["ats"].hits, stats.l1.namespaces["ats"].misses) == (1, 2)
    assert stats.directory == reader.directory and stats.directory.startswith("redis://127.0.0.1:")


def test_blobs_are_the_codecs_bytes_exactly_as_on_disk(make_cache, raw, tmp_path: Path, clock) -> None:
    redis_cache = make_cache(compress_over=4096)
    disk_cache = TieredCache(tmp_path / "disk", clock=clock, compress_over=4096)
    text = [f"Shipped feature {i} in Python for payments" for i in range(3000)]
    noise = os.urandom(50_000)
    for name, value in (("text", text), ("noise", noise), ("model", VALUE)):
        redis_cache.set(name, value, namespace="rewrite", tags=["step:rewrite"])
        disk_cache.set(name, value, namespace="rewrite", tags=["step:rewrite"])
    import diskcache

    disk_cache.close()
    with diskcache.Cache(str(tmp_path / "disk")) as disk:
        for name in ("text", "noise", "model"):
            assert raw.get(key("rewrite", name)) == disk.get(disk_key("rewrite", name))

    packed = raw.get(key("rewrite", "text"))
    assert len(packed) < len(pickle.dumps(text, protocol=5)) / 4  # compressed
    assert len(raw.get(key("rewrite", "noise"))) > len(noise)  # incompressible: kept as is
    assert _codec.decode(packed, "rewrite").value == text
    fresh = make_cache()
    assert fresh.get("text", namespace="rewrite") == text
    assert fresh.get("noise", namespace="rewrite") == noise
    l2 = fresh.stats().l2.namespaces["rewrite"]
    assert l2.entries == 3 and l2.bytes_stored < l2.bytes_raw


def test_redis_expires_entries_at_their_hard_expiry(make_cache, raw, clock) -> None:
    cache = make_cache(grace_ratio=0.5)
    cache.set("k", "v", namespace="ats", ttl=60, tags=["job:1", "step:ats"])
    cache.set("forever", "v", namespace="ats", tags=["step:ats"])
    assert 60_000 < raw.pttl(key("ats", "k")) <= 90_000  # fresh 60 s + 30 s served stale
    assert 60_000 < raw.pttl(b"tailor:t:job:1") <= 90_000  # the index goes with its entries
    assert raw.pttl(key("ats", "forever")) == -1
    assert raw.pttl(b"tailor:t:step:ats") == -1  # it holds an entry that never expires

    clock.advance(61)
    assert make_cache().lookup("k", namespace="ats") == ("v", "stale")  # past soft expiry, from Redis
    clock.advance(30)
    assert make_cache().lookup("k", namespace="ats") is None  # past hard expiry: a miss

    cache.set("short", "v", ttl=0.05, grace=0)
    deadline = time.monotonic() + 5
    while raw.exists(key("default", "short")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not raw.exists(key("default", "short"))  # Redis dropped it by itself


def test_clear_drops_only_tailors_keys(make_cache, raw) -> None:
    foreign = {b"other:app:key": b"x", b"tailor": b"y", b"tailorless": b"z", b"tailor:ex": b"w"}
    for k, v in foreign.items():
        raw.set(k, v)
    raw.sadd(b"sessions", b"a")
    staging = make_cache(prefix="staging:tailor:")
    staging.set("k", "theirs", namespace="ats")
    cache = make_cache()
    namespaces = ["ats", "a*b", "a[x]b", "axxb", "a?b", "日本語", "back\\slash"]
    for ns in namespaces:
        cache.set("k", ns, namespace=ns, tags=["shared", f"ns:{ns}"])
    for i in range(1200):  # more than one SCAN page and one UNLINK batch
        cache.set(f"bulk{i}", i, namespace="bulk")

    assert cache.clear("a*b") == 1  # a glob character in a namespace is a literal
    fresh = make_cache()
    assert fresh.get("k", namespace="a*b") is None
    assert [fresh.get("k", namespace=ns) for ns in ("a[x]b", "axxb", "a?b")] == ["a[x]b", "axxb", "a?b"]

    fresh.flush()  # its lookups are now statistics in Redis
    assert cache.clear() == len(namespaces) - 1 + 1200
    keys = set(raw.keys())
    assert set(foreign) | {b"sessions"} <= keys
    assert {raw.get(k) for k in foreign} == set(foreign.values())
    assert not [k for k in keys if k.startswith((b"tailor:e:", b"tailor:t:"))]
    assert any(k.startswith(b"tailor:c:") for k in keys)  # statistics history stays
    assert make_cache(prefix="staging:tailor:").get("k", namespace="ats") == "theirs"
    assert make_cache().stats().l2.total.entries == 0


def test_messy_keys_namespaces_and_tags_round_trip(make_cache) -> None:
    cache = make_cache()
    odd = ["", " ", "ключ", "tab\there", "new\nline", "x" * 2000, "*", "[a-z]"]
    for i, k in enumerate(odd):
        cache.set(k, i, namespace=f"ns {k[:10]}", tags=[f"tag {k[:20]}", "all:*"])
    other = make_cache()
    assert [other.lookup(k, namespace=f"ns {k[:10]}") for k in odd] == [(i, "l2") for i in range(len(odd))]
    assert other.invalidate("tag [a-z]") == 1
    assert other.invalidate("all:*") == len(odd) - 1
    assert make_cache().stats().l2.total.entries == 0
    with pytest.raises(ValueError, match="x1f"):
        cache.set("k", 1, namespace="bad\x1fns")


def test_foreign_values_under_the_prefix_are_misses_not_crashes(make_cache, raw, warnings_seen) -> None:
    cache = make_cache()
    cache.set("good", "v", namespace="ns")
    raw.sadd(key("ns", "a set"), b"x")  # wrong type under an entry key
    raw.set(key("ns", "garbage"), b"TC\x01not a blob")
    raw.set(b"tailor:c:ns", b"not a hash")
    raw.hset(b"tailor:c:other", mapping={b"l1:hits": b"lots", b"\xff:hits": b"2", b"l2:misses": b"3"})
    reader = make_cache()
    assert reader.get("a set", namespace="ns") is None
    assert reader.get("garbage", namespace="ns") is None
    assert reader.shared  # one bad key does not cost the shared tier
    stats = reader.stats().l2
    assert stats.namespaces["ns"].entries == 1  # only the good entry counts
    assert stats.namespaces["other"].misses == 3
    reader.set("a set", "now mine", namespace="ns")
    assert make_cache().get("a set", namespace="ns") == "now mine"
    assert len(warnings_seen) == 2
    assert "WRONGTYPE" in warnings_seen[0] and "malformed" in warnings_seen[1]
