"""Singleflight: concurrent identical calls share one in-flight call.

``do``: the shared call runs as its own asyncio task and every caller awaits it
through ``asyncio.shield``, so cancelling one caller (the first one included)
never cancels the call the others are waiting on. If every caller is
cancelled the shared call still runs to completion on its own; its result is
dropped (nothing is cached here) and its exception is retrieved so asyncio
does not log "exception was never retrieved".

``lead``: the first caller runs the call itself, with no task (the cheaper form, for
calls made thousands of times a second, like HTTP requests); callers that arrive
while it runs get its outcome. If the leader is cancelled, so is its call, and the
waiting callers ask again (one of them leads).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")

__all__ = ["SingleFlight"]


class SingleFlight:
    """Run at most one call per key at a time; late callers join the running one."""

    __slots__ = ("_calls", "_led")

    def __init__(self) -> None:
        # The dict holds a strong reference to each running task (asyncio itself
        # only keeps weak ones), so an abandoned call is not garbage-collected.
        self._calls: dict[Hashable, asyncio.Task[Any]] = {}
        # lead(): the outcome of each call a caller is running itself.
        self._led: dict[Hashable, asyncio.Future[Any]] = {}

    @property
    def pending(self) -> int:
        """How many keys have a call in flight."""
        return sum(1 for task in self._calls.values() if not task.done())

    async def do(self, key: Hashable, fn: Callable[[], Awaitable[T]]) -> T:
        """Return ``await fn()``, sharing one call among concurrent callers of ``key``.

        The result, or the exception, goes to every caller. The key is released
        when the call ends, so a later call computes again.
        """
        task = self._calls.get(key)
        # A finished task may linger until its done-callback runs: never reuse it.
        if task is None or task.done():
            task = asyncio.ensure_future(_call(fn))
            self._calls[key] = task
            task.add_done_callback(functools.partial(self._release, key))
        return await asyncio.shield(task)

    async def lead(self, key: Hashable, fn: Callable[[], Awaitable[T]]) -> tuple[T, bool]:
        """``(await fn(), False)`` run by this caller, or ``(result, True)`` of the call of ``key`` in flight.

        The in-flight call's exception is every waiter's too. A waiter whose leader was
        cancelled asks again; cancelling a waiter leaves the call running.
        """
        while (shared := self._led.get(key)) is not None:
            await asyncio.wait((shared,))
            if not shared.cancelled():
                return shared.result(), True
        shared = asyncio.get_running_loop().create_future()
        self._led[key] = shared
        try:
            value = await fn()
        except asyncio.CancelledError:
            shared.cancel()
            raise
        except BaseException as error:
            shared.set_exception(error)
            shared.exception()  # retrieved: no "never retrieved" log when nobody was waiting
            raise
        else:
            shared.set_result(value)
        finally:
            del self._led[key]
        return value, False

    def forget(self, key: Hashable) -> None:
        """Make the next call of ``key`` start a fresh call; current waiters keep theirs."""
        task = self._calls.pop(key, None)
        if task is not None and not task.done():
            # Still referenced by its waiters and the loop; keep the exception retrieved.
            task.add_done_callback(_retrieve)

    def _release(self, key: Hashable, task: asyncio.Task[Any]) -> None:
        if self._calls.get(key) is task:
            del self._calls[key]
        _retrieve(task)


async def _call(fn: Callable[[], Awaitable[T]]) -> T:
    # Calling fn inside the task means a synchronous raise in fn reaches every waiter too.
    return await fn()


def _retrieve(task: asyncio.Task[Any]) -> None:
    if not task.cancelled():
        task.exception()
