"""L2 on diskcache: SQLite-indexed, process-safe, in a folder only its owner can read.

Keys are plain strings (diskcache stores them without pickling):
``e<US>namespace<US>key`` -> blob, ``t<US>tag<US>entry key`` -> 1 (one row per
membership, so tagging an entry costs the same however many entries share the tag),
``c<US>tier<US>namespace<US>field`` -> counter, ``gen`` -> generation.
Multi-key updates (an entry plus its tags, an invalidation) run in one
diskcache transaction, so concurrent processes never see half of one.

A corrupt database is reported once, wiped and rebuilt; a folder that cannot
be created or opened raises ``CacheError`` so the caller can go L1-only, and so
does one removed or replaced while open (checked on writes, which follow a
computation anyway): SQLite would otherwise write on into an unlinked file.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import sqlite3
import stat
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from tailor.pipeline.cache._tier import Stored
from tailor.pipeline.errors import CacheError

T = TypeVar("T")

_SEP = "\x1f"
_ENTRY = "e" + _SEP
_TAG = "t" + _SEP
_COUNTER = "c" + _SEP
_GEN = "gen"
_HEAD_BYTES = 64  # covers the codec's fixed header
_DISKCACHE_FILES = ("cache.db", "cache.db-wal", "cache.db-shm")
_DISKCACHE_DIR = re.compile(r"^[0-9a-f]{2}$")  # diskcache spreads large values over these


_REFUSED_KEY = "\x00refused: a pickled key"


class _RefusedValue(OSError):
    pass


def entry_key(namespace: str, key: str) -> str:
    if _SEP in namespace:
        raise ValueError(f"cache namespace may not contain \\x1f: {namespace!r}")
    return f"{_ENTRY}{namespace}{_SEP}{key}"


def remove_cache_files(directory: Path) -> int:
    """Delete the cache's own files in ``directory`` (its database, its value folders), by name, and the
    folder itself once nothing else is in it: the folder may hold other things. The number of files removed."""
    removed = 0
    for name in _DISKCACHE_FILES:
        try:
            (directory / name).unlink()
            removed += 1
        except FileNotFoundError:
            pass
    try:
        children = list(directory.iterdir())
    except FileNotFoundError:
        return removed
    for child in children:
        if child.is_dir() and not child.is_symlink() and _DISKCACHE_DIR.match(child.name):
            removed += sum(1 for f in child.rglob("*") if f.is_file())
            shutil.rmtree(child, ignore_errors=True)
    try:
        directory.rmdir()  # only when empty: someone else's files stay, and so does their folder
    except OSError:
        pass
    return removed


def foreign_folder(info: os.stat_result) -> str | None:
    """Why a folder is not safely this user's (another owns it, or others can write it), else None."""
    if info.st_uid != os.geteuid():
        return f"the cache folder belongs to another user (uid {info.st_uid}); not used (set cache.trust_folder: true to use it)"
    if info.st_mode & 0o022:
        return (f"others can write the cache folder (mode {stat.S_IMODE(info.st_mode):o}); "
                "not used (chmod 700 it, or set cache.trust_folder: true)")
    return None


def make_private_dir(path: Path, *, trust: bool = False) -> None:
    """Create ``path`` owner-only (0o700): cached resumes are personal data.

    An existing folder is used only if this user owns it and nobody else can write it (else
    CacheError, unless ``trust``); one of ours that others can read is tightened to 0o700.
    """
    try:
        path.mkdir(mode=0o700, parents=True)
        os.chmod(path, 0o700)  # mkdir's mode is filtered by the umask; state it outright
        return
    except FileExistsError:
        if not path.is_dir():
            raise CacheError(f"{path}: exists and is not a folder") from None
    except OSError as exc:
        raise CacheError(f"{path}: cannot create the cache folder ({exc.strerror or exc})") from exc
    info = os.stat(path)
    if not trust:
        problem = foreign_folder(info)
        if problem is not None:
            raise CacheError(f"{path}: {problem}")
    if info.st_uid == os.geteuid() and info.st_mode & 0o077:
        try:
            os.chmod(path, 0o700)
        except OSError:
            pass  # a read-only file system: nothing else to do


def _private_files(directory: Path) -> None:
    """diskcache creates its database with the umask's mode (0644): make its files owner-only."""
    for name in _DISKCACHE_FILES:
        try:
            os.chmod(directory / name, 0o600)
        except OSError:
            pass


@functools.cache
def data_only_disk() -> type:
    """diskcache's Disk, but one that never unpickles: a pickled key or value in the folder is a miss.

    tailor stores only str keys and bytes/int values, which diskcache keeps raw; a row in
    pickle mode can only be one somebody planted, and reading it would run their code.
    Built on first use: diskcache is imported only when a disk tier is opened.
    """
    import diskcache
    from diskcache.core import MODE_PICKLE

    class DataOnlyDisk(diskcache.Disk):
        def get(self, key: Any, raw: bool) -> Any:
            return super().get(key, raw) if raw else _REFUSED_KEY

        def fetch(self, mode: int, filename: Any, value: Any, read: bool) -> Any:
            if mode == MODE_PICKLE:  # an OSError: what diskcache itself treats as a miss
                raise _RefusedValue("a pickled value in the cache folder: refused")
            return super().fetch(mode, filename, value, read)

        def put(self, key: Any) -> Any:
            if type(key) not in (str, bytes, int, float):
                raise TypeError(f"tailor's cache keys are text, not {type(key).__name__}")
            return super().put(key)

        def store(self, value: Any, read: bool, key: Any = diskcache.core.UNKNOWN) -> Any:
            if not read and type(value) not in (str, bytes, int, float):
                raise TypeError(f"tailor's cache stores bytes, not {type(value).__name__}")
            return super().store(value, read, key=key)

    return DataOnlyDisk


class DiskTier:
    """A ``Tier`` over one ``diskcache.Cache`` folder."""

    def __init__(
        self,
        directory: str | os.PathLike[str],
        *,
        warn: Callable[[str], None],
        size_limit: int = 2**30,
        trust_folder: bool = False,
    ) -> None:
        self.directory = Path(directory)
        self.broken = False
        self._identity: tuple[int, int] | None = None  # (device, inode) of cache.db as opened
        self._warn = warn
        self._size_limit = size_limit
        make_private_dir(self.directory, trust=trust_folder)
        self._cache: Any = self._open()

    # -- lifecycle ---------------------------------------------------------

    def _open(self) -> Any:
        try:
            return self._connect()
        except sqlite3.OperationalError as exc:
            raise CacheError(f"{self.directory}: cannot open the cache ({exc})") from exc
        except sqlite3.DatabaseError as exc:
            self._warn(f"{self.directory}: cache is corrupt ({exc}); rebuilding it")
            self._wipe()
            try:
                return self._connect()
            except sqlite3.DatabaseError as again:
                raise CacheError(f"{self.directory}: cannot rebuild the cache ({again})") from again

    def _connect(self) -> Any:
        import diskcache

        cache = diskcache.Cache(
            str(self.directory),
            disk=data_only_disk(),
            size_limit=self._size_limit,
            # Least-recently-stored: a read never writes (LRU would write on every hit).
            eviction_policy="least-recently-stored",
        )
        try:
            cache.get(_GEN)  # reach the data pages now so damage shows up here
            info = os.stat(self.directory / _DISKCACHE_FILES[0])
        except BaseException:
            cache.close()
            raise
        self._identity = (info.st_dev, info.st_ino)
        _private_files(self.directory)
        return cache

    def _check_in_place(self) -> None:
        """Raise CacheError (and give up the tier) if the database file was removed or replaced."""
        try:
            info = os.stat(self.directory / _DISKCACHE_FILES[0])
            identity: tuple[int, int] | None = (info.st_dev, info.st_ino)
        except OSError:
            identity = None
        if identity != self._identity and not self.broken:
            self.broken = True
            try:
                self._cache.close()
            except Exception:  # noqa: BLE001, S110 - the files are gone; closing is a courtesy
                pass
            raise CacheError(f"{self.directory}: the cache folder was removed or replaced while in use")

    def _wipe(self) -> None:
        remove_cache_files(self.directory)

    def _rebuild(self, cause: BaseException) -> None:
        self._warn(f"{self.directory}: cache is corrupt ({cause}); rebuilding it")
        try:
            self._cache.close()
        except Exception:  # closing a damaged database may fail too; it is being discarded
            pass
        self._wipe()
        try:
            self._cache = self._connect()
        except Exception as exc:
            self.broken = True
            raise CacheError(f"{self.directory}: cannot rebuild the cache ({exc})") from exc

    def _run(self, op: Callable[[], T]) -> T:
        if self.broken:
            raise CacheError(f"{self.directory}: cache is unusable")
        try:
            return op()
        except Exception as exc:
            return self._recover(exc, op)

    def _recover(self, exc: Exception, op: Callable[[], T]) -> T:
        """Turn a failure of ``op`` into CacheError; rebuild a damaged database and retry once."""
        if self.broken or isinstance(exc, CacheError):
            raise CacheError(f"{self.directory}: cache is unusable" if self.broken else str(exc)) from exc
        if isinstance(exc, sqlite3.OperationalError):  # locked, read-only, disk full: not damage
            raise CacheError(f"{self.directory}: {exc}") from exc
        if not isinstance(exc, sqlite3.DatabaseError):  # e.g. an unpicklable tag set: never crash a run
            raise CacheError(f"{self.directory}: {type(exc).__name__}: {exc}") from exc
        self._rebuild(exc)  # "malformed", "not a database": damage
        try:
            return op()
        except Exception as again:
            raise CacheError(f"{self.directory}: {type(again).__name__}: {again}") from again

    def close(self) -> None:
        if not self.broken:
            self._cache.close()

    # -- entries -----------------------------------------------------------

    def get(self, namespace: str, key: str) -> bytes | None:
        k = entry_key(namespace, key)
        # diskcache's own read (no transaction with statistics off and least-recently-stored eviction).
        # A query on its private connection was ~3 us cheaper per hit: ~1% of a warm batch's items/s.
        try:  # the hot path: no closure unless something went wrong
            return self._cache.get(k)
        except Exception as exc:
            return self._recover(exc, lambda: self._cache.get(k))

    def set(
        self, namespace: str, key: str, blob: bytes, *, expire: float | None, tags: Sequence[str]
    ) -> None:
        k = entry_key(namespace, key)
        self._check_in_place()

        def op() -> None:
            cache = self._cache
            if not tags:
                cache.set(k, blob, expire=expire)
                return
            with cache.transact():
                cache.set(k, blob, expire=expire)
                for tag in tags:
                    cache.set(f"{_TAG}{tag}{_SEP}{k}", 1)

        self._run(op)

    def delete(self, namespace: str, key: str) -> bool:
        k = entry_key(namespace, key)
        return self._run(lambda: bool(self._cache.delete(k)))

    def delete_tag(self, tag: str) -> int:
        prefix = f"{_TAG}{tag}{_SEP}"

        def op() -> int:
            cache = self._cache
            # Invalidation is rare and user-invoked: a scan of the keys, under the write lock so no
            # entry tagged meanwhile escapes, is cheaper overall than per-tag sets rewritten on every write.
            with cache.transact():
                rows = [k for k in cache.iterkeys() if isinstance(k, str) and k.startswith(prefix)]
                members = {row[len(prefix) :] for row in rows}
                members |= cache.pop(_TAG + tag, default=frozenset())  # a tag set written by an older tailor
                for row in rows:
                    cache.delete(row)
                dropped = sum(1 for k in members if cache.delete(k))
                cache.incr(_GEN, 1, default=0)
            return dropped

        return self._run(op)

    def clear(self, namespace: str | None = None) -> int:
        prefix = _ENTRY if namespace is None else entry_key(namespace, "")

        def op() -> int:
            cache = self._cache
            doomed = [
                k
                for k in cache.iterkeys()
                if isinstance(k, str) and (k.startswith(prefix) or (namespace is None and k.startswith(_TAG)))
            ]
            with cache.transact():
                dropped = sum(1 for k in doomed if cache.delete(k) and k.startswith(_ENTRY))
                cache.incr(_GEN, 1, default=0)
            return dropped

        return self._run(op)

    def scan(self) -> Iterator[Stored]:
        def op() -> list[Stored]:
            cache = self._cache
            found = []
            for k in list(cache.iterkeys()):
                if not (isinstance(k, str) and k.startswith(_ENTRY)):
                    continue
                value = cache.get(k, read=True)
                if value is None:  # expired or dropped since the listing
                    continue
                if isinstance(value, bytes):
                    head, size = value[:_HEAD_BYTES], len(value)
                else:  # large values live in files: read only the header
                    with value:
                        head, size = value.read(_HEAD_BYTES), os.fstat(value.fileno()).st_size
                namespace, _, key = k[len(_ENTRY) :].partition(_SEP)
                found.append(Stored(namespace, key, head, size))
            return found

        return iter(self._run(op))

    # -- statistics and coherence --------------------------------------------

    def add_counters(self, deltas: Mapping[tuple[str, str, str], int]) -> None:
        def op() -> None:
            cache = self._cache
            with cache.transact():
                for (tier, namespace, field), delta in deltas.items():
                    if delta:
                        cache.incr(_SEP.join((_COUNTER[:-1], tier, namespace, field)), delta, default=0)

        self._run(op)

    def counters(self) -> dict[tuple[str, str, str], int]:
        def op() -> dict[tuple[str, str, str], int]:
            cache = self._cache
            totals: dict[tuple[str, str, str], int] = {}
            for k in list(cache.iterkeys()):
                if isinstance(k, str) and k.startswith(_COUNTER):
                    parts = k.split(_SEP)
                    if len(parts) == 4:
                        totals[(parts[1], parts[2], parts[3])] = int(cache.get(k, default=0))
            return totals

        return self._run(op)

    def reset_counters(self) -> None:
        def op() -> None:
            cache = self._cache
            with cache.transact():
                for k in [k for k in cache.iterkeys() if isinstance(k, str) and k.startswith(_COUNTER)]:
                    cache.delete(k)

        self._run(op)

    def generation(self) -> int:
        self._check_in_place()
        return self._run(lambda: int(self._cache.get(_GEN, default=0)))
