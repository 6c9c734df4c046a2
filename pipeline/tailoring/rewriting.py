"""The honest tailoring: a few edits to the person's own document, each with its reason and evidence.

- ``move``: a role's bullets in order of how much of the job each one mentions;
- ``rename``: a skill on a skills line to the job's wording of the same skill
  (a name such as "Postgres" -> "PostgreSQL", never one product for another);
- ``extend``: a job skill the resume evidences but does not list, onto the
  skills line of its kind (or one new line);
- ``summary``: one sentence of the resume's own facts where it has no summary;
- ``drop``: with ``length="concise"`` only, bullets that mention nothing the job
  asks for and hold no number, never a role's last one.

Nothing else in the document changes. ``tailor`` then re-scores the result and
keeps only edits that do not lower the score.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet

from tailor.pipeline.readers.documents import SourceDocument
from tailor.pipeline.tailoring._compiled import regex
from tailor.pipeline.tailoring._text import shorten, strip_bullet, term_index, term_key
from tailor.pipeline.tailoring.blocks import BulletList, Layout, layout
from tailor.pipeline.tailoring.models import (
    Edit,
    JobProfile,
    ResumeProfile,
    RewriteOptions,
    SkillHit,
)
from tailor.pipeline.tailoring.parse import _LABEL_RE, _split_items
from tailor.pipeline.tailoring.taxonomy import Taxonomy, normalise

_WEIGHT = {"required": 3.0, "preferred": 2.0}
_NUMBER_RE = regex(r"\d")
_NAME_CHARS = frozenset("/+#.&")
_CATCH_ALL_RE = regex(r"\b(?:other|additional|general|core|key|practices|skills|competencies|expertise|more)\b", re.I)
_NOT_SKILLS_RE = regex(r"\W*(?:spoken\s+)?(?:languages?\s+spoken|spoken|interests|hobbies|references)\b", re.I)


class JobTerms:
    """What of the job a piece of text mentions, memoised per text."""

    def __init__(self, job: JobProfile, taxonomy: Taxonomy) -> None:
        self.hits: dict[str, SkillHit] = {h.skill: h for h in job.skills}
        self.terms = [(t, term_key(t)) for t in job.key_terms]
        self.taxonomy = taxonomy
        self._memo: dict[str, tuple[float, tuple[str, ...], tuple[str, ...]]] = {}

    def read(self, text: str) -> tuple[float, tuple[str, ...], tuple[str, ...]]:
        """(relevance, job skills mentioned, key terms mentioned) of ``text``."""
        cached = self._memo.get(text)
        if cached is None:
            skills = tuple(dict.fromkeys(m.skill for m in self.taxonomy.find(text) if m.skill in self.hits))
            index = term_index(text) if self.terms else set()
            terms = tuple(t for t, key in self.terms if key in index)
            relevance = sum(_WEIGHT[self.hits[s].requirement] for s in skills) + len(terms)
            cached = self._memo[text] = (relevance, skills, terms)
        return cached

    def tier(self, text: str) -> int:
        """2: a required skill with a number, or two or more job skills; 1: anything the job asks for; 0: nothing."""
        relevance, skills, terms = self.read(text)
        required = any(self.hits[s].requirement == "required" for s in skills)
        if (required and _NUMBER_RE.search(text)) or len(skills) >= 2:
            return 2
        return 1 if relevance > 0 else 0

    def why(self, text: str) -> str:
        _, skills, terms = self.read(text)
        if skills:
            hit = self.hits[skills[0]]
            more = f" (and {len(skills) - 1} more of its skills)" if len(skills) > 1 else ""
            return f"it mentions {hit.term}, {hit.requirement} by the job{more}"
        return f"it mentions '{terms[0]}', a key term of the job" if terms else "it mentions nothing the job asks for"


def movable(doc: SourceDocument, items: Sequence[tuple[int, int]]) -> bool:
    """Items a writer can reorder: any span of an edited-in-place text; single lines from one list elsewhere."""
    if doc.edits_in_place:
        return True
    text = doc.text
    lines = [text.count("\n", 0, start) for start, _ in items]
    if any("\n" in text[s:e] for s, e in items):
        return False
    origins = [doc.origin(line) for line in lines]
    if not all(origins):
        return False
    if doc.format == "docx":
        return all(o.startswith("p:") for o in origins)
    parents = {o.rsplit(".", 1)[0] for o in origins}
    return len(parents) == 1 and all(o.rsplit(".", 1)[-1].isdigit() for o in origins)


def _bullet_edits(doc: SourceDocument, blocks: Layout, job: JobTerms, options: RewriteOptions) -> list[Edit]:
    edits: list[Edit] = []
    text = doc.text
    for block in blocks.lists:
        if not movable(doc, block.items):
            continue
        texts = [text[s:e] for s, e in block.items]
        relevance = [job.read(t)[0] for t in texts]
        label = block.label or "a block"
        section = f"{'Experience' if block.section == 'experience' else 'Projects'}: {shorten(label, 60)}"
        keep = list(range(len(texts)))
        if options.length == "concise":
            drop = [k for k in keep if relevance[k] == 0 and not _NUMBER_RE.search(texts[k])]
            if len(drop) == len(keep):
                drop = drop[1:]  # never a role's last bullet
            end = -1
            for k in drop:
                start, stop = block.removals[k]
                start = max(start, end)  # two drops in a row: the line break between them goes once
                end = stop
                edits.append(Edit(
                    kind="drop", section=section, spans=((start, stop),), before=text[start:stop],
                    reason="dropped (--length concise): it mentions nothing the job asks for and holds no number",
                    evidence=texts[k]))
            dropped = set(drop)
            keep = [k for k in keep if k not in dropped]
        # Three tiers, the person's own order kept within each: a bullet that shows a required skill
        # with a result (a number) or several of the job's skills; one that mentions anything the
        # job asks for; the rest. Fewer, clearer moves than a sort by raw counts.
        tiers = [job.tier(texts[k]) for k in keep]
        order = sorted(range(len(keep)), key=lambda n: (-tiers[n], n))
        if order != sorted(order) and tiers[order[0]] > 0:
            first = next(n for n, k in enumerate(order) if k != n)
            top = texts[keep[order[first]]]
            where = "to the top of" if first == 0 else "up in"
            reason = f"moved {where} {shorten(label, 40)}: {job.why(top)}"
            edits.append(Edit(
                kind="move", section=section, spans=tuple(block.items[k] for k in keep), order=tuple(order),
                before=top, after=top, reason=reason, evidence=top))
    return edits


def _is_name(surface: str) -> bool:
    """A product or acronym ("Postgres", "k8s", "A/B tests"), not an ordinary phrase ("dashboards")."""
    return any(c.isupper() or c.isdigit() or c in _NAME_CHARS for c in surface)


def _editable(doc: SourceDocument, offset: int) -> bool:
    """Text at ``offset`` a writer can put back: any of an edited-in-place text, a paragraph of a
    DOCX (not a table row joined into one line), a field of a JSON Resume (not a composed line)."""
    if doc.edits_in_place:
        return True
    origin = doc.origin(doc.text.count("\n", 0, offset))
    return origin.startswith("p:") if doc.format == "docx" else bool(origin)


def rename_edits(doc: SourceDocument, blocks: Layout, profile: ResumeProfile, job: JobTerms) -> list[Edit]:
    """The job's wording for a skill the skills lines name otherwise, once per skill."""
    edits: list[Edit] = []
    done: set[str] = set()
    worded = {s.skill for s in profile.skills for h in [job.hits.get(s.skill)] if h and normalise(h.term) in s.surfaces}
    for line in blocks.skills_lines:
        if not _editable(doc, line.start):
            continue
        for m in job.taxonomy.find(line.text):
            hit = job.hits.get(m.skill)
            if (hit is None or m.skill in done or m.skill in worded or not _is_name(m.surface)
                    or normalise(m.surface) == normalise(hit.term) or len(hit.term) > 40):
                continue
            items = [i.strip(" .*_") for i in _split_items(_LABEL_RE.sub(r"\2", strip_bullet(line.text)))]
            if m.surface not in items:
                continue  # only a skill named on its own: "Epic EHR" or "QI project" stay as written
            start = line.start + m.start
            done.add(m.skill)
            edits.append(Edit(
                kind="rename", section="Skills", spans=((start, start + len(m.surface)),), before=m.surface,
                after=hit.term, reason=f"renamed '{m.surface}' to '{hit.term}': the job's wording of the same skill",
                evidence=line.text))
    return edits


def _skills_target(blocks: Layout, hit: SkillHit, taxonomy: Taxonomy, doc: SourceDocument) -> int | None:
    """The skills line an evidenced skill joins: one listing skills of its kind, or a catch-all one (None: a new line)."""
    # Only a line that already lists a known skill: "Languages: English, Portuguese" or
    # "Interests: ..." lines are the person's, not a place for "A/B Testing".
    lines = [k for k, line in enumerate(blocks.skills_lines)
             if _editable(doc, line.start) and not line.text.rstrip().endswith((",", "-", "&"))
             and taxonomy.find(line.text) and not _NOT_SKILLS_RE.match(strip_bullet(line.text))
             and not (k + 1 < len(blocks.skills_lines) and blocks.skills_lines[k + 1].start - line.end == 1
                      and blocks.skills_lines[k + 1].text[:1].islower())]
    if not lines:
        return None
    for k in lines:
        if any(taxonomy.category(m.skill) == hit.category for m in taxonomy.find(blocks.skills_lines[k].text)):
            return k
    # No line of its kind: a catch-all line ("Other:", "Practices:"), an unlabelled one, else a line
    # of its own: "Languages: Python, Go" is no place for "reconciliation".
    for k in lines:
        label = _LABEL_RE.match(strip_bullet(blocks.skills_lines[k].text))
        if label is None or _CATCH_ALL_RE.search(label.group(1)):
            return k
    return None


def _in_style(term: str, line: str) -> str:
    """"Caching" joins "code review, incident response" as "caching": a plain word in the line's case."""
    items = _split_items(_LABEL_RE.sub(r"\2", strip_bullet(line)))
    lower = sum(1 for i in items if i[:1].islower())
    plain = term[:1].isupper() and term[1:] == term[1:].lower() and term.isascii()
    return term.lower() if plain and lower > len(items) / 2 else term


def extend_edits(doc: SourceDocument, blocks: Layout, profile: ResumeProfile, job: JobTerms,
                 only: AbstractSet[str] | None = None) -> list[Edit]:
    """Job skills the resume evidences but does not list (of ``only``, if given), onto its skills lines (or one new line)."""
    tax = job.taxonomy
    listed = {m.skill for line in blocks.skills_lines for m in tax.find(line.text)}
    wanted: list[tuple[SkillHit, str]] = []
    for hit in sorted(job.hits.values(), key=lambda h: h.requirement != "required"):
        found = profile.evidence(hit.skill)
        if (found is None or hit.skill in listed or "skills" in found.sections or len(hit.term) > 40
                or (only is not None and hit.skill not in only)):
            continue
        wanted.append((hit, found.line))
    if not wanted:
        return []
    by_line: dict[int | None, list[tuple[SkillHit, str]]] = {}
    for hit, line_text in wanted:
        by_line.setdefault(_skills_target(blocks, hit, tax, doc), []).append((hit, line_text))
    edits: list[Edit] = []
    text = doc.text

    def spaced(after: str, at: int, gap: str) -> str:
        # Text pasted without spaces ("...learning.Education"): the insertion must not glue onto it.
        return after + gap if at < len(text) and not text[at].isspace() else after

    for k, entries in by_line.items():
        terms = tuple(hit.term for hit, _ in entries)
        if k is not None:
            terms = tuple(_in_style(term, blocks.skills_lines[k].text) for term in terms)
        evidence = " | ".join(dict.fromkeys(shorten(e, 80) for _, e in entries))
        via = [f"{hit.term} via {ev.via}" for hit, _ in entries if (ev := profile.evidence(hit.skill)) and ev.via]
        reason = (f"added {', '.join(terms)} to Skills: evidenced in the resume"
                  f"{' (' + ', '.join(via) + ')' if via else ''}, "
                  f"{'required' if any(h.requirement == 'required' for h, _ in entries) else 'preferred'} by the job")
        if k is not None:
            line = blocks.skills_lines[k]
            after = spaced(line.separator + line.separator.join(terms), line.insert_at, " ")
            edits.append(Edit(kind="extend", section="Skills", spans=((line.insert_at, line.insert_at),), after=after,
                              terms=terms, reason=reason, evidence=evidence))
        elif blocks.skills_end is not None:
            after = spaced("\n" + blocks.skills_prefix + ", ".join(terms), blocks.skills_end, "\n")
            edits.append(Edit(kind="extend", section="Skills", spans=((blocks.skills_end, blocks.skills_end),),
                              after=after, lines=True, terms=terms, reason=reason, evidence=evidence))
        else:
            anchor = blocks.summary_segments[-1].end if blocks.summary_segments else blocks.header_end
            if anchor is None:
                continue
            gap = "\n\n" if doc.format != "text" else "\n"
            after = spaced(f"\n{gap[1:]}{blocks.new_heading('Skills')}{gap}{', '.join(terms)}", anchor, "\n")
            edits.append(Edit(kind="extend", section="Skills", spans=((anchor, anchor),), after=after, lines=True,
                              terms=terms, reason=reason.replace("to Skills", "in a new Skills section"),
                              evidence=evidence))
    return edits


# The years are the whole years the resume's dates cover, all roles together: they are said of
# the work, never of the skills. ("HR Business Partner with 10+ years of experience in Logistics"
# read as ten years of logistics from a resume with 7 years of HR that mentions logistics once.)
_TEMPLATES = {
    "neutral": ("{title} with {years}+ years of work experience; skills include {skills}.",
                "{title} experienced in {skills}."),
    "confident": ("{title} with {years}+ years of work experience and hands-on skills in {skills}.",
                  "{title} with hands-on experience in {skills}."),
    "formal": ("{title} with {years}+ years of professional experience; skills include {skills}.",
               "{title} with professional experience in {skills}."),
}


def summary_sentence(doc: SourceDocument, profile: ResumeProfile, job: JobProfile, tone: str) -> tuple[str, str]:
    """(sentence, evidence): the resume's latest title, the whole years its dates cover, its matched skills.

    The years are the work's, stated apart from the skills: the dates say how long the
    person worked, not how long they used any one skill.

    Empty when the title is not written in the resume as such (a parse of a messy
    header is not a fact to state) or no job skill is evidenced.
    """
    title = next((t for t in profile.titles if t and t in doc.text and len(t.split()) <= 8), "")
    terms = [h.term for h in job.skills if profile.evidence(h.skill)][:4]
    if not title or not terms:
        return "", ""
    skills = terms[0] if len(terms) == 1 else ", ".join(terms[:-1]) + " and " + terms[-1]
    years = math.floor(profile.total_years)
    with_years, without = _TEMPLATES[tone]
    sentence = (with_years if years >= 1 else without).format(title=title, years=years, skills=skills)
    role = next((r for r in profile.roles if r.title == title), None)
    evidence = f"{title}{f' ({role.dates})' if role and role.dates else ''}; " + "; ".join(
        shorten(ev.line, 60) for h in job.skills[:8] if (ev := profile.evidence(h.skill)) and h.term in terms)
    return sentence[0].upper() + sentence[1:], evidence


def _summary_edit(doc: SourceDocument, blocks: Layout, profile: ResumeProfile, job: JobProfile,
                  options: RewriteOptions) -> list[Edit]:
    sentence, evidence = summary_sentence(doc, profile, job, options.tone)
    edit = summary_edit(doc, blocks, sentence, f"added a one-sentence summary of the resume's own facts ({options.tone} tone)",
                        evidence)
    return [edit] if edit is not None else []


def summary_edit(doc: SourceDocument, blocks: Layout, sentence: str, reason: str, evidence: str) -> Edit | None:
    """``sentence`` as a new Summary section after the header; None when the resume has a summary of its own."""
    if blocks.has_summary or blocks.header_end is None or not sentence:
        return None  # the person's own summary is theirs: nothing is stacked in front of it
    gap = "\n\n" if doc.format != "text" else "\n"
    after = f"\n{gap[1:]}{blocks.new_heading('Summary')}{gap}{sentence}"
    if blocks.header_end < len(doc.text) and not doc.text[blocks.header_end].isspace():
        after += "\n"
    return Edit(kind="summary", section="Summary", spans=((blocks.header_end, blocks.header_end),), after=after,
                lines=True, reason=reason, evidence=evidence)


def plan_edits(doc: SourceDocument, profile: ResumeProfile, job: JobProfile, options: RewriteOptions,
               taxonomy: Taxonomy, blocks: Layout | None = None) -> list[Edit]:
    """Every edit worth making, in the order they are tried: summary, skills, bullets."""
    blocks = blocks or layout(doc)
    terms = JobTerms(job, taxonomy)
    edits = _summary_edit(doc, blocks, profile, job, options)
    edits += rename_edits(doc, blocks, profile, terms)
    edits += extend_edits(doc, blocks, profile, terms)
    if options.mode == "full":
        edits += _bullet_edits(doc, blocks, terms, options)
    return edits


def keep_if_not_worse(edits: Sequence[Edit], score: Callable[[Sequence[Edit]], float],
                      before: float, max_trials: int | None = None) -> tuple[list[Edit], list[Edit]]:
    """(kept, declined): edits that do not lower the re-score.

    All of them together are scored first (one re-score in the usual case); only
    when that is lower is each edit tried on top of the ones kept so far. Each try
    re-scores the whole document, so with more than ``max_trials`` edits (thousands
    of drops in a giant resume) they are tried in at most ``max_trials`` runs of
    consecutive edits, each kept or declined whole: never a run that lowers the score.
    """
    if score(edits) >= before:
        return list(edits), []
    units: list[Sequence[Edit]] = [[edit] for edit in edits]
    if max_trials is not None and len(edits) > max_trials:
        size = -(-len(edits) // max(1, max_trials))  # ceiling: at most max_trials runs
        units = [edits[k:k + size] for k in range(0, len(edits), size)]
    kept: list[Edit] = []
    declined: list[Edit] = []
    current = before
    for unit in units:
        trial = score([*kept, *unit])
        if trial >= current:
            kept += unit
            current = trial
        else:
            declined += unit
    return kept, declined


__all__ = ["BulletList", "JobTerms", "extend_edits", "keep_if_not_worse", "movable", "plan_edits", "rename_edits",
           "summary_edit", "summary_sentence"]
