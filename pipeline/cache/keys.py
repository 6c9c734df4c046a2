"""Canonical content hashes: equal values hash equal in every process.

Values are walked, not pickled or dumped to JSON, because those depend on set
iteration order (randomised per process for strings), which would turn every
cross-process lookup into a miss. Scalars are fed inline into one BLAKE2b;
models, dataclasses and containers are framed by type and length so no two
different values feed the same bytes.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
import os
import pickle
from collections import OrderedDict
from collections.abc import Mapping, Set
from typing import Any

__all__ = ["ContentHasher", "content_hash", "tag_for"]

_DIGEST_SIZE = 16


def _type_name(value: Any) -> bytes:
    cls = type(value)
    return f"{cls.__module__}.{cls.__qualname__}".encode()


def _is_model(value: Any) -> bool:
    return hasattr(type(value), "model_fields") and hasattr(value, "__pydantic_fields_set__")


_FROZEN: dict[type, bool] = {}  # per class: frozen model or dataclass (a class does not change)


def _is_frozen(value: Any) -> bool:
    cls = type(value)
    frozen = _FROZEN.get(cls)
    if frozen is None:
        if _is_model(value):
            frozen = bool(cls.model_config.get("frozen"))
        else:
            params = getattr(cls, "__dataclass_params__", None)
            frozen = bool(params is not None and params.frozen)
        _FROZEN[cls] = frozen
    return frozen


class ContentHasher:
    """Content hashes with a bounded memo of frozen models and dataclasses by ``id``.

    A pipeline passes the same result object to several steps: remembering it
    hashes it once. Only frozen objects are remembered (a mutable one may
    change between calls); the memo holds a reference so an ``id`` is never
    reused while remembered.
    """

    def __init__(self, remember: int = 1024) -> None:
        self._remember = remember
        self._memo: OrderedDict[int, tuple[Any, bytes]] = OrderedDict()

    def hash(self, value: Any) -> str:
        """Hex digest of ``value``'s content; TypeError for values with no canonical form."""
        return self.digest(value).hex()

    def remember(self, value: Any, digest: bytes) -> None:
        """Take ``digest`` as ``value``'s (computed earlier, e.g. before it was cached) if ``value`` is frozen."""
        memo = self._memo.get(id(value))
        if memo is not None and memo[0] is value:
            self._memo.move_to_end(id(value))  # an L1 hit hands back the object remembered last time
            return
        self._keep(value, digest)

    def _keep(self, value: Any, digest: bytes) -> None:
        if self._remember and _is_frozen(value):
            self._memo[id(value)] = (value, digest)
            if len(self._memo) > self._remember:
                self._memo.popitem(last=False)

    def digest(self, value: Any) -> bytes:
        memo = self._memo.get(id(value))
        if memo is not None and memo[0] is value:
            self._memo.move_to_end(id(value))
            return memo[1]
        if _is_model(value) or (dataclasses.is_dataclass(value) and not isinstance(value, type)):
            digest = self._fields_digest(value)
        else:
            h = hashlib.blake2b(digest_size=_DIGEST_SIZE)
            self._feed(h, value)
            digest = h.digest()
        self._keep(value, digest)  # looked up above: a miss
        return digest

    def _feed(self, h: Any, value: Any) -> None:  # noqa: C901 - one dispatch, kept flat for speed
        update = h.update
        cls = type(value)
        if cls is str:
            data = value.encode("utf-8", "surrogatepass")
            update(b"s%d:" % len(data))
            update(data)
        elif cls is list or cls is tuple:
            update(b"l%d;" % len(value) if cls is list else b"t%d;" % len(value))
            if all(type(item) is str for item in value):
                # Lists of text (bullets, skills) are the bulk of a resume: one C-level
                # JSON encoding of exact strs is injective and ~5x faster than a loop.
                update(json.dumps(value).encode())
            else:
                feed = self._feed
                for item in value:
                    feed(h, item)
        elif value is None:
            update(b"N")
        elif cls is bool:
            update(b"T" if value else b"F")
        elif cls is int:
            update(b"i%d;" % value)
        elif cls is float:
            update(b"f" + repr(value).encode() + b";")
        elif _is_model(value) or (dataclasses.is_dataclass(value) and not isinstance(value, type)):
            # Through digest(): a frozen object shared by many parents is hashed once.
            update(b"@")
            update(self.digest(value))
        elif isinstance(value, Mapping):
            update(b"d%d;" % len(value))
            if all(type(k) is str for k in value):
                for k in sorted(value):
                    self._feed(h, k)
                    self._feed(h, value[k])
            else:
                for kd, v in sorted(((self.digest(k), v) for k, v in value.items()), key=lambda kv: kv[0]):
                    update(kd)
                    self._feed(h, v)
        elif isinstance(value, Set):
            update(b"S%d;" % len(value))
            if all(type(item) is str for item in value):
                for item in sorted(value):
                    self._feed(h, item)
            else:
                for d in sorted(self.digest(item) for item in value):
                    update(d)
        elif isinstance(value, (bytes, bytearray, memoryview)):
            data = bytes(value)
            update(b"b%d:" % len(data))
            update(data)
        elif isinstance(value, enum.Enum):
            update(b"E" + _type_name(value) + b":")
            self._feed(h, value.value)
        elif isinstance(value, str):  # str subclasses
            self._feed(h, str(value))
        elif isinstance(value, int):  # int subclasses that are not enums
            update(b"i%d;" % int(value))
        elif isinstance(value, float):
            update(b"f" + repr(float(value)).encode() + b";")
        elif isinstance(value, (list, tuple)):
            self._feed(h, list(value) if isinstance(value, list) else tuple(value))
        elif isinstance(value, os.PathLike):
            update(b"p")
            self._feed(h, os.fspath(value))
        else:
            # Dates, Decimals, UUIDs and the like pickle deterministically; anything that
            # does not pickle has no content we can name.
            try:
                data = pickle.dumps(value, protocol=5)
            except Exception as exc:
                raise TypeError(f"cannot content-hash a {cls.__name__}: {exc}") from exc
            update(b"P%d:" % len(data))
            update(data)

    def _fields_digest(self, value: Any) -> bytes:
        """The digest of a model's or dataclass's class name and fields, in declaration order."""
        h = hashlib.blake2b(digest_size=_DIGEST_SIZE)
        h.update(b"M" + _type_name(value) + b":")
        if _is_model(value):
            names = list(type(value).model_fields)
            extra = getattr(value, "__pydantic_extra__", None) or {}
        else:
            # A field left out of equality (compare=False) is not content: a path, a note.
            names = [f.name for f in dataclasses.fields(value) if f.compare]
            extra = {}
        h.update(b"%d;" % len(names))
        for name in names:
            self._feed(h, name)
            self._feed(h, getattr(value, name))
        if extra:
            self._feed(h, dict(extra))
        return h.digest()


def content_hash(value: Any) -> str:
    """Hex BLAKE2b-128 of ``value``'s content, the same in every process."""
    return ContentHasher(remember=0).hash(value)


def tag_for(name: str, value: Any) -> str:
    """The cache tag of a run input: invalidating it drops every step result derived from it."""
    return f"{name}:{content_hash(value)}"
