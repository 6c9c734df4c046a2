from __future__ import annotations

import pytest

from tailor.pipeline.engine import Graph, Step, step
from tailor.pipeline.errors import GraphError


def test_step_decorator_keeps_function_callable_and_reads_needs() -> None:
    @step
    def total(prices, tax=0.2):
        return sum(prices) * (1 + tax)

    assert isinstance(total, Step)
    assert total.name == "total"
    assert total.needs == ("prices", "tax")
    assert total.optional == frozenset({"tax"})
    assert total([10, 10], tax=0.5) == 30


def test_step_options_and_name_override() -> None:
    @step(name="renamed", retries=3, required=False, cache=False, version="7")
    async def original(x):
        return x

    assert original.name == "renamed"
    assert (original.retries, original.required, original.cache, original.version) == (3, False, False, "7")
    assert original.is_async


def test_plain_functions_are_wrapped_and_ordered_topologically() -> None:
    def c(a, b):
        return a + b

    def a(x):
        return x

    def b(a):
        return a

    g = Graph([c, a, b], inputs=["x"])
    assert g.order == ("a", "b", "c")
    assert g.levels == (("a",), ("b",), ("c",))
    assert g.needs("c") == ("a", "b")
    assert g.dependents("a") == ("b", "c")
    assert g.roots("c") == frozenset({"x"})
    assert set(g.steps) == {"a", "b", "c"}


def test_roots_follow_transitive_inputs_only() -> None:
    def r(resume):
        return resume

    def j(job):
        return job

    def both(r, j, settings):
        return 1

    g = Graph([r, j, both], inputs=["resume", "job", "settings"])
    assert g.roots("r") == frozenset({"resume"})
    assert g.roots("j") == frozenset({"job"})
    assert g.roots("both") == frozenset({"resume", "job", "settings"})


def test_unmatched_parameter_with_default_is_optional() -> None:
    def s(x, verbose=False):
        return x

    g = Graph([s], inputs=["x"])
    assert g.needs("s") == ("x",)


def test_cycle_is_rejected_naming_the_steps() -> None:
    def a(c):
        return c

    def b(a):
        return a

    def c(b):
        return b

    def free():
        return 1

    with pytest.raises(GraphError) as info:
        Graph([free, a, b, c])
    message = str(info.value)
    assert "cycle" in message
    for name in ("a", "b", "c"):
        assert f"{name}" in message.split(":", 1)[1]
    assert "free" not in message


def test_self_cycle_is_rejected() -> None:
    def loop(loop):
        return loop

    with pytest.raises(GraphError, match="cycle: loop -> loop"):
        Graph([loop])


def test_missing_input_names_step_and_parameter() -> None:
    def s(resume, jobb):
        return 1

    with pytest.raises(GraphError) as info:
        Graph([s], inputs=["resume"])
    assert "'s' needs 'jobb'" in str(info.value)


def test_duplicate_step_names_are_rejected() -> None:
    def one(x):
        return 1

    twin = step(name="one")(lambda x: 2)
    with pytest.raises(GraphError, match="duplicate step names: 'one'"):
        Graph([one, twin], inputs=["x"])


def test_step_named_like_an_input_is_rejected() -> None:
    def x():
        return 1

    with pytest.raises(GraphError, match="run inputs: 'x'"):
        Graph([x], inputs=["x"])


def test_foreground_step_cannot_need_a_background_step() -> None:
    @step(background=True)
    def log(x):
        return x

    def use(log):
        return log

    with pytest.raises(GraphError, match="'use' needs background step"):
        Graph([log, use], inputs=["x"])


def test_timeout_on_inline_function_is_rejected() -> None:
    with pytest.raises(GraphError, match="timeout"):
        step(timeout=1.0)(lambda: 1)
    assert step(timeout=1.0, blocking=True)(lambda: 1).timeout == 1.0


def test_var_kwargs_cannot_name_inputs() -> None:
    def s(**kwargs):
        return kwargs

    with pytest.raises(GraphError, match=r"\*\*kwargs"):
        step(s)


def test_unknown_step_lookup_is_a_graph_error() -> None:
    g = Graph([lambda: 1])
    with pytest.raises(GraphError, match="no step named 'nope'"):
        g.needs("nope")
