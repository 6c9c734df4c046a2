"""The chat client against a real loopback HTTP server: structured output, retries, limits, coalescing."""

from __future__ import annotations

import base64
import gc
import json
import time

import anyio
import pytest

from tailor.pipeline.errors import ProviderError
from tailor.pipeline.providers.openai import ChatClient, Limiter, LlmJobAnalysis, RetryPolicy
from tests.providers.chat_server import ChatServer, Reply, completion

pytestmark = pytest.mark.anyio

MESSAGES = [{"role": "user", "content": "analyse"}]
GOOD = json.dumps({"title": "Engineer", "skills": [], "key_terms": [], "years": None, "seniority": None})
FAST = RetryPolicy(max_retries=2, backoff=0.001, max_backoff=0.01, cooldown=60)


def client(server: ChatServer, *, timeout: float = 5, concurrency: int = 4, policy: RetryPolicy = FAST,
           key_env: str = "TAILOR_TEST_KEY") -> ChatClient:
    return ChatClient(base_url=server.url, model="m", api_key_env=key_env, timeout=timeout,
                      limiter=Limiter(concurrency, 100_000), policy=policy)


async def test_asks_for_json_schema_output_and_validates_the_reply(chat_server: ChatServer) -> None:
    chat_server.push(Reply(body=completion(GOOD, tokens_in=30, tokens_out=12)))
    done = await client(chat_server).complete(MESSAGES, LlmJobAnalysis, 64)
    assert done.value.title == "Engineer"
    assert (done.usage.tokens_in, done.usage.tokens_out, done.usage.requests) == (30, 12, 1)
    sent = chat_server.requests[0]
    schema = sent["response_format"]["json_schema"]
    assert sent["response_format"]["type"] == "json_schema" and schema["name"] == "LlmJobAnalysis"
    assert schema["schema"]["additionalProperties"] is False and "title" in schema["schema"]["required"]
    assert sent["max_tokens"] == 64 and sent["temperature"] == 0


async def test_invalid_json_then_valid_is_retried_with_the_problem_stated(chat_server: ChatServer) -> None:
    chat_server.push(Reply(body=completion('{"title": "Eng", "skills": [')),
                     Reply(body=completion('{"title": 3}')), Reply(body=completion(GOOD)))
    done = await client(chat_server).complete(MESSAGES, LlmJobAnalysis, 64)
    assert done.value.title == "Engineer" and done.usage.replies == 3
    correction = chat_server.requests[1]["messages"][-1]["content"]
    assert "not valid JSON for the schema" in correction


async def test_truncated_reply_is_asked_again_with_more_room(chat_server: ChatServer) -> None:
    chat_server.push(Reply(body=completion('{"title": "Eng', finish="length")), Reply(body=completion(GOOD)))
    await client(chat_server).complete(MESSAGES, LlmJobAnalysis, 50)
    assert [r["max_tokens"] for r in chat_server.requests] == [50, 100]
    assert chat_server.requests[1]["messages"] == MESSAGES  # the same question, not a correction


async def test_gives_up_after_bounded_invalid_replies(chat_server: ChatServer) -> None:
    chat_server.handler = lambda request: Reply(body=completion("nonsense"))
    with pytest.raises(ProviderError, match="no valid LlmJobAnalysis .* after 3 replies"):
        await client(chat_server).complete(MESSAGES, LlmJobAnalysis, 64)
    assert len(chat_server.requests) == 3  # output_retries=2: three replies in all


@pytest.mark.slow
async def test_500_then_429_with_retry_after_is_honoured(chat_server: ChatServer) -> None:
    arrivals: list[float] = []
    script = [Reply(status=500, body={"error": "boom"}), Reply(status=429, body={"error": "slow down"}, headers={"Retry-After": "1"}),
              Reply(body=completion(GOOD))]

    def handler(request: dict) -> Reply:
        arrivals.append(time.monotonic())
        return script[len(arrivals) - 1]

    chat_server.handler = handler
    done = await client(chat_server).complete(MESSAGES, LlmJobAnalysis, 64)
    assert done.value.title == "Engineer" and done.usage.requests == 3
    # Backoff alone is ~1 ms here: only the Retry-After can have held the third request back a second.
    assert arrivals[2] - arrivals[1] >= 0.95


async def test_a_reply_slower_than_the_timeout_is_retried(chat_server: ChatServer) -> None:
    chat_server.push(Reply(body=completion(GOOD), delay=3))
    done = await client(chat_server, timeout=0.3).complete(MESSAGES, LlmJobAnalysis, 64)
    assert done.value.title == "Backend Engineer"  # the second, prompt answer (the handler's)
    assert done.usage.requests == 2


async def test_server_without_response_format_gets_json_schema_then_grammar(chat_server: ChatServer) -> None:
    chat_server.push(Reply(status=400, body={"error": "response_format is not supported"}),
                     Reply(status=400, body={"error": "unknown field json_schema"}), Reply(body=completion(GOOD)))
    c = client(chat_server)
    await c.complete(MESSAGES, LlmJobAnalysis, 64)
    first, second, third = chat_server.requests
    assert "response_format" in first and "json_schema" in second and "response_format" not in second
    assert third["grammar"].startswith("root ::=") and c.format == "grammar"
    await c.complete([{"role": "user", "content": "again"}], LlmJobAnalysis, 64)
    assert "grammar" in chat_server.requests[-1]  # remembered


async def test_client_errors_are_not_retried_and_never_show_the_key(chat_server: ChatServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TAILOR_TEST_KEY", "sk-test-SECRET-123456")
    chat_server.push(Reply(status=401, body={"error": "Incorrect API key provided: sk-test-SECRET-123456"}))
    with pytest.raises(ProviderError) as caught:
        await client(chat_server).complete(MESSAGES, LlmJobAnalysis, 64)
    assert "HTTP 401" in str(caught.value) and "SECRET" not in str(caught.value)
    assert len(chat_server.requests) == 1
    assert chat_server.headers[0]["authorization"] == "Bearer sk-test-SECRET-123456"


async def test_a_service_that_stays_down_fails_then_fails_fast(chat_server: ChatServer) -> None:
    c = client(chat_server)
    chat_server.stop()
    with pytest.raises(ProviderError, match="unavailable after 3 attempts: connection failed"):
        await c.complete(MESSAGES, LlmJobAnalysis, 64)
    assert c.requests_sent == 3
    with pytest.raises(ProviderError, match="not retried for"):
        await c.complete(MESSAGES, LlmJobAnalysis, 64)
    assert c.requests_sent == 3  # the circuit answered without sending


async def test_identical_concurrent_requests_share_one_call(chat_server: ChatServer) -> None:
    chat_server.handler = lambda request: Reply(body=completion(GOOD, tokens_in=10, tokens_out=5), delay=0.3)
    c = client(chat_server)
    results = []

    async def ask(text: str) -> None:
        results.append(await c.complete([{"role": "user", "content": text}], LlmJobAnalysis, 64))

    async with anyio.create_task_group() as tg:
        for text in ("same", "same", "same", "other"):
            tg.start_soon(ask, text)
    assert len(chat_server.requests) == 2
    assert sorted(r.coalesced for r in results) == [False, False, True, True]
    assert sum(r.usage.tokens_in for r in results) == 20  # each HTTP call counted once


async def test_concurrency_limit_holds_on_the_server(chat_server: ChatServer) -> None:
    chat_server.handler = lambda request: Reply(body=completion(GOOD), delay=0.1)
    c = client(chat_server, concurrency=2)
    async with anyio.create_task_group() as tg:
        for n in range(6):
            tg.start_soon(c.complete, [{"role": "user", "content": str(n)}], LlmJobAnalysis, 64)
    assert chat_server.peak == 2 and len(chat_server.requests) == 6


def test_rate_limit_spaces_requests_after_the_burst() -> None:
    now = [100.0]
    limiter = Limiter(2, 60, clock=lambda: now[0])  # one a second, bursts of two
    waits = [limiter.reserve() for _ in range(5)]
    assert waits == [0.0, 0.0, 1.0, 2.0, 3.0]
    now[0] += 10  # idle long enough: the bucket refills, up to the burst only
    assert [limiter.reserve() for _ in range(3)] == [0.0, 0.0, 1.0]


async def test_cancelling_the_caller_that_sent_a_shared_request_leaves_the_others_an_answer(chat_server: ChatServer) -> None:
    chat_server.push(Reply(body=completion(GOOD), delay=2))  # the first call hangs until it is abandoned
    c = client(chat_server)
    results = []

    async def ask() -> None:
        results.append(await c.complete(MESSAGES, LlmJobAnalysis, 64))

    async with anyio.create_task_group() as tg:
        with anyio.CancelScope() as first:
            async with anyio.create_task_group() as inner:
                inner.start_soon(ask)
                while not chat_server.requests:  # the first caller's request reached the server
                    await anyio.sleep(0.01)
                tg.start_soon(ask)  # joins the request in flight
                await anyio.sleep(0.05)
                first.cancel()
    assert len(results) == 1 and results[0].value.title == "Backend Engineer"  # the handler's: asked again
    assert not results[0].coalesced and len(chat_server.requests) == 2


async def test_a_proxy_named_in_the_environment_carries_the_requests(chat_server: ChatServer,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("http_proxy", f"http://me:p%40ss@127.0.0.1:{chat_server.port}")  # the loopback server as the proxy
    monkeypatch.setenv("TAILOR_TEST_KEY", "sk-proxied-0123")
    c = ChatClient(base_url="http://llm.example.invalid:9/v1", model="m", api_key_env="TAILOR_TEST_KEY", timeout=5,
                   limiter=Limiter(1, 100_000), policy=FAST)
    try:
        done = await c.complete(MESSAGES, LlmJobAnalysis, 64)
    finally:
        await c.aclose()
    assert done.value.title == "Backend Engineer"
    headers = chat_server.headers[0]
    assert headers["host"] == "llm.example.invalid:9"  # addressed to the service, sent to the proxy
    assert headers["proxy-authorization"] == "Basic " + base64.b64encode(b"me:p@ss").decode()
    assert headers["authorization"] == "Bearer sk-proxied-0123"


def test_a_client_used_from_several_event_loops_closes_each_session_quietly(chat_server: ChatServer,
                                                                           caplog: pytest.LogCaptureFixture) -> None:
    chat_server.handler = lambda request: Reply(body=completion(GOOD))
    c = client(chat_server)
    for n in range(3):  # e.g. one anyio.run per command, and nobody called aclose
        assert anyio.run(c.complete, [{"role": "user", "content": str(n)}], LlmJobAnalysis, 64).value.title == "Engineer"
    gc.collect()
    assert len(c._loops) == 1 and all(state.session.closed for state in c._loops.values())
    assert not [r for r in caplog.records if "Unclosed" in r.getMessage()]


async def test_an_https_proxy_tunnel_is_never_shown_the_api_key(chat_server: ChatServer, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("https_proxy", f"http://127.0.0.1:{chat_server.port}")
    monkeypatch.setenv("TAILOR_TEST_KEY", "sk-tunnelled-4567")
    c = ChatClient(base_url="https://llm.example.invalid/v1", model="m", api_key_env="TAILOR_TEST_KEY", timeout=5,
                   limiter=Limiter(1, 100_000), policy=RetryPolicy(max_retries=0))
    try:
        with pytest.raises(ProviderError, match="connection failed"):  # this proxy refuses every tunnel
            await c.complete(MESSAGES, LlmJobAnalysis, 64)
    finally:
        await c.aclose()
    assert len(chat_server.connects) == 1 and chat_server.connects[0]["host"] == "llm.example.invalid"
    assert not any("sk-tunnelled" in value for value in chat_server.connects[0].values())
