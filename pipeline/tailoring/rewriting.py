"""The honest rewrite: reorder, rename to the job's wording, surface evidenced skills, rewrite the summary.

Nothing is added that the source does not support: skills are surfaced only
when the profile has evidence for them, renames swap one alias of a skill for
another, and the summary is built from the resume's own title, the years its
dates cover and its matched skills. Dropping a bullet (``length="concise"``)
never removes the last mention of anything the job looks for, so the score
cannot go down.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from tailor.pipeline.tailoring._text import resume_pieces, shorten, term_index, term_key
from tailor.pipeline.tailoring.models import (
    Change,
    JobProfile,
    Resume,
    ResumeProfile,
    RewriteOptions,
    Role,
    Section,
    SkillHit,
    Tailoring,
    Targets,
)
from tailor.pipeline.tailoring.taxonomy import Taxonomy, load_taxonomy, normalise

_WEIGHT = {"required": 3.0, "preferred": 2.0}


class _Job:
    """The job's features and a per-text memo of which of them a text carries."""

    def __init__(self, job: JobProfile, taxonomy: Taxonomy) -> None:
        self.hits: dict[str, SkillHit] = {h.skill: h for h in job.skills}
        self.terms = [(t, term_key(t)) for t in job.key_terms]
        self.taxonomy = taxonomy
        self._memo: dict[str, tuple[frozenset[tuple[str, ...]], float, tuple[str, ...], tuple[str, ...]]] = {}

    def read(self, text: str) -> tuple[frozenset[tuple[str, ...]], float, tuple[str, ...], tuple[str, ...]]:
        """(features, relevance, job skills mentioned, key terms mentioned) of ``text``."""
        cached = self._memo.get(text)
        if cached is not None:
            return cached
        features: set[tuple[str, ...]] = set()
        skills: dict[str, None] = {}
        for m in self.taxonomy.find(text):
            hit = self.hits.get(m.skill)
            if hit is None:
                continue
            skills[m.skill] = None
            features.add(("skill", m.skill))
            if normalise(m.surface) == normalise(hit.term):
                features.add(("wording", m.skill))
        index = term_index(text) if self.terms else set()
        terms = tuple(t for t, key in self.terms if key in index)
        features.update(("term", t) for t in terms)
        relevance = sum(_WEIGHT[self.hits[s].requirement] for s in skills) + len(terms)
        result = (frozenset(features), relevance, tuple(skills), terms)
        self._memo[text] = result
        return result


def _counts(resume: Resume, job: _Job) -> Counter[tuple[str, ...]]:
    counts: Counter[tuple[str, ...]] = Counter()
    for _, text in resume_pieces(resume):
        counts.update(job.read(text)[0])
    return counts


def _why(job: _Job, skills: tuple[str, ...], terms: tuple[str, ...]) -> str:
    if skills:
        hit = job.hits[skills[0]]
        more = f" (and {len(skills) - 1} more job skill{'s' if len(skills) > 2 else ''})" if len(skills) > 1 else ""
        return f"mentions {hit.term}, {hit.requirement} by the job{more}"
    return f"mentions '{terms[0]}', a key term of the job"


def _role_label(role: Role) -> str:
    return role.employer or role.title or "an untitled role"


def _rewrite_roles(resume: Resume, job: _Job, options: RewriteOptions, changes: list[Change]) -> Resume:
    roles = list(resume.roles)
    renamed: set[str] = set()
    for i, role in enumerate(roles):
        label = _role_label(role)
        section = f"Experience: {label}"
        read = [job.read(b) for b in role.bullets]
        order = sorted(range(len(role.bullets)), key=lambda k: (-read[k][1], k))
        bullets = [role.bullets[k] for k in order]
        if order != sorted(order):
            top = order[0]
            if top != 0 and read[top][1] > 0:
                reason = f"moved '{shorten(role.bullets[top])}' to the top of {label}: {_why(job, read[top][2], read[top][3])}"
            else:
                reason = f"ordered the bullets of {label} by how much of the job each one mentions"
            changes.append(Change(section=section, kind="reorder", reason=reason))
        # Mirror the job's wording once, in the first bullet that names a required skill by another name
        # ("Postgres (PostgreSQL)"); phrases and soft skills read badly in parentheses, so names only.
        for k, bullet in enumerate(bullets):
            for m in job.taxonomy.find(bullet):
                hit = job.hits.get(m.skill)
                if (hit is None or hit.requirement != "required" or m.skill in renamed
                        or " " in m.surface or " " in hit.term or hit.category in ("soft", "methods")
                        or normalise(m.surface) == normalise(hit.term)
                        or normalise(hit.term) in {normalise(x.surface) for x in job.taxonomy.find(bullet)}):
                    continue
                bullets[k] = f"{bullet[:m.end]} ({hit.term}){bullet[m.end:]}"
                renamed.add(m.skill)
                changes.append(Change(section=section, kind="rename", reason=(
                    f"added the job's term '{hit.term}' after '{m.surface}' in '{shorten(bullet)}': same skill, the job's wording")))
                break
        roles[i] = role.model_copy(update={"bullets": tuple(bullets)})
    resume = resume.model_copy(update={"roles": tuple(roles)})
    if options.length == "concise":
        resume = _drop_bullets(resume, job, options.max_bullets_per_role, changes)
    return resume


def _drop_bullets(resume: Resume, job: _Job, cap: int, changes: list[Change]) -> Resume:
    counts = _counts(resume, job)
    roles = list(resume.roles)
    for i, role in enumerate(roles):
        if len(role.bullets) <= cap:
            continue
        keep = list(role.bullets)
        dropped = kept_for = 0
        # Bullets are already in relevance order: try the least relevant first.
        for bullet in reversed(role.bullets[cap:]):
            features = job.read(bullet)[0]
            if any(counts[f] <= 1 for f in features):
                kept_for += 1  # the last mention of something the job asks for: keep it
                continue
            counts.subtract(features)
            keep.remove(bullet)
            dropped += 1
        if dropped:
            note = f"; kept {kept_for} more that alone mention something the job asks for" if kept_for else ""
            changes.append(Change(section=f"Experience: {_role_label(role)}", kind="rewrite", reason=(
                f"dropped the {dropped} least relevant bullet{'s' if dropped > 1 else ''} of {_role_label(role)} "
                f"(concise keeps {cap} per role){note}")))
        roles[i] = role.model_copy(update={"bullets": tuple(keep)})
    return resume.model_copy(update={"roles": tuple(roles)})


def _ensure_section(resume: Resume, kind: str, heading: str) -> Resume:
    if any(s.kind == kind for s in resume.sections):
        return resume
    sections = list(resume.sections)
    # After the header (and the summary, for Skills): where a reader and an ATS expect it.
    after = {"summary": ("header",), "skills": ("header", "summary")}[kind]
    at = 0
    for n, s in enumerate(sections):
        if s.kind in after:
            at = n + 1
    sections.insert(at, Section(kind=kind, heading=heading))  # type: ignore[arg-type]
    # Roles point at their section by index: shift those behind the insertion.
    roles = tuple(r.model_copy(update={"section": r.section + 1}) if r.section >= at else r for r in resume.roles)
    return resume.model_copy(update={"sections": tuple(sections), "roles": roles})


def _rewrite_skills(resume: Resume, profile: ResumeProfile, job: _Job, changes: list[Change]) -> tuple[Resume, list[str]]:
    counts = _counts(resume, job)
    items = list(resume.skills)
    tax = job.taxonomy
    for n, item in enumerate(items):
        # Only an item that is just the skill's name is renamed: "QI project" stays as written.
        found = tax.find(item)
        if len(found) != 1 or normalise(found[0].surface) != normalise(item.strip(" .")):
            continue
        hit = job.hits.get(found[0].skill)
        if hit is None or normalise(item) == normalise(hit.term):
            continue
        new = hit.term
        lost = job.read(item)[0] - job.read(new)[0]
        if any(counts[f] <= 1 for f in lost):
            new = f"{new} ({item})"  # the old wording carried something the job looks for: keep it too
        counts.subtract(job.read(item)[0])
        counts.update(job.read(new)[0])
        items[n] = new
        changes.append(Change(section="Skills", kind="rename", reason=f"renamed '{item}' to '{new}': the job's wording for the same skill"))
    listed = {m.skill for item in items for m in tax.find(item)}
    surfaced: list[str] = []
    for hit in job.hits.values():
        ev = profile.evidence(hit.skill)
        if ev is None or hit.skill in listed:
            continue
        items.append(hit.term)
        listed.add(hit.skill)
        surfaced.append(hit.skill)
        where = ev.sections[0] if ev.sections else "resume"
        changes.append(Change(section="Skills", kind="surface", reason=(
            f"added '{hit.term}' to Skills: evidenced in '{shorten(ev.line)}' ({where}), {hit.requirement} by the job")))
    items = list(dict.fromkeys(items))
    # One item per case-insensitive spelling, the first one kept, in order.
    by_spelling: dict[str, str] = {}
    for item in items:
        by_spelling.setdefault(item.lower(), item)
    items = list(by_spelling.values())

    def rank(k: int) -> tuple[int, int]:
        reqs = [job.hits[skill].requirement for skill in job.read(items[k])[2]]
        return (0 if "required" in reqs else 1 if reqs else 2, k)

    order = sorted(range(len(items)), key=rank)
    if order != list(range(len(items))):
        first = [items[k] for k in order if rank(k)[0] < 2]
        changes.append(Change(section="Skills", kind="reorder", reason=(
            f"put the {len(first)} skills the job asks for first, required before preferred ({shorten(', '.join(first), 60)})")))
    items = [items[k] for k in order]
    if items and not any(s.kind == "skills" for s in resume.sections):
        resume = _ensure_section(resume, "skills", "Skills")
        changes.append(Change(section="Skills", kind="surface", reason="created a Skills section: ATS systems look for one"))
    return resume.model_copy(update={"skills": tuple(items)}), surfaced


_TEMPLATES = {
    "neutral": ("{title} with {years}+ years of experience in {skills}.", "{title} experienced in {skills}.",
                "{title} with {years}+ years of experience."),
    "confident": ("{title} bringing {years}+ years of hands-on experience with {skills}.",
                  "{title} with hands-on experience in {skills}.", "{title} bringing {years}+ years of hands-on experience."),
    "formal": ("{title} with {years}+ years of professional experience, including {skills}.",
               "{title} with professional experience in {skills}.", "{title} with {years}+ years of professional experience."),
}


_YEARS_STATED_RE = re.compile(r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten)\+?\s+years?\b", re.IGNORECASE)


def summary_lead(resume: Resume, profile: ResumeProfile, job: JobProfile, tone: str, with_years: bool = True) -> str:
    """One sentence from the resume's own facts: its latest title, the years its dates cover, its matched skills."""
    title = profile.titles[0] if profile.titles else ""
    # From the resume's own dates (the guard re-derives it); left out when the summary states its own.
    years = math.floor(profile.total_years) if with_years else 0
    terms = [h.term for h in job.skills if profile.evidence(h.skill)][:4]
    if not title and not terms:
        return ""
    skills = terms[0] if len(terms) == 1 else ", ".join(terms[:-1]) + " and " + terms[-1] if terms else ""
    with_both, skills_only, years_only = _TEMPLATES[tone]
    template = with_both if years >= 1 and skills else skills_only if skills else years_only if years >= 1 else ""
    if not template:
        return ""
    text = template.format(title=title or "Professional", years=years, skills=skills)
    return text[0].upper() + text[1:]


def _rewrite_summary(resume: Resume, profile: ResumeProfile, job: JobProfile, options: RewriteOptions,
                     changes: list[Change]) -> Resume:
    # When the summary already states its years, the lead leaves them out rather than restate them differently.
    states_years = _YEARS_STATED_RE.search(resume.summary) is not None
    lead = summary_lead(resume, profile, job, options.tone, with_years=not states_years)
    if not lead or resume.summary.startswith(lead):
        return resume
    resume = _ensure_section(resume, "summary", "Summary")
    summary = f"{lead} {resume.summary}".strip()
    changes.append(Change(section="Summary", kind="rewrite", reason=(
        f"opened the summary with the resume's own facts in a {options.tone} tone: '{shorten(lead, 90)}'")))
    return resume.model_copy(update={"summary": summary})


def rewrite(resume: Resume, profile: ResumeProfile, job: JobProfile, targets: Targets, options: RewriteOptions,
            taxonomy: Taxonomy | None = None) -> Tailoring:
    """Tailor ``resume`` to ``job`` without adding anything it does not evidence; every change has a reason."""
    features = _Job(job, taxonomy or load_taxonomy())
    changes: list[Change] = []
    tailored = resume
    if options.mode == "full":
        tailored = _rewrite_roles(tailored, features, options, changes)
    tailored, surfaced = _rewrite_skills(tailored, profile, features, changes)
    tailored = _rewrite_summary(tailored, profile, job, options, changes)
    evidenced = {s.skill for s in profile.skills}
    return Tailoring(
        resume=tailored,
        changes=tuple(changes),
        matched=tuple(h.skill for h in job.skills if h.skill in evidenced),
        surfaced=tuple(surfaced),
        missing=tuple(targets.gaps),
    )
