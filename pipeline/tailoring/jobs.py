"""Job analysis: skills required vs preferred, years, seniority, degree and key terms."""

from __future__ import annotations

import re
from collections import Counter

from tailor.pipeline.tailoring._compiled import regex
from tailor.pipeline.tailoring._text import STOPWORDS, stem, words
from tailor.pipeline.tailoring.models import (
    Degree,
    JobPosting,
    JobProfile,
    Requirement,
    Seniority,
    SkillHit,
)
from tailor.pipeline.tailoring.taxonomy import Match, Taxonomy, normalise

# Cue words in a clause override the section's default.
_PREFERRED_CUE = regex(
    r"\b(?:preferred|preferably|prefer|a\s+plus|plus\b|nice[\s-]to[\s-]have|bonus|desirable|desired|ideally|advantage(?:ous)?|"
    r"would\s+be\s+great|beneficial|not\s+required|optional)\b",
    re.IGNORECASE,
)
_REQUIRED_CUE = regex(
    r"\b(?:must|required|requires?|requirement|essential|mandatory|minimum|need\s+to\s+have)\b",
    re.IGNORECASE,
)
# A sentence about the company, its benefits or its hiring law states no requirement ("mental health
# benefits", "collaboration is in our DNA", "our recruitment process") unless it asks for something.
_CONTEXT_SENTENCE = regex(
    r"\b(?:equal\s+opportunity|eeo\b|affirmative\s+action|without\s+regard|regardless\s+of|protected\s+(?:veteran|class|status)|"
    r"reasonable\s+accommodations?|participates\s+in\s+e-verify|background\s+check|benefits?\b|perks|insurance|401\(?k|pto\b|paid\s+time\s+off|"
    r"vacation|parental\s+leave|stipend|wellness|salary|compensation|pay\s+range|we\s+offer|you(?:'ll|\s+will)\s+(?:get|enjoy|receive)|"
    r"flexible\s+(?:hours|schedules?|working|work)|remote[\s-]first|work[\s-]life|in\s+our\s+dna|we\s+value|we\s+believe|"
    r"values\s+(?:teamwork|collaboration|diversity|inclusion|integrity|respect|curiosity|honesty|service|ownership)|"
    r"our\s+(?:mission|values|culture|customers|clients|story|founders)|we\s+celebrate|we(?:'re|\s+are)\s+(?:proud|committed|a\s|an\s)|"
    r"founded\s+in|headquartered|(?:recruitment|hiring|interview)\s+process|diverse|diversity|inclusi(?:ve|on))",
    re.IGNORECASE,
)
_ASKS = regex(
    r"\b(?:you\s+(?:have|bring|will|'ll|should|must|need)|you've|looking\s+for|seeking|experience\s+(?:with|in)|"
    r"proficien\w*|knowledge\s+of|familiar\w*|required|requirements?|must|years?\s+of|ability\s+to|skills?\s+in)\b",
    re.IGNORECASE,
)
# "we don't use Outreach or Salesloft": named to say it is not needed.
_NEGATED_BEFORE = regex(r"\b(?:don't|do\s+not|doesn't|does\s+not|won't|will\s+not|never|no\s+longer|not)\s+"
                        r"(?:use|using|need|needed|require|required|work\s+with)\b(?:(?!\s[-–—]\s)[^.;:()]){0,40}$", re.IGNORECASE)
_EEO = regex(r"\b(?:equal\s+opportunity|affirmative\s+action|without\s+regard|protected\s+veteran)\b", re.IGNORECASE)
# Between two skills of an either/or list: a comma, a slash, "or", "and/or"; the list ends in "or" or
# follows "one of", "any of", "such as", "e.g.", "either".
_LIST_GAP = regex(r"\s*(?:,|/)?\s*(?:\((?=\s*(?:and/or|or)\s))?\s*(?:(?:and/or|or|and)\s+)?(?:the\s+|(?:another|other|any)(?:\s+[a-z]+)?\s+)?$",
                  re.IGNORECASE)
_OR_GAP = regex(r"\s*,?\s*\(?\s*(?:and/or|or)\s+(?:the\s+|(?:another|other|any)(?:\s+[a-z]+)?\s+)?$", re.IGNORECASE)
_ANY_OF_BEFORE = regex(r"\b(?:(?:at\s+least\s+)?(?:one|two)\s+of|any\s+of|either|such\s+as|e\.g\.|for\s+example|like|"
                       r"or\s+similar)\s*[:(]?\s*(?:the\s+)?$", re.IGNORECASE)
# "FreeRTOS, Zephyr, ThreadX or similar": a list of examples, any of which will do.
_OR_SIMILAR_AFTER = regex(r"\s*,?\s*(?:or|and/or)\s+(?:similar|equivalent|comparable|other|another|alternatives?)\b",
                          re.IGNORECASE)
NUMBER_WORDS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve".split())}
_YEARS_RE = regex(
    r"(?:(?:at\s+least|minimum(?:\s+of)?|min\.?|over|more\s+than)\s+)?"
    r"\b(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b\s*(?:\+|plus)?\s*"
    r"(?:(?:-|–|to)\s*(\d{1,2})\s*\+?\s*)?(?:\(\d{1,2}\)\s*)?(?:years?|yrs?)\b",
    re.IGNORECASE,
)
_LEVELS: tuple[tuple[Seniority, str], ...] = (
    ("executive", r"\b(?:chief|cto|ceo|cfo|coo|cio|vp|vice\s+president|head\s+of)\b"),
    ("director", r"\bdirector\b"),
    ("principal", r"\bprincipal\b"),
    ("staff", r"\bstaff\s+(?:software|engineer|data|machine|ml|product|designer|developer|scientist|sre|security)"),
    ("manager", r"\bmanager\b|\bmanagement\s+role\b"),
    ("lead", r"\b(?:lead|tech\s+lead|team\s+lead|charge\s+nurse|supervisor)\b"),
    ("senior", r"\b(?:senior|sr\.?)\b"),
    ("mid", r"\b(?:mid[\s-]?level|intermediate|mid[\s-]senior)\b"),
    ("junior", r"\b(?:junior|jr\.?|entry[\s-]level|graduate|new\s+grad|associate)\b"),
    ("intern", r"\b(?:intern|internship|trainee|apprentice)\b"),
)
LEVEL_RANK: dict[str, int] = {
    "intern": 0, "junior": 1, "mid": 2, "senior": 3, "lead": 4, "staff": 4, "manager": 4,
    "principal": 5, "director": 6, "executive": 7,
}
_DEGREE_WORDS: tuple[tuple[Degree, re.Pattern[str]], ...] = (
    ("doctorate", regex(r"\b(?:ph\.?\s?d|doctorate|doctoral|DNP|PharmD|Ed\.?D)\b", re.IGNORECASE)),
    # "MFA" alone is multi-factor authentication in an IT resume: a degree only as "MFA in ...".
    ("master", regex(r"\b(?:(?i:master'?s|masters|master\s+of|master\s+degree)|MBA|MSN|MSc|M\.S\.|MEng|M\.Sc\.|M\.A\.|MPH|"
                          r"M\.?Ed\.?(?=\s)|MSW|MFA(?=\s+in\b))(?![\w.])"
                          r"|\bMS\b(?!\s*(?:Office|Excel|Word|SQL|Teams|Project|Access|Outlook|PowerPoint|365|Dynamics|Visio))")),
    ("bachelor", regex(r"\b(?:(?i:bachelor'?s?|bachelors|undergraduate\s+degree|four[\s-]year\s+degree)|BSN|BSc|B\.S\.|"
                            r"B\.Sc\.|B\.A\.|BEng|B\.?Tech|B\.E\.|BBA|BFA|BCA|BE(?=\s+(?:in\s+)?[A-Z][a-z]))(?![\w.])"
                            r"|\b(?:BS|BA)\b(?![\w&])")),
    ("associate", regex(r"\b(?:associate'?s?\s+degree|associate\s+(?:of|in)\s+(?:applied\s+)?(?:science|arts|business|"
                             r"nursing|occupational)|ADN|AAS|A\.A\.S\.|A\.S\.(?=\s+in\b)|A\.A\.(?=\s+in\b))(?![\w.])",
                             re.IGNORECASE)),
)
DEGREE_RANK: dict[str, int] = {"associate": 1, "bachelor": 2, "master": 3, "doctorate": 4}
_KEY_TERMS = 12


_LEVEL_RES = tuple((level, regex(pattern, re.IGNORECASE)) for level, pattern in _LEVELS)


def seniority_of(text: str) -> Seniority | None:
    return next((level for level, pattern in _LEVEL_RES if pattern.search(text)), None)


def degrees_in(text: str) -> list[tuple[Degree, str]]:
    """Degrees mentioned in ``text`` with the words used ("BSN", "Bachelor's")."""
    found = []
    for degree, pattern in _DEGREE_WORDS:
        for m in pattern.finditer(text):
            found.append((degree, m.group()))
    return found


def _years(text: str) -> float | None:
    best = None
    for m in _YEARS_RE.finditer(text):
        raw = m.group(1).lower()
        low = int(raw) if raw.isdigit() else NUMBER_WORDS[raw]
        tail = text[m.end(): m.end() + 60].lower()
        head = text[max(0, m.start() - 60): m.start()].lower()
        if re.search(r"\b(?:ago|old|warranty|anniversary|in business|founded)\b", tail + " " + head):
            continue
        if 0 < low <= 40:
            best = low if best is None else max(best, low)
    return float(best) if best is not None else None


def _clause_requirements(sentence: str, default: Requirement) -> list[tuple[int, int, Requirement | None]]:
    """(start, end, requirement) spans of ``sentence``: a clause takes its own cue, else the next clause's.

    None where no clause of the sentence has a cue: the section decides.
    """
    spans: list[tuple[int, int, Requirement | None]] = []
    pos = 0
    mixed = bool(_PREFERRED_CUE.search(sentence)) and bool(_REQUIRED_CUE.search(sentence))
    splitter = re.compile(r";|,\s+|\s+(?:but|while|whereas)\s+|\s+and\s+(?=(?:\S+\s+){0,3}(?:is|are)\b)" if mixed else r";")
    for m in list(splitter.finditer(sentence)) + [None]:
        end = m.start() if m else len(sentence)
        clause = sentence[pos:end]
        cue: Requirement | None = None
        if _PREFERRED_CUE.search(clause):
            cue = "preferred"
        elif _REQUIRED_CUE.search(clause):
            cue = "required"
        spans.append((pos, end, cue))
        pos = m.end() if m else end
    resolved: list[tuple[int, int, Requirement | None]] = []
    for i, (a, b, cue) in enumerate(spans):
        if cue is None:
            cue = next((c for _, _, c in spans[i + 1:] if c), None) or next(
                (c for _, _, c in reversed(spans[:i]) if c), None)
        resolved.append((a, b, cue))
    return resolved


def _required_parts(line: str) -> list[str]:
    """The parts of a line that do not state a preference: "BS in CS; a Master's is preferred" -> "BS in CS"."""
    parts: list[str] = []
    for chunk in re.split(r";|\.\s+", line):
        if _PREFERRED_CUE.search(chunk) and _REQUIRED_CUE.search(chunk):
            parts.extend(chunk[a:b] for a, b, cue in _clause_requirements(chunk, "required") if cue != "preferred")
        elif not _PREFERRED_CUE.search(chunk):
            parts.append(chunk)
    return parts


def states_no_requirement(sentence: str) -> bool:
    """Whether a job sentence is about the company, its benefits or its hiring law rather than the candidate."""
    if _EEO.search(sentence):
        return True
    return bool(_CONTEXT_SENTENCE.search(sentence)) and not _ASKS.search(sentence)


def either_or_groups(line: str, matches: list[Match]) -> list[tuple[str, ...]]:
    """Runs of skills the line offers as alternatives: "Gong, Outreach or Salesloft", "one of AWS, GCP, Azure"."""
    groups: list[tuple[str, ...]] = []
    run: list[Match] = []

    def close(final_or: bool) -> None:
        skills = tuple(dict.fromkeys(m.skill for m in run))
        if len(skills) >= 2 and (final_or or _ANY_OF_BEFORE.search(line[max(0, run[0].start - 25): run[0].start])
                                 or _OR_SIMILAR_AFTER.match(line, run[-1].end)):
            groups.append(skills)

    final_or = False
    for m in matches:
        if run:
            gap = line[run[-1].end: m.start]
            if len(gap) <= 24 and _LIST_GAP.match(gap):
                final_or = bool(_OR_GAP.match(gap))
                run.append(m)
                continue
            close(final_or)
        run, final_or = [m], False
    if run:
        close(final_or)
    return groups


def _key_terms(lines: list[str], taxonomy: Taxonomy) -> tuple[str, ...]:
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    surface: dict[str, str] = {}
    order = 0
    for line in lines:
        # Skill mentions break the word stream: key terms are what the skills do not already cover.
        for chunk in re.split(r"[.;:!?()\[\]/•|]", taxonomy.mask(line, " | ")):
            tokens = [w for w in words(chunk)]
            stems = [stem(w) for w in tokens]
            for i, s in enumerate(stems):
                if s in STOPWORDS or len(s) < 4:
                    continue
                grams = [(s, tokens[i].lower())]
                if i + 1 < len(stems) and stems[i + 1] not in STOPWORDS and len(stems[i + 1]) >= 3:
                    grams.append((f"{s} {stems[i + 1]}", f"{tokens[i]} {tokens[i + 1]}".lower()))
                for key, text in grams:
                    counts[key] += 1
                    if key not in first:
                        first[key], surface[key] = order, text
                        order += 1
    scored = sorted(
        (k for k, c in counts.items() if c >= 2 or " " in k),
        key=lambda k: (-(counts[k] * (1.6 if " " in k else 1.0)), first[k]),
    )
    chosen: list[str] = []
    for key in scored:
        if len(chosen) >= _KEY_TERMS:
            break
        if " " in key and counts[key] < 2 and len(chosen) >= _KEY_TERMS // 2:
            continue
        if any(key in c.split(" ") for c in chosen if " " in c) or any(key == c for c in chosen):
            continue
        chosen.append(key)
    return tuple(surface[k] for k in chosen)


def analyse_job(job: JobPosting, taxonomy: Taxonomy) -> JobProfile:
    """Everything the score and the rewrite need to know about a job posting."""
    # Per skill: its first mention (the job's wording), mentions, and the requirement each mention implies,
    # explicit (a Requirements/Nice-to-have section or a cue word) or implied (mentioned in duties or elsewhere).
    first: dict[str, tuple[int, str, str]] = {}
    mentions: Counter[str] = Counter()
    explicit: dict[str, set[Requirement]] = {}
    term_lines: list[str] = []
    all_text: list[str] = [job.title]
    degree_lines: list[str] = []
    order = 0
    for m in taxonomy.find(job.title):
        first.setdefault(m.skill, (order, m.surface, job.title))
        mentions[m.skill] += 1
        order += 1
    groups: dict[str, tuple[str, ...]] = {}
    for section in job.sections:
        if section.kind in ("about", "benefits"):
            continue
        section_cue: Requirement | None = (
            "preferred" if section.kind == "preferred" else "required" if section.kind == "required" else None
        )
        for line in (section.heading, *section.lines):
            if not line or (line != section.heading and states_no_requirement(line)):
                continue
            if line != section.heading:
                term_lines.append(line)
            all_text.append(line)
            if section.kind != "preferred":
                degree_lines.append(line)
            matches = list(taxonomy.find(line))
            if not matches:
                continue
            spans = _clause_requirements(line, section_cue or "required") if line != section.heading else []
            for group in either_or_groups(line, matches):
                # Alternatives stated twice ("Tableau or Looker", later "Tableau, Looker or Power BI") are one choice.
                merged = tuple(dict.fromkeys(s for skill in group for s in (*groups.get(skill, ()), skill)))
                for skill in merged:
                    groups[skill] = merged
            matches = [m for m in matches if not _NEGATED_BEFORE.search(line[max(0, m.start - 60): m.start])]
            for m in matches:
                first.setdefault(m.skill, (order, m.surface, line[:300]))
                mentions[m.skill] += 1
                order += 1
                cue = next((r for a, b, r in spans if a <= m.start < b), None) or section_cue
                if cue is not None:
                    explicit.setdefault(m.skill, set()).add(cue)
    hits = []
    for skill, (position, surface, line) in first.items():
        # The job's wording when it is a name ("Postgres", "k8s"); the canonical name for a phrase
        # ("educate patients") or a mere case difference ("wound care").
        term = skill if " " in surface.strip() or normalise(surface) == normalise(skill) else surface
        cues = explicit.get(skill)
        requirement: Requirement = "preferred" if cues == {"preferred"} else "required"
        hits.append((requirement != "required", -mentions[skill], position,
                     SkillHit(skill=skill, category=taxonomy.category(skill), term=term, requirement=requirement,
                              line=line, any_of=groups.get(skill, ()))))
    text = "\n".join(all_text)
    # A degree the job only prefers is not a requirement: read degrees outside preferred wording.
    degrees = degrees_in("\n".join(part for line in degree_lines for part in _required_parts(line)))
    degree = min((d for d, _ in degrees), key=DEGREE_RANK.__getitem__, default=None)
    hits.sort(key=lambda h: h[:3])
    return JobProfile(
        path=job.path,
        title=job.title,
        skills=tuple(h[3] for h in hits),
        years=_years(text),
        seniority=seniority_of(job.title) or _seniority_in_text(text),
        degree=degree,
        degree_terms=tuple(dict.fromkeys(w for _, w in degrees)),
        key_terms=_key_terms(term_lines, taxonomy),
    )


def _seniority_in_text(text: str) -> Seniority | None:
    m = re.search(r"\b(senior|junior|entry|mid|principal|staff)[\s-]level\b", text, re.IGNORECASE)
    if not m:
        return None
    return {"entry": "junior"}.get(m.group(1).lower(), m.group(1).lower())  # type: ignore[return-value]
