"""Whatever the resume and its style, edits at the reader's paths write a file that loads to exactly the edited data."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tailor.pipeline.errors import InputError
from tailor.pipeline.readers._jsonresume import json_resume_to_document
from tailor.pipeline.writers._structured import AppendItems, FieldOp, Remove, Reorder, Replace, apply_fields, dump

_words = st.sampled_from(["Python", "SQL", "led a team", "cut costs 20%", "a: b", "#1 seller", "- dash", "'quoted'",
                          "Zoë", "2020-01", "yes", "null", "", " padded ", "two\nlines", "x" * 90])
_texts = st.one_of(_words, st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=10))
_strings = st.one_of(_texts, st.lists(st.one_of(st.none(), _texts), min_size=1, max_size=4))
_entry = st.fixed_dictionaries({"name": _texts}, optional={"position": _texts, "summary": _texts, "highlights": _strings,
                                                             "keywords": _strings, "startDate": _words})
_resume = st.fixed_dictionaries(
    {"skills": st.lists(st.one_of(st.none(), _texts, _entry), min_size=1, max_size=4)},
    optional={"basics": st.fixed_dictionaries({"name": _texts}, optional={"summary": _texts, "label": _texts}),
              "work": st.lists(st.one_of(st.none(), _entry), max_size=3),
              "projects": st.lists(st.one_of(_texts, _entry), max_size=2)},
)
_styles = st.sampled_from(["json2", "json4", "jsontab", "json1", "yaml", "yamlflow", "yamlcomment"])


def _original(data: Any, style: str) -> tuple[str, str]:
    if style.startswith("json"):
        indent = {"json2": 2, "json4": 4, "jsontab": "\t", "json1": None}[style]
        return "json", json.dumps(data, indent=indent, ensure_ascii=style != "json4") + "\n"
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=None if style == "yamlflow" else False)
    return "yaml", ("# my resume\n" + text) if style == "yamlcomment" else text


def _ops(data: Any, pick: st.DataObject) -> list[FieldOp]:
    try:
        text, origins = json_resume_to_document(data, "r.json", "JSON")
    except InputError:
        return []
    lines = text.split("\n")
    ops: list[FieldOp] = []
    for line, origin in zip(lines, origins, strict=True):
        if not origin or not pick.draw(st.booleans()):
            continue
        kind = pick.draw(st.sampled_from(["replace", "append", "remove"]))
        words = line.lstrip("-# ").split()
        if kind == "replace" and words:
            ops.append(Replace(origin, pick.draw(st.sampled_from(words)), pick.draw(_words)))
        elif kind == "append" and origin.startswith("skills."):
            ops.append(AppendItems(origin, tuple(pick.draw(st.lists(_words, min_size=1, max_size=2)))))
        elif kind == "remove" and origin.rsplit(".", 1)[-1].isdigit():
            ops.append(Remove(origin))
    bullets = [o for o in origins if ".highlights." in o]
    parents = sorted({o.rsplit(".", 1)[0] for o in bullets})
    if parents:
        parent = pick.draw(st.sampled_from(parents))
        paths = tuple(dict.fromkeys(o for o in bullets if o.rsplit(".", 1)[0] == parent))
        ops.append(Reorder(paths, tuple(pick.draw(st.permutations(range(len(paths)))))))
    valid = []
    for op in ops:  # a Replace of a word the view normalised, say, is refused: leave those out
        try:
            apply_fields(data, [*valid, op])
        except ValueError:
            continue
        valid.append(op)
    return valid


@pytest.mark.slow
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=_resume, style=_styles, pick=st.data())
def test_edits_write_a_file_that_loads_to_the_edited_data(data: dict[str, Any], style: str, pick: st.DataObject) -> None:
    fmt, original = _original(data, style)
    loaded = json.loads(original) if fmt == "json" else yaml.safe_load(original)
    assert dump(loaded, fmt, original) == original
    out = apply_fields(loaded, _ops(loaded, pick))
    for target in ("json", "yaml"):
        text = dump(out, target, original)
        again = json.loads(text) if target == "json" else yaml.safe_load(text)
        assert json.dumps(again, sort_keys=False) == json.dumps(out, sort_keys=False)
