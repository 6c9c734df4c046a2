"""The OpenAI-compatible provider: job analysis and edit proposals by a chat model, the rest local.

The graph is the local one with two model steps spliced in, each feeding a
local step that checks what the model said:

    job ─► job_analysis_llm ─► job_profile   (local analysis + taxonomy-checked proposals)
    resume ─► tailoring_llm ─► tailoring     (proposed edits of the local kinds, through the same
                                              re-score and guard; draft, the local tailoring, if none)

With ``provider.fallback: local`` the model steps are optional: when the
service stays down (after retries) they fail, the engine records a warning, and
``job_profile`` / ``tailoring`` run without them (the local result) and report
``metrics.fallback = "local"``. A failed model step is never cached, so the
next run asks the service again. Without a fallback a model failure fails the run.

Every model step reports ``tokens_in``, ``tokens_out`` and ``requests`` (and
``coalesced`` when it shared an identical request in flight) to the run report.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tailor.pipeline.engine import Step, report_metrics, step
from tailor.pipeline.providers._openai_client import ChatClient, RetryPolicy
from tailor.pipeline.providers._openai_limiter import Limiter
from tailor.pipeline.providers._openai_merge import merge_job_profile
from tailor.pipeline.providers._openai_prompts import (
    PROMPT_VERSION,
    job_analysis_messages,
    job_text,
    rewrite_messages,
)
from tailor.pipeline.providers._openai_schemas import LlmEdits, LlmJobAnalysis
from tailor.pipeline.tailoring.guard import derived_years
from tailor.pipeline.tailoring.jobs import analyse_job
from tailor.pipeline.tailoring.proposals import edits_from_proposal
from tailor.pipeline.tailoring.tailored import tailor_document
from tailor.pipeline.tailoring.taxonomy import load_taxonomy

if TYPE_CHECKING:
    from datetime import date

    from tailor.config import Settings
    from tailor.pipeline.tailoring.models import (
        AtsScore,
        JobPosting,
        JobProfile,
        Resume,
        ResumeProfile,
        RewriteOptions,
        Tailoring,
        Targets,
        Validation,
    )

__all__ = ["ChatClient", "Limiter", "LlmEdits", "LlmJobAnalysis", "OpenAIProvider", "RetryPolicy", "TokenBudget"]

STEP_VERSION = f"openai-{PROMPT_VERSION}"


@dataclass(frozen=True)
class TokenBudget:
    """max_tokens per request (``openai.max_tokens``); a truncated reply is asked again with more room."""

    job_analysis: int
    rewrite: int


class OpenAIProvider:
    """The client, limiter and prompts of one Session; ``steps(base)`` gives its pipeline."""

    def __init__(
        self,
        settings: Settings,
        *,
        budget: TokenBudget | None = None,
        policy: RetryPolicy | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``budget`` and ``policy`` replace what the settings give; ``clock`` times the circuit (tests)."""
        o = settings.openai
        self.settings = settings
        self.budget = budget or TokenBudget(job_analysis=o.max_tokens.job_analysis, rewrite=o.max_tokens.rewrite)
        self.fallback = settings.provider.fallback
        self.client = ChatClient(
            base_url=o.base_url,
            model=o.model,
            api_key_env=o.api_key_env,
            timeout=o.timeout_seconds,
            limiter=Limiter(o.max_concurrency, o.requests_per_minute),
            policy=policy or RetryPolicy(max_retries=o.max_retries, cooldown=o.circuit_cooldown_seconds),
            clock=clock,
        )

    async def analyse_job(self, job: JobPosting) -> LlmJobAnalysis:
        done = await self.client.complete(job_analysis_messages(job), LlmJobAnalysis, self.budget.job_analysis)
        return done.value

    async def propose_edits(self, resume: Resume, job: JobPosting, options: RewriteOptions) -> LlmEdits:
        done = await self.client.complete(rewrite_messages(resume, job, options), LlmEdits, self.budget.rewrite)
        return done.value

    async def aclose(self) -> None:
        await self.client.aclose()

    def steps(self, base: Sequence[Step]) -> list[Step]:
        """``base`` (the local pipeline) with the model steps spliced in before job_profile and tailoring."""
        optional = self.fallback is not None

        @step(cache=True, version=STEP_VERSION, required=not optional)
        async def job_analysis_llm(job: JobPosting, validation: Validation) -> LlmJobAnalysis:
            return await self.analyse_job(job)

        @step(cache=True, version=STEP_VERSION)
        def job_profile(job: JobPosting, validation: Validation, job_analysis_llm: LlmJobAnalysis | None = None) -> JobProfile:
            taxonomy = load_taxonomy()
            local = analyse_job(job, taxonomy)
            if job_analysis_llm is None:
                report_metrics(fallback="local")
                return local
            return merge_job_profile(local, job_analysis_llm, job, taxonomy)

        # The local tailoring: the fallback when the model gives nothing.
        local_tailoring = next(s for s in base if s.name == "tailoring")
        draft = dataclasses.replace(local_tailoring, name="draft")

        @step(cache=True, version=STEP_VERSION, required=not optional)
        async def tailoring_llm(resume: Resume, job: JobPosting, options: RewriteOptions, validation: Validation) -> LlmEdits:
            return await self.propose_edits(resume, job, options)

        @step(cache=True, version=STEP_VERSION)
        def tailoring(
            resume: Resume,
            job: JobPosting,
            resume_profile: ResumeProfile,
            job_profile: JobProfile,
            targets: Targets,
            ats_before: AtsScore,
            options: RewriteOptions,
            today: date,
            draft: Tailoring,
            tailoring_llm: LlmEdits | None = None,
        ) -> Tailoring:
            if tailoring_llm is None:
                report_metrics(fallback="local")
                return draft
            assert resume.source is not None
            taxonomy = load_taxonomy()
            proposed, refused = edits_from_proposal(
                resume.source, resume_profile, job_profile, options, taxonomy,
                orders=[(o.block, o.order) for o in tailoring_llm.orders], skills=tailoring_llm.skills,
                renames=[(r.old, r.new) for r in tailoring_llm.renames], summary=tailoring_llm.summary,
                years=derived_years(resume), job_text=job_text(job),
            )
            # The model's edits pass the same re-score and guard as the local ones.
            return tailor_document(resume.source, resume, resume_profile, job_profile, targets, ats_before, options,
                                   taxonomy, today, proposed=proposed, refused=refused)

        replaced = {"job_profile": (job_analysis_llm, job_profile), "tailoring": (draft, tailoring_llm, tailoring)}
        return [s for original in base for s in replaced.get(original.name, (original,))]
