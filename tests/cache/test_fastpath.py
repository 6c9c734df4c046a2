"""Library fast paths in the cache package: none is kept, and what the dropped ones wrote still loads.

A fast path into a library's internals stays only where bench shows it saves >= 5% of a figure
a user sees, and then lives in pipeline/cache/_fastpath.py. Measured, neither the diskcache
``_con`` read (~1% of a warm batch's items/s) nor the pydantic slot-setting reducer (2-4%) did,
so the cache reads through ``Cache.get`` and pickles models through pydantic's own pickling.
"""

from __future__ import annotations

import ast
import io
import pickle
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict, PrivateAttr, RootModel

from tailor.pipeline.cache import _codec
from tailor.pipeline.cache._entry import Entry

CACHE_PACKAGE = Path(__file__).resolve().parents[2] / "pipeline" / "cache"


class Role(BaseModel):
    model_config = ConfigDict(frozen=True)
    title: str
    remote: bool = False  # left unset: fields_set must say so


class Resume(BaseModel):
    name: str
    roles: list[Role]
    note: str | None = None


class Loose(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str


class WithPrivate(BaseModel):
    name: str
    _seen: int = PrivateAttr(default=0)


class Skills(RootModel[list[str]]):
    pass


def with_private() -> WithPrivate:
    model = WithPrivate(name="n")
    model._seen = 3
    return model


MODELS = {
    "nested, defaults left unset": lambda: Resume(name="Ada", roles=[Role(title="Staff"), Role(title="Lead", remote=True)]),
    "every field set": lambda: Resume(name="Ada", roles=[], note="x"),
    "built by model_construct": lambda: Resume.model_construct(name="raw", roles=[]),
    "extra allowed": lambda: Loose(name="n", city="Zürich"),
    "private attribute": with_private,
    "root model": lambda: Skills(["python", "go"]),
}


def blob(raw: bytes) -> bytes:
    entry = Entry(None, 100.0, 200.0, 300.0, (), "ns", len(raw), len(raw))
    return _codec.encode(entry, raw, compress_over=1 << 30, min_saving=0.2)


def assert_same(loaded: Any, expected: BaseModel) -> None:
    assert type(loaded) is type(expected)
    assert loaded == expected
    assert loaded.model_fields_set == expected.model_fields_set
    assert loaded.__pydantic_extra__ == expected.__pydantic_extra__
    assert loaded.__pydantic_private__ == expected.__pydantic_private__


class OldReducer(pickle.Pickler):
    """Pickles models as the dropped reducer did: ``_codec._model(token, __dict__[, fields set[, extra, private]])``."""

    def reducer_override(self, obj: Any) -> Any:
        if not isinstance(obj, BaseModel):
            return NotImplemented
        token = f"{type(obj).__module__}:{type(obj).__qualname__}"
        state, fields_set = obj.__dict__, obj.__pydantic_fields_set__
        extra, private = obj.__pydantic_extra__, obj.__pydantic_private__
        if extra is None and private is None:
            return _codec._model, (token, state) if fields_set == state.keys() else (token, state, fields_set)
        return _codec._model, (token, state, fields_set, extra, private)


def old_pickle(value: Any) -> bytes:
    buffer = io.BytesIO()
    OldReducer(buffer, protocol=5).dump(value)
    return buffer.getvalue()


@pytest.mark.parametrize("make", MODELS.values(), ids=MODELS.keys())
def test_models_are_pickled_the_public_way(make) -> None:
    model = make()
    assert _codec.dumps(model) == pickle.dumps(model, protocol=5)
    assert_same(_codec.decode(blob(_codec.dumps(model)), "ns").value, pickle.loads(pickle.dumps(model, protocol=5)))


@pytest.mark.parametrize("make", MODELS.values(), ids=MODELS.keys())
def test_blobs_the_dropped_reducer_wrote_load_as_the_public_path_does(make) -> None:
    model = make()
    raw = old_pickle({"value": model, "again": model})
    assert b"_model" in raw  # really the old form
    loaded = _codec.decode(blob(raw), "ns").value
    assert_same(loaded["value"], pickle.loads(pickle.dumps(model, protocol=5)))
    assert loaded["again"] is loaded["value"]
    if isinstance(model, Resume):  # each instance owns its fields set, as after pydantic's own load
        loaded["value"].note = "changed"
        assert "note" in loaded["value"].model_fields_set


def _private_reaches(source: str) -> list[str]:
    """``thing._name`` on anything but self/cls: a reach into another object's internals."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Attribute)
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
            and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))
        ):
            found.append(f"line {node.lineno}: {ast.unparse(node)}")
    return found


def test_no_module_of_the_cache_package_reaches_into_private_attributes_outside_fastpath() -> None:
    assert _private_reaches("row = cache._con.execute(q)\nself._read(k)\ntype(v).__name__") == ["line 1: cache._con"]
    reaches = {
        path.name: hits
        for path in sorted(CACHE_PACKAGE.glob("*.py"))
        if path.name != "_fastpath.py" and (hits := _private_reaches(path.read_text(encoding="utf-8")))
    }
    assert reaches == {}, f"library internals belong in pipeline/cache/_fastpath.py, with a bench figure: {reaches}"
