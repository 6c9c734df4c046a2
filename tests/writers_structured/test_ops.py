"""Field operations on a JSON Resume as loaded: each one, and paths that keep meaning the original items."""

from __future__ import annotations

import copy
import datetime
from typing import Any

import pytest

from tailor.pipeline.writers._structured import (
    AddSkills,
    AppendItems,
    FieldOp,
    Remove,
    Reorder,
    Replace,
    SetSummary,
    apply_fields,
)

_DATA: dict[str, Any] = {
    "basics": {"name": "Kim Example", "email": "kim@example.com", "location": {"city": "Oslo"}, "profiles": []},
    "work": [
        None,
        {"company": "Old Schema Corp", "highlights": "Built one report", "startDate": datetime.date(2020, 1, 15)},
        {"name": "New Co", "highlights": ["a Postgres job", None, "b", "c", "d"]},
    ],
    "skills": [None, "Python", {"name": "Cloud", "keywords": ["AWS", "GCP"]}, {"name": "Go"},
               {"name": "Data", "keywords": "SQL"}, "Excel"],
    "awards": [{"title": "Best Analyst", "awarder": "Old Schema Corp", "date": "2020-03"}],
    "x-custom": {"kept": [1, 2]},
}


def _apply(*ops: FieldOp) -> Any:
    before = copy.deepcopy(_DATA)
    out = apply_fields(_DATA, ops)
    assert _DATA == before  # the input is never changed
    return out


def _same_except(out: dict[str, Any], *keys: str) -> None:
    for key in _DATA:
        if key not in keys:
            assert out[key] == _DATA[key], key


def test_no_ops_is_an_equal_copy() -> None:
    out = _apply()
    assert out == _DATA and out is not _DATA and out["work"] is not _DATA["work"]


def test_replace_in_a_string_a_keyword_an_entry_and_a_date() -> None:
    out = _apply(Replace("work.2.highlights.0", "Postgres", "PostgreSQL"),
                 Replace("skills.2.keywords", "GCP", "Google Cloud"),
                 Replace("skills.4.keywords", "SQL", "PostgreSQL"),  # a lone string where a list belongs
                 Replace("skills.1", "Python", "Python 3"),  # a bare-string skill
                 Replace("awards.0", "Analyst", "Data Analyst"),  # a line that is one entry
                 Replace("work.1.startDate", "2020", "2019"))  # a YAML date is replaced as its text
    assert out["work"][2]["highlights"][0] == "a PostgreSQL job"
    assert out["skills"][2]["keywords"] == ["AWS", "Google Cloud"]
    assert out["skills"][4]["keywords"] == "PostgreSQL"
    assert out["skills"][1] == "Python 3"
    assert out["awards"][0] == {"title": "Best Data Analyst", "awarder": "Old Schema Corp", "date": "2020-03"}
    assert out["work"][1]["startDate"] == "2019-01-15"
    _same_except(out, "work", "skills", "awards")


def test_replace_prefers_the_keyword_that_is_the_text() -> None:
    out = apply_fields({"skills": [{"name": "x", "keywords": ["CPython", "Python"]}]},
                       [Replace("skills.0.keywords", "Python", "Python 3")])
    assert out["skills"][0]["keywords"] == ["CPython", "Python 3"]


def test_replace_matches_the_views_nfc_text() -> None:
    out = apply_fields({"basics": {"summary": "Cafe\u0301 owner"}}, [Replace("basics.summary", "Café", "Bistro")])
    assert out["basics"]["summary"] == "Bistro owner"


@pytest.mark.parametrize("op", [
    Replace("work.2.highlights.0", "MySQL", "x"),
    Replace("skills.2.keywords", "Azure", "x"),
    Replace("work.2.highlights.1", "x", "y"),  # a None item holds no text
    Replace("work.2.highlights.0", "", "x"),
    Replace("work.7", "a", "b"),
    Replace("nothing.here", "a", "b"),
    Replace("", "a", "b"),
])
def test_replace_refuses_text_that_is_not_there(op: Replace) -> None:
    with pytest.raises(ValueError):
        apply_fields(_DATA, [op])


def test_append_items_to_each_kind_of_skills_line() -> None:
    out = _apply(AppendItems("skills.2.keywords", ("Azure",)),  # a list
                 AppendItems("skills.4.keywords", ("dbt",)),  # a lone string: becomes a list
                 AppendItems("skills.1", ("Rust", "Zig")),  # a bare string: new bare strings after it
                 AppendItems("skills.3.name", ("Elixir",)),  # a name-only entry: entries like it after it
                 AppendItems("skills.5", ("Sheets",)))
    assert out["skills"] == [None, "Python", "Rust", "Zig", {"name": "Cloud", "keywords": ["AWS", "GCP", "Azure"]},
                             {"name": "Go"}, {"name": "Elixir"}, {"name": "Data", "keywords": ["SQL", "dbt"]},
                             "Excel", "Sheets"]
    _same_except(out, "skills")


def test_append_items_to_an_entry_and_twice_to_one_place() -> None:
    out = _apply(AppendItems("skills.2", ("Azure",)), AppendItems("skills.1", ("Rust",)), AppendItems("skills.1", ("Zig",)),
                 AppendItems("skills.2.keywords", ()))
    assert out["skills"][1:5] == ["Python", "Rust", "Zig", {"name": "Cloud", "keywords": ["AWS", "GCP", "Azure"]}]


def test_append_items_to_a_name_only_entry_with_keywords_extends_them() -> None:
    out = apply_fields({"skills": [{"name": "Go", "keywords": ["gRPC"]}]}, [AppendItems("skills.0.name", ("cobra",))])
    assert out["skills"] == [{"name": "Go", "keywords": ["gRPC", "cobra"]}]


def test_add_skills_creates_or_extends_the_section() -> None:
    assert _apply(AddSkills(("Terraform", "Helm"), "Cloud tools"))["skills"][-1] == {
        "name": "Cloud tools", "keywords": ["Terraform", "Helm"]}
    assert apply_fields({"work": []}, [AddSkills(("SQL",), "Skills")]) == {
        "work": [], "skills": [{"name": "Skills", "keywords": ["SQL"]}]}
    assert apply_fields({"skills": "Python"}, [AddSkills(("SQL",), "Skills")])["skills"] == [
        "Python", {"name": "Skills", "keywords": ["SQL"]}]


def test_set_summary_where_there_is_none() -> None:
    out = _apply(SetSummary("Analyst with 5+ years of experience."))
    assert list(out["basics"]) == ["name", "email", "summary", "location", "profiles"]  # the schema's place
    assert out["basics"]["summary"] == "Analyst with 5+ years of experience."
    _same_except(out, "basics")
    created = apply_fields({"work": [{"name": "Co"}]}, [SetSummary("Hi.")])
    assert list(created) == ["basics", "work"] and created["basics"] == {"summary": "Hi."}
    assert apply_fields({"basics": {"summary": "  "}}, [SetSummary("Hi.")]) == {"basics": {"summary": "Hi."}}
    with pytest.raises(ValueError, match="summary of its own"):
        apply_fields({"basics": {"summary": "Mine."}}, [SetSummary("Hi.")])


def test_reorder_puts_paths_order_i_into_slot_i() -> None:
    out = _apply(Reorder(("work.2.highlights.0", "work.2.highlights.2", "work.2.highlights.3"), (2, 0, 1)))
    assert out["work"][2]["highlights"] == ["c", None, "a Postgres job", "b", "d"]
    _same_except(out, "work")


def test_reorder_skills_lines_by_their_origins() -> None:
    out = _apply(Reorder(("skills.2.keywords", "skills.3.name", "skills.5"), (2, 1, 0)))
    assert out["skills"][2] == "Excel" and out["skills"][5] == {"name": "Cloud", "keywords": ["AWS", "GCP"]}


@pytest.mark.parametrize("op", [
    Reorder(("work.2.highlights.0", "skills.1"), (1, 0)),
    Reorder(("work.2.highlights.0", "work.2.highlights.2"), (0, 0)),
    Reorder(("work.2.highlights.0", "work.2.highlights.0"), (1, 0)),
    Reorder(("work.2.highlights.0", "work.2.highlights.9"), (1, 0)),
    Reorder(("work.1.highlights", "work.2.highlights"), (1, 0)),
])
def test_reorder_refuses_what_is_not_an_order_of_one_list(op: Reorder) -> None:
    with pytest.raises(ValueError):
        apply_fields(_DATA, [op])


def test_remove_items_keys_and_skills_lines() -> None:
    out = _apply(Remove("work.2.highlights.2"), Remove("work.2.highlights.4"), Remove("work.1.highlights"),
                 Remove("skills.3.name"), Remove("skills.5"), Remove("skills.5"))
    assert out["work"][2]["highlights"] == ["a Postgres job", None, "c"]
    assert "highlights" not in out["work"][1]
    assert out["skills"] == [None, "Python", {"name": "Cloud", "keywords": ["AWS", "GCP"]},
                             {"name": "Data", "keywords": "SQL"}]
    with pytest.raises(ValueError):
        apply_fields(_DATA, [Remove("work.2.highlights.9")])


def test_paths_keep_meaning_the_original_items_whatever_the_order() -> None:
    """Text edits, moves, inserts and removals together: every path names an item of the original data."""
    ops: list[FieldOp] = [
        Remove("skills.2"),  # listed first, applied last
        Remove("work.2.highlights.0"),
        Reorder(("work.2.highlights.0", "work.2.highlights.2", "work.2.highlights.4"), (2, 1, 0)),
        AppendItems("skills.1", ("Rust",)),  # an insert before skills.2..5
        Replace("skills.5", "Excel", "Excel (advanced)"),
        Remove("skills.4"),
        Replace("work.2.highlights.4", "d", "D"),
        AppendItems("skills.2.keywords", ("Azure",)),  # removed as well: no harm
    ]
    out = _apply(*ops)
    # highlights: slot 0 <- d (then D), slot 2 <- b, slot 4 <- the Postgres job, which is then removed.
    assert out["work"][2]["highlights"] == ["D", None, "b", "c"]
    assert out["skills"] == [None, "Python", "Rust", {"name": "Go"}, "Excel (advanced)"]
    _same_except(out, "work", "skills")
    assert out["work"][:2] == _DATA["work"][:2]


def test_operations_are_frozen_values() -> None:
    op = Replace("a", "b", "c")
    with pytest.raises(AttributeError):
        op.path = "x"  # type: ignore[misc]
    assert op == Replace("a", "b", "c") and hash(op) == hash(Replace("a", "b", "c"))
    with pytest.raises(TypeError):
        apply_fields({}, ["not an op"])  # type: ignore[list-item]
