"""An OpenAI-compatible chat-completions client that returns validated structured replies.

One client per provider (so per Session): a pooled ``httpx.AsyncClient``, the
``Limiter``, a ``SingleFlight`` that makes concurrent identical requests share
one HTTP call, and a circuit that stops calling a service which stayed down.

Structured output: ``response_format`` with a JSON schema first (OpenAI, vLLM,
Ollama, llama.cpp); a server that rejects it gets llama.cpp's ``json_schema``
body field, then a GBNF ``grammar``; the mode that worked is remembered.

The API key goes in the Authorization header and nowhere else: it is redacted
from every error message, and no reply, cache entry or report carries it.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from pipeline.engine import report_metrics
from pipeline.engine.coalesce import SingleFlight
from pipeline.errors import ProviderError
from pipeline.providers._openai_limiter import Limiter
from pipeline.providers._openai_schemas import gbnf, schema_digest, strict_schema

T = TypeVar("T", bound=BaseModel)
Message = dict[str, str]

FORMATS = ("response_format", "json_schema", "grammar")
_RETRY_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504})
_FORMAT_WORDS = ("response_format", "json_schema", "schema", "grammar", "not supported", "unsupported")


@dataclass
class Usage:
    """What one completion cost: tokens over every reply it took, HTTP requests sent."""

    tokens_in: int = 0
    tokens_out: int = 0
    requests: int = 0
    replies: int = 0


@dataclass(frozen=True)
class Completion(Generic[T]):
    value: T
    usage: Usage
    coalesced: bool  # True when this caller joined an identical request already in flight


@dataclass(frozen=True)
class RetryPolicy:
    """Transport retries (timeouts, connection errors, 429, 5xx) and reply retries (bad JSON)."""

    max_retries: int = 3
    backoff: float = 0.5  # first delay in seconds, doubled per attempt, +-50 % jitter
    max_backoff: float = 20.0
    max_retry_after: float = 60.0  # a Retry-After longer than this is not waited for
    output_retries: int = 2  # extra replies asked for when one is invalid or truncated
    max_tokens_cap: int = 4096
    cooldown: float = 30.0  # after a request gave up on a down service, fail fast this long


class _PerLoop:
    """The loop-bound half of the client: httpx pool and single-flight registry."""

    def __init__(self, http: Any) -> None:
        self.http = http
        self.flight = SingleFlight()
        self.leaders: set[str] = set()


class ChatClient:
    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key_env: str,
        timeout: float,
        limiter: Limiter,
        policy: RetryPolicy = RetryPolicy(),
        transport: Any = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.api_key_env = api_key_env
        self.timeout = timeout
        self.limiter = limiter
        self.policy = policy
        self.format = FORMATS[0]
        self.requests_sent = 0
        self._transport = transport
        self._loops: dict[asyncio.AbstractEventLoop, _PerLoop] = {}
        self._down_until = 0.0
        self._down_reason = ""

    # -- public ------------------------------------------------------------------------

    async def complete(self, messages: Sequence[Message], reply: type[T], max_tokens: int) -> Completion[T]:
        """A reply validated as ``reply``; raises ProviderError when none could be had."""
        state = self._state()
        key = self.request_key(messages, reply, max_tokens)
        joined = key in state.leaders
        if not joined:
            state.leaders.add(key)
        try:
            value, usage = await state.flight.do(key, lambda: self._complete(state, messages, reply, max_tokens))
        finally:
            if not joined:
                state.leaders.discard(key)
        # The call is paid once: its tokens went to the step that made it (the shared call runs
        # in that step's context); a caller that joined reports only that it did.
        if joined:
            report_metrics(coalesced=1)
        return Completion(value, Usage() if joined else usage, joined)

    def request_key(self, messages: Sequence[Message], reply: type[BaseModel], max_tokens: int) -> str:
        """Content hash of everything that decides the reply (never the API key)."""
        material = json.dumps([self.base_url, self.model, list(messages), schema_digest(reply), max_tokens],
                              sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(material.encode()).hexdigest()

    async def aclose(self) -> None:
        loop = asyncio.get_running_loop()
        state = self._loops.pop(loop, None)
        if state is not None:
            await state.http.aclose()

    def redact(self, text: str) -> str:
        key = os.environ.get(self.api_key_env, "")
        return text.replace(key, "***") if len(key) >= 4 else text

    # -- internals ---------------------------------------------------------------------

    def _state(self) -> _PerLoop:
        loop = asyncio.get_running_loop()
        state = self._loops.get(loop)
        if state is None:
            import httpx

            for old in [lp for lp in self._loops if lp.is_closed()]:
                del self._loops[old]  # its connections died with their loop
            key = os.environ.get(self.api_key_env, "")
            headers = {"Authorization": f"Bearer {key}"} if key else {}
            size = self.limiter.concurrency
            http = httpx.AsyncClient(
                base_url=self.base_url + "/",
                headers=headers,
                timeout=httpx.Timeout(self.timeout),
                limits=httpx.Limits(max_connections=size, max_keepalive_connections=size),
                transport=self._transport,
            )
            state = self._loops[loop] = _PerLoop(http)
        return state

    def _body(self, messages: Sequence[Message], reply: type[BaseModel], max_tokens: int) -> dict[str, Any]:
        body: dict[str, Any] = {"model": self.model, "messages": list(messages), "temperature": 0,
                                "max_tokens": max_tokens, "stream": False}
        if self.format == "response_format":
            body["response_format"] = {"type": "json_schema", "json_schema": {
                "name": reply.__name__, "strict": True, "schema": strict_schema(reply)}}
        elif self.format == "json_schema":
            body["json_schema"] = strict_schema(reply)
        else:
            body["grammar"] = gbnf(reply)
        return body

    async def _complete(
        self, state: _PerLoop, messages: Sequence[Message], reply: type[T], max_tokens: int
    ) -> tuple[T, Usage]:
        usage = Usage()
        asked = list(messages)
        budget = max_tokens
        problem = ""
        for _ in range(self.policy.output_retries + 1):
            data = await self._send(state, asked, reply, budget, usage)
            usage.replies += 1
            counts = data.get("usage") or {}
            tokens_in, tokens_out = int(counts.get("prompt_tokens") or 0), int(counts.get("completion_tokens") or 0)
            usage.tokens_in += tokens_in
            usage.tokens_out += tokens_out
            report_metrics(tokens_in=tokens_in, tokens_out=tokens_out)
            try:
                choice = data["choices"][0]
                content = choice["message"].get("content") or ""
                finish = choice.get("finish_reason")
            except (KeyError, IndexError, TypeError, AttributeError):
                problem, asked = "the reply had no choices[0].message", list(messages)
                continue
            try:
                return reply.model_validate_json(_unfence(content)), usage
            except ValidationError as exc:
                if finish == "length":
                    # Truncated: the same question with room for the whole answer.
                    problem = f"truncated at max_tokens={budget}"
                    budget = min(budget * 2, self.policy.max_tokens_cap)
                    asked = list(messages)
                else:
                    problem = _first_error(exc)
                    asked = [*messages, {"role": "assistant", "content": content[:2000]}, {"role": "user", "content": (
                        f"That reply is not valid JSON for the schema ({problem}). "
                        "Reply again with only the JSON object.")}]
        raise ProviderError(self.redact(
            f"{self.base_url}: no valid {reply.__name__} from {self.model} after {usage.replies} replies: {problem}"))

    async def _send(
        self, state: _PerLoop, messages: list[Message], reply: type[BaseModel], max_tokens: int, usage: Usage
    ) -> dict[str, Any]:
        """POST one request, retrying transient failures; the decoded JSON body."""
        import httpx

        policy = self.policy
        failures = 0
        while True:
            self._check_circuit()
            fmt = self.format
            body = self._body(messages, reply, max_tokens)
            retry_after: float | None = None
            try:
                async with self.limiter.slot():
                    self._check_circuit()  # it may have opened while this request waited for its slot
                    usage.requests += 1
                    self.requests_sent += 1
                    report_metrics(requests=1)
                    response = await state.http.post("chat/completions", json=body)
            except httpx.TimeoutException:
                problem = f"timed out after {self.timeout:g}s"
            except httpx.TransportError as exc:
                problem = f"connection failed: {type(exc).__name__}"
            else:
                status = response.status_code
                if status == 200:
                    try:
                        return response.json()  # type: ignore[no-any-return]
                    except ValueError:
                        problem = "HTTP 200 with a body that is not JSON"
                elif status in (400, 422) and self._downgrade(fmt, response.text):
                    continue  # the server does not take this structured-output form: try the next
                elif status in _RETRY_STATUS:
                    problem = f"HTTP {status}"
                    retry_after = _retry_after(response.headers.get("retry-after"))
                else:
                    raise ProviderError(self.redact(
                        f"{self.base_url}/chat/completions: HTTP {status}: {' '.join(response.text.split())[:200]}"))
            failures += 1
            if failures > policy.max_retries or (retry_after is not None and retry_after > policy.max_retry_after):
                self._down_until = time.monotonic() + policy.cooldown
                self._down_reason = problem
                raise ProviderError(self.redact(
                    f"{self.base_url}: service unavailable after {failures} attempt{'s' if failures > 1 else ''}: {problem}"))
            delay = min(policy.max_backoff, policy.backoff * 2 ** (failures - 1)) * (0.5 + random.random())
            await asyncio.sleep(max(delay, retry_after or 0.0))

    def _check_circuit(self) -> None:
        if time.monotonic() < self._down_until:
            raise ProviderError(self.redact(
                f"{self.base_url}: service unavailable ({self._down_reason}); not retried for "
                f"{self._down_until - time.monotonic():.0f}s"))

    def _downgrade(self, tried: str, text: str) -> bool:
        """Move to the next structured-output form if the server said it rejects this one."""
        lowered = text.lower()
        if not any(word in lowered for word in _FORMAT_WORDS):
            return False
        at = FORMATS.index(tried)
        if at + 1 >= len(FORMATS):
            return False
        if self.format == tried:  # concurrent requests may have moved it on already
            self.format = FORMATS[at + 1]
        return True


def _unfence(text: str) -> str:
    # Some servers wrap JSON in a Markdown fence even in JSON mode.
    text = text.strip()
    if text.startswith("```"):
        text = text.split("\n", 1)[1] if "\n" in text else ""
        text = text.rsplit("```", 1)[0]
    return text


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(p) for p in error.get("loc", ())) or "reply"
    return f"{where}: {error.get('msg', 'invalid')}"[:160]


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())
