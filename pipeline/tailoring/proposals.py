"""Edits a model proposed, made of the same kinds and checks as the local ones.

A model may order a list's bullets, name evidenced skills to list, approve a
rename to the job's wording, and write a one-sentence summary where there is
none. Each proposal becomes an ``Edit`` only if it is one the local planner could
make (a permutation of a real list, a job skill the resume evidences and does not
list, the same skill renamed) or, for the summary, if every number and every
capitalised word in it is in the resume. The edits then pass ``tailor_document``'s
re-score and guard like any other.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tailor.pipeline.readers.documents import SourceDocument
from tailor.pipeline.tailoring._text import STOPWORDS, numbers, shorten
from tailor.pipeline.tailoring.blocks import layout
from tailor.pipeline.tailoring.guard import word_counts
from tailor.pipeline.tailoring.models import Edit, JobProfile, ResumeProfile
from tailor.pipeline.tailoring.rewriting import JobTerms, extend_edits, movable, rename_edits, summary_edit
from tailor.pipeline.tailoring.taxonomy import Taxonomy, normalise

_MODEL = "(model) "
_WORD_RE = re.compile(r"[^\W\d_][\w'’&.-]*")
_MAX_SUMMARY_WORDS = 40


def unsupported(sentence: str, source: str, years: set[str]) -> list[str]:
    """Numbers and capitalised words (names, titles, employers, months) of ``sentence`` that ``source`` lacks."""
    known = set(word_counts(source))
    out = [n for n in sorted(numbers(sentence) - numbers(source)) if n not in years]
    for n, word in enumerate(_WORD_RE.findall(sentence)):
        bare = word.strip(".'’")
        if not any(c.isupper() for c in bare):
            continue
        if n == 0 and bare.lower() in STOPWORDS:
            continue
        if any(part.casefold() not in known for part in re.findall(r"\w+", bare)):
            out.append(bare)
    return list(dict.fromkeys(out))


def edits_from_proposal(doc: SourceDocument, profile: ResumeProfile, job: JobProfile, taxonomy: Taxonomy, *,
                        orders: Sequence[tuple[int, Sequence[int]]], skills: Sequence[str],
                        renames: Sequence[tuple[str, str]], summary: str, years: set[str]) -> tuple[list[Edit], list[str]]:
    """(edits, notes): the proposal's acceptable edits, and one note per proposal refused, saying why."""
    blocks = layout(doc)
    terms = JobTerms(job, taxonomy)
    edits: list[Edit] = []
    notes: list[str] = []
    for index, order in orders:
        if not 0 <= index < len(blocks.lists):
            notes.append(f"(model) list {index}: there is no such list")
            continue
        block = blocks.lists[index]
        if sorted(order) != list(range(len(block.items))):
            notes.append(f"(model) list {index}: the order is not one of its {len(block.items)} items")
            continue
        if list(order) == sorted(order) or not movable(doc, block.items):
            continue
        first = next(n for n, k in enumerate(order) if k != n)
        top = doc.text[slice(*block.items[order[first]])]
        edits.append(Edit(kind="move", section=f"Experience: {shorten(block.label, 60)}", spans=block.items,
                          order=tuple(order), before=top, after=top,
                          reason=f"{_MODEL}moved up in {shorten(block.label, 40)}: the model ranked it most relevant",
                          evidence=top))
    wanted = {skill for name in skills if (skill := taxonomy.canonical(normalise(name))) is not None}
    for name in skills:
        if taxonomy.canonical(normalise(name)) is None:
            notes.append(f"(model) skill '{shorten(name, 40)}': not a known skill")
    edits += [e.model_copy(update={"reason": _MODEL + e.reason}) for e in extend_edits(doc, blocks, profile, terms, wanted)]
    approved = {(old.casefold(), new.casefold()) for old, new in renames}
    edits += [e.model_copy(update={"reason": _MODEL + e.reason}) for e in rename_edits(doc, blocks, profile, terms)
              if (e.before.casefold(), e.after.casefold()) in approved]
    sentence = " ".join(summary.split())
    if sentence:
        missing = unsupported(sentence, doc.text, years)
        if missing:
            notes.append(f"(model) summary refused: not in the resume: {', '.join(missing[:6])}")
        elif len(sentence.split()) > _MAX_SUMMARY_WORDS:
            notes.append("(model) summary refused: longer than one sentence of 40 words")
        else:
            edit = summary_edit(doc, blocks, sentence, f"{_MODEL}added a one-sentence summary of the resume's own facts",
                                "the resume's own words")
            if edit is not None:
                edits.append(edit)
    return edits, notes
