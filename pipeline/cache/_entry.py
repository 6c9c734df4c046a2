"""A cached value with the metadata both tiers keep beside it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from tailor.pipeline.engine.report import CacheStatus

# A cache read's status: the engine's CacheStatus (never OFF: a read that happened).
Status = CacheStatus

FOREVER = float("inf")

_tuple_new = tuple.__new__  # builds a Lookup without NamedTuple's Python-level __new__


@dataclass(slots=True)
class Entry:
    """One cache entry. Expiries are wall-clock seconds (``inf`` = never).

    Fresh until ``soft_expiry``; served stale (and refreshed) until
    ``hard_expiry``; gone after.
    """

    value: Any
    created: float
    soft_expiry: float
    hard_expiry: float
    tags: tuple[str, ...]
    namespace: str
    raw_size: int
    stored_size: int
    # Built once so an L1 hit returns without allocating.
    fresh_hit: Lookup = field(init=False, repr=False, compare=False)
    stale_hit: Lookup = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.fresh_hit = _tuple_new(Lookup, (self.value, CacheStatus.L1))
        self.stale_hit = _tuple_new(Lookup, (self.value, CacheStatus.STALE))


class Lookup(NamedTuple):
    """What a read found: the value and where it came from (``status``)."""

    value: Any
    status: Status
