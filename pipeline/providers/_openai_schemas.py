"""What the model is asked to return, as pydantic models, and their JSON schema / GBNF grammar forms.

Every string and list is bounded (maxLength / maxItems) so a constrained decoder
cannot ramble past the token budget, and the models are frozen tuples so their
values hash into the cache keys of the steps that read them.
"""

from __future__ import annotations

import functools
import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from tailor.pipeline.tailoring.models import Seniority

Term = Annotated[str, Field(max_length=40)]


class _Reply(BaseModel):
    # extra="ignore": a server that adds a field must not turn a usable answer into a retry.
    model_config = ConfigDict(frozen=True, extra="ignore")


class LlmSkill(_Reply):
    name: Term
    requirement: Literal["required", "preferred"]


class LlmJobAnalysis(_Reply):
    """The model's reading of a job: merged with the local analysis, never trusted alone."""

    title: str = Field(max_length=80)
    skills: tuple[LlmSkill, ...] = Field(max_length=12)
    key_terms: tuple[Term, ...] = Field(max_length=8)
    years: int | None = Field(ge=0, le=50)
    seniority: Seniority | None


class LlmOrder(_Reply):
    block: int = Field(ge=0, le=19)  # index of a bullet list in the RESUME block
    order: tuple[Annotated[int, Field(ge=0, le=49)], ...] = Field(max_length=16)  # its items, most relevant first


class LlmRename(_Reply):
    old: Term  # a skill on a skills line, as the resume writes it
    new: Term  # the same skill as the job writes it


class LlmEdits(_Reply):
    """The model's proposal: edits of the local kinds (move, extend, rename, summary). The guard filters them."""

    orders: tuple[LlmOrder, ...] = Field(max_length=8)
    skills: tuple[Term, ...] = Field(max_length=10)  # job skills the resume evidences, to list in Skills
    renames: tuple[LlmRename, ...] = Field(max_length=6)
    summary: str = Field(max_length=300)  # one sentence when the resume has no summary, else ""


@functools.cache
def strict_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema with $refs inlined, titles dropped, every property required, no extras.

    That is the form OpenAI's strict structured output demands, and the one
    llama.cpp turns into a grammar without surprises.
    """
    raw = model.model_json_schema()
    defs = raw.pop("$defs", {})

    def clean(node: Any) -> Any:
        if isinstance(node, list):
            return [clean(n) for n in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            return clean(defs[node["$ref"].rsplit("/", 1)[-1]])
        out = {k: clean(v) for k, v in node.items() if k not in ("title", "default", "description", "properties")}
        if "properties" in node:  # property names are data here, not annotations: keep "title"
            out["properties"] = {name: clean(value) for name, value in node["properties"].items()}
        if out.get("type") == "object":
            out["required"] = list(out.get("properties", {}))
            out["additionalProperties"] = False
        return out

    return clean(raw)


@functools.cache
def schema_digest(model: type[BaseModel]) -> str:
    return json.dumps(strict_schema(model), sort_keys=True, separators=(",", ":"))


@functools.cache
def gbnf(model: type[BaseModel]) -> str:
    """A llama.cpp GBNF grammar for the model's strict schema (the subset these models use)."""
    rules: dict[str, str] = {
        "ws": '| " " | "\\n"',
        "char": '[^"\\\\\\x7F\\x00-\\x1F] | "\\\\" (["\\\\/bfnrt] | "u" [0-9a-fA-F]{4})',
        "integer": '"-"? [0-9]{1,6}',
        "number": 'integer ("." [0-9]{1,6})?',
    }

    def lit(text: str) -> str:
        return json.dumps(text)  # a JSON string is a valid GBNF literal

    def expr(node: dict[str, Any], name: str) -> str:
        if "anyOf" in node:
            return "(" + " | ".join(expr(n, f"{name}-{i}") for i, n in enumerate(node["anyOf"])) + ")"
        if "enum" in node:
            return "(" + " | ".join(lit(json.dumps(v)) for v in node["enum"]) + ")"
        kind = node.get("type")
        if kind == "null":
            return '"null"'
        if kind in ("integer", "number"):
            return kind
        if kind == "string":
            return f'"\\"" char{{0,{node.get("maxLength", 200)}}} "\\""'
        if kind == "array":
            item = expr(node["items"], f"{name}-item")
            most = node.get("maxItems", 8)
            more = f' ("," ws {item}){{0,{most - 1}}}' if most > 1 else ""
            rules[name] = f'"[" ws ({item}{more})? ws "]"'
            return name
        if kind == "object":
            parts = [f'{lit(json.dumps(key))} ws ":" ws ' + expr(value, name + "-" + key.replace("_", "-"))
                     for key, value in node["properties"].items()]
            rules[name] = '"{" ws ' + ' "," ws '.join(parts) + ' ws "}"'
            return name
        raise ValueError(f"no grammar for schema node {node!r}")

    rules["root"] = expr(strict_schema(model), "obj")
    return "\n".join(f"{name} ::= {body}" for name, body in reversed(rules.items()))
