"""L2 on Redis: one cache shared by every machine that names the same server.

Keys live under a prefix (``tailor:`` by default) so a shared server can
hold other things, and ``clear`` never touches anything else (SCAN + UNLINK,
never FLUSHDB)::

    tailor:e:<namespace>\\x1f<key>  -> blob (the codec's bytes, as on disk), PX = hard expiry
    tailor:t:<tag>                 -> SET of entry keys; lives as long as its longest-lived entry
    tailor:c:<namespace>           -> HASH "<tier>:<field>" -> count (statistics every machine adds to)
    tailor:gen                     -> invalidation generation

An entry and its tag index are written by one Lua script, and an invalidation
drops the tag's entries, the index and bumps the generation in another, so
no client ever sees half of either. Scripts name entry keys they were not
given in KEYS: fine on a single server or replica set, not on Redis Cluster.

Losing the server marks the tier ``broken`` (TieredCache then goes L1-only
with one warning); timeouts are short and nothing is retried, so a dead
server costs one failed round trip, not one per lookup.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from tailor.pipeline.cache._tier import Stored
from tailor.pipeline.errors import CacheError

T = TypeVar("T")

_SEP = "\x1f"
_HEAD_BYTES = 64  # covers the codec's fixed header
_SCAN_COUNT = 1000
_UNLINK_BATCH = 500

# KEYS[1] entry, KEYS[2..] tag sets; ARGV[1] blob, ARGV[2] lifetime in ms (0 = forever).
# A tag set expires with its longest-lived member, so indexes of expired entries do not pile up.
_SET_SCRIPT = """
local px = tonumber(ARGV[2])
if px > 0 then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', px)
else
  redis.call('SET', KEYS[1], ARGV[1])
end
for i = 2, #KEYS do
  local left = redis.call('PTTL', KEYS[i])
  redis.call('SADD', KEYS[i], KEYS[1])
  if px == 0 then
    if left ~= -1 then redis.call('PERSIST', KEYS[i]) end
  elseif left == -2 or (left >= 0 and left < px) then
    redis.call('PEXPIRE', KEYS[i], px)
  end
end
return 1
"""

# KEYS[1] tag set, KEYS[2] generation; returns how many entries existed and were dropped.
_DELETE_TAG_SCRIPT = """
local members = redis.call('SMEMBERS', KEYS[1])
local dropped = 0
for i = 1, #members, 500 do
  dropped = dropped + redis.call('UNLINK', unpack(members, i, math.min(i + 499, #members)))
end
redis.call('UNLINK', KEYS[1])
redis.call('INCR', KEYS[2])
return dropped
"""


def _glob_escape(text: str) -> str:
    """``text`` as a literal inside a SCAN MATCH pattern."""
    return "".join("\\" + ch if ch in "\\*?[]" else ch for ch in text)


def redacted(url: str) -> str:
    """``url`` without credentials or query: safe to print in warnings and stats."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "redis (unparsable url)"
    return f"{parts.scheme}://{host}{port}{parts.path}"


class RedisTier:
    """A ``Tier`` over one Redis database, under ``prefix``.

    ``url`` is a redis-py URL (``redis://[:password@]host:port/db``,
    ``rediss://`` for TLS, ``unix:///path.sock``); query options such as
    ``?socket_timeout=2`` override the short defaults. ``timeout`` bounds each
    socket read, not a whole reply, so large values on slow links still
    arrive. Connecting is lazy: the first command finds out whether the
    server is there.
    """

    def __init__(
        self,
        url: str,
        *,
        prefix: str = "tailor:",
        connect_timeout: float = 0.2,
        timeout: float = 0.2,
    ) -> None:
        if _SEP in prefix:
            raise ValueError(f"redis key prefix may not contain \\x1f: {prefix!r}")
        try:
            import redis
            from redis.backoff import NoBackoff
            from redis.retry import Retry
        except ImportError as exc:
            raise CacheError(
                "cache.redis_url is set but the redis package is missing (from a checkout: pip install -e '.[redis]')"
            ) from exc
        self.location = redacted(url)
        self.broken = False
        self.prefix = prefix
        self._errors: tuple[type[BaseException], ...] = (redis.RedisError,)
        # Gone, hung, or not a Redis at all (InvalidResponse): no later command will do better.
        self._lost: tuple[type[BaseException], ...] = (
            redis.ConnectionError,
            redis.TimeoutError,
            redis.exceptions.InvalidResponse,
        )
        try:
            self._redis: Any = redis.Redis.from_url(
                url,
                socket_connect_timeout=connect_timeout,
                socket_timeout=timeout,
                # No retries and no backoff: a retry would only multiply the cost of a dead server.
                retry=Retry(NoBackoff(), 0),
                retry_on_error=[],
                health_check_interval=0,
            )
        except ValueError as exc:
            raise CacheError(f"{self.location}: bad redis url ({exc})") from exc
        self._set_script = self._redis.register_script(_SET_SCRIPT)
        self._delete_tag_script = self._redis.register_script(_DELETE_TAG_SCRIPT)
        self._entry_prefix = prefix + "e:"
        self._tag_prefix = prefix + "t:"
        self._counter_prefix = prefix + "c:"
        self._gen = prefix + "gen"

    # -- plumbing ------------------------------------------------------------

    def entry_key(self, namespace: str, key: str) -> str:
        if _SEP in namespace:
            raise ValueError(f"cache namespace may not contain \\x1f: {namespace!r}")
        return f"{self._entry_prefix}{namespace}{_SEP}{key}"

    def _failed(self, exc: BaseException) -> CacheError:
        if isinstance(exc, self._lost):
            self.broken = True  # TieredCache drops the tier: one warning, then memory only
            return CacheError(f"{self.location}: Redis is unreachable ({exc})")
        return CacheError(f"{self.location}: {type(exc).__name__}: {exc}")

    def _run(self, op: Callable[[], T]) -> T:
        if self.broken:
            raise CacheError(f"{self.location}: Redis is unreachable")
        try:
            return op()
        except self._errors as exc:
            raise self._failed(exc) from exc

    def _scan(self, pattern: str) -> Iterator[bytes]:
        return self._redis.scan_iter(match=pattern, count=_SCAN_COUNT)

    def _unlink_all(self, pattern: str) -> int:
        dropped = 0
        batch: list[bytes] = []
        for k in self._scan(pattern):
            batch.append(k)
            if len(batch) >= _UNLINK_BATCH:
                dropped += self._redis.unlink(*batch)
                batch.clear()
        if batch:
            dropped += self._redis.unlink(*batch)
        return dropped

    def close(self) -> None:
        self._redis.close()

    # -- entries -------------------------------------------------------------

    def get(self, namespace: str, key: str) -> bytes | None:
        k = self.entry_key(namespace, key)
        if self.broken:
            raise CacheError(f"{self.location}: Redis is unreachable")
        try:  # the hot path: one GET, no closure
            return self._redis.get(k)
        except self._errors as exc:
            raise self._failed(exc) from exc

    def set(self, namespace: str, key: str, blob: bytes, *, expire: float | None, tags: Sequence[str]) -> None:
        k = self.entry_key(namespace, key)
        # Redis expires whole milliseconds; round up so an entry never dies before its hard expiry.
        px = 0 if expire is None else max(1, math.ceil(expire * 1000))

        def op() -> None:
            if tags:
                self._set_script(keys=[k, *(self._tag_prefix + t for t in tags)], args=[blob, px])
            elif px:
                self._redis.set(k, blob, px=px)
            else:
                self._redis.set(k, blob)

        self._run(op)

    def delete(self, namespace: str, key: str) -> bool:
        k = self.entry_key(namespace, key)
        return self._run(lambda: bool(self._redis.unlink(k)))

    def delete_tag(self, tag: str) -> int:
        return self._run(lambda: int(self._delete_tag_script(keys=[self._tag_prefix + tag, self._gen])))

    def clear(self, namespace: str | None = None) -> int:
        """Drop entries (and, for all namespaces, tag indexes) by SCAN + UNLINK; statistics stay."""

        def op() -> int:
            if namespace is None:
                dropped = self._unlink_all(_glob_escape(self._entry_prefix) + "*")
                self._unlink_all(_glob_escape(self._tag_prefix) + "*")
            else:
                dropped = self._unlink_all(_glob_escape(self.entry_key(namespace, "")) + "*")
            self._redis.incr(self._gen)
            return dropped

        return self._run(op)

    def scan(self) -> Iterator[Stored]:
        def op() -> list[Stored]:
            found: list[Stored] = []
            skip = len(self._entry_prefix.encode())
            keys = list(self._scan(_glob_escape(self._entry_prefix) + "*"))
            for start in range(0, len(keys), _SCAN_COUNT):
                chunk = keys[start : start + _SCAN_COUNT]
                pipe = self._redis.pipeline(transaction=False)
                for k in chunk:
                    pipe.getrange(k, 0, _HEAD_BYTES - 1)
                    pipe.strlen(k)
                replies = pipe.execute(raise_on_error=False)
                for i, k in enumerate(chunk):
                    head, size = replies[2 * i], replies[2 * i + 1]
                    if not isinstance(size, int) or not size:  # gone since the listing, or not a string
                        continue
                    namespace, sep, key = k[skip:].decode(errors="surrogateescape").partition(_SEP)
                    if sep:
                        found.append(Stored(namespace, key, head, size))
            return found

        return iter(self._run(op))

    # -- statistics and coherence ----------------------------------------------

    def add_counters(self, deltas: Mapping[tuple[str, str, str], int]) -> None:
        def op() -> None:
            pipe = self._redis.pipeline(transaction=True)
            for (tier, namespace, field), delta in deltas.items():
                if delta:
                    pipe.hincrby(self._counter_prefix + namespace, f"{tier}:{field}", delta)
            pipe.execute()

        self._run(op)

    def counters(self) -> dict[tuple[str, str, str], int]:
        def op() -> dict[tuple[str, str, str], int]:
            keys = list(self._scan(_glob_escape(self._counter_prefix) + "*"))
            pipe = self._redis.pipeline(transaction=False)
            for k in keys:
                pipe.hgetall(k)
            skip = len(self._counter_prefix.encode())
            totals: dict[tuple[str, str, str], int] = {}
            for k, fields in zip(keys, pipe.execute(raise_on_error=False), strict=True):
                if not isinstance(fields, dict):  # someone else's key of another type
                    continue
                namespace = k[skip:].decode(errors="surrogateescape")
                for name, count in fields.items():
                    tier, sep, field = name.decode(errors="replace").partition(":")
                    if sep and count.lstrip(b"-").isdigit():
                        totals[(tier, namespace, field)] = int(count)
            return totals

        return self._run(op)

    def reset_counters(self) -> None:
        self._run(lambda: self._unlink_all(_glob_escape(self._counter_prefix) + "*"))

    def generation(self) -> int:
        return self._run(lambda: int(self._redis.get(self._gen) or 0))
