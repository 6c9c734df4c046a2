"""openai.max_tokens and openai.circuit_cooldown_seconds, set in the settings, change what the provider does."""

from __future__ import annotations

from pathlib import Path

import pytest

from tailor.pipeline.errors import ProviderError
from tailor.pipeline.providers.openai import OpenAIProvider
from tailor.pipeline.readers import read_job
from tailor.pipeline.tailoring.parse import parse_job
from tests.providers.chat_server import ChatServer, Reply, completion, schema_name
from tests.providers.conftest import JOB, openai_settings, run_once

GOOD = completion('{"title": "Engineer", "skills": [], "key_terms": [], "years": null, "seniority": null}')


@pytest.mark.parametrize(
    ("overrides", "analysis", "rewrite"),
    [({}, 512, 1536),  # the shipped defaults
     ({"openai.max_tokens.job_analysis": 96, "openai.max_tokens.rewrite": 700}, 96, 700)],
)
def test_max_tokens_setting_reaches_each_request_body(chat_server: ChatServer, tmp_path: Path, isolated: Path,
                                                      overrides: dict, analysis: int, rewrite: int) -> None:
    run_once(openai_settings(tmp_path, chat_server.url, **overrides), out=tmp_path / "out.md")
    sent = {schema_name(request): request["max_tokens"] for request in chat_server.requests}
    assert sent == {"LlmJobAnalysis": analysis, "LlmEdits": rewrite}


def test_a_truncated_reply_is_asked_again_with_twice_the_configured_budget(chat_server: ChatServer, tmp_path: Path,
                                                                          isolated: Path) -> None:
    chat_server.push(Reply(body=completion('{"title": "Eng', finish="length")))
    run_once(openai_settings(tmp_path, chat_server.url, **{"openai.max_tokens.job_analysis": 300}), out=tmp_path / "o.md")
    budgets = [r["max_tokens"] for r in chat_server.requests if schema_name(r) == "LlmJobAnalysis"]
    assert budgets == [300, 600]


def test_a_budget_above_the_retry_cap_is_never_lowered_on_a_retry(chat_server: ChatServer, tmp_path: Path,
                                                                 isolated: Path) -> None:
    chat_server.push(Reply(body=completion('{"title": "Eng', finish="length")))
    run_once(openai_settings(tmp_path, chat_server.url, **{"openai.max_tokens.job_analysis": 6000}), out=tmp_path / "o.md")
    budgets = [r["max_tokens"] for r in chat_server.requests if schema_name(r) == "LlmJobAnalysis"]
    assert budgets == [6000, 6000]  # the doubling stops at 4096, which must not undercut the setting


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.anyio
@pytest.mark.parametrize(("cooldown", "blocked_at", "open_at"), [(120, (1, 119.5), 120.5), (5, (1, 4.5), 5.5), (0, (), 0)])
async def test_the_circuit_cooldown_setting_decides_when_requests_go_out_again(
    chat_server: ChatServer, tmp_path: Path, isolated: Path, cooldown: float, blocked_at: tuple, open_at: float
) -> None:
    settings = openai_settings(tmp_path, chat_server.url, **{"openai.max_retries": 0, "openai.circuit_cooldown_seconds": cooldown,
                                                              "openai.requests_per_minute": 100_000})
    clock = Clock()
    provider = OpenAIProvider(settings, clock=clock)
    job = parse_job(read_job(JOB))
    try:
        chat_server.push(Reply(status=503, body={"error": "overloaded"}))
        with pytest.raises(ProviderError, match="unavailable after 1 attempt: HTTP 503"):
            await provider.analyse_job(job)
        start = clock.now
        for later in blocked_at:
            clock.now = start + later
            with pytest.raises(ProviderError, match="not retried for"):
                await provider.analyse_job(job)
        assert len(chat_server.requests) == 1  # the open circuit answered without sending
        clock.now = start + open_at
        chat_server.push(Reply(body=GOOD))
        assert (await provider.analyse_job(job)).title == "Engineer"
        assert len(chat_server.requests) == 2
    finally:
        await provider.aclose()
