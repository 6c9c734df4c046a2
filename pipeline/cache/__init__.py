"""Two-tier cache: L1 in-process LRU + TTL over L2 diskcache (or Redis), with step memoization.

    cache = TieredCache("~/.cache/tailor")          # L1 + L2 (folder created 0o700)
    cache = TieredCache(tier=RedisTier(url))        # L1 + L2 shared by every machine on one Redis
    value, status = await cache.get_or_compute(key, compute, namespace="ats", ttl=3600, tags=["job:..."])
    cache.invalidate("job:...")                     # every entry with the tag, both tiers
    cache.stats().to_dict()                         # per tier and namespace
    memo = StepMemo(cache, fingerprint)             # the engine's StepCache
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tailor.pipeline.cache._disk import remove_cache_files
    from tailor.pipeline.cache._entry import Entry, Lookup, Status
    from tailor.pipeline.cache._redis import RedisTier
    from tailor.pipeline.cache._stats import CacheStats, Counts, TierStats
    from tailor.pipeline.cache._tier import Stored, Tier
    from tailor.pipeline.cache.keys import ContentHasher, content_hash, tag_for
    from tailor.pipeline.cache.memo import StepMemo
    from tailor.pipeline.cache.tiered import TTL, TieredCache

# Loaded on first use: a module of this package (the whole-run fast path's counters, through
# _disk) must not pull in the tiered cache and asyncio with it.
_WHERE = {
    "TTL": "tiered", "TieredCache": "tiered", "CacheStats": "_stats", "Counts": "_stats", "TierStats": "_stats",
    "Entry": "_entry", "Lookup": "_entry", "Status": "_entry", "RedisTier": "_redis", "Stored": "_tier",
    "Tier": "_tier", "ContentHasher": "keys", "content_hash": "keys", "tag_for": "keys", "StepMemo": "memo",
    "remove_cache_files": "_disk",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "TTL",
    "CacheStats",
    "ContentHasher",
    "Counts",
    "Entry",
    "Lookup",
    "RedisTier",
    "Status",
    "StepMemo",
    "Stored",
    "Tier",
    "TierStats",
    "TieredCache",
    "content_hash",
    "remove_cache_files",
    "tag_for",
]
