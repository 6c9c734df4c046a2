from __future__ import annotations

import dataclasses
import enum
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict

from tailor.pipeline.cache import ContentHasher, content_hash, tag_for


class Level(enum.Enum):
    JUNIOR = "junior"
    SENIOR = "senior"


class Profile(BaseModel):
    model_config = ConfigDict(frozen=True)
    skills: frozenset[str]
    years: float
    level: Level


@dataclasses.dataclass(frozen=True)
class Point:
    x: int
    y: int


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("1", 1),
        (1, 1.0),
        (1, True),
        (b"ab", "ab"),
        ([1, 2], (1, 2)),
        (["ab", "c"], ["a", "bc"]),
        ({"a": 1}, {"a": "1"}),
        (None, ""),
        (Point(1, 2), Point(2, 1)),
        ({1, 2}, [1, 2]),
        (Level.JUNIOR, "junior"),
    ],
)
def test_different_values_hash_differently(a: object, b: object) -> None:
    assert content_hash(a) != content_hash(b)


def test_equal_values_hash_equal() -> None:
    assert content_hash({"b": [1, {"z", "y"}], "a": None}) == content_hash({"a": None, "b": [1, {"y", "z"}]})
    assert content_hash({1: "x", "1": "y"}) == content_hash({"1": "y", 1: "x"})
    p1 = Profile(skills=frozenset({"python", "go"}), years=5, level=Level.SENIOR)
    p2 = Profile(skills=frozenset({"go", "python"}), years=5.0, level=Level.SENIOR)
    assert content_hash(p1) == content_hash(p2)
    assert content_hash(Path("a/b")) == content_hash(Path("a/b")) != content_hash("a/b")
    assert content_hash(Decimal("1.10")) != content_hash(Decimal("1.1"))


def test_messy_text_hashes() -> None:
    messy = "Ã© caf\u00e9 \ud800 tabs\t\r\n\x00"  # mojibake, a lone surrogate, controls
    assert content_hash(messy) == content_hash(messy[:] + "")
    assert content_hash(messy) != content_hash(messy.replace("\r\n", "\n"))


def test_hash_is_stable_across_processes() -> None:
    code = (
        "from tailor.pipeline.cache import content_hash;"
        "print(content_hash({'skills': {'python', 'go', 'sql', 'rust'}, 'n': [1.5, None]}))"
    )
    outs = {
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, env={"PYTHONHASHSEED": seed}
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outs) == 1


def test_unhashable_raises_type_error() -> None:
    import threading

    with pytest.raises(TypeError):
        content_hash(threading.Lock())


def test_frozen_objects_are_remembered_mutable_ones_are_not() -> None:
    hasher = ContentHasher()
    profile = Profile(skills=frozenset({"python"}), years=1, level=Level.JUNIOR)
    first = hasher.hash(profile)
    assert hasher.hash(profile) == first
    data = {"a": 1}
    before = hasher.hash(data)
    data["a"] = 2  # a mutable value changed in place must get a new hash
    assert hasher.hash(data) != before


def test_tag_for_names_the_input() -> None:
    assert tag_for("resume", "text") == f"resume:{content_hash('text')}"


def test_fields_left_out_of_equality_are_not_content() -> None:
    import dataclasses

    @dataclasses.dataclass(frozen=True)
    class FileRef:
        sha256: str
        path: str = dataclasses.field(compare=False)

    # Same bytes at another path: the same content, so the same cache keys.
    assert content_hash(FileRef("abc", "/a/cv.md")) == content_hash(FileRef("abc", "/b/cv.md"))
    assert content_hash(FileRef("abc", "/a/cv.md")) != content_hash(FileRef("abd", "/a/cv.md"))
