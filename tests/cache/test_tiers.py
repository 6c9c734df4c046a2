from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from pydantic import BaseModel

from tailor.pipeline.cache import TieredCache


class Skillset(BaseModel):
    name: str
    bullets: list[str]
    scores: dict[str, float]


def test_hits_and_misses_per_tier(make_cache) -> None:
    cache = make_cache()
    assert cache.lookup("k", namespace="ats") is None
    cache.set("k", {"score": 71.5}, namespace="ats")
    assert cache.lookup("k", namespace="ats") == ({"score": 71.5}, "l1")
    other = make_cache()  # same folder, empty memory
    assert other.lookup("k", namespace="ats") == ({"score": 71.5}, "l2")
    assert other.lookup("k", namespace="ats").status == "l1"  # promoted
    assert cache.stats().l1.namespaces["ats"].hits == 1  # other's counts are batched, not written yet
    other.flush()
    stats = cache.stats()  # history of both instances, through the folder
    l1, l2 = stats.l1.namespaces["ats"], stats.l2.namespaces["ats"]
    assert (l1.hits, l1.misses) == (2, 2)
    assert (l2.hits, l2.misses) == (1, 1)
    assert stats.l2.total.entries == 1
    assert stats.l1.namespaces["ats"].hit_rate == 0.5


def test_namespaces_are_separate(make_cache) -> None:
    cache = make_cache()
    cache.set("k", "resume side", namespace="profile")
    assert cache.get("k", namespace="job") is None
    assert cache.get("k", "fallback", namespace="job") == "fallback"
    assert cache.get("k", namespace="profile") == "resume side"


def test_l1_evicts_least_recently_used(make_cache) -> None:
    cache = make_cache(None, max_entries=3)
    for k in "abc":
        cache.set(k, k.upper())
    assert cache.get("a") == "A"  # a is now the most recent; b is the oldest
    cache.set("d", "D")
    assert cache.get("b") is None
    assert [cache.get(k) for k in "acd"] == ["A", "C", "D"]


def test_l1_byte_bound_evicts(make_cache) -> None:
    cache = make_cache(None, max_bytes=3000)
    cache.set("a", "x" * 1000)
    cache.set("b", "y" * 1000)
    cache.set("c", "z" * 1000)  # three pickles of ~1015 bytes exceed 3000
    assert cache.get("a") is None
    assert cache.get("b") == "y" * 1000 and cache.get("c") == "z" * 1000


def test_l1_eviction_falls_back_to_l2(make_cache) -> None:
    cache = make_cache(max_entries=1)
    cache.set("a", 1)
    cache.set("b", 2)
    assert cache.lookup("a") == (1, "l2")


def test_ttl_expiry_with_injected_clock(make_cache, clock) -> None:
    cache = make_cache(grace_ratio=0.0)
    cache.set("k", "v", ttl=60)
    clock.advance(59.9)
    assert cache.lookup("k") == ("v", "l1")
    clock.advance(0.2)
    assert cache.lookup("k") is None
    assert make_cache().lookup("k") is None  # expired for L2 readers too


def test_compression_round_trip_and_stored_smaller(make_cache) -> None:
    cache = make_cache()
    model = Skillset(
        name="backend",
        bullets=[f"Built service {i} in Python and Go, cutting latency by {i % 40}%" for i in range(400)],
        scores={f"skill{i}": i / 7 for i in range(200)},
    )
    cache.set("m", model, namespace="profile")
    cache.set("small", "tiny", namespace="profile")
    fresh = make_cache()
    found = fresh.lookup("m", namespace="profile")
    assert found.status == "l2" and found.value == model and found.value is not model
    l2 = fresh.stats().l2.namespaces["profile"]
    assert l2.entries == 2
    assert l2.bytes_stored < l2.bytes_raw / 3


def test_incompressible_values_are_stored_as_is(make_cache) -> None:
    cache = make_cache()
    noise = os.urandom(50_000)
    cache.set("noise", noise)
    assert make_cache().get("noise") == noise
    l2 = cache.stats().l2.total
    assert l2.bytes_stored >= l2.bytes_raw  # no compression applied: header only on top


def test_unpicklable_value_stays_in_memory_only(make_cache, warnings_seen) -> None:
    cache = make_cache()
    value = lambda: 1  # noqa: E731 - a lambda cannot be pickled
    cache.set("f", value, namespace="fn")
    assert cache.get("f", namespace="fn") is value
    assert make_cache().get("f", namespace="fn") is None
    assert any("memory only" in w for w in warnings_seen)


def test_folder_created_owner_only(tmp_path: Path, make_cache) -> None:
    folder = tmp_path / "deep" / "cache"
    make_cache(folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_memory_only_when_no_folder(clock) -> None:
    cache = TieredCache(None, clock=clock)
    cache.set("k", 1)
    assert cache.lookup("k") == (1, "l1")
    stats = cache.stats()
    assert not stats.l2.enabled and stats.directory is None
    assert stats.l1.total.hits == 1 and stats.l1.total.entries == 1


def test_delete_drops_both_tiers(make_cache) -> None:
    cache = make_cache()
    cache.set("k", 1)
    assert cache.delete("k")
    assert cache.get("k") is None and make_cache().get("k") is None
    assert not cache.delete("k")


def test_clear_namespace_and_all(make_cache) -> None:
    cache = make_cache()
    cache.set("a", 1, namespace="one")
    cache.set("b", 2, namespace="two")
    cache.set("c", 3, namespace="two")
    assert cache.clear("two") == 2
    other = make_cache()
    assert other.get("a", namespace="one") == 1
    assert other.get("b", namespace="two") is None and cache.get("c", namespace="two") is None
    cache.clear()
    assert make_cache().get("a", namespace="one") is None
    assert cache.stats().l2.total.entries == 0


def test_messy_keys_and_values(make_cache) -> None:
    cache = make_cache()
    values = {
        "": "empty key",
        "ключ with spaces/and:colons": {"nested": [1, 2.5, None, ("t", b"\x00\xff")]},
        "x" * 5000: "long key",
        "emoji 🚀": float("inf"),
    }
    for k, v in values.items():
        cache.set(k, v, namespace="messy ns", tags=["t:é", "other tag"])
    fresh = make_cache()
    for k, v in values.items():
        assert fresh.get(k, namespace="messy ns") == v
    assert fresh.invalidate("t:é") == len(values)


def test_separator_in_namespace_or_tag_is_rejected(make_cache) -> None:
    cache = make_cache()
    with pytest.raises(ValueError):
        cache.set("k", 1, namespace="a\x1fb")
    with pytest.raises(ValueError):
        cache.set("k", 1, tags=["bad\x1ftag"])


def test_counts_are_batched_then_flushed_each_sync_interval(make_cache, clock) -> None:
    cache = make_cache(sync_interval=5.0)
    observer = make_cache()
    cache.set("k", 1)
    for _ in range(10):
        cache.get("k")
    assert observer.stats().l1.total.hits == 0  # nothing written per hit
    clock.advance(6)
    cache.get("k")  # the first lookup past the interval flushes the batch
    assert observer.stats().l1.total.hits == 10


def test_reset_stats_forgets_every_process_history_but_keeps_entries(make_cache) -> None:
    cache = make_cache()
    cache.set("k", "v", namespace="ns")
    assert cache.get("k", namespace="ns") == "v" and cache.get("absent", namespace="ns") is None
    cache.flush()
    assert make_cache().stats().l2.namespaces["ns"].misses == 1  # persisted, seen by another instance
    cache.reset_stats()
    fresh = make_cache().stats()
    assert (fresh.l2.total.hits, fresh.l2.total.misses) == (0, 0)
    assert fresh.l2.total.entries == 1 and make_cache().get("k", namespace="ns") == "v"
