"""Two-tier cache: L1 in-process LRU + TTL over L2 diskcache (or Redis), with step memoization.

    cache = TieredCache("~/.cache/tailor")          # L1 + L2 (folder created 0o700)
    cache = TieredCache(tier=RedisTier(url))        # L1 + L2 shared by every machine on one Redis
    value, status = await cache.get_or_compute(key, compute, namespace="ats", ttl=3600, tags=["job:..."])
    cache.invalidate("job:...")                     # every entry with the tag, both tiers
    cache.stats().to_dict()                         # per tier and namespace
    memo = StepMemo(cache, fingerprint)             # the engine's StepCache
"""

from __future__ import annotations

from tailor.pipeline.cache._disk import remove_cache_files
from tailor.pipeline.cache._entry import Entry, Lookup, Status
from tailor.pipeline.cache._redis import RedisTier
from tailor.pipeline.cache._stats import CacheStats, Counts, TierStats
from tailor.pipeline.cache._tier import Stored, Tier
from tailor.pipeline.cache.keys import ContentHasher, content_hash, tag_for
from tailor.pipeline.cache.memo import StepMemo
from tailor.pipeline.cache.tiered import TTL, TieredCache

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
