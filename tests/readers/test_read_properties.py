"""Whatever bytes a file holds, a reader returns a document or raises InputError: nothing else."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tailor.pipeline.errors import InputError
from tailor.pipeline.readers import RESUME_SUFFIXES, read_job, read_resume
from tailor.pipeline.readers.documents import SourceDocument

_PREFIXES = {".pdf": b"%PDF-1.4\n", ".docx": b"PK\x03\x04", ".json": b'{"basics": ', ".yaml": b"basics:\n  "}

_contents = st.one_of(
    st.binary(max_size=512),
    st.text(max_size=512).map(lambda text: text.encode("utf-8")),
    st.tuples(st.sampled_from(sorted(_PREFIXES.values())), st.binary(max_size=512)).map(b"".join),
)
_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)
_resume_like = st.dictionaries(
    st.sampled_from(["basics", "work", "education", "skills", "projects", "languages", "other"]), _json_values,
    min_size=1, max_size=4,
)


def _check(reader: Callable[..., SourceDocument], suffix: str, raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(raw)
        try:
            document = reader(path)
        except InputError as exc:
            assert str(exc).startswith(f"{path}: ") and "\n" not in str(exc)
        else:
            assert isinstance(document, SourceDocument)
            assert document.text.strip() and "\r" not in document.text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(suffix=st.sampled_from(sorted(RESUME_SUFFIXES)), raw=_contents)
def test_any_bytes_resume(suffix: str, raw: bytes) -> None:
    _check(read_resume, suffix, raw)


@settings(max_examples=50, deadline=None)
@given(suffix=st.sampled_from([".txt", ".md"]), raw=_contents)
def test_any_bytes_job(suffix: str, raw: bytes) -> None:
    _check(read_job, suffix, raw)


@pytest.mark.slow
@settings(max_examples=100, deadline=None)
@given(data=_resume_like, suffix=st.sampled_from([".json", ".yaml"]))
def test_any_resume_shaped_data(data: dict, suffix: str) -> None:
    text = json.dumps(data)  # JSON is valid YAML, so the YAML loader sees the same data
    _check(read_resume, suffix, text.encode("utf-8"))
