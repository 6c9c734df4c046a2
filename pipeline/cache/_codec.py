"""Entry <-> bytes for the shared tier: a fixed header, then pickle (maybe zstd-compressed).

pickle protocol 5 is ~25x faster than JSON for the values steps return
(bench/cache.py). Payloads over a threshold are compressed with zstandard
(faster than zlib at a better ratio, bench/cache.py) and kept compressed only
when that saves enough to pay for decompression. Unpickling trusts the folder,
which is created owner-only.

pydantic models are pickled as ``_model("module:qualname", __dict__[, fields set[,
extra, private]])`` instead of through pydantic's ``__getstate__``/``__setstate__``:
loading then skips a state dict, a set (when every field was set) and a Python
``__setstate__`` per instance, and finds each class once per process instead of
once per load (pickle imports every global it meets): ~30% off loading a model
with hundreds of nested models (bench/cache.py). Anything unusual (custom reduce
or state methods, own ``__slots__``, a class pickle could not find by name) keeps
pickle's default.
"""

from __future__ import annotations

import copyreg
import gc
import importlib
import io
import pickle
import struct
import sys
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


# -- pydantic models -----------------------------------------------------------

_UNSEEN = object()
_MAX_PLANS = 4096  # types seen by the pickler; cleared past this so dynamic classes are not pinned
_plans: dict[type, str | None] = {}  # type -> class token for _model, or None: pickle's default
_classes: dict[str, type] = {}  # class token -> class, resolved once per process
_new = object.__new__
# BaseModel's slot setters, bound once pydantic is loaded (see _bind_slots).
_set_dict: Any = None
_set_fields: Any = None
_set_extra: Any = None
_set_private: Any = None
_undefined: Any = None


def _bind_slots(base: type) -> None:
    global _set_dict, _set_fields, _set_extra, _set_private, _undefined
    if _set_dict is None:
        from pydantic_core import PydanticUndefined

        slots = vars(base)
        _undefined = PydanticUndefined
        _set_fields = slots["__pydantic_fields_set__"].__set__
        _set_extra = slots["__pydantic_extra__"].__set__
        _set_private = slots["__pydantic_private__"].__set__
        _set_dict = slots["__dict__"].__set__  # last: it is the "bound" flag


def _class_of(token: str) -> type:
    """The pydantic model class named ``module:qualname`` (as pickle would find it)."""
    module, _, qualname = token.partition(":")
    found: Any = importlib.import_module(module)
    for part in qualname.split("."):
        found = getattr(found, part)
    pydantic = sys.modules.get("pydantic")
    if pydantic is None or not (isinstance(found, type) and issubclass(found, pydantic.BaseModel)):
        raise TypeError(f"{token} is not a pydantic model")
    _bind_slots(pydantic.BaseModel)
    _classes[token] = found
    return found


def _model(
    token: str,
    state: dict[str, Any],
    fields_set: set[str] | None = None,
    extra: dict[str, Any] | None = None,
    private: dict[str, Any] | None = None,
) -> Any:
    """Rebuild a model as pydantic's __setstate__ would; no ``fields_set``: every field in ``state`` was set."""
    try:
        cls = _classes[token]
    except KeyError:
        cls = _class_of(token)
    obj = _new(cls)
    _set_dict(obj, state)
    _set_fields(obj, set(state) if fields_set is None else fields_set)
    _set_extra(obj, extra)
    _set_private(obj, private)
    return obj


def _plan(cls: type) -> str | None:
    """The token to pickle ``cls``'s instances by, or None to leave them to pickle."""
    if len(_plans) >= _MAX_PLANS:
        _plans.clear()
    _plans[cls] = token = _token_for(cls)
    return token


def _token_for(cls: type) -> str | None:
    pydantic = sys.modules.get("pydantic")
    if pydantic is None or not issubclass(cls, pydantic.BaseModel):
        return None
    base, root = pydantic.BaseModel, pydantic.RootModel
    state_methods = (cls.__getstate__, cls.__setstate__)
    if state_methods == (base.__getstate__, base.__setstate__):
        slots: tuple[str, ...] = ("__dict__", "__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__")
    elif state_methods == (root.__getstate__, root.__setstate__):
        # RootModel shadows extra/private with class attributes (None) and never pickles them.
        slots = ("__dict__", "__pydantic_fields_set__")
    else:
        return None
    if (
        cls.__reduce_ex__ is not object.__reduce_ex__
        or cls.__reduce__ is not object.__reduce__
        or cls.__new__ is not object.__new__
        or cls in copyreg.dispatch_table
        or hasattr(cls, "__getnewargs_ex__")
        or hasattr(cls, "__getnewargs__")
        or any(vars(k).get("__slots__") for k in cls.__mro__ if k is not base)
        or any(_owner(cls, name) is not base for name in slots)
    ):
        return None
    token = f"{cls.__module__}:{cls.__qualname__}"
    try:
        if _class_of(token) is not cls:  # another class under that name, or not findable at all
            return None
    except Exception:  # noqa: BLE001 - a local class, a renamed module...: pickle's default decides
        return None
    return token


def _owner(cls: type, name: str) -> type | None:
    """The class in ``cls``'s MRO whose attribute ``name`` an instance lookup would find."""
    return next((k for k in cls.__mro__ if name in vars(k)), None)


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        cls = type(obj)
        token = _plans.get(cls, _UNSEEN)
        if token is _UNSEEN:
            token = _plan(cls)
        if token is None:
            return NotImplemented
        state, fields_set = obj.__dict__, obj.__pydantic_fields_set__
        extra, private = obj.__pydantic_extra__, obj.__pydantic_private__
        if extra is None and private is None:  # the common case, kept short: the args are pickled per instance
            return _model, (token, state) if fields_set == state.keys() else (token, state, fields_set)
        if private:  # as pydantic's __getstate__: unset private attributes are not state
            private = {k: v for k, v in private.items() if v is not _undefined}
        return _model, (token, state, fields_set, extra, private)


def dumps(value: Any) -> bytes:
    """Pickle ``value`` (protocol 5); raises CacheError for values pickle cannot take."""
    if "pydantic" in sys.modules:  # else no model can exist: pickle's own C path, nothing to override
        buffer = io.BytesIO()
        try:
            _Pickler(buffer, protocol=5).dump(value)
            return buffer.getvalue()
        except Exception:  # noqa: BLE001, S110 - e.g. a model inside its own fields: only pickle's way handles cycles
            pass
    try:
        return pickle.dumps(value, protocol=5)
    except Exception as exc:  # pickle raises many types (TypeError, PicklingError, AttributeError...)
        raise CacheError(f"cannot serialise a {type(value).__name__}: {exc}") from exc


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
