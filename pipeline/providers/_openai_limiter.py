"""Client-side limits: at most N requests in flight, and at most R requests per minute.

The rate is a GCRA (a token bucket kept as one timestamp): a burst of up to
``burst`` requests goes at once, then they are spaced 60/R seconds apart. A
request reserves its slot before it sleeps, so concurrent callers queue in
arrival order and never wake together to overshoot the rate.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


class Limiter:
    """``async with limiter.slot(): ...`` around every request sent."""

    def __init__(
        self,
        concurrency: int,
        per_minute: float,
        *,
        burst: int | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if concurrency < 1 or per_minute <= 0:
            raise ValueError("concurrency must be >= 1 and per_minute > 0")
        self.concurrency = concurrency
        self.interval = 60.0 / per_minute
        self.burst = max(1, burst if burst is not None else min(concurrency, int(per_minute)))
        self._clock = clock
        self._sleep = sleep
        self._tat = 0.0  # theoretical arrival time of the next request
        self._semaphore: asyncio.Semaphore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.in_flight = 0
        self.peak_in_flight = 0
        self._slot = _Slot(self)

    def reserve(self) -> float:
        """Book the next slot; return how long to wait for it (0 = now)."""
        now = self._clock()
        tat = max(self._tat, now)
        wait = max(0.0, tat - (self.burst - 1) * self.interval - now)
        self._tat = tat + self.interval
        return wait

    def slot(self) -> _Slot:
        """``async with limiter.slot():`` holds one of the ``concurrency`` places, after the rate allows."""
        return self._slot

    def _gate(self) -> asyncio.Semaphore:
        # A semaphore belongs to one event loop; a new loop (another anyio.run) gets a new one.
        loop = asyncio.get_running_loop()
        if self._semaphore is None or self._loop is not loop:
            self._semaphore, self._loop = asyncio.Semaphore(self.concurrency), loop
        return self._semaphore


class _Slot:
    """The limiter's context manager: a plain class (one per limiter), not a generator per request."""

    __slots__ = ("_limiter",)

    def __init__(self, limiter: Limiter) -> None:
        self._limiter = limiter

    async def __aenter__(self) -> None:
        limiter = self._limiter
        gate = limiter._gate()
        await gate.acquire()
        try:
            wait = limiter.reserve()
            if wait > 0:
                await limiter._sleep(wait)
        except BaseException:
            gate.release()
            raise
        limiter.in_flight += 1
        limiter.peak_in_flight = max(limiter.peak_in_flight, limiter.in_flight)

    async def __aexit__(self, *exc_info: object) -> None:
        limiter = self._limiter
        limiter.in_flight -= 1
        limiter._gate().release()
