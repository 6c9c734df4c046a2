"""The L2 codec: values (pydantic models above all) survive the blob exactly, as data only;
damage, and anything that is not data, is a CacheError."""

from __future__ import annotations

import dataclasses
import gc
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Generic, TypeVar

import pytest
from pydantic import BaseModel, ConfigDict, PrivateAttr, RootModel, ValidationError
from pydantic_core import PydanticUndefined

from tailor.pipeline.cache import _codec
from tailor.pipeline.cache._entry import Entry
from tailor.pipeline.errors import CacheError

T = TypeVar("T")


class Role(BaseModel):
    model_config = ConfigDict(frozen=True)
    title: str
    bullets: tuple[str, ...]  # hashable: frozen models go in sets
    remote: bool = False  # left unset below: fields_set must say so after a round trip


class Profile(BaseModel):
    model_config = ConfigDict(validate_assignment=True)
    name: str
    roles: list[Role]
    scores: dict[str, float]
    note: str | None = None


class Loose(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str


class WithPrivate(BaseModel):
    name: str
    _seen: int = PrivateAttr(default=0)
    _later: list[str] = PrivateAttr()  # no default: unset until assigned


class Box(BaseModel, Generic[T]):
    item: T


IntBox = Box[int]  # parametrised at module level, so pickle can find them by name


class Skills(RootModel[list[str]]):
    pass


class Restored(BaseModel):
    """Its own state methods: the codec must leave it to them."""

    name: str

    def __getstate__(self) -> dict[Any, Any]:
        state = super().__getstate__()
        state["__dict__"] = {**state["__dict__"], "name": state["__dict__"]["name"].upper()}
        return state


@dataclasses.dataclass(frozen=True, slots=True)
class Scored:
    role: Role
    score: float


RoleBox = Box[Role]


def role(title: str = "Staff Engineer") -> Role:
    return Role(title=title, bullets=["Cut p95 latency by 40%", "  led café   payments\t\n", ""])


def profile() -> Profile:
    return Profile(name="Ada Lovelace", roles=[role(), role("Tech Lead")], scores={"python": 0.9, "go": float("inf")})


def blob_of(value: Any, *, tags: tuple[str, ...] = (), compress_over: int = 4096) -> bytes:
    raw = _codec.dumps(value)
    entry = Entry(value, 100.0, 200.0, 300.0, tags, "ns", len(raw), len(raw))
    return _codec.encode(entry, raw, compress_over=compress_over, min_saving=0.2)


def round_trip(value: Any, **kwargs: Any) -> Any:
    return _codec.decode(blob_of(value, **kwargs), "ns").value


def assert_same_model(loaded: Any, original: BaseModel) -> None:
    assert type(loaded) is type(original)
    assert loaded == original
    assert loaded.model_fields_set == original.model_fields_set
    assert loaded.__pydantic_extra__ == original.__pydantic_extra__
    assert loaded.__pydantic_private__ == original.__pydantic_private__
    assert loaded.model_dump(exclude_unset=True) == original.model_dump(exclude_unset=True)


MODELS = {
    "nested, defaults left unset": profile,
    "frozen": role,
    "optional field set to None": lambda: Profile(name="x", roles=[], scores={}, note=None),
    "built by model_construct": lambda: Profile.model_construct(name="raw", roles=[], scores={}),
    "extra allowed": lambda: Loose(name="n", city="Zürich", tags=["a", "b"]),
    "extra allowed, none given": lambda: Loose(name="n"),
    "root model": lambda: Skills(["python", "", "  go  "]),
}


@pytest.mark.parametrize("compress_over", [0, 1 << 30], ids=["compressed", "raw"])
@pytest.mark.parametrize("make", MODELS.values(), ids=MODELS.keys())
def test_models_round_trip_exactly(make, compress_over: int) -> None:
    original = make()
    assert_same_model(round_trip(original, compress_over=compress_over), original)


def test_private_attributes_survive_and_unset_ones_stay_unset() -> None:
    original = WithPrivate(name="n")
    original._seen = 3
    loaded = round_trip(original)
    assert_same_model(loaded, original)
    assert loaded._seen == 3
    with pytest.raises(AttributeError):
        loaded._later  # noqa: B018 - never assigned, so not state
    loaded._later = ["x"]
    assert round_trip(loaded)._later == ["x"]
    loaded.__pydantic_private__["_later"] = PydanticUndefined  # as pydantic's own pickling: not state
    with pytest.raises(AttributeError):
        round_trip(loaded)._later  # noqa: B018


def test_frozen_model_is_still_frozen_and_hashable() -> None:
    loaded = round_trip(role())
    with pytest.raises(ValidationError):
        loaded.title = "CEO"
    assert hash(loaded) == hash(role())


def test_loaded_model_still_validates_and_owns_its_fields_set() -> None:
    full = Profile(name="n", roles=[], scores={}, note="every field given")
    first, second, third, fourth = round_trip([profile(), profile(), full, full.model_copy()])
    with pytest.raises(ValidationError):
        first.scores = "not a dict"
    first.note = "added"
    assert "note" in first.model_fields_set
    assert "note" not in second.model_fields_set  # each instance got its own set
    assert third.model_fields_set == fourth.model_fields_set == set(Profile.model_fields)
    assert third.model_fields_set is not fourth.model_fields_set


def test_models_inside_containers_and_dataclasses() -> None:
    shared = role()
    value = {
        "list": [shared, shared, role("Tech Lead")],
        "set": frozenset({role("a"), role("b")}),
        "tuple": (Skills(["x"]), role("b")),
        "dataclass": Scored(role=shared, score=71.5),
        "nothing": None,
    }
    loaded = round_trip(value)
    assert loaded == value
    assert type(loaded["dataclass"]) is Scored and type(loaded["tuple"]) is tuple and type(loaded["set"]) is frozenset
    assert loaded["list"][0] is not loaded["list"][1]  # data, not an object graph: a shared model is copied
    with pytest.raises(dataclasses.FrozenInstanceError):
        loaded["dataclass"].score = 0.0


def test_loading_runs_none_of_the_classes_code() -> None:
    # Data only: no __init__, validator, __setstate__ of the class's own or __reduce__ runs on load.
    assert round_trip(Restored(name="ada")).name == "ada"
    calls: list[str] = []

    class Watched(BaseModel):
        name: str

        def model_post_init(self, context: Any) -> None:
            calls.append("post_init")

    Watched.__qualname__ = "Watched"  # found by name in this (loaded) module
    globals()["Watched"] = Watched
    try:
        original = Watched(name="x")
        calls.clear()
        loaded = round_trip(original)
        assert loaded == original and type(loaded) is Watched
        assert calls == []  # model_post_init did not run on load
    finally:
        del globals()["Watched"]


class Node(BaseModel):
    name: str
    links: list[Node] = []


def test_a_cycle_or_a_generic_or_a_function_is_not_data_and_not_cached() -> None:
    node = Node(name="loop")
    node.links.append(node)  # a cycle no validation makes, but mutation can
    for value in (node, IntBox(item=7), RoleBox(item=role()), lambda: 1, {"f": print}):
        with pytest.raises(CacheError, match="cannot serialise"):
            _codec.dumps(value)


PLANTED = {
    "a class of another kind": {"~c": "subprocess:Popen", "f": {"args": ["touch", "x"]}},
    "a module not loaded": {"~m": "pydoc_data.topics:Topic", "f": {}},
    "a function as a model": {"~m": "os:system", "f": {}},
    "a named tuple that is not one": {"~n": "builtins:tuple", "v": []},
    "an unknown tag": {"~x": 1},
    "a model with a field it has not": {"~m": "tailor.pipeline.tailoring.models:Contact", "f": {"evil": 1}},
}


@pytest.mark.parametrize("data", PLANTED.values(), ids=PLANTED.keys())
def test_planted_data_naming_other_classes_is_a_cache_error(data: Any) -> None:
    import json

    raw = json.dumps(data).encode()
    entry = Entry(None, 100.0, 200.0, 300.0, (), "ns", len(raw), len(raw))
    with pytest.raises(CacheError, match="undecodable"):
        _codec.decode(_codec.encode(entry, raw, compress_over=1 << 30, min_saving=0.2), "ns")


def test_another_process_loads_tailors_own_models(tmp_path: Path) -> None:
    from tailor.pipeline.tailoring.models import Contact

    value = {"contact": Contact(name="Ada Lovelace", email="ada@example.com"), "tags": ("a", "b")}
    (tmp_path / "blob").write_bytes(blob_of(value, tags=("résumé:1", "job:2")))
    reader = """
import json, sys
from tailor.pipeline.cache import _codec
assert "tailor.pipeline.tailoring.models" not in sys.modules
entry = _codec.decode(open(sys.argv[1], "rb").read(), "ns")
print(json.dumps([type(entry.value["contact"]).__name__, entry.value["contact"].model_dump(mode="json"),
                  list(entry.value["tags"]), list(entry.tags)]))
"""
    done = subprocess.run([sys.executable, "-c", reader, str(tmp_path / "blob")], capture_output=True, text=True,
                          check=False, timeout=60)
    assert done.returncode == 0, done.stderr
    import json

    name, dumped, tags, entry_tags = json.loads(done.stdout)
    assert name == "Contact" and dumped == value["contact"].model_dump(mode="json")
    assert tags == ["a", "b"] and entry_tags == ["résumé:1", "job:2"]


def test_metadata_round_trips() -> None:
    value = {"skills": ["python"], "score": 71.5}
    blob = blob_of(value, tags=("resume:abc", "job:ünï", "step:ats"))
    entry = _codec.decode(blob, "ats")
    assert (entry.created, entry.soft_expiry, entry.hard_expiry) == (100.0, 200.0, 300.0)
    assert entry.tags == ("resume:abc", "job:ünï", "step:ats")
    assert (entry.namespace, entry.raw_size, entry.stored_size) == ("ats", len(_codec.dumps(value)), len(blob))
    assert entry.fresh_hit == (value, "l1") and entry.stale_hit == (value, "stale")
    assert entry.fresh_hit.status == "l1"
    assert _codec.raw_size_of(blob[:64]) == entry.raw_size


def test_compression_only_when_it_pays() -> None:
    text = [f"Shipped feature {i} in Python for payments" for i in range(3000)]
    noise = os.urandom(50_000)
    raw_text = len(_codec.dumps(text))
    packed = blob_of(text)
    assert len(packed) < raw_text / 4
    assert _codec.decode(packed, "ns").value == text
    assert _codec.decode(packed, "ns").raw_size == raw_text
    kept = blob_of(noise)  # incompressible: stored as is
    assert len(kept) > len(noise)
    assert _codec.decode(kept, "ns").value == noise
    small = blob_of(text[:50], compress_over=1 << 20)  # compressible but under the threshold
    assert len(small) > len(_codec.dumps(text[:50]))


def _flip(blob: bytes, at: int) -> bytes:
    damaged = bytearray(blob)
    damaged[at] ^= 0x5A
    return bytes(damaged)


def _claim_size(blob: bytes, raw_size: int) -> bytes:
    """The blob with its header's raw size field rewritten."""
    fields = list(_codec._HEADER.unpack_from(blob))
    fields[6] = raw_size
    return _codec._HEADER.pack(*fields) + blob[_codec._HEADER.size :]


def resume_lines(n: int) -> list[str]:
    return [f"line {i} of a long résumé: shipped payments in Python" for i in range(n)]


MODEL_BLOB = blob_of(profile(), compress_over=1 << 30)
PACKED_BLOB = blob_of(resume_lines(300), tags=("job:1",))  # compressed, decompressed into fresh bytes
BIG_PACKED = blob_of(resume_lines(20_000))  # compressed, over 64 KB: decompressed into the spare buffer
DAMAGE = {
    "flipped byte in a raw payload": (_flip(MODEL_BLOB, len(MODEL_BLOB) - 20), "checksum"),
    "flipped byte in a compressed payload": (_flip(PACKED_BLOB, len(PACKED_BLOB) // 2), "undecodable"),
    "flipped byte in a big compressed payload": (_flip(BIG_PACKED, len(BIG_PACKED) // 2), "undecodable"),
    "flipped byte in a big payload's frame checksum": (_flip(BIG_PACKED, len(BIG_PACKED) - 2), "undecodable"),
    "truncated raw payload": (MODEL_BLOB[:-1], "checksum"),
    "truncated compressed payload": (PACKED_BLOB[:-10], "undecodable"),
    "truncated big compressed payload": (BIG_PACKED[:-10], "undecodable"),
    "header claims fewer bytes (compressed)": (_claim_size(PACKED_BLOB, 100), "header says 100"),
    "header claims fewer bytes (big compressed)": (_claim_size(BIG_PACKED, 70_000), "header says 70000"),
    "truncated header": (MODEL_BLOB[:20], "malformed"),
    "empty": (b"", "malformed"),
    "bad magic": (b"XX" + MODEL_BLOB[2:], "malformed"),
    "future version": (MODEL_BLOB[:2] + b"\x09" + MODEL_BLOB[3:], "malformed"),
    "tags past the end": (PACKED_BLOB[:40] + b"job", "malformed"),
    "not bytes": ("TC\x01 some text", "malformed"),
}


@pytest.mark.parametrize(("blob", "says"), DAMAGE.values(), ids=DAMAGE.keys())
def test_damaged_blobs_are_cache_errors(blob: Any, says: str) -> None:
    with pytest.raises(CacheError, match=says):
        _codec.decode(blob, "ns")
    # Again on a new thread: no spare buffer left over from earlier decodes.
    with ThreadPoolExecutor(1) as pool, pytest.raises(CacheError, match=says):
        pool.submit(_codec.decode, blob, "ns").result()


def test_large_loads_pause_the_collector_and_always_restore_it() -> None:
    big = {f"k{i}": [i, {"nested": i}] for i in range(20_000)}
    assert gc.isenabled()
    assert round_trip(big) == big
    assert gc.isenabled()
    # A payload that decompresses fine but is not data fails inside the paused load.
    junk = b"\x80\x05not data at all " * 10_000
    entry = Entry(None, 0.0, 1.0, 2.0, (), "ns", len(junk), len(junk))
    with pytest.raises(CacheError, match="undecodable"):
        _codec.decode(_codec.encode(entry, junk, compress_over=0, min_saving=0.2), "ns")
    assert gc.isenabled()
    gc.disable()  # a caller that paused it itself keeps it paused
    try:
        assert round_trip(big) == big
        assert not gc.isenabled()
    finally:
        gc.enable()


# -- blobs as the disk tier reads them back ------------------------------------


def test_disk_tier_reads_small_and_file_backed_blobs_and_skips_expired(tmp_path: Path) -> None:
    import diskcache

    from tailor.pipeline.cache._disk import DiskTier, entry_key

    tier = DiskTier(tmp_path / "l2", warn=pytest.fail)
    small, large = blob_of({"score": 71.5}), blob_of(os.urandom(100_000))  # large: diskcache keeps a file
    tier.set("ns", "small", small, expire=None, tags=())
    tier.set("ns", "large", large, expire=None, tags=("job:1",))
    with diskcache.Cache(str(tmp_path / "l2")) as raw:
        raw.set(entry_key("ns", "text"), "not bytes")
        raw.set(entry_key("ns", "gone"), small, expire=0.05)
    time.sleep(0.1)  # past diskcache's own expiry, with no write since to cull the row
    assert tier.get("ns", "small") == small
    assert tier.get("ns", "large") == large
    assert tier.get("ns", "gone") is None
    assert tier.get("ns", "absent") is None
    with pytest.raises(CacheError, match="malformed"):
        _codec.decode(tier.get("ns", "text"), "ns")
    tier.close()


def test_disk_tier_keeps_diskcache_statistics_when_the_folder_has_them_on(tmp_path: Path) -> None:
    import diskcache

    from tailor.pipeline.cache._disk import DiskTier

    with diskcache.Cache(str(tmp_path / "l2"), statistics=True):
        pass  # a setting stored in the folder: every opener inherits it
    tier = DiskTier(tmp_path / "l2", warn=pytest.fail)
    tier.set("ns", "k", blob_of(1), expire=None, tags=())
    with diskcache.Cache(str(tmp_path / "l2")) as raw:
        hits, misses = raw.stats()
        assert tier.get("ns", "k") is not None
        assert tier.get("ns", "absent") is None
        assert raw.stats() == (hits + 1, misses + 1)  # the reads went through diskcache's counting path
    tier.close()


def load_inner(blob: bytes) -> Any:
    return _codec.decode(blob, "ns").value


@dataclasses.dataclass
class Inner:
    """Its __reduce__ would re-enter decode under pickle; as data it is only its bytes."""

    blob: bytes

    def __reduce__(self) -> tuple[Any, ...]:
        return load_inner, (self.blob,)


def test_big_payloads_decode_right_in_any_order_and_when_nested() -> None:
    big, bigger = resume_lines(20_000), resume_lines(40_000)
    assert _codec.decode(blob_of(bigger), "ns").value == bigger
    assert _codec.decode(blob_of(big), "ns").value == big  # into a spare longer than the payload
    inner = resume_lines(30_000)
    outer = [Inner(blob_of(inner)), resume_lines(25_000)]
    loaded = _codec.decode(blob_of(outer), "ns").value
    assert loaded == outer and type(loaded[0]) is Inner  # its __reduce__ never ran
    assert _codec.decode(loaded[0].blob, "ns").value == inner
