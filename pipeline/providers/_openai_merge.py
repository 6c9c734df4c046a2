"""Turn the model's job analysis into a job profile, keeping only what the job text supports.

The local analysis stands; the model may add skills the taxonomy knows, key
terms the job text contains, and fill a title, years or seniority the local
reading left empty. (The model's edit proposals are checked in
``tailoring.proposals`` and ``tailoring.tailored``, like the local ones.)
"""

from __future__ import annotations

import re

from tailor.pipeline.providers._openai_prompts import job_text
from tailor.pipeline.providers._openai_schemas import LlmJobAnalysis
from tailor.pipeline.tailoring._text import term_index, term_key
from tailor.pipeline.tailoring.models import JobPosting, JobProfile, SkillHit
from tailor.pipeline.tailoring.taxonomy import Taxonomy

_KEY_TERMS = 12
_INFERRED = "(inferred by the model from the job description)"


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
