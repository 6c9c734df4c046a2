from __future__ import annotations

import os
from pathlib import Path

import pytest

from tailor.pipeline.cache import TieredCache


def test_garbage_database_is_reported_and_rebuilt(tmp_path: Path, make_cache, warnings_seen) -> None:
    cache = make_cache()
    cache.set("k", "v")
    cache.close()
    db = tmp_path / "cache" / "cache.db"
    db.write_bytes(b"this is not sqlite at all" * 100)
    for name in ("cache.db-wal", "cache.db-shm"):
        (tmp_path / "cache" / name).unlink(missing_ok=True)

    rebuilt = make_cache()
    assert rebuilt.shared
    assert sum("corrupt" in w for w in warnings_seen) == 1
    assert rebuilt.get("k") is None  # the old value is gone, never a wrong one
    rebuilt.set("k", "fresh")
    assert make_cache().get("k") == "fresh"


def test_database_corrupted_while_open_is_rebuilt(tmp_path: Path, make_cache, warnings_seen) -> None:
    cache = make_cache()
    for i in range(50):
        cache.set(f"k{i}", "v" * 2000)
    folder = tmp_path / "cache"
    cache.close()
    live = make_cache(max_entries=1)
    size = (folder / "cache.db").stat().st_size
    with open(folder / "cache.db", "r+b") as fh:  # keep the header page, trash the rest
        fh.seek(4096)
        fh.write(os.urandom(size - 4096))
    results = [live.get(f"k{i}") for i in range(50)]
    assert all(r is None or r == "v" * 2000 for r in results)
    assert sum("corrupt" in w for w in warnings_seen) == 1
    live.set("after", 1)
    assert live.shared
    assert make_cache().get("after") == 1


def test_corrupted_large_value_file_is_a_miss_and_dropped(tmp_path: Path, make_cache, warnings_seen) -> None:
    cache = make_cache()
    value = os.urandom(100_000)  # incompressible: stored as is, in its own file
    cache.set("big", value)
    files = [p for p in (tmp_path / "cache").rglob("*.val")]
    assert len(files) == 1
    data = bytearray(files[0].read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped bit-pattern deep in the pickle
    files[0].write_bytes(bytes(data))

    fresh = make_cache()
    assert fresh.get("big") is None
    assert any("checksum" in w for w in warnings_seen)
    assert fresh.stats().l2.total.entries == 0  # dropped
    assert cache.get("big") == value  # the writer's own L1 copy was never touched


def test_foreign_bytes_under_an_entry_key_are_a_miss(tmp_path: Path, make_cache, warnings_seen) -> None:
    import diskcache

    from tailor.pipeline.cache._disk import entry_key

    cache = make_cache()
    cache.set("k", "v", namespace="ns")
    with diskcache.Cache(str(tmp_path / "cache")) as raw:
        raw.set(entry_key("ns", "k"), b"TC\x01garbage")
        raw.set(entry_key("ns", "j"), "not even bytes")
    fresh = make_cache()
    assert fresh.get("k", namespace="ns") is None
    assert fresh.get("j", namespace="ns") is None
    assert len([w for w in warnings_seen if "malformed" in w or "undecodable" in w]) == 1  # once


def test_folder_that_cannot_be_created_degrades_to_memory(tmp_path: Path, make_cache, warnings_seen) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    cache = make_cache(blocker / "cache")
    assert not cache.shared
    assert len(warnings_seen) == 1 and "memory only" in warnings_seen[0]
    cache.set("k", "v")
    assert cache.lookup("k") == ("v", "l1")
    assert not cache.stats().l2.enabled


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores folder permissions")
def test_read_only_parent_degrades_to_memory(tmp_path: Path, make_cache, warnings_seen) -> None:
    parent = tmp_path / "ro"
    parent.mkdir()
    parent.chmod(0o500)
    try:
        cache = make_cache(parent / "cache")
        assert not cache.shared
        cache.set("k", 1)
        assert cache.get("k") == 1
    finally:
        parent.chmod(0o700)


def test_existing_file_as_folder_degrades(tmp_path: Path, clock) -> None:
    path = tmp_path / "cache"
    path.write_text("x")
    seen: list[str] = []
    cache = TieredCache(path, clock=clock, warn=seen.append)
    assert not cache.shared and "not a folder" in seen[0]


def test_corrupted_compressed_value_is_a_miss(tmp_path: Path, make_cache, warnings_seen) -> None:
    import diskcache

    from tailor.pipeline.cache._disk import entry_key

    cache = make_cache()
    value = [f"Shipped feature {i} in Python for payments" for i in range(3000)]
    cache.set("k", value)
    with diskcache.Cache(str(tmp_path / "cache")) as raw:
        blob = bytearray(raw.get(entry_key("default", "k")))
        assert len(blob) < 20_000  # compressed
        blob[len(blob) // 2] ^= 0x04
        raw.set(entry_key("default", "k"), bytes(blob))
    assert make_cache().get("k") is None
    assert any("undecodable" in w for w in warnings_seen)
