"""The no-invention guard: a tailored resume may only say what the source resume supports."""

from __future__ import annotations

import math
import re
from datetime import date

from tailor.pipeline.errors import GuardError
from tailor.pipeline.tailoring._text import human_list, numbers, resume_text
from tailor.pipeline.tailoring.models import Resume
from tailor.pipeline.tailoring.profile import resume_years
from tailor.pipeline.tailoring.taxonomy import Taxonomy

_YEARS_RE = re.compile(r"(?<![\w.])(\d+)\+? years\b")


def _without_skills(text: str, taxonomy: Taxonomy) -> str:
    # Digits inside skill names ("SOC 2", "ISO 27001") are checked as skills, not as numbers.
    return taxonomy.mask(text, " ")


def check_no_invention(source: Resume, tailored: Resume, taxonomy: Taxonomy) -> None:
    """Raise GuardError naming every skill, title, employer, date or number ``tailored`` adds to ``source``.

    Allowed beyond the source text: the whole number of years the source's own
    dates cover (with "Present" counted to any day from the resume's latest date
    up to today), which the rewritten summary may state.
    """
    problems: list[str] = []
    source_text = resume_text(source)
    tailored_text = resume_text(tailored)
    invented = sorted(taxonomy.skills_in(tailored_text) - taxonomy.skills_in(source_text))
    if invented:
        problems.append(f"skills not evidenced in the source: {human_list(invented, 8)}")
    titles = {r.title for r in source.roles}
    employers = {r.employer for r in source.roles}
    dates = {(r.dates, r.start, r.end, r.current) for r in source.roles}
    bad_roles = []
    for role in tailored.roles:
        if role.title not in titles:
            bad_roles.append(f"title '{role.title}'")
        if role.employer not in employers:
            bad_roles.append(f"employer '{role.employer}'")
        if (role.dates, role.start, role.end, role.current) not in dates:
            bad_roles.append(f"dates '{role.dates}'")
    if bad_roles:
        problems.append(f"roles not in the source: {human_list(bad_roles, 6)}")
    allowed = numbers(_without_skills(source_text, taxonomy))
    low = math.floor(resume_years(source))
    high = math.floor(resume_years(source, date.today()))
    derived = {str(n) for n in range(low, max(low, high) + 1)}
    # A derived figure is allowed only where it states years of experience ("5+ years").
    checked = _YEARS_RE.sub(lambda m: " " if m.group(1) in derived else m.group(), _without_skills(tailored_text, taxonomy))
    new_numbers = sorted(numbers(checked) - allowed, key=lambda n: (len(n), n))
    if new_numbers:
        problems.append(f"numbers not in the source: {human_list(new_numbers, 8)}")
    if problems:
        raise GuardError(f"{tailored.path or source.path or 'tailored resume'}: invented content: " + "; ".join(problems))
