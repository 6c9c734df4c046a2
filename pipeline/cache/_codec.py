"""Entry <-> bytes for the shared tier: a fixed header, then the value as data (maybe zstd-compressed).

Nothing executes from a cache entry: the value is written as JSON with a few tagged forms
(tuples, sets, bytes, dates, non-string keys) and the classes tailor's steps return —
pydantic models, dataclasses, named tuples, enums — named by module and qualified name.
Loading rebuilds those from their fields without calling any of their code (no
``__init__``, no validators, no ``__reduce__``): a class must already be loaded, or live in
tailor's own package, and be of the kind its tag says. A folder or Redis another user can
write may hold anything; the worst a planted entry can do is be a miss. There is no pickle
on this path (diskcache's own pickling is refused too: see ``_disk.DataOnlyDisk``).

Payloads over a threshold are compressed with zstandard (faster than zlib at a better
ratio, bench/cache.py) and kept compressed only when that saves enough to pay for it.
"""

from __future__ import annotations

import base64
import dataclasses
import enum
import gc
import importlib
import json
import struct
import sys
import threading
import zlib
from datetime import date, datetime
from typing import Any

from tailor.pipeline.cache._entry import Entry
from tailor.pipeline.errors import CacheError

_MAGIC = b"TC"
_VERSION = 2  # 2: data-only values (1 was pickle: such entries are misses, and dropped)
_OLDER_VERSIONS = frozenset({1})


class OlderEntry(CacheError):
    """An entry an older tailor wrote: a miss, dropped without a warning (nothing is wrong)."""
_ZSTD = 1
# magic, version, flags, created, soft expiry, hard expiry, raw size, tags length, payload crc32.
# A checksum is what makes a flipped bit a miss instead of a wrong value: crc32 for raw
# payloads; compressed ones carry zstd's own frame checksum (verified while decompressing).
_HEADER = struct.Struct("<2sBBdddIII")
_HEADER_SIZE = _HEADER.size
_TAG_SEP = "\x1f"
# Loading a big payload allocates thousands of containers; pausing the collector meanwhile
# (a load makes no garbage) saves 20-30% of such a load in a program that keeps what it loads.
_GC_PAUSE_OVER = 64 * 1024
# Compressed payloads in this range decompress into a per-thread spare buffer (see _inflate);
# each thread keeps one, as big as the biggest payload it decoded, up to the bound.
_SPARE_OVER = 64 * 1024
_SPARE_UP_TO = 8 * 1024 * 1024
_OWN_PACKAGE = "tailor."  # modules a load may import to find a class; others must be loaded already

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
# Tags: a JSON object whose first key starts with "~" is one of these forms; a plain dict
# with such a key (or a non-string key) is written as "~d" pairs, so it never reads as one.
_TUPLE, _LIST_SET, _FROZENSET, _BYTES, _PAIRS = "~t", "~s", "~f", "~b", "~d"
_DATE, _DATETIME, _MODEL, _DATACLASS, _NAMEDTUPLE, _ENUM = "~date", "~dt", "~m", "~c", "~n", "~e"


_RAW_BYTES = b"\x00"  # a payload that is one bytes value, stored as it is (JSON never starts with NUL)


def dumps(value: Any) -> bytes:
    """``value`` as data-only bytes; CacheError for a value that is not data (a function, a cycle...)."""
    if type(value) is bytes:
        return _RAW_BYTES + value
    try:
        text = json.dumps(_to_data(value, 0), ensure_ascii=False, separators=(",", ":"), allow_nan=True)
    except CacheError:
        raise
    except (TypeError, ValueError, RecursionError) as exc:
        raise CacheError(f"cannot serialise a {type(value).__name__}: {exc}") from exc
    return text.encode("utf-8", "surrogatepass")


def loads(payload: bytes | memoryview) -> Any:
    """The value ``dumps`` wrote; ValueError for anything else."""
    if payload[:1] == _RAW_BYTES:
        return bytes(payload[1:])
    return json.loads(bytes(payload).decode("utf-8", "surrogatepass"), object_hook=_from_data)


_MAX_DEPTH = 200


def _to_data(value: Any, depth: int) -> Any:
    if depth > _MAX_DEPTH:
        raise CacheError(f"cannot serialise: nested deeper than {_MAX_DEPTH} (a cycle?)")
    kind = type(value)
    if value is None or kind in (str, int, float, bool):
        return value
    down = depth + 1
    if kind is list:
        return [_to_data(v, down) for v in value]
    if kind is tuple:
        return {_TUPLE: [_to_data(v, down) for v in value]}
    if kind is dict:
        if all(type(k) is str and not k.startswith("~") for k in value):
            return {k: _to_data(v, down) for k, v in value.items()}
        return {_PAIRS: [[_to_data(k, down), _to_data(v, down)] for k, v in value.items()]}
    if kind in (bytes, bytearray):
        return {_BYTES: base64.b64encode(value).decode("ascii")}
    if kind is set or kind is frozenset:
        return {_LIST_SET if kind is set else _FROZENSET: [_to_data(v, down) for v in value]}
    if isinstance(value, enum.Enum):
        return {_ENUM: _token(kind), "v": _to_data(value.value, down)}
    if kind is datetime:
        return {_DATETIME: value.isoformat()}
    if kind is date:
        return {_DATE: value.isoformat()}
    if hasattr(value, "__pydantic_fields_set__"):
        return _model_data(value, down)
    if dataclasses.is_dataclass(value):
        fields = {f.name: _to_data(getattr(value, f.name), down) for f in dataclasses.fields(value)}
        return {_DATACLASS: _token(kind), "f": fields}
    if isinstance(value, tuple) and hasattr(kind, "_fields"):
        return {_NAMEDTUPLE: _token(kind), "v": [_to_data(v, down) for v in value]}
    raise CacheError(f"cannot serialise a {kind.__name__}: not data (tailor caches data only)")


def _model_data(model: Any, depth: int) -> dict[str, Any]:
    fields = type(model).__pydantic_fields__
    # Fields only: a cached_property keeps its value in __dict__ too; it is recomputed after a load.
    state = {k: v for k, v in model.__dict__.items() if k in fields}
    out: dict[str, Any] = {_MODEL: _token(type(model)), "f": {k: _to_data(v, depth) for k, v in state.items()}}
    fields_set = model.__pydantic_fields_set__
    if fields_set != state.keys():
        out["s"] = sorted(fields_set)
    if model.__pydantic_extra__ is not None:
        out["x"] = {k: _to_data(v, depth) for k, v in model.__pydantic_extra__.items()}
    private = model.__pydantic_private__
    if private:
        from pydantic_core import PydanticUndefined

        kept = {k: _to_data(v, depth) for k, v in private.items() if v is not PydanticUndefined}
        if kept:
            out["p"] = kept
    return out


def _token(cls: type) -> str:
    module, qualname = cls.__module__, cls.__qualname__
    if "<locals>" in qualname or "[" in qualname:
        raise CacheError(f"cannot serialise a {cls.__name__}: a class defined in a function or parametrised")
    return f"{module}:{qualname}"


_CLASSES: dict[tuple[str, str], type] = {}


def _class(token: Any, tag: str) -> Any:
    """The class ``token`` names, if it is loaded (or tailor's own) and of the kind ``tag`` says."""
    found = _CLASSES.get((tag, token))
    if found is not None:
        return found
    if not isinstance(token, str):
        raise ValueError("a class name must be text")
    module_name, _, qualname = token.partition(":")
    module = sys.modules.get(module_name)
    if module is None:
        if not module_name.startswith(_OWN_PACKAGE):
            raise ValueError(f"{token}: not a loaded module's class")
        module = importlib.import_module(module_name)
    cls: Any = module
    for part in qualname.split("."):
        cls = getattr(cls, part)
    ok = isinstance(cls, type) and (
        (tag == _MODEL and hasattr(cls, "__pydantic_fields__") and hasattr(cls, "__pydantic_fields_set__"))
        or (tag == _DATACLASS and dataclasses.is_dataclass(cls))
        or (tag == _NAMEDTUPLE and issubclass(cls, tuple) and hasattr(cls, "_fields"))
        or (tag == _ENUM and issubclass(cls, enum.Enum))
    )
    if not ok:
        raise ValueError(f"{token}: not a class of the kind {tag}")
    _CLASSES[(tag, token)] = cls
    return cls


def _from_data(obj: dict[str, Any]) -> Any:
    """json's object hook: a tagged form back to its value (innermost first)."""
    if not obj:
        return obj
    key = next(iter(obj))
    if key[:1] != "~":
        return obj
    if key == _TUPLE:
        return tuple(obj[key])
    if key == _PAIRS:
        return {k: v for k, v in obj[key]}
    if key == _BYTES:
        return base64.b64decode(obj[key], validate=True)
    if key == _LIST_SET:
        return set(obj[key])
    if key == _FROZENSET:
        return frozenset(obj[key])
    if key == _DATETIME:
        return datetime.fromisoformat(obj[key])
    if key == _DATE:
        return date.fromisoformat(obj[key])
    if key == _MODEL:
        return _model(_class(obj[key], _MODEL), obj)
    if key == _DATACLASS:
        cls = _class(obj[key], _DATACLASS)
        made = object.__new__(cls)
        names = {f.name for f in dataclasses.fields(cls)}
        for name, value in obj["f"].items():
            if name not in names:
                raise ValueError(f"{cls.__name__} has no field {name!r}")
            object.__setattr__(made, name, value)  # frozen or slotted: set as dataclasses' own __init__ does
        return made
    if key == _NAMEDTUPLE:
        return tuple.__new__(_class(obj[key], _NAMEDTUPLE), obj["v"])  # no __new__ of its own runs
    if key == _ENUM:
        return _class(obj[key], _ENUM)(obj["v"])
    raise ValueError(f"unknown tag {key!r}")


def _model(cls: Any, obj: dict[str, Any]) -> Any:
    """A model from its fields, as pydantic's own unpickling does: ``__new__`` and ``__setstate__``."""
    state = obj["f"]
    if not isinstance(state, dict):
        raise ValueError("model fields must be an object")
    unknown = state.keys() - cls.__pydantic_fields__.keys()
    if unknown and not getattr(cls, "model_config", {}).get("extra") == "allow":
        raise ValueError(f"{cls.__name__} has no field {sorted(unknown)[0]!r}")
    model = cls.__new__(cls)
    model.__setstate__(
        {
            "__dict__": state,
            "__pydantic_fields_set__": set(obj["s"]) if "s" in obj else set(state),
            "__pydantic_extra__": obj.get("x"),
            "__pydantic_private__": obj.get("p"),
        }
    )
    return model


# -- blobs ---------------------------------------------------------------------


def encode(
    entry: Entry,
    raw: bytes,
    *,
    compress_over: int,
    min_saving: float,
) -> bytes:
    """Pack an entry's metadata and its value ``raw`` (from ``dumps``) into one blob."""
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
        if magic == _MAGIC and version in _OLDER_VERSIONS:
            raise OlderEntry(f"malformed cache entry: bad magic or version ({version}, from an older tailor)")
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
                value = loads(payload)
            finally:
                gc.enable()
        else:
            value = loads(payload)
    except Exception as exc:  # a damaged or planted payload: zstd, json or a refused class
        raise CacheError(f"undecodable cache entry: {exc}") from exc
    finally:
        if spare is not None:  # loading copies out of it: free for the next decode
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
    """The value's size recorded in a blob's fixed header (for statistics); CacheError if malformed."""
    try:
        magic, version, _flags, _c, _s, _h, raw_size, _t, _crc = _HEADER.unpack_from(head)
    except struct.error as exc:
        raise CacheError(f"malformed cache entry: {exc}") from exc
    if magic != _MAGIC or version != _VERSION:
        raise CacheError("malformed cache entry: bad magic or version")
    return raw_size
