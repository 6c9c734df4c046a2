"""Entry <-> bytes for the shared tier: a fixed header, then pickle (maybe zstd-compressed).

pickle protocol 5 is ~25x faster than JSON for the values steps return
(bench/cache.py) and round-trips pydantic models exactly. Payloads over a
threshold are compressed with zstandard (faster than zlib at a better ratio,
bench/cache.py) and kept compressed only when that saves enough to pay for
decompression. Unpickling trusts the folder, which is created owner-only.
"""

from __future__ import annotations

import pickle
import struct
import threading
import zlib
from typing import Any

from pipeline.cache._entry import Entry
from pipeline.errors import CacheError

_MAGIC = b"TC"
_VERSION = 1
_ZSTD = 1
# magic, version, flags, created, soft expiry, hard expiry, raw size, tags length, payload crc32.
# A checksum is what makes a flipped bit a miss instead of a wrong value: crc32 for raw
# payloads; compressed ones carry zstd's own frame checksum (verified while decompressing).
_HEADER = struct.Struct("<2sBBdddIII")
_TAG_SEP = "\x1f"

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


def dumps(value: Any) -> bytes:
    """Pickle ``value`` (protocol 5); raises CacheError for values pickle cannot take."""
    try:
        return pickle.dumps(value, protocol=5)
    except Exception as exc:  # pickle raises many types (TypeError, PicklingError, AttributeError...)
        raise CacheError(f"cannot serialise a {type(value).__name__}: {exc}") from exc


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


def decode_header(blob: bytes) -> tuple[float, float, float, int, tuple[str, ...], int, int, int]:
    """(created, soft, hard, raw size, tags, flags, crc, payload offset); CacheError if malformed."""
    try:
        magic, version, flags, created, soft, hard, raw_size, tags_len, crc = _HEADER.unpack_from(blob)
        if magic != _MAGIC or version != _VERSION:
            raise ValueError("bad magic or version")
        start = _HEADER.size
        tags_text = bytes(blob[start : start + tags_len]).decode()
    except (struct.error, ValueError, TypeError) as exc:
        raise CacheError(f"malformed cache entry: {exc}") from exc
    tags = tuple(tags_text.split(_TAG_SEP)) if tags_text else ()
    return created, soft, hard, raw_size, tags, flags, crc, start + tags_len


def decode(blob: bytes, namespace: str) -> Entry:
    """Rebuild the entry; CacheError if the blob is damaged in any way."""
    created, soft, hard, raw_size, tags, flags, crc, offset = decode_header(blob)
    try:
        payload = memoryview(blob)[offset:]
        if flags & _ZSTD:
            payload = _decompressor().decompress(payload)
        elif zlib.crc32(payload) != crc:
            raise ValueError("checksum mismatch")
        if len(payload) != raw_size:
            raise ValueError(f"payload is {len(payload)} bytes, header says {raw_size}")
        value = pickle.loads(payload)
    except Exception as exc:  # a damaged payload can raise nearly anything from zstd or pickle
        raise CacheError(f"undecodable cache entry: {exc}") from exc
    return Entry(value, created, soft, hard, tags, namespace, raw_size, len(blob))


def raw_size_of(head: bytes) -> int:
    """The pickled size recorded in a blob's fixed header (for statistics); CacheError if malformed."""
    try:
        magic, version, _flags, _c, _s, _h, raw_size, _t, _crc = _HEADER.unpack_from(head)
    except struct.error as exc:
        raise CacheError(f"malformed cache entry: {exc}") from exc
    if magic != _MAGIC or version != _VERSION:
        raise CacheError("malformed cache entry: bad magic or version")
    return raw_size
