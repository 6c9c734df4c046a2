from __future__ import annotations

from pathlib import Path

import pytest

from tailor.pipeline.errors import ConfigError
from tailor.pipeline.tailoring import Taxonomy, load_taxonomy


def found(taxonomy: Taxonomy, text: str) -> list[str]:
    return [m.skill for m in taxonomy.find(text)]


def test_taxonomy_is_large_and_spans_fields(taxonomy: Taxonomy) -> None:
    assert len(taxonomy) >= 400
    categories = set(taxonomy.categories.values())
    assert {"languages", "frontend", "cloud", "data", "tools", "methods", "soft", "nursing", "sales", "design"} <= categories
    for skill in ("Patient Care", "IV Therapy", "Epic", "BLS", "ACLS", "Salesforce", "CRM", "Pipeline Management",
                  "Quota Attainment", "Cold Calling", "Figma", "Adobe XD", "User Research", "Prototyping",
                  "Design Systems", "SQL", "pandas", "Tableau", "Power BI", "A/B Testing", "Machine Learning"):
        assert skill in taxonomy, skill


def test_compiled_once(taxonomy: Taxonomy) -> None:
    assert load_taxonomy() is taxonomy


@pytest.mark.parametrize(("text", "expected"), [
    ("k8s and K8S", ["Kubernetes", "Kubernetes"]),
    ("JS, Postgres", ["JavaScript", "PostgreSQL"]),
    ("golang", ["Go"]),
    ("Electronic Medical Records (EMR)", ["Electronic Health Records", "Electronic Health Records"]),
    ("machine-learning and Machine Learning", ["Machine Learning", "Machine Learning"]),
    ("cold calls", ["Cold Calling"]),
])
def test_aliases_map_to_canonical(taxonomy: Taxonomy, text: str, expected: list[str]) -> None:
    assert found(taxonomy, text) == expected


def test_java_is_not_found_in_javascript(taxonomy: Taxonomy) -> None:
    assert found(taxonomy, "JavaScript") == ["JavaScript"]
    assert found(taxonomy, "Java and JavaScript") == ["Java", "JavaScript"]


def test_c_only_as_a_standalone_token(taxonomy: Taxonomy) -> None:
    assert found(taxonomy, "C, C++ and C#") == ["C", "C++", "C#"]
    assert found(taxonomy, "C/C++") == ["C", "C++"]
    assert found(taxonomy, "reported to the C-suite") == []
    assert found(taxonomy, "ABC Corp, Washington D.C.") == []
    assert found(taxonomy, "vitamin c") == []


def test_punctuated_skills(taxonomy: Taxonomy) -> None:
    assert found(taxonomy, ".NET, ASP.NET, Node.js, CI/CD") == [".NET", "ASP.NET", "Node.js", "CI/CD"]
    assert found(taxonomy, "Node is a tree node") == []  # bare "Node" is not Node.js
    assert found(taxonomy, "BLS/ACLS") == ["BLS", "ACLS"]


def test_go_needs_capital_g_and_no_go_to_market(taxonomy: Taxonomy) -> None:
    assert found(taxonomy, "Python, Go, Rust") == ["Python", "Go", "Rust"]
    assert found(taxonomy, "we go fast and go deep") == []
    assert found(taxonomy, "Go to market strategy, Go-to-market, Go live") == []


def test_case_matters_only_for_ordinary_words(taxonomy: Taxonomy) -> None:
    assert found(taxonomy, "PYTHON python Python") == ["Python"] * 3
    assert found(taxonomy, "react quickly, spark joy, excel at work") == []
    assert found(taxonomy, "React, Spark, Excel") == ["React", "Apache Spark", "Excel"]
    assert found(taxonomy, "R&D budget; John R. Smith") == []
    assert found(taxonomy, "Python and R") == ["Python", "R"]


def test_whole_words_only(taxonomy: Taxonomy) -> None:
    assert found(taxonomy, "MySQL and NoSQL") == ["MySQL", "NoSQL"]  # no "SQL" inside them
    assert found(taxonomy, "Pythonic") == []
    assert found(taxonomy, "jane@python.org") == []


def test_duplicate_alias_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "skills.yaml"
    path.write_text("skills:\n  a:\n    - Foo | bar\n  b:\n    - Baz | bar\n")
    with pytest.raises(ConfigError, match="bar"):
        load_taxonomy(path)


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="missing.yaml"):
        load_taxonomy(tmp_path / "missing.yaml")


def test_taxonomy_pickles_by_reloading(taxonomy: Taxonomy) -> None:
    import pickle

    clone = pickle.loads(pickle.dumps(taxonomy))
    assert clone is taxonomy  # reloaded from the per-process cache, not rebuilt
