"""The interface of a shared (L2) tier: diskcache now, Redis (pipeline/cache/_redis.py).

A tier stores opaque blobs (see _codec) under (namespace, key), keeps a tag
index so one call drops every entry carrying a tag, holds process-safe
counters for statistics, and a generation number bumped by every
invalidation so other processes know to drop their L1 copies.
Every method may raise ``CacheError``; ``broken`` turns true once the tier
cannot be used at all.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import NamedTuple, Protocol


class Stored(NamedTuple):
    """One stored entry as a scan sees it: enough for statistics, not the value."""

    namespace: str
    key: str
    head: bytes  # at least the codec's fixed header
    stored_size: int


class Tier(Protocol):
    broken: bool

    def get(self, namespace: str, key: str) -> bytes | None: ...

    def set(
        self, namespace: str, key: str, blob: bytes, *, expire: float | None, tags: Sequence[str]
    ) -> None: ...

    def delete(self, namespace: str, key: str) -> bool: ...

    def delete_tag(self, tag: str) -> int: ...

    def clear(self, namespace: str | None = None) -> int: ...

    def scan(self) -> Iterator[Stored]: ...

    def add_counters(self, deltas: Mapping[tuple[str, str, str], int]) -> None: ...

    def counters(self) -> dict[tuple[str, str, str], int]: ...

    def reset_counters(self) -> None: ...

    def generation(self) -> int: ...

    def close(self) -> None: ...
