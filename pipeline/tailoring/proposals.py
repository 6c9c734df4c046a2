"""Edits a model proposed, made of the same kinds and checks as the local ones.

A model may order a list's bullets, name evidenced skills to list, approve a
rename to the job's wording, and write a one-sentence summary where there is
none. Each proposal becomes an ``Edit`` built by the local planner's own helpers,
and only if it is one the planner could make:

- an order: a permutation of a real list's items, in ``--mode full`` only, of a
  list whose bullets the format lets us move; with ``--length concise`` it orders
  the bullets the planner keeps (its drops stand);
- a skill: one the taxonomy maps to a job skill the resume evidences and does not
  list yet;
- a rename: the old and new wordings are one taxonomy skill, the old one is on a
  skills line as its own item and the new one is the job's;
- the summary: one sentence of at most 40 words, where the resume has none, whose
  every number, capitalised word, title word, number word and skill the resume
  already states (and no name the job spells that the resume does not); it must
  pass the guard on its own.

Every refusal leaves a note saying why. The edits then pass ``tailor_document``'s
re-score and guard like any other; their reasons start with "(model)".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from tailor.pipeline.errors import GuardError
from tailor.pipeline.readers.documents import SourceDocument
from tailor.pipeline.tailoring._compiled import regex
from tailor.pipeline.tailoring._text import STOPWORDS, numbers, shorten
from tailor.pipeline.tailoring.blocks import Layout, layout
from tailor.pipeline.tailoring.editing import apply_edits
from tailor.pipeline.tailoring.guard import check_edits, word_counts
from tailor.pipeline.tailoring.models import Edit, JobProfile, ResumeProfile, RewriteOptions
from tailor.pipeline.tailoring.rewriting import (
    JobTerms,
    _bullet_edits,
    extend_edits,
    movable,
    rename_edits,
    summary_edit,
)
from tailor.pipeline.tailoring.taxonomy import Taxonomy, normalise

_MODEL = "(model) "
_WORD_RE = regex(r"[^\W\d_][\w'’&.-]*")
_MAX_SUMMARY_WORDS = 40
# A second sentence: an end mark after a lower-case word ("B.S. Computer Science" is not one).
_SENTENCES_RE = regex(r"(?<=[a-z0-9]{2}[.!?])\s+(?=\S)")
_TOKEN_RE = regex(r"[^\W\d_][\w&'’-]*")
# Lower-case words that state a title, a rank or a count: the resume must state them already.
_CLAIM_WORDS = frozenset(
    """ceo cto cfo coo cio ciso cmo vp svp evp founder cofounder president chairman chairwoman chief head director
    manager owner partner principal staff lead senior junior intern executive officer architect fellow
    one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen
    eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred hundreds thousand thousands
    million millions billion billions dozen dozens""".split()
)


def _skill(name: str, taxonomy: Taxonomy) -> str | None:
    """The taxonomy skill ``name`` names: "Python 3" is Python; "Python and Go" is none."""
    skill = taxonomy.canonical(name)
    if skill is not None:
        return skill
    found = {m.skill for m in taxonomy.find(name)}
    return found.pop() if len(found) == 1 else None


def _skills_named(sentence: str, taxonomy: Taxonomy) -> set[str]:
    """Skills ``sentence`` names, in any case ("rust" too): as the guard finds them, and each 1-3 word run."""
    found = taxonomy.skills_in(sentence)
    words = [w.strip(",.;:()!?\"'’") for w in sentence.split()]
    for size in (1, 2, 3):
        for k in range(len(words) - size + 1):
            run = " ".join(words[k:k + size])
            if run and not (size == 1 and run.lower() in STOPWORDS):
                skill = taxonomy.canonical(run)
                if skill is not None:
                    found.add(skill)
    return found


def unsupported(sentence: str, source: str, years: AbstractSet[str], taxonomy: Taxonomy | None = None,
                evidenced: AbstractSet[str] = frozenset(), job_text: str = "") -> list[str]:
    """What ``sentence`` states that ``source`` does not: numbers (beyond the derived ``years``),
    capitalised words (names, employers, titles, months), title and number words in any case,
    skills the source neither mentions nor ``evidenced``, and names the job spells but the source lacks."""
    known = set(word_counts(source))
    masked = taxonomy.mask(sentence, " ") if taxonomy else sentence
    known_numbers = numbers(taxonomy.mask(source, " ") if taxonomy else source)
    out = [n for n in sorted(numbers(masked) - known_numbers) if n not in years]
    for n, word in enumerate(_WORD_RE.findall(sentence)):
        bare = word.strip(".'’")
        parts = [p.casefold() for p in re.findall(r"\w+", bare)]
        capitalised = any(c.isupper() for c in bare) and not (n == 0 and bare.lower() in STOPWORDS)
        if any(p not in known and (capitalised or p in _CLAIM_WORDS) for p in parts):
            out.append(bare)
    if taxonomy is not None:
        mentioned = taxonomy.skills_in(source) | set(evidenced)
        out += sorted(_skills_named(sentence, taxonomy) - mentioned)
    if job_text:
        # A word the job only ever writes capitalised ("Larkspur") is a name: the resume must state it.
        tokens = _TOKEN_RE.findall(job_text)
        names = {t.casefold() for t in tokens if t[0].isupper()} - {t for t in tokens if t[0].islower()}
        names -= known | STOPWORDS
        out += [bare for w in _TOKEN_RE.findall(sentence) if (bare := w.strip("'’")).casefold() in names]
    return list(dict.fromkeys(out))


def _planned_drops(doc: SourceDocument, blocks: Layout, terms: JobTerms, options: RewriteOptions) -> set[tuple[int, int]]:
    """(list, item) of the bullets the planner drops (``--length concise``): a model's order leaves them out."""
    if options.length != "concise":
        return set()
    drops = [e.spans[0] for e in _bullet_edits(doc, blocks, terms, options) if e.kind == "drop"]
    return {(n, k) for n, block in enumerate(blocks.lists) for k, (s, e) in enumerate(block.items)
            if any(a <= s and e <= b for a, b in drops)}


def _moves(doc: SourceDocument, blocks: Layout, terms: JobTerms, options: RewriteOptions,
           orders: Sequence[tuple[int, Sequence[int]]], notes: list[str]) -> list[Edit]:
    if not orders:
        return []
    if options.mode != "full":
        notes.append(f"{_MODEL}list orders not applied: --mode {options.mode} moves no bullets")
        return []
    text = doc.text
    dropped = _planned_drops(doc, blocks, terms, options)
    edits: list[Edit] = []
    done: set[int] = set()
    for index, order in orders:
        if not 0 <= index < len(blocks.lists):
            notes.append(f"{_MODEL}list {index}: there is no such list")
            continue
        block = blocks.lists[index]
        if index in done:
            notes.append(f"{_MODEL}list {index}: ordered twice; the first order stands")
            continue
        if sorted(order) != list(range(len(block.items))):
            notes.append(f"{_MODEL}list {index}: the order is not one of its {len(block.items)} items")
            continue
        if not movable(doc, block.items):
            notes.append(f"{_MODEL}list {index}: its bullets cannot be reordered in this format")
            continue
        done.add(index)
        keep = [k for k in range(len(block.items)) if (index, k) not in dropped]
        ranked = [keep.index(k) for k in order if k in keep]  # the bullets kept, in the model's order
        if ranked == sorted(ranked):
            continue  # nothing moves
        # Built as rewriting._bullet_edits builds a move: slot i of the kept bullets receives ranked[i].
        label = block.label or "a block"
        section = f"{'Experience' if block.section == 'experience' else 'Projects'}: {shorten(label, 60)}"
        first = next(n for n, k in enumerate(ranked) if k != n)
        top = text[slice(*block.items[keep[ranked[first]]])]
        where = "to the top of" if first == 0 else "up in"
        edits.append(Edit(kind="move", section=section, spans=tuple(block.items[k] for k in keep), order=tuple(ranked),
                          before=top, after=top, evidence=top,
                          reason=f"{_MODEL}moved {where} {shorten(label, 40)}: the model ranked it most relevant"))
    return edits


def _extends(doc: SourceDocument, blocks: Layout, profile: ResumeProfile, terms: JobTerms,
             skills: Sequence[str], notes: list[str]) -> list[Edit]:
    taxonomy = terms.taxonomy
    listed = {m.skill for line in blocks.skills_lines for m in taxonomy.find(line.text)}
    wanted: set[str] = set()
    for name in dict.fromkeys(" ".join(s.split()) for s in skills if s.strip()):
        skill = _skill(name, taxonomy)
        if skill is None:
            why = "not a known skill"
        else:
            found = profile.evidence(skill)
            why = ("not a skill the job asks for" if skill not in terms.hits
                   else "no evidence of it in the resume" if found is None
                   else "already listed" if skill in listed or "skills" in found.sections
                   else "")
            if not why:
                wanted.add(skill)
                continue
        notes.append(f"{_MODEL}skill '{shorten(name, 40)}' not listed: {why}")
    if not wanted:
        return []
    return [e.model_copy(update={"reason": _MODEL + e.reason}) for e in extend_edits(doc, blocks, profile, terms, wanted)]


def _renames(doc: SourceDocument, blocks: Layout, profile: ResumeProfile, terms: JobTerms,
             renames: Sequence[tuple[str, str]], notes: list[str]) -> list[Edit]:
    taxonomy = terms.taxonomy
    planned = {e.before.casefold(): e for e in rename_edits(doc, blocks, profile, terms)}
    edits: list[Edit] = []
    for old, new in dict.fromkeys((o.strip(), n.strip()) for o, n in renames):
        a, b = _skill(old, taxonomy), _skill(new, taxonomy)
        edit = planned.get(old.casefold())
        hit = terms.hits.get(a) if a else None
        found = profile.evidence(a) if a else None
        why = ("not the same skill" if a is None or a != b
               else "not a skill the job asks for" if hit is None
               else f"the resume already writes it as the job does ('{hit.term}')"
               if found is not None and normalise(hit.term) in found.surfaces
               else f"'{shorten(old, 40)}' is not on a skills line as its own item" if edit is None
               else f"the job writes it '{edit.after}'" if edit.after.casefold() != new.casefold()
               else "")
        if why or edit is None:
            notes.append(f"{_MODEL}rename '{shorten(old, 40)}' -> '{shorten(new, 40)}' refused: {why}")
            continue
        del planned[old.casefold()]  # once per skill
        edits.append(edit.model_copy(update={"reason": _MODEL + edit.reason}))
    return edits


def _summary(doc: SourceDocument, blocks: Layout, profile: ResumeProfile, taxonomy: Taxonomy, summary: str,
             years: AbstractSet[str], job_text: str, notes: list[str]) -> list[Edit]:
    sentence = " ".join(summary.split())
    if not sentence:
        return []
    evidenced = {s.skill for s in profile.skills}
    missing = unsupported(sentence, doc.text, years, taxonomy, evidenced, job_text)
    why = (f"not in the resume: {', '.join(missing[:6])}" if missing
           else f"longer than one sentence of {_MAX_SUMMARY_WORDS} words"
           if len(sentence.split()) > _MAX_SUMMARY_WORDS or _SENTENCES_RE.search(sentence)
           else "the resume has a summary of its own" if blocks.has_summary
           else "")
    if not why:
        sentence = sentence[0].upper() + sentence[1:]
        if not sentence.endswith((".", "!", "?")):
            sentence += "."
        edit = summary_edit(doc, blocks, sentence, f"{_MODEL}added a one-sentence summary of the resume's own facts",
                            "the resume's own words")
        if edit is None:
            why = "there is no place for one after the header"
        else:
            try:  # the guard's own check, on this edit alone: a model's sentence must never fail the run
                check_edits(doc.text, apply_edits(doc.text, [edit]), [edit], taxonomy, path=doc.path,
                            years=set(years), evidenced=evidenced)
            except GuardError as error:
                why = str(error).split("promise: ", 1)[-1]
            else:
                return [edit]
    notes.append(f"{_MODEL}summary refused: {why}")
    return []


def edits_from_proposal(doc: SourceDocument, profile: ResumeProfile, job: JobProfile, options: RewriteOptions,
                        taxonomy: Taxonomy, *, orders: Sequence[tuple[int, Sequence[int]]], skills: Sequence[str],
                        renames: Sequence[tuple[str, str]], summary: str, years: AbstractSet[str],
                        job_text: str = "") -> tuple[list[Edit], list[str]]:
    """(edits, notes): the proposal's acceptable edits, and one note per proposal refused, saying why.

    ``years``: the whole years of experience the resume's dates cover (``guard.derived_years``),
    the only numbers a summary may add; ``job_text``: the job as written, whose names a summary
    may not borrow.
    """
    blocks = layout(doc)
    terms = JobTerms(job, taxonomy)
    notes: list[str] = []
    edits = _moves(doc, blocks, terms, options, orders, notes)
    edits += _extends(doc, blocks, profile, terms, skills, notes)
    edits += _renames(doc, blocks, profile, terms, renames, notes)
    edits += _summary(doc, blocks, profile, taxonomy, summary, years, job_text, notes)
    return edits, notes


__all__ = ["edits_from_proposal", "unsupported"]
