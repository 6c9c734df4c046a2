"""A wall clock that moves only when a test says so, for TTL and expiry tests."""

from __future__ import annotations

import time


class FakeClock:
    """Seconds since the epoch, advanced by hand. Starts at ``start``, or at the real time
    (a Redis tier is given absolute expiries, so they must be near the server's clock)."""

    def __init__(self, start: float | None = None) -> None:
        self.now = time.time() if start is None else start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
