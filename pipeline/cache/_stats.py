"""Frozen statistics: per tier (l1, l2), in total and per namespace."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

# Counter fields in the order of the per-namespace counter lists kept by TieredCache.
COUNTER_FIELDS: tuple[tuple[str, str], ...] = (
    ("l1", "hits"),
    ("l1", "misses"),
    ("l1", "stale"),
    ("l2", "hits"),
    ("l2", "misses"),
    ("l2", "stale"),
)

@dataclass(frozen=True, slots=True)
class Counts:
    """Lookups and contents of one tier, in total or for one namespace.

    ``stale`` counts hits served past their soft expiry (included in ``hits``).
    """

    hits: int = 0
    misses: int = 0
    stale: int = 0
    entries: int = 0
    bytes_raw: int = 0
    bytes_stored: int = 0

    @property
    def hit_rate(self) -> float:
        lookups = self.hits + self.misses
        return self.hits / lookups if lookups else 0.0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.hits + other.hits,
            self.misses + other.misses,
            self.stale + other.stale,
            self.entries + other.entries,
            self.bytes_raw + other.bytes_raw,
            self.bytes_stored + other.bytes_stored,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "hits": self.hits,
            "misses": self.misses,
            "hit_rate": round(self.hit_rate, 4),
            "stale": self.stale,
            "entries": self.entries,
            "bytes_raw": self.bytes_raw,
            "bytes_stored": self.bytes_stored,
        }


@dataclass(frozen=True, slots=True)
class TierStats:
    """One tier: its totals and a breakdown by namespace (the step name for step caching)."""

    name: str
    enabled: bool
    total: Counts
    namespaces: Mapping[str, Counts]

    def to_dict(self) -> dict[str, Any]:
        return {
            "enabled": self.enabled,
            **self.total.to_dict(),
            "namespaces": {ns: counts.to_dict() for ns, counts in sorted(self.namespaces.items())},
        }


@dataclass(frozen=True, slots=True)
class CacheStats:
    """Hits and misses are the history persisted by every process using the folder
    (plus this process's when there is no folder); entries and bytes are what the
    tier holds now (L1: this process's memory)."""

    directory: str | None
    l1: TierStats
    l2: TierStats

    def to_dict(self) -> dict[str, Any]:
        return {"directory": self.directory, "tiers": {"l1": self.l1.to_dict(), "l2": self.l2.to_dict()}}


def build_tier(
    name: str,
    enabled: bool,
    counters: Mapping[tuple[str, str, str], int],
    contents: Mapping[str, tuple[int, int, int]],
) -> TierStats:
    """Assemble a tier from counters (tier, namespace, field) -> n and contents namespace -> (entries, raw, stored)."""
    names = {ns for (tier, ns, _f) in counters if tier == name} | set(contents)
    per_ns: dict[str, Counts] = {}
    for ns in names:
        entries, raw, stored = contents.get(ns, (0, 0, 0))
        per_ns[ns] = Counts(
            hits=counters.get((name, ns, "hits"), 0),
            misses=counters.get((name, ns, "misses"), 0),
            stale=counters.get((name, ns, "stale"), 0),
            entries=entries,
            bytes_raw=raw,
            bytes_stored=stored,
        )
    total = sum(per_ns.values(), Counts())
    return TierStats(name, enabled, total, MappingProxyType(per_ns))
