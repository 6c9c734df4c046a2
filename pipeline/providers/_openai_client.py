"""An OpenAI-compatible chat-completions client that returns validated structured replies.

One client per provider (so per Session): a pooled keep-alive ``aiohttp``
session, the ``Limiter``, coalescing of concurrent identical requests into one
HTTP call, and a circuit that stops calling a service which stayed down.

Structured output: ``response_format`` with a JSON schema first (OpenAI, vLLM,
Ollama, llama.cpp); a server that rejects it gets llama.cpp's ``json_schema``
body field, then a GBNF ``grammar``; the mode that worked is remembered.

The API key goes in the Authorization header and nowhere else: it is redacted
from every error message, and no reply, cache entry or report carries it.

The per-request path does nothing that can be done once: the constant part of
each body (model, options, schema) is encoded once per reply type and form, the
HTTP session, URL, timeouts and proxy are set up once per event loop, and no
task is created per request (a request runs in its caller's task).
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
import random
import time
import urllib.request
from collections.abc import AsyncGenerator, Callable, Sequence
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import from_json

from tailor.pipeline.engine import report_metrics
from tailor.pipeline.engine.coalesce import SingleFlight
from tailor.pipeline.errors import ProviderError
from tailor.pipeline.providers._openai_limiter import Limiter
from tailor.pipeline.providers._openai_schemas import gbnf, strict_schema

if TYPE_CHECKING:
    import aiohttp

T = TypeVar("T", bound=BaseModel)
Message = dict[str, str]

FORMATS = ("response_format", "json_schema", "grammar")
_RETRY_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504})
_FORMAT_WORDS = ("response_format", "json_schema", "schema", "grammar", "not supported", "unsupported")
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # built once: json.dumps(**options) builds one per call


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
    max_tokens_cap: int = 4096  # a truncated reply is asked again with up to this much room
    cooldown: float = 30.0  # after a request gave up on a down service, fail fast this long (0: never)


class _PerLoop:
    """The loop-bound half of the client: the HTTP session and the requests in flight."""

    __slots__ = ("flight", "headers", "lifetime", "proxy", "session", "url")

    def __init__(self, session: aiohttp.ClientSession, url: Any, headers: dict[str, str], proxy: Any) -> None:
        self.session = session
        self.url = url  # parsed once
        # Sent with each request, not as the session's default headers: aiohttp copies those
        # into a proxy's CONNECT request, which would show the API key to the proxy.
        self.headers = headers
        self.proxy = proxy
        # Request key -> the future its first caller resolves; later identical callers await it.
        self.flight = SingleFlight()
        # A started async generator whose exit closes the session. asyncio.run (and anyio.run)
        # finalise such generators before closing their loop, so a session nobody closed is
        # still closed on its own loop, without aiohttp's "Unclosed client session" errors.
        self.lifetime = _close_at_exit(session)

    async def start(self) -> None:
        await self.lifetime.__anext__()


async def _close_at_exit(session: aiohttp.ClientSession) -> AsyncGenerator[None, None]:
    try:
        yield
    finally:
        await session.close()


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
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.api_key_env = api_key_env
        self.timeout = timeout
        self.limiter = limiter
        self.policy = policy
        self.format = FORMATS[0]
        self.requests_sent = 0
        self._clock = clock  # of the circuit only (tests move it by hand)
        self._loops: dict[asyncio.AbstractEventLoop, _PerLoop] = {}
        self._down_until = 0.0
        self._down_reason = ""

    # -- public ------------------------------------------------------------------------

    async def complete(self, messages: Sequence[Message], reply: type[T], max_tokens: int) -> Completion[T]:
        """A reply validated as ``reply``; raises ProviderError when none could be had.

        A caller asking what an earlier caller is already asking waits for that
        call's answer instead of sending its own. If the caller that sent it is
        cancelled, the call stops with it and the waiting callers ask again.
        """
        state = self._loops.get(asyncio.get_running_loop()) or await self._open()
        asked = _JSON.encode(messages)  # once: the key, and the body of the first request
        # Base URL and model are the client's own; what else decides the reply is the key.
        key = (reply, max_tokens, asked)
        (value, usage), joined = await state.flight.lead(
            key, lambda: self._complete(state, messages, asked, reply, max_tokens)
        )
        if joined:
            # The call is paid once: its tokens went to the step that made it.
            report_metrics(coalesced=1)
            return Completion(value, Usage(), True)
        return Completion(value, usage, False)

    async def aclose(self) -> None:
        loop = asyncio.get_running_loop()
        state = self._loops.pop(loop, None)
        if state is not None:
            await state.lifetime.aclose()

    def redact(self, text: str) -> str:
        key = os.environ.get(self.api_key_env, "")
        return text.replace(key, "***") if len(key) >= 4 else text

    # -- internals ---------------------------------------------------------------------

    async def _open(self) -> _PerLoop:
        import aiohttp
        from yarl import URL

        loop = asyncio.get_running_loop()
        for old in [lp for lp in self._loops if lp.is_closed()]:
            self._loops.pop(old).session.detach()  # closed with its loop (see _PerLoop.lifetime): dropped quietly
        key = os.environ.get(self.api_key_env, "")
        headers = {"Content-Type": "application/json"}
        if key:
            headers["Authorization"] = f"Bearer {key}"
        url = URL(self.base_url + "/chat/completions")
        size = self.limiter.concurrency
        session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=size, limit_per_host=size),
            # Per phase, as before: waiting for a connection, connecting, and each read.
            timeout=aiohttp.ClientTimeout(total=None, connect=self.timeout, sock_connect=self.timeout,
                                          sock_read=self.timeout),
        )
        state = self._loops[loop] = _PerLoop(session, url, headers, _env_proxy(url))
        await state.start()
        return state

    def _body(self, messages: str, reply: type[BaseModel], max_tokens: int) -> bytes:
        """The request body: the (JSON-encoded) messages and the budget, then the constant part."""
        return b"".join((b'{"messages":', messages.encode(), b',"max_tokens":%d,' % max_tokens,
                         _constant_body(self.model, self.format, reply)))

    async def _complete(
        self, state: _PerLoop, messages: Sequence[Message], encoded: str, reply: type[T], max_tokens: int
    ) -> tuple[T, Usage]:
        usage = Usage()
        asked = encoded
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
                problem, asked = "the reply had no choices[0].message", encoded
                continue
            try:
                return reply.model_validate_json(_unfence(content)), usage
            except ValidationError as exc:
                if finish == "length":
                    # Truncated: the same question with room for the whole answer (never less than asked).
                    problem = f"truncated at max_tokens={budget}"
                    budget = max(budget, min(budget * 2, self.policy.max_tokens_cap))
                    asked = encoded
                else:
                    problem = _first_error(exc)
                    asked = _JSON.encode([
                        *messages, {"role": "assistant", "content": content[:2000]}, {"role": "user", "content": (
                            f"That reply is not valid JSON for the schema ({problem}). "
                            "Reply again with only the JSON object.")}])
        raise ProviderError(self.redact(
            f"{self.base_url}: no valid {reply.__name__} from {self.model} after {usage.replies} replies: {problem}"))

    async def _send(
        self, state: _PerLoop, messages: str, reply: type[BaseModel], max_tokens: int, usage: Usage
    ) -> dict[str, Any]:
        """POST one request, retrying transient failures; the decoded JSON body."""
        import aiohttp

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
                    async with state.session.post(state.url, data=body, headers=state.headers,
                                                  proxy=state.proxy) as response:
                        status = response.status
                        raw = await response.read()
                        retry_header = response.headers.get("Retry-After")
            except TimeoutError:
                problem = f"timed out after {self.timeout:g}s"
            except aiohttp.InvalidURL:
                raise ProviderError(f"{self.base_url}: not a valid http(s) URL (openai.base_url)") from None
            except aiohttp.ClientError as exc:  # refused, reset, closed mid-reply: the service, not the request
                problem = f"connection failed: {type(exc).__name__}"
            else:
                if status == 200:
                    try:
                        data = from_json(raw)  # pydantic's parser: several times json.loads' speed
                    except ValueError:
                        data = None
                    if isinstance(data, dict):
                        return data
                    problem = "HTTP 200 with a body that is not a JSON object"
                else:
                    text = raw.decode("utf-8", "replace")
                    if status in (400, 422) and self._downgrade(fmt, text):
                        continue  # the server does not take this structured-output form: try the next
                    if status not in _RETRY_STATUS:
                        raise ProviderError(self.redact(
                            f"{self.base_url}/chat/completions: HTTP {status}: {' '.join(text.split())[:200]}"))
                    problem = f"HTTP {status}"
                    retry_after = _retry_after(retry_header)
            failures += 1
            if failures > policy.max_retries or (retry_after is not None and retry_after > policy.max_retry_after):
                self._down_until = self._clock() + policy.cooldown
                self._down_reason = problem
                raise ProviderError(self.redact(
                    f"{self.base_url}: service unavailable after {failures} attempt{'s' if failures > 1 else ''}: {problem}"))
            delay = min(policy.max_backoff, policy.backoff * 2 ** (failures - 1)) * (0.5 + random.random())
            await asyncio.sleep(max(delay, retry_after or 0.0))

    def _check_circuit(self) -> None:
        left = self._down_until - self._clock()
        if left > 0:
            raise ProviderError(self.redact(
                f"{self.base_url}: service unavailable ({self._down_reason}); not retried for {left:.0f}s"))

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


def _env_proxy(url: Any) -> Any:
    """The proxy HTTP(S)_PROXY or ALL_PROXY names for ``url``, unless NO_PROXY spares it.

    Read once per session rather than by aiohttp's ``trust_env`` on every request (a thread
    hop each time, and it would also send .netrc credentials). Credentials in the proxy's URL
    stay there: aiohttp sends them as Proxy-Authorization, to the proxy only.
    """
    from yarl import URL

    proxies = urllib.request.getproxies()
    raw = proxies.get(url.scheme) or proxies.get("all")
    if not raw or not url.host or urllib.request.proxy_bypass(url.host):
        return None
    return URL(raw if "://" in raw else "http://" + raw)


@functools.cache
def _constant_body(model: str, fmt: str, reply: type[BaseModel]) -> bytes:
    """Everything in a body after the messages and budget, JSON-encoded once (the schema is KBs)."""
    body: dict[str, Any] = {"model": model, "temperature": 0, "stream": False}
    if fmt == "response_format":
        body["response_format"] = {"type": "json_schema", "json_schema": {
            "name": reply.__name__, "strict": True, "schema": strict_schema(reply)}}
    elif fmt == "json_schema":
        body["json_schema"] = strict_schema(reply)
    else:
        body["grammar"] = gbnf(reply)
    return _JSON.encode(body).encode()[1:]  # its "{" dropped: it follows the messages and budget


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
