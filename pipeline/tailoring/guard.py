"""The guard: a tailored resume keeps every word of its source and says only what the source supports."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from datetime import date

from tailor.pipeline.errors import GuardError
from tailor.pipeline.tailoring._compiled import regex
from tailor.pipeline.tailoring._text import human_list, numbers
from tailor.pipeline.tailoring.models import Edit, Resume
from tailor.pipeline.tailoring.profile import resume_years
from tailor.pipeline.tailoring.taxonomy import Taxonomy

_YEARS_RE = regex(r"(?<![\w.])(\d+)\+? years\b")


_WORD_RE = regex(r"\w+")


def word_counts(text: str) -> Counter[str]:
    """The words of ``text``, case-folded, with how often each occurs."""
    return Counter(map(str.casefold, _WORD_RE.findall(text)))


def lost_words(source: str | Counter[str], output: str | Counter[str], edits: Sequence[Edit]) -> Counter[str]:
    """Words of ``source`` missing from ``output`` beyond what the listed drops and renames took out
    (either text may be given as its ``word_counts``)."""
    removed: Counter[str] = Counter()
    for edit in edits:
        if edit.kind in ("drop", "rename") or (edit.kind == "summary" and edit.spans[0][0] != edit.spans[0][1]):
            removed.update(map(str.casefold, _WORD_RE.findall(edit.before)))  # in place: += re-scans the total
    have = word_counts(source) if isinstance(source, str) else source
    got = word_counts(output) if isinstance(output, str) else output
    return have - removed - got


def check_edits(source: str, output: str, edits: Sequence[Edit], taxonomy: Taxonomy, *, path: str,
                years: set[str], evidenced: AbstractSet[str] = frozenset()) -> None:
    """Raise GuardError if ``output`` lost a word of ``source`` or says what neither it nor an edit supports.

    - every source word is still there, unless a listed drop or rename removed it;
    - every new word comes from an edit's text;
    - no skill the source does not mention (``evidenced``: the skills its profile found in
      it, e.g. across a giant line's glued words); no number but the whole years of
      experience (``years``) its own dates cover, where a sentence states them.
    """
    problems: list[str] = []
    have, got = word_counts(source), word_counts(output)  # counted once for both checks
    lost = lost_words(have, got, edits)
    if lost:
        problems.append(f"words of the source lost: {human_list(sorted(lost), 8)}")
    added = set(got) - set(have)
    allowed = set(word_counts(" ".join(e.after for e in edits)))
    if added - allowed:
        problems.append(f"words from nowhere: {human_list(sorted(added - allowed), 8)}")
    # Digits inside skill names ("SOC 2", "ISO 27001") are checked as skills, not as numbers: one pass
    # over each text finds its skills and masks them.
    masked_source, source_skills = taxonomy.masked_skills(source, " ")
    masked_output, output_skills = taxonomy.masked_skills(output, " ")
    invented = sorted(output_skills - source_skills - evidenced)
    if invented:
        problems.append(f"skills not evidenced in the source: {human_list(invented, 8)}")
    known = numbers(masked_source)
    checked = _YEARS_RE.sub(lambda m: " " if m.group(1) in years else m.group(), masked_output)
    new_numbers = sorted(numbers(checked) - known, key=lambda n: (len(n), n))
    if new_numbers:
        problems.append(f"numbers not in the source: {human_list(new_numbers, 8)}")
    if problems:
        raise GuardError(f"{path}: the tailored resume would break its promise: " + "; ".join(problems))


def derived_years(source: Resume) -> set[str]:
    """The whole years of experience the source's dates cover ("Present" counted up to today)."""
    low = math.floor(resume_years(source))
    high = math.floor(resume_years(source, date.today()))
    return {str(n) for n in range(low, max(low, high) + 1)}
