"""Helpers for the JSON Resume field-writer tests: values at field paths, the samples, schema checks."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from tests._samples import SAMPLES as SAMPLE_DATA

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = SAMPLE_DATA / "resumes"
SCHEMA = ROOT / "tests" / "data" / "jsonresume-schema.json"
SAMPLE_FILES = (SAMPLES / "data_scientist.json", SAMPLES / "career_changer_teacher.yaml")
MESSY_JSON = tuple(sorted((ROOT / "tests" / "data" / "messy").glob("jsonresume_*.json")))

_MISSING = object()
_MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}


def load(path: Path) -> tuple[str, Any]:
    """(the file's text, its data as the reader loads it)."""
    text = path.read_text(encoding="utf-8-sig")
    return text, (json.loads(text) if path.suffix == ".json" else yaml.safe_load(text))


def value_at(data: Any, path: str) -> Any:
    """The value at a dotted field path of ``data``, or ``_MISSING``."""
    node = data
    for part in path.split("."):
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return _MISSING
    return node


def as_text(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return value if isinstance(value, str) else str(value)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _viewed(value: str) -> str:
    """A value as the view may show it: as written, or normalised (controls dropped, mojibake repaired)."""
    from tailor.pipeline.readers._text import normalise_text

    return " | ".join(_squash(v) for v in (value, normalise_text(value), normalise_text(value, repair=True)))


def check_origins(text: str, origins: tuple[str, ...], data: Any) -> int:
    """Assert the invariant and that each line with a path is a piece of the value there; returns how many have one.

    A line's own text is what is left once the reader's prefix is taken off: "# " (the
    name), "- " (a bullet), "Name: " (a skills line), "GPA: ", "Courses: ", "Keywords: ".
    """
    lines = text.split("\n")
    assert len(origins) == len(lines), (len(origins), len(lines))
    assert origins[-1] == "" and lines[-1] == ""
    with_path = 0
    for number, (line, origin) in enumerate(zip(lines, origins, strict=True)):
        if not origin:
            continue
        with_path += 1
        value = value_at(data, origin)
        assert value is not _MISSING, f"line {number} {line!r}: no value at {origin!r}"
        first = number == 0 or origins[number - 1] != origin  # a value's later lines carry no prefix
        body = line
        if first:
            body = re.sub(r"^(#|-)(?: |$)", "", body)
        last_part = origin.rsplit(".", 1)[-1]
        if last_part in ("keywords", "courses"):  # the whole list on one line, after its label
            items = value if isinstance(value, list) else [value]
            joined = _viewed(", ".join(as_text(v) for v in items if v is not None))
            squashed = _squash(body)
            after_label = [squashed[m.end():].strip() for m in re.finditer(":", squashed)] if first else []
            assert any(piece in joined for piece in [squashed, *after_label]), (origin, line)
        elif isinstance(value, dict):  # one line, one entry: every word of it from the entry (dates reworded)
            written = set(words(" ".join(_viewed(as_text(v)) for v in value.values() if v is not None)))
            assert set(words(body)) <= written | _MONTHS, (origin, line, value)
        else:
            if first and last_part in ("gpa", "score"):
                body = body.removeprefix("GPA: ")
            assert _squash(body) in _viewed(as_text(value)), (origin, line, value)
    return with_path


def _shape(error: Any) -> tuple[str, str, str]:
    path = ".".join("*" if isinstance(p, int) else str(p) for p in error.absolute_path)
    return error.validator, path, repr(error.instance)


def schema_problems(data: Any) -> Counter[tuple[str, str, str]]:
    """The resume schema's complaints about ``data`` (formats not checked), list indexes left out."""
    import jsonschema

    validator = jsonschema.Draft7Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    return Counter(_shape(error) for error in validator.iter_errors(data))


def words(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text))
