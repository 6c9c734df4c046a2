"""Writing the edited JSON Resume back: the original's text wherever nothing changed, and a file the reader,
the JSON Resume schema and the view's words all agree with.

tests/data/jsonresume-schema.json is jsonresume/resume-schema's schema.json (commit b25e3f4, v1.2.1),
vendored unchanged; formats (uri, email) are not checked.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tailor.pipeline.readers import read_resume
from tailor.pipeline.readers.documents import SourceDocument
from tailor.pipeline.writers._structured import (
    AddSkills,
    AppendItems,
    FieldOp,
    Remove,
    Reorder,
    Replace,
    SetSummary,
    apply_fields,
    dump,
)
from tests.writers_structured._support import (
    MESSY_JSON,
    SAMPLE_FILES,
    check_origins,
    load,
    schema_problems,
    value_at,
    words,
)

_FORMAT = {".json": "json", ".yaml": "yaml", ".yml": "yaml"}


def _changed_lines(before: str, after: str) -> int:
    import difflib

    return sum(1 for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line[:1] in "+-")


@pytest.mark.parametrize("path", [*SAMPLE_FILES, *MESSY_JSON], ids=lambda p: p.name)
def test_unchanged_data_is_the_original_text(path: Path) -> None:
    original, data = load(path)
    assert dump(apply_fields(data, []), _FORMAT[path.suffix], original) == original


def _tailoring_ops(document: SourceDocument) -> tuple[list[FieldOp], set[str], set[str]]:
    """What tailoring does, found from the view's lines and origins as the output stage finds them:
    (ops, words they take out, words they put in)."""
    lines = document.text.split("\n")
    origins = document.origins
    keywords = [o for o in origins if o.startswith("skills.") and o.endswith(".keywords")]
    rename_path = keywords[0]
    old = lines[origins.index(rename_path)].split(": ", 1)[1].split(", ")[1]
    bullets: dict[str, list[str]] = {}
    for origin in origins:
        if ".highlights." in origin and origin.startswith("work."):
            bullets.setdefault(origin.rsplit(".", 1)[0], []).append(origin)
    role, paths = max(bullets.items(), key=lambda kv: len(kv[1]))
    dropped = lines[origins.index(paths[-1])]
    ops: list[FieldOp] = [
        Replace(rename_path, old, "Quantitative Zeta"),
        AppendItems(keywords[-1], ("Kubernetes",)),
        AddSkills(("Terraform", "Helm"), "Cloud"),
        Reorder(tuple(paths[:-1]), tuple(reversed(range(len(paths) - 1)))),
        Remove(paths[-1]),
    ]
    return ops, set(words(old)) | set(words(dropped)), {"Quantitative", "Zeta", "Kubernetes", "Terraform", "Helm"}


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
@pytest.mark.parametrize("fmt", ["same", "json", "yaml"])
def test_tailored_file_reads_back_with_every_word_but_the_replaced(path: Path, fmt: str, tmp_path: Path) -> None:
    original, data = load(path)
    document = read_resume(path)
    ops, taken, added = _tailoring_ops(document)
    out = apply_fields(data, ops)
    fmt = _FORMAT[path.suffix] if fmt == "same" else fmt
    text = dump(out, fmt, original)
    written = tmp_path / f"tailored.{fmt}"
    written.write_text(text, encoding="utf-8")

    again = read_resume(written)
    assert again.format == fmt
    check_origins(again.text, again.origins, load(written)[1])
    before, after = words(document.text), words(again.text)
    lost = {w for w in before if after[w] < before[w]} - taken
    assert not lost, lost
    assert added <= set(after)
    # Untouched fields identical: all but skills and the role whose bullets moved.
    reloaded = load(written)[1]
    for key in data:
        if key not in ("skills", "work"):
            assert json.dumps(reloaded[key], default=str) == json.dumps(data[key], default=str), key
    role = ops[3].paths[0].split(".")[1]  # type: ignore[union-attr]
    for n, job in enumerate(data["work"]):
        if str(n) != role:
            assert json.dumps(reloaded["work"][n], default=str) == json.dumps(job, default=str)
    if fmt == _FORMAT[path.suffix]:  # edited in place: only the edited lines differ
        assert _changed_lines(original, text) <= 16
        assert text.splitlines()[0] == original.splitlines()[0]  # the YAML's comment line, JSON's "{"


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_every_output_is_as_valid_a_json_resume_as_its_source(path: Path, fmt: str) -> None:
    """The sample JSON is schema-valid, and so is every output of it; the YAML sample's own departures
    (unquoted dates, a bare-string language) stay, and no output adds one."""
    original, data = load(path)
    source_problems = schema_problems(json.loads(json.dumps(data, default=str)) if fmt == "json" else data)
    if path.suffix == ".json":
        assert not source_problems
    ops, _, _ = _tailoring_ops(read_resume(path))
    variants: list[list[FieldOp]] = [[], *([op] for op in ops), ops]
    without_summary = {k: ({kk: vv for kk, vv in v.items() if kk != "summary"} if k == "basics" else v)
                       for k, v in data.items()}
    for edits, base in [*((v, data) for v in variants), ([SetSummary("A summary.")], without_summary)]:
        text = dump(apply_fields(base, edits), fmt, original)
        written = json.loads(text) if fmt == "json" else yaml.safe_load(text)
        problems = schema_problems(written)
        assert not problems - source_problems, (edits, problems - source_problems)


def test_set_summary_round_trip(tmp_path: Path) -> None:
    original = "# mine\nbasics:\n  name: Kim Example  # the name\n  email: kim@example.com\nwork:\n  - name: Co\n"
    data = yaml.safe_load(original)
    text = dump(apply_fields(data, [SetSummary("Analyst with 5+ years.")]), "yaml", original)
    assert text == ("# mine\nbasics:\n  name: Kim Example  # the name\n  email: kim@example.com\n"
                    "  summary: Analyst with 5+ years.\nwork:\n  - name: Co\n")
    (tmp_path / "r.yaml").write_text(text, encoding="utf-8")
    document = read_resume(tmp_path / "r.yaml")
    assert document.origin(document.text.split("\n").index("Analyst with 5+ years.")) == "basics.summary"


def test_json_keeps_the_original_layout_and_writes_changes_in_it() -> None:
    original = '{\n\t"basics": {"name": "Zoë"},\n\t"skills": [\n\t\t{"name": "A", "keywords": ["x"]}\n\t]\n}\n'
    data = json.loads(original)
    out = apply_fields(data, [AppendItems("skills.0.keywords", ("ÿ",)), AddSkills(("z",), "B"), SetSummary("Hi")])
    assert dump(out, "json", original) == (
        '{\n\t"basics": {"name": "Zoë", "summary": "Hi"},\n\t"skills": [\n\t\t{"name": "A", "keywords": ["x", "ÿ"]},'
        '\n\t\t{"name": "B", "keywords": ["z"]}\n\t]\n}\n')


def test_json_dump_without_an_original() -> None:
    import datetime

    data: dict[str, Any] = {"basics": {"name": "Zoë"}, "work": [{"startDate": datetime.date(2020, 1, 2)}]}
    assert dump(data, "json", "") == (
        '{\n  "basics": {\n    "name": "Zoë"\n  },\n  "work": [\n    {\n      "startDate": "2020-01-02"\n    }\n  ]\n}\n')
    assert dump({"a": [1]}, "json", '{"a": [2]}') == '{"a": [1]}\n'  # splice: one line stays one line
    assert dump({"a": [1, 2]}, "json", '{"a": []}') == '{"a": [1, 2]}\n'
    assert dump({"a": 1}, "json", '{\r\n    "a": 2\r\n}\r\n') == '{\r\n    "a": 1\r\n}\r\n'


def test_yaml_keeps_comments_flow_lists_and_folded_text() -> None:
    original, data = load(SAMPLE_FILES[1])
    out = apply_fields(data, [Replace("basics.summary", "Former high-school", "Former secondary-school"),
                              AppendItems("skills.1.keywords", ("Power BI",)),
                              Replace("work.0.highlights.1", "pandas", "Pandas")])
    text = dump(out, "yaml", original)
    assert yaml.safe_load(text) == out
    assert text.startswith("# JSON Resume schema written as YAML")
    assert "    keywords: [Tableau, Looker Studio, matplotlib, Power BI]\n" in text
    assert "  summary: >-\n    Former secondary-school mathematics teacher" in text
    assert "    startDate: 2023-02-01\n" in text  # still a YAML date
    assert _changed_lines(original, text) == 6  # three lines, each out and in


def test_yaml_falls_back_to_a_full_dump_when_splicing_is_not_safe() -> None:
    original = "defaults: &d {city: Oslo}\nbasics:\n  name: Kim\n  location: *d\nskills: [Python]\n"
    data = yaml.safe_load(original)
    text = dump(apply_fields(data, [AppendItems("skills", ("SQL",))]), "yaml", original)
    assert "&" not in text and "*" not in text  # anchors written out
    assert yaml.safe_load(text) == {**data, "skills": ["Python", "SQL"]}
    assert dump({"skills": ["SQL"]}, "yaml", "{skills: [Python]}\n") == "skills:\n- SQL\n"  # a flow document


def test_yaml_dump_without_an_original_neither_wraps_nor_escapes() -> None:
    long = "word " * 60
    text = dump({"basics": {"name": "Zoë", "summary": long.strip()}, "skills": [{"name": "A", "keywords": ["x"]}]},
                "yaml", "")
    assert "Zoë" in text and "\n" not in text.split("summary: ")[1].split("\nskills")[0]
    assert "skills:\n- name: A\n  keywords:\n  - x\n" in text


def test_json_source_as_yaml_and_back(tmp_path: Path) -> None:
    original, data = load(SAMPLE_FILES[0])
    as_yaml = dump(data, "yaml", original)
    assert yaml.safe_load(as_yaml) == data
    assert json.loads(dump(yaml.safe_load(as_yaml), "json", as_yaml)) == data


def test_edge_data_round_trip(tmp_path: Path) -> None:
    """None items, lone strings, legacy keys and unquoted dates: an edit at each reader path lands there."""
    original = ("basics:\n  name: Kim Example\n  website: kim.example.com\nwork:\n  -\n  - company: Old Schema Corp\n"
                "    startDate: 2019-02\n    highlights: Built one Postgres report\n  - name: New Co\n    highlights:\n"
                "      -\n      - Led the migration\n      - Cut costs 20%\nskills:\n  -\n  - Python\n"
                "  - {name: Data, keywords: SQL}\n")
    source = tmp_path / "edge.yaml"
    source.write_text(original, encoding="utf-8")
    document = read_resume(source)
    lines = dict(zip(document.text.split("\n"), document.origins, strict=True))
    data = load(source)[1]
    ops: list[FieldOp] = [
        Replace(lines["- Built one Postgres report"], "Postgres", "PostgreSQL"),
        Reorder((lines["- Led the migration"], lines["- Cut costs 20%"]), (1, 0)),
        AppendItems(lines["- Python"], ("Go",)),
        AppendItems(lines["- Data: SQL"], ("dbt",)),
    ]
    assert [value_at(data, op.path) for op in ops if isinstance(op, (Replace, AppendItems))] == [
        "Built one Postgres report", "Python", "SQL"]
    text = dump(apply_fields(data, ops), "yaml", original)
    assert text == original.replace("Postgres", "PostgreSQL").replace(
        "      - Led the migration\n      - Cut costs 20%\n", "      - Cut costs 20%\n      - Led the migration\n").replace(
        "  - Python\n", "  - Python\n  - Go\n").replace("keywords: SQL}", "keywords: [SQL, dbt]}")
    (tmp_path / "out.yaml").write_text(text, encoding="utf-8")
    again = read_resume(tmp_path / "out.yaml")
    assert "- Built one PostgreSQL report" in again.text and "- Go\n- Data: SQL, dbt" in again.text
    assert again.text.index("- Cut costs 20%") < again.text.index("- Led the migration")
