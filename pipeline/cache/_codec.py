"""Entry <-> bytes for the shared tier: a fixed header, then pickle (maybe zstd-compressed).

pickle protocol 5 is ~25x faster than JSON for the values steps return
(bench/cache.py). Payloads over a threshold are compressed with zstandard
(faster than zlib at a better ratio, bench/cache.py) and kept compressed only
when that saves enough to pay for decompression. Unpickling trusts the folder,
which is created owner-only.

pydantic models are pickled the plain way, through their own ``__getstate__`` and
``__setstate__``. A reducer that set BaseModel's slots directly loaded them faster
but saved only 2-4% of a warm batch's items/s (and nothing measurable of a cached
``tailor run``), too little to tie the cache to pydantic's layout.
"""

from __future__ import annotations

import gc
import importlib
import pickle
import struct
import threading
import zlib
from typing import Any

from tailor.pipeline.cache._entry import Entry
from tailor.pipeline.errors import CacheError

_MAGIC = b"TC"
_VERSION = 1
_ZSTD = 1
# magic, version, flags, created, soft expiry, hard expiry, raw size, tags length, payload crc32.
# A checksum is what makes a flipped bit a miss instead of a wrong value: crc32 for raw
# payloads; compressed ones carry zstd's own frame checksum (verified while decompressing).
_HEADER = struct.Struct("<2sBBdddIII")
_HEADER_SIZE = _HEADER.size
_TAG_SEP = "\x1f"
# Loading a big payload allocates thousands of containers; pausing the collector meanwhile
# (a load makes no garbage) saves 20-30% of such a load in a program that keeps what it loads
# (bench/cache.py).
_GC_PAUSE_OVER = 64 * 1024
# Compressed payloads in this range decompress into a per-thread spare buffer (see _inflate);
# each thread keeps one, as big as the biggest payload it decoded, up to the bound.
_SPARE_OVER = 64 * 1024
_SPARE_UP_TO = 8 * 1024 * 1024

_local = threading.local()  # zstd (de)compressors are not safe to share across threads


def _compressor() -> Any:
    comp = getattr(_local, "comp", None)
    if comp is None:
        import zstandard

        comp = _local.comp = zstandard.ZstdCompressor(level=3, write_checksum=True)
    return comp


def _decompressor() -> Any:
    dec = getattr(_local, "dec", None)
    if dec is None:
        import zstandard

        dec = _local.dec = zstandard.ZstdDecompressor()
    return dec


# -- values --------------------------------------------------------------------


def dumps(value: Any) -> bytes:
    """Pickle ``value`` (protocol 5); raises CacheError for values pickle cannot take."""
    try:
        return pickle.dumps(value, protocol=5)
    except Exception as exc:  # pickle raises many types (TypeError, PicklingError, AttributeError...)
        raise CacheError(f"cannot serialise a {type(value).__name__}: {exc}") from exc


def _model(
    token: str,
    state: dict[str, Any],
    fields_set: set[str] | None = None,
    extra: dict[str, Any] | None = None,
    private: dict[str, Any] | None = None,
) -> Any:
    """Load a model from a blob an earlier tailor wrote (its reducer pickled models as this call).

    Nothing writes it any more; blobs already in a cache folder name it, so it stays
    to read them as pickle would have: ``cls.__new__`` and pydantic's own ``__setstate__``
    (no ``fields_set``: every field in ``state`` was set).
    """
    module, _, qualname = token.partition(":")
    cls: Any = importlib.import_module(module)
    for part in qualname.split("."):
        cls = getattr(cls, part)
    obj = cls.__new__(cls)
    obj.__setstate__(
        {
            "__dict__": state,
            "__pydantic_fields_set__": set(state) if fields_set is None else fields_set,
            "__pydantic_extra__": extra,
            "__pydantic_private__": private,
        }
    )
    return obj


# -- blobs ---------------------------------------------------------------------


def encode(
    entry: Entry,
    raw: bytes,
    *,
    compress_over: int,
    min_saving: float,
) -> bytes:
    """Pack an entry's metadata and its pickled value ``raw`` into one blob."""
    flags = 0
    payload = raw
    if len(raw) > compress_over:
        packed = _compressor().compress(raw)
        if len(packed) <= len(raw) * (1.0 - min_saving):
            payload, flags = packed, _ZSTD
    tags = _TAG_SEP.join(entry.tags).encode()
    header = _HEADER.pack(
        _MAGIC,
        _VERSION,
        flags,
        entry.created,
        entry.soft_expiry,
        entry.hard_expiry,
        len(raw),
        len(tags),
        0 if flags & _ZSTD else zlib.crc32(payload),
    )
    return b"".join((header, tags, payload))


def _tags(blob: bytes, length: int) -> tuple[str, ...]:
    if not length:
        return ()
    if len(blob) < _HEADER_SIZE + length:
        raise ValueError("tags run past the end")
    return tuple(bytes(blob[_HEADER_SIZE : _HEADER_SIZE + length]).decode().split(_TAG_SEP))


def decode(blob: bytes, namespace: str) -> Entry:
    """Rebuild the entry; CacheError if the blob is damaged in any way."""
    try:
        magic, version, flags, created, soft, hard, raw_size, tags_len, crc = _HEADER.unpack_from(blob)
        if magic != _MAGIC or version != _VERSION:
            raise ValueError("bad magic or version")
        tags = _tags(blob, tags_len)
    except (struct.error, ValueError, TypeError) as exc:
        raise CacheError(f"malformed cache entry: {exc}") from exc
    spare = None
    try:
        payload: Any = memoryview(blob)[_HEADER_SIZE + tags_len :]
        if flags & _ZSTD:
            payload, spare = _inflate(payload, raw_size)
        elif zlib.crc32(payload) != crc:
            raise ValueError("checksum mismatch")
        if len(payload) != raw_size:
            raise ValueError(f"payload is {len(payload)} bytes, header says {raw_size}")
        if raw_size > _GC_PAUSE_OVER and gc.isenabled():
            gc.disable()
            try:
                value = pickle.loads(payload)
            finally:
                gc.enable()
        else:
            value = pickle.loads(payload)
    except Exception as exc:  # a damaged payload can raise nearly anything from zstd or pickle
        raise CacheError(f"undecodable cache entry: {exc}") from exc
    finally:
        if spare is not None:  # unpickling copies out of it: free for the next decode
            _local.spare = spare
    return Entry(value, created, soft, hard, tags, namespace, raw_size, len(blob))


def _inflate(packed: Any, raw_size: int) -> tuple[Any, bytearray | None]:
    """Decompress ``packed``: (payload, the spare buffer it lives in, if any).

    Big payloads go into this thread's spare buffer: a fresh one is a second big
    allocation beside the value being built, and when malloc hands both back to
    the system after use, the next decode pays ~190 page faults per 500 KB
    (measured: a 465 KB text decoded in a loop took 1.5 ms instead of 0.6).
    """
    if not _SPARE_OVER < raw_size <= _SPARE_UP_TO:
        return _decompressor().decompress(packed), None
    spare = getattr(_local, "spare", None)
    _local.spare = None  # taken: a load that re-enters decode (a custom __setstate__) gets its own
    if spare is None or len(spare) <= raw_size:
        spare = bytearray(raw_size + 1)  # one byte over: a frame longer than the header says shows
    view = memoryview(spare)
    size = 0
    with _decompressor().stream_reader(packed) as reader:  # verifies the frame checksum at its end
        while size < len(view) and (read := reader.readinto(view[size:])):
            size += read
    return view[:size], spare


def raw_size_of(head: bytes) -> int:
    """The pickled size recorded in a blob's fixed header (for statistics); CacheError if malformed."""
    try:
        magic, version, _flags, _c, _s, _h, raw_size, _t, _crc = _HEADER.unpack_from(head)
    except struct.error as exc:
        raise CacheError(f"malformed cache entry: {exc}") from exc
    if magic != _MAGIC or version != _VERSION:
        raise CacheError("malformed cache entry: bad magic or version")
    return raw_size
