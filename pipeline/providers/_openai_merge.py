"""Turn the model's proposals into domain results, keeping only what the sources support.

Job analysis: the local analysis stands; the model may add skills the taxonomy
knows, key terms the job text contains, and fill a title, years or seniority
the local reading left empty. Rewrite: the model's bullet order and wording and
its summary are applied piece by piece over the local draft; a piece naming a
skill, number, date, employer or title the source resume does not support is
dropped (the draft's version stays) and the change list says why. The whole
result then passes the same ``check_no_invention`` as the local provider.
"""

from __future__ import annotations

import re

from tailor.pipeline.errors import GuardError
from tailor.pipeline.providers._openai_prompts import job_text
from tailor.pipeline.providers._openai_schemas import LlmJobAnalysis, LlmRewrite
from tailor.pipeline.tailoring._text import (
    STOPWORDS,
    resume_text,
    shorten,
    term_index,
    term_key,
)
from tailor.pipeline.tailoring.guard import check_no_invention
from tailor.pipeline.tailoring.models import (
    Change,
    JobPosting,
    JobProfile,
    Resume,
    Role,
    SkillHit,
    Tailoring,
)
from tailor.pipeline.tailoring.taxonomy import Taxonomy

_KEY_TERMS = 12
_INFERRED = "(inferred by the model from the job description)"
_SENTENCE_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9&'’.-]*[A-Za-z0-9]|[A-Za-z]")
_MONTHS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)


# --- job analysis -------------------------------------------------------------------


def merge_job_profile(local: JobProfile, llm: LlmJobAnalysis, job: JobPosting, taxonomy: Taxonomy) -> JobProfile:
    """``local`` plus what the model found that the taxonomy and the job text bear out."""
    text = job_text(job)
    index = term_index(text)
    lines = [line for section in job.sections for line in section.lines]
    hits = list(local.skills)
    known = {h.skill for h in hits}
    for proposed in llm.skills:
        skill = _canonical(proposed.name, taxonomy)
        if skill is None or skill in known:
            continue  # not a skill the taxonomy knows (or already found): dropped
        line = next((ln for ln in lines if skill in taxonomy.skills_in(ln)), _INFERRED)
        hits.append(SkillHit(skill=skill, category=taxonomy.category(skill), term=proposed.name.strip(),
                             requirement=proposed.requirement, line=line))
        known.add(skill)
    terms: dict[str, str] = {}
    for term in (*llm.key_terms, *local.key_terms):
        key = term_key(term)
        # A key term must be words of the job itself, and not a skill (skills are scored as skills).
        if key and key in index and key not in terms and not taxonomy.skills_in(term):
            terms[key] = term.strip()
    title = local.title or (llm.title.strip() if llm.title.strip() and llm.title.strip().lower() in text.lower() else "")
    years = local.years
    if years is None and llm.years is not None and re.search(rf"(?<!\d){llm.years}(?!\d)", text):
        years = float(llm.years)
    return local.model_copy(update={
        "skills": tuple(hits),
        "key_terms": tuple(terms.values())[: max(_KEY_TERMS, len(local.key_terms))],
        "title": title,
        "years": years,
        "seniority": local.seniority or llm.seniority,
    })


def _canonical(name: str, taxonomy: Taxonomy) -> str | None:
    skill = taxonomy.canonical(name)
    if skill is not None:
        return skill
    found = taxonomy.find(name)
    # "Python 3" names one skill; "Python and Go" is two and is not guessed at.
    return found[0].skill if len(found) == 1 else None


# --- rewrite ------------------------------------------------------------------------


class _Checker:
    """Why a piece of model text is not supported by the source resume (None when it is)."""

    def __init__(self, source: Resume, draft: Resume, taxonomy: Taxonomy) -> None:
        self.source = source
        self.taxonomy = taxonomy
        self.vocabulary = {w.lower() for w in _NAME_RE.findall(resume_text(source) + "\n" + resume_text(draft))}

    def problems(self, text: str) -> str | None:
        reasons = []
        try:
            # The guard on the source plus this one text: only what the text adds can be flagged.
            check_no_invention(self.source, self.source.model_copy(update={"summary": text}), self.taxonomy)
        except GuardError as error:
            reasons.append(str(error).split("invented content: ", 1)[-1])
        names = self._unsupported_names(text)
        if names:
            reasons.append("names not in the source: " + ", ".join(names[:4]))
        return "; ".join(reasons) or None

    def _unsupported_names(self, text: str) -> list[str]:
        # Employers, titles and dates are capitalised words; a sentence's first word is capitalised
        # anyway, so it only counts when it looks like a name (ACME, McKinsey) or is a month.
        out = []
        for sentence in _SENTENCE_RE.split(text):
            for n, word in enumerate(_NAME_RE.findall(sentence)):
                low = word.lower()
                if low in self.vocabulary or not word[0].isupper():
                    continue
                month = low in _MONTHS
                if low in STOPWORDS and not month:
                    continue
                looks_named = month or (word.isupper() and len(word) > 1) or any(c.isupper() for c in word[1:])
                if n == 0 and not looks_named:
                    continue
                out.append(word)
        return list(dict.fromkeys(out))


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def apply_rewrite(source: Resume, draft: Tailoring, llm: LlmRewrite, taxonomy: Taxonomy) -> Tailoring:
    """The draft with the model's supported proposals applied; every change (and refusal) listed."""
    checker = _Checker(source, draft.resume, taxonomy)
    changes: list[Change] = []
    roles = list(draft.resume.roles)
    for proposal in llm.roles:
        if proposal.role >= len(roles):
            continue
        roles[proposal.role] = _apply_role(roles[proposal.role], proposal.bullets, checker, changes)
    summary = _apply_summary(draft.resume.summary, llm.summary, checker, changes)
    tailored = draft.resume.model_copy(update={"roles": tuple(roles), "summary": summary})
    try:
        check_no_invention(source, tailored, taxonomy)
    except GuardError as error:  # each piece passed alone; together they still must
        return draft.model_copy(update={"changes": draft.changes + (Change(
            section="Resume", kind="rewrite", reason=f"kept the local rewrite: the model's version failed the guard ({error})"),)})
    return draft.model_copy(update={"resume": tailored, "changes": draft.changes + tuple(changes)})


def _apply_role(role: Role, proposed: tuple, checker: _Checker, changes: list[Change]) -> Role:
    label = role.employer or role.title or "an untitled role"
    section = f"Experience: {label}"
    order: list[int] = []
    texts: dict[int, str] = {}
    for item in proposed:
        k = item.source
        if k >= len(role.bullets) or k in texts:
            continue  # a bullet the draft does not have, or one already placed
        original = role.bullets[k]
        text = " ".join(item.text.split())
        order.append(k)
        if not text or _same(text, original):
            texts[k] = original
            continue
        problem = checker.problems(text)
        if problem:
            texts[k] = original
            changes.append(Change(section=section, kind="rewrite", reason=(
                f"kept '{shorten(original)}' as written: the model's rewording '{shorten(text)}' has {problem}")))
        else:
            texts[k] = text
            changes.append(Change(section=section, kind="rewrite", reason=(
                f"reworded '{shorten(original)}' as '{shorten(text)}' (model; same facts)")))
    order += [k for k in range(len(role.bullets)) if k not in texts]  # nothing the model left out is lost
    for k in order:
        texts.setdefault(k, role.bullets[k])
    if order != sorted(order):
        changes.append(Change(section=section, kind="reorder", reason=(
            f"put '{shorten(texts[order[0]])}' first in {label}: the model ranked it most relevant to the job")))
    return role.model_copy(update={"bullets": tuple(texts[k] for k in order)})


def _apply_summary(current: str, proposed: str, checker: _Checker, changes: list[Change]) -> str:
    kept, dropped = [], []
    for sentence in _SENTENCE_RE.split(" ".join(proposed.split())):
        if not sentence:
            continue
        problem = checker.problems(sentence)
        if problem:
            dropped.append(f"'{shorten(sentence, 60)}' ({problem})")
        else:
            kept.append(sentence)
    for note in dropped:
        changes.append(Change(section="Summary", kind="rewrite", reason=f"dropped the model's sentence {note}"))
    if not kept or _same(" ".join(kept), current):
        return current
    summary = " ".join(kept)
    changes.append(Change(section="Summary", kind="rewrite", reason=f"rewrote the summary (model): '{shorten(summary, 90)}'"))
    return summary
