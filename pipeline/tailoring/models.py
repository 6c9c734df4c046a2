"""The domain's data: a parsed resume and job, their profiles, the score, the targets and the tailoring.

All models are frozen pydantic models made of tuples and plain values, so they
hash into cache keys, pickle to worker processes and stay compact.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from tailor.pipeline.readers.documents import SourceDocument

SectionKind = Literal[
    "header", "summary", "experience", "skills", "education", "projects", "certifications", "other"
]
Requirement = Literal["required", "preferred"]
Seniority = Literal["intern", "junior", "mid", "senior", "lead", "staff", "principal", "manager", "director", "executive"]
Degree = Literal["associate", "bachelor", "master", "doctorate"]
EditKind = Literal["move", "rename", "extend", "summary", "drop"]


class _Frozen(BaseModel):
    # defer_build: a model's validator is built on its first validation, not at import. A
    # cached run only unpickles models (no validation) and would otherwise pay ~40 ms here.
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Contact(_Frozen):
    name: str = ""
    headline: str = ""
    email: str = ""
    phone: str = ""
    location: str = ""
    links: tuple[str, ...] = ()


class Section(_Frozen):
    """A section as written: its kind, its heading as the resume spells it, its content lines."""

    kind: SectionKind
    heading: str = ""
    lines: tuple[str, ...] = ()


class Role(_Frozen):
    """One job held. ``start``/``end`` are "YYYY-MM"; ``current`` means the end is "Present"."""

    title: str = ""
    employer: str = ""
    dates: str = ""
    start: str | None = None
    end: str | None = None
    current: bool = False
    bullets: tuple[str, ...] = ()
    section: int = 0  # index of the experience section it was written under


class Resume(_Frozen):
    """A resume split into what a reader (human or ATS) looks for.

    ``sections`` keeps the source order and headings; the structured fields
    (summary, roles, skills) are what rendering shows for the sections of that kind.
    """

    path: str = ""
    source: SourceDocument | None = None  # the document parsed: what edits are made against
    contact: Contact = Contact()
    summary: str = ""
    sections: tuple[Section, ...] = ()
    roles: tuple[Role, ...] = ()
    skills: tuple[str, ...] = ()
    education: tuple[str, ...] = ()
    certifications: tuple[str, ...] = ()
    projects: tuple[str, ...] = ()


class JobSection(_Frozen):
    heading: str = ""
    kind: Literal["required", "preferred", "responsibilities", "about", "benefits", "other"] = "other"
    lines: tuple[str, ...] = ()


class JobPosting(_Frozen):
    path: str = ""
    title: str = ""
    sections: tuple[JobSection, ...] = ()


class SkillHit(_Frozen):
    """A skill the job asks for: canonical name, category, how the job words it and where."""

    skill: str
    category: str
    term: str  # the job's own wording, mirrored in the rewrite
    requirement: Requirement
    line: str
    any_of: tuple[str, ...] = ()  # an either/or requirement: every skill that meets it (this one among them)


class JobProfile(_Frozen):
    path: str = ""
    title: str = ""
    skills: tuple[SkillHit, ...] = ()
    years: float | None = None
    seniority: Seniority | None = None
    degree: Degree | None = None
    degree_terms: tuple[str, ...] = ()
    key_terms: tuple[str, ...] = ()

    @property
    def required(self) -> tuple[SkillHit, ...]:
        return tuple(s for s in self.skills if s.requirement == "required")

    @property
    def preferred(self) -> tuple[SkillHit, ...]:
        return tuple(s for s in self.skills if s.requirement == "preferred")

    def hit(self, skill: str) -> SkillHit | None:
        return next((s for s in self.skills if s.skill == skill), None)


class SkillEvidence(_Frozen):
    """A skill the resume evidences: the first line that supports it, and everywhere it shows."""

    skill: str
    category: str
    line: str
    sections: tuple[SectionKind, ...]  # kinds of the sections it appears in
    surfaces: tuple[str, ...]  # lower-cased wordings used ("postgres", "postgresql")
    via: str = ""  # evidenced only through a narrower skill (Terraform for Infrastructure as Code)


class ResumeProfile(_Frozen):
    skills: tuple[SkillEvidence, ...] = ()
    roles: tuple[Role, ...] = ()
    total_years: float = 0.0
    reference: str | None = None  # "YYYY-MM" that "Present" was counted to
    sections: tuple[SectionKind, ...] = ()
    titles: tuple[str, ...] = ()
    seniority: Seniority | None = None
    degree: Degree | None = None
    role_skills: tuple[tuple[str, ...], ...] = ()  # per role (as ``roles``): the skills its title and bullets show
    stated_years: float = 0.0  # "6+ years of experience" where no role has dates
    stated_line: str = ""  # the sentence that states them

    @functools.cached_property
    def evidence_map(self) -> dict[str, SkillEvidence]:
        return {s.skill: s for s in self.skills}

    def evidence(self, skill: str) -> SkillEvidence | None:
        return self.evidence_map.get(skill)


class AtsScore(_Frozen):
    """ATS fit 0-100; ``breakdown`` values sum to ``total``; one sentence per component.

    ``weights`` are each component's share of 100 for this job: 0 for one the job does not ask for.
    """

    total: float
    breakdown: dict[str, float]
    explanations: dict[str, str]
    weights: dict[str, float] = Field(default_factory=dict)
    matched: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    fit: Literal["strong", "good", "partial", "poor"] = "poor"
    verdict: str = ""  # one line: why the fit is what it is


class Targets(_Frozen):
    target_score: float
    current_score: float
    surfaceable: tuple[str, ...] = ()  # job skills the resume evidences but does not show well
    renamable: tuple[str, ...] = ()  # job skills the resume words differently from the job
    gaps: tuple[str, ...] = ()  # job skills with no evidence: reported, never filled
    notes: tuple[str, ...] = ()


class RewriteOptions(_Frozen):
    mode: Literal["full", "partial"] = "full"
    tone: Literal["neutral", "confident", "formal"] = "neutral"
    length: Literal["concise", "thorough"] = "thorough"
    max_bullets_per_role: int = Field(default=6, ge=1, le=50)


class Edit(_Frozen):
    """One change to the source document, at character offsets of its text (``SourceDocument.text``).

    - ``move``: the items at ``spans`` (bullets of one block) are put in ``order``:
      slot ``i`` receives the text of ``spans[order[i]]``; nothing else changes.
    - ``rename``: ``spans[0]`` (``before``) becomes ``after``, the job's wording of the same skill.
    - ``extend``: ``after`` is inserted at ``spans[0]`` (an empty span): an evidenced skill
      at the end of a skills line, or whole new lines when ``lines`` is true.
    - ``summary``: ``after`` (one sentence of the resume's own facts) inserted as new lines,
      or replacing ``spans[0]`` when it is a summary tailor wrote before.
    - ``drop``: ``spans`` are removed (``--length concise`` only); ``before`` is their full text.
    """

    kind: EditKind
    section: str
    spans: tuple[tuple[int, int], ...]
    order: tuple[int, ...] = ()
    before: str = ""
    after: str = ""
    lines: bool = False  # the inserted text is whole lines of its own
    terms: tuple[str, ...] = ()  # extend: the skills added, as written in ``after``
    reason: str
    evidence: str = ""  # the source text that supports the edit


class Tailoring(_Frozen):
    """The edits made, the tailored text they give, and what it now shows of the job's skills."""

    edits: tuple[Edit, ...] = ()
    text: str = ""  # the source's text with the edits applied
    resume: Resume  # ``text`` parsed: what the re-score reads
    score: AtsScore | None = None  # the re-score of ``resume`` (never below the score before)
    matched: tuple[str, ...] = ()
    surfaced: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    declined: tuple[str, ...] = ()  # edits not made, and why (e.g. they would have lowered the score)


@dataclass(frozen=True)
class Validation:
    """The validate step's verdict: passing it gates the analysis steps.

    The warnings are for the user, not an input of any analysis, so they take no
    part in the content hash (``compare=False``): a job's profile is cached once,
    whatever resume it was validated beside.
    """

    # (which input, problem): no path, since the documents validated may come from the cache,
    # parsed from the same bytes at another path. Named per run by warnings_for().
    problems: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    def warnings_for(self, resume_path: str, job_path: str) -> tuple[str, ...]:
        """The warnings as shown: "<path>: <problem>" with this run's file for each."""
        paths = {"resume": resume_path, "job": job_path}
        return tuple(f"{paths[subject]}: {problem}" for subject, problem in self.problems)
