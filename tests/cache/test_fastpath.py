"""Library fast paths in the cache package: none is kept, and what older tailors wrote is a miss.

A fast path into a library's internals stays only where bench shows it saves >= 5% of a figure
a user sees, and then lives in pipeline/cache/_fastpath.py. Measured, neither the diskcache
``_con`` read (~1% of a warm batch's items/s) nor a pydantic slot-setting reducer (2-4%) did,
so the cache reads through ``Cache.get``. Values are data only (issue 17): a pickled blob an
older tailor wrote is never unpickled.
"""

from __future__ import annotations

import ast
import pickle
from pathlib import Path
from typing import Any

import pytest

from tailor.pipeline.cache import _codec
from tailor.pipeline.cache._entry import Entry
from tailor.pipeline.errors import CacheError

CACHE_PACKAGE = Path(__file__).resolve().parents[2] / "pipeline" / "cache"


def old_blob(value: Any) -> bytes:
    """A blob as tailor wrote it before values were data only: header version 1, a pickle inside."""
    raw = pickle.dumps(value, protocol=5)
    entry = Entry(None, 100.0, 200.0, 300.0, (), "ns", len(raw), len(raw))
    blob = bytearray(_codec.encode(entry, raw, compress_over=1 << 30, min_saving=0.2))
    blob[2] = 1  # the version byte
    return bytes(blob)


def test_a_blob_an_older_tailor_pickled_is_a_miss_and_never_unpickled(tmp_path: Path) -> None:
    marker = tmp_path / "ran"

    class Planted:
        def __reduce__(self) -> Any:
            return (open, (str(marker), "w"))

    with pytest.raises(CacheError, match="malformed"):
        _codec.decode(old_blob(Planted()), "ns")
    assert not marker.exists()


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


def test_an_older_tailors_entry_is_dropped_without_a_warning(tmp_path: Path) -> None:
    from tailor.pipeline.cache import TieredCache
    from tailor.pipeline.cache._disk import DiskTier

    warnings: list[str] = []
    first = TieredCache(tmp_path / "l2", warn=warnings.append)
    first.set("k", {"score": 71.5}, namespace="ats")
    first.flush()
    tier = DiskTier(tmp_path / "l2", warn=warnings.append)
    tier.set("ats", "k", old_blob({"score": 71.5}), expire=None, tags=())  # as an older tailor left it
    tier.close()
    fresh = TieredCache(tmp_path / "l2", warn=warnings.append)  # an empty L1: the read goes to L2
    assert fresh.get("k", namespace="ats") is None
    assert warnings == []  # upgrading says nothing: the entry is simply rebuilt
    damaged = DiskTier(tmp_path / "l2", warn=warnings.append)
    damaged.set("ats", "k", b"TC\x02" + b"\x00" * 60, expire=None, tags=())
    damaged.close()
    assert TieredCache(tmp_path / "l2", warn=warnings.append).get("k", namespace="ats") is None
    assert len(warnings) == 1 and "dropped" in warnings[0]  # real damage is still said
