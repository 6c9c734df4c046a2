"""Steps and graphs: a pipeline is a list of functions whose parameter names are their inputs.

A ``Step`` wraps a function with its scheduling options; a ``Graph`` resolves every parameter
to another step or a run input, rejects cycles, missing inputs and duplicate names, and
precomputes everything the runner needs (indices, indegrees, dependents) once.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

from tailor.pipeline.errors import GraphError, TransientError

# Seconds to keep a result, or a function of the result that gives them (higher scores live longer); None: the default.
TTL = float | Callable[[Any], float] | None


@dataclass(frozen=True)
class Step:
    """A function plus its scheduling options. Still callable like the function it wraps.

    ``needs`` lists every parameter name; ``optional`` those with a default value. A parameter
    that matches no step or run input in a graph is left to its default.
    """

    fn: Callable[..., Any]
    name: str
    needs: tuple[str, ...] = ()
    optional: frozenset[str] = frozenset()
    cache: bool = False
    version: str = "1"
    timeout: float | None = None
    retries: int = 0
    transient: tuple[type[BaseException], ...] = (TransientError,)
    backoff: float = 0.05
    required: bool = True
    background: bool = False
    blocking: bool = False
    ttl: TTL = None
    is_async: bool = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "is_async", inspect.iscoroutinefunction(self.fn))
        if self.timeout is not None and not (self.is_async or self.blocking):
            # An inline function holds the event loop; nothing can interrupt it on time.
            raise GraphError(f"step {self.name!r}: timeout needs an async function or blocking=True")
        if self.retries < 0 or self.backoff < 0:
            raise GraphError(f"step {self.name!r}: retries and backoff must be >= 0")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.fn(*args, **kwargs)

    @property
    def __name__(self) -> str:  # lets a Step stand in for its function in logs and tools
        return self.name


def _signature_needs(fn: Callable[..., Any], name: str) -> tuple[tuple[str, ...], frozenset[str]]:
    needs: list[str] = []
    optional: set[str] = set()
    for param in inspect.signature(fn).parameters.values():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            raise GraphError(f"step {name!r}: *args/**kwargs cannot name inputs; list each parameter")
        if param.kind is param.POSITIONAL_ONLY:
            raise GraphError(f"step {name!r}: positional-only parameter {param.name!r} cannot be passed by name")
        needs.append(param.name)
        if param.default is not param.empty:
            optional.add(param.name)
    return tuple(needs), frozenset(optional)


@overload
def step(fn: Callable[..., Any], /) -> Step: ...
@overload
def step(
    *,
    cache: bool = ...,
    version: str = ...,
    timeout: float | None = ...,
    retries: int = ...,
    transient: tuple[type[BaseException], ...] = ...,
    backoff: float = ...,
    required: bool = ...,
    background: bool = ...,
    blocking: bool = ...,
    ttl: TTL = ...,
    name: str | None = ...,
) -> Callable[[Callable[..., Any]], Step]: ...
def step(
    fn: Callable[..., Any] | None = None,
    /,
    *,
    cache: bool = False,
    version: str = "1",
    timeout: float | None = None,
    retries: int = 0,
    transient: tuple[type[BaseException], ...] = (TransientError,),
    backoff: float = 0.05,
    required: bool = True,
    background: bool = False,
    blocking: bool = False,
    ttl: TTL = None,
    name: str | None = None,
) -> Step | Callable[[Callable[..., Any]], Step]:
    """Make a function a pipeline step; works as ``@step`` and ``@step(...)``."""

    def wrap(f: Callable[..., Any]) -> Step:
        step_name = name or f.__name__
        needs, optional = _signature_needs(f, step_name)
        return Step(
            fn=f, name=step_name, needs=needs, optional=optional, cache=cache, version=version,
            timeout=timeout, retries=retries, backoff=backoff,
            transient=tuple(transient) if isinstance(transient, tuple) else (transient,),
            required=required, background=background, blocking=blocking, ttl=ttl,
        )

    return wrap(fn) if fn is not None else wrap


def as_step(obj: Step | Callable[..., Any]) -> Step:
    return obj if isinstance(obj, Step) else step(obj)


@dataclass(frozen=True, slots=True)
class _Arg:
    """How the runner fills one parameter: from a step's value (source >= 0) or a run input."""

    param: str
    source: int  # index of the producing step, or -1 for a run input
    input: str  # run input name when source == -1
    has_default: bool


@dataclass(frozen=True, slots=True)
class _Plan:
    """Per-step data precomputed once so a run does no graph work."""

    step: Step
    needs: tuple[str, ...]
    args: tuple[_Arg, ...]
    indegree: int  # number of distinct step dependencies
    dependents: tuple[int, ...]
    roots: tuple[str, ...]


class Graph:
    """A validated DAG of steps. ``order`` is topological (declaration order breaks ties)."""

    def __init__(self, steps: Iterable[Step | Callable[..., Any]], inputs: Sequence[str] = ()) -> None:
        declared = [as_step(s) for s in steps]
        self.inputs: tuple[str, ...] = tuple(inputs)
        self._check_names(declared)
        by_name = {s.name: s for s in declared}
        input_set = frozenset(self.inputs)

        resolved: dict[str, tuple[str, ...]] = {}
        missing: list[str] = []
        for s in declared:
            found = []
            for p in s.needs:
                if p in by_name or p in input_set:
                    found.append(p)
                elif p not in s.optional:
                    missing.append(f"{s.name!r} needs {p!r}")
            resolved[s.name] = tuple(found)
        if missing:
            raise GraphError(
                "missing inputs (neither a step nor a run input): " + "; ".join(missing)
            )
        for s in declared:
            if s.background:
                continue
            bg = [p for p in resolved[s.name] if p in by_name and by_name[p].background]
            if bg:
                raise GraphError(
                    f"step {s.name!r} needs background step(s) {', '.join(map(repr, bg))}: "
                    "a background step must not delay the result"
                )

        order = self._toposort(declared, resolved, by_name)
        self.order: tuple[str, ...] = tuple(order)
        self.steps: dict[str, Step] = {n: by_name[n] for n in order}
        self._needs = resolved
        deps_of = {n: [p for p in dict.fromkeys(resolved[n]) if p in by_name] for n in order}
        dependents: dict[str, list[str]] = {n: [] for n in order}
        for n in order:
            for d in deps_of[n]:
                dependents[d].append(n)
        self._dependents = {n: tuple(v) for n, v in dependents.items()}

        level: dict[str, int] = {}
        roots: dict[str, frozenset[str]] = {}
        for n in order:
            level[n] = 1 + max((level[d] for d in deps_of[n]), default=-1)
            own = {p for p in resolved[n] if p in input_set}
            for d in deps_of[n]:
                own |= roots[d]
            roots[n] = frozenset(own)
        self._roots = roots
        levels: list[list[str]] = [[] for _ in range(max(level.values(), default=-1) + 1)]
        for n in order:
            levels[level[n]].append(n)
        self.levels: tuple[tuple[str, ...], ...] = tuple(tuple(lv) for lv in levels)

        index = {n: i for i, n in enumerate(order)}
        self._index = index
        self._plans: tuple[_Plan, ...] = tuple(
            _Plan(
                step=self.steps[n],
                needs=resolved[n],
                args=tuple(
                    _Arg(p, index.get(p, -1), p, p in self.steps[n].optional) for p in resolved[n]
                ),
                indegree=len(deps_of[n]),
                dependents=tuple(index[d] for d in self._dependents[n]),
                roots=tuple(sorted(roots[n], key=self.inputs.index)),
            )
            for n in order
        )
        self._level_index: tuple[tuple[int, ...], ...] = tuple(
            tuple(index[n] for n in lv) for lv in self.levels
        )
        self._background = tuple(n for n, s in self.steps.items() if s.background)
        self._required = frozenset(n for n, s in self.steps.items() if s.required and not s.background)

    def _check_names(self, declared: list[Step]) -> None:
        seen: dict[str, Step] = {}
        dups: list[str] = []
        for s in declared:
            if s.name in seen:
                first = seen[s.name].fn
                dups.append(
                    f"{s.name!r} ({getattr(first, '__qualname__', first)!s} and "
                    f"{getattr(s.fn, '__qualname__', s.fn)!s})"
                )
            seen[s.name] = s
        clash = [n for n in self.inputs if n in seen]
        dup_inputs = sorted({n for n in self.inputs if self.inputs.count(n) > 1})
        problems = []
        if dups:
            problems.append("duplicate step names: " + ", ".join(dups))
        if clash:
            problems.append("steps named like run inputs: " + ", ".join(map(repr, clash)))
        if dup_inputs:
            problems.append("duplicate run inputs: " + ", ".join(map(repr, dup_inputs)))
        if problems:
            raise GraphError("; ".join(problems))

    @staticmethod
    def _toposort(
        declared: list[Step], resolved: Mapping[str, tuple[str, ...]], by_name: Mapping[str, Step]
    ) -> list[str]:
        deps = {s.name: {p for p in resolved[s.name] if p in by_name} for s in declared}
        remaining = {n: len(d) for n, d in deps.items()}
        users: dict[str, list[str]] = {n: [] for n in deps}
        for n, ds in deps.items():
            for d in ds:
                users[d].append(n)
        # Kahn's algorithm, scanning in declaration order so the order is stable.
        position = {s.name: i for i, s in enumerate(declared)}
        ready = sorted((n for n, k in remaining.items() if k == 0), key=position.__getitem__)
        order: list[str] = []
        while ready:
            n = ready.pop(0)
            order.append(n)
            freed = []
            for u in users[n]:
                remaining[u] -= 1
                if remaining[u] == 0:
                    freed.append(u)
            if freed:
                ready = sorted(ready + freed, key=position.__getitem__)
        if len(order) < len(deps):
            raise GraphError("cycle: " + " -> ".join(_find_cycle(deps, set(order))))
        return order

    def needs(self, name: str) -> tuple[str, ...]:
        """The steps and run inputs ``name`` reads, in parameter order."""
        return self._needs[self._known(name)]

    def dependents(self, name: str) -> tuple[str, ...]:
        """The steps that read ``name``'s result directly."""
        return self._dependents[self._known(name)]

    def roots(self, name: str) -> frozenset[str]:
        """The run inputs ``name`` depends on, directly or through other steps."""
        return self._roots[self._known(name)]

    def _known(self, name: str) -> str:
        if name not in self.steps:
            raise GraphError(f"no step named {name!r}")
        return name

    def __len__(self) -> int:
        return len(self.order)

    def __repr__(self) -> str:
        return f"Graph({len(self.order)} steps, inputs={list(self.inputs)})"


def _find_cycle(deps: Mapping[str, set[str]], done: set[str]) -> list[str]:
    """One concrete cycle among the steps Kahn's algorithm could not order, for the message."""
    start = next(n for n in deps if n not in done)
    path: list[str] = []
    on_path: dict[str, int] = {}
    node = start
    # Every unordered node has an unordered dependency, so walking them must revisit a node.
    while node not in on_path:
        on_path[node] = len(path)
        path.append(node)
        node = min(d for d in deps[node] if d not in done)
    cycle = path[on_path[node]:] + [node]
    cycle.reverse()  # print in data-flow direction: producer -> consumer
    return cycle
