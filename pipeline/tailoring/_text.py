"""Text helpers shared by the parsers, the profile, the score, the rewrite and the guard."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from tailor.pipeline.tailoring._compiled import regex
from tailor.pipeline.tailoring.models import Resume, SectionKind

BULLET_RE = regex(r"^\s*(?:[-*+•●▪◦■□►▸➢➤✓✔·–—o](?=\s)|\d{1,2}[.)](?=\s))\s*")
_WORD_RE = regex(r"[A-Za-z][A-Za-z'’]*(?:-[A-Za-z]+)*")
NUMBER_RE = regex(r"(?<![\w.])\d+(?:[.,]\d+)*")
# Contact details: parsing finds them, rendering keeps them out of the body.
EMAIL_RE = regex(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE_RE = regex(r"(?<!\w)(?:\+?\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)|\d{2,4})[\s.-]?\d{3}[\s.-]?\d{3,4}(?!\w)")
LINK_RE = regex(r"(?:https?://|www\.)[^\s|,;)>\]]+|(?<![\w@.])(?:linkedin\.com|github\.com|gitlab\.com|behance\.net|dribbble\.com)/[^\s|,;)>\]]+", re.IGNORECASE)
CONTACT_RE = regex(rf"{EMAIL_RE.pattern}|{LINK_RE.pattern}|{PHONE_RE.pattern}", re.IGNORECASE)

_DEFAULT_HEADINGS: dict[SectionKind, str] = {
    "summary": "Summary", "experience": "Experience", "skills": "Skills", "education": "Education",
    "projects": "Projects", "certifications": "Certifications", "other": "", "header": "",
}


def default_heading(kind: SectionKind) -> str:
    """The heading a section of ``kind`` gets when the resume gave it none ("" for none at all)."""
    return _DEFAULT_HEADINGS[kind]


STOPWORDS = frozenset(
    """a about above across after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each etc few for from further had has have having he her
    here hers him his how i if in into is it its itself just me more most my no nor not now of off on once only or other
    our ours out over own same she should so some such than that the their theirs them then there these they this those
    through to too under until up very was we were what when where which while who whom why will with would you your
    yours us via per within without among upon able ability abilities across well new using use used including include
    includes etc e.g i.e experience experiences experienced year years yr yrs work working works worked team teams role
    roles position positions job jobs candidate candidates company companies opportunity opportunities responsibilities
    responsibility requirement requirements qualification qualifications preferred required plus bonus nice must
    should strong excellent good great proven track record knowledge understanding skills skill minimum least related
    field degree bachelor bachelors master masters phd equivalent day days looking join help ideal ideally desired
    desirable advantage environment ensure ensuring provide providing make making based within across various multiple
    other others like want need needs needed seeking who we're you'll you're we'll it's they're our their also
    familiarity familiar proficiency proficient hands-on solid deep demonstrated successful success apply applicants
    applicant employer employment equal benefits salary paid time full-time part-time remote hybrid onsite office
    location locations us usa per hour hours week weeks month months annual annually one two three four five six seven
    eight nine ten first second senior junior mid lead staff principal intern manager director level entry build
    builds built building small large big every many much clear clean high low key core own owns owning run runs
    running write writes writing take takes taking part fast quick quickly thing things way ways lot lots daily
    today best better kind sure true real always often usually still yet really anything everything something
    enjoy enjoys love loves like likes wants make makes made get gets got keep keeps go goes going come comes
    ship ships move moves help helps helping join joins joining hand hands end ends start starts great
    engineer engineers engineering developer developers similar relevant plus strong ideal open we've you've
    looking people person world grow growing fun exciting passionate passion mission impact value values
    around along ago next last great""".split()
)

_SENIORITY_WORDS = frozenset("senior sr junior jr mid lead staff principal intern manager director head chief".split())


def strip_bullet(line: str) -> str:
    return BULLET_RE.sub("", line, count=1).strip()


def is_bullet(line: str) -> bool:
    return BULLET_RE.match(line) is not None and bool(strip_bullet(line))


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light plural fold so "outcomes" matches "outcome"; enough for keyword coverage."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        return w[:-1]
    return w


def words(text: str) -> list[str]:
    return _WORD_RE.findall(text)


def term_index(text: str) -> set[str]:
    """Stemmed words and adjacent-word bigrams of ``text``: key-term presence is a set lookup."""
    stems = [stem(w) for w in words(text)]
    index = set(stems)
    index.update(f"{a} {b}" for a, b in zip(stems, stems[1:]))
    return index


def term_key(term: str) -> str:
    return " ".join(stem(w) for w in words(term))


def content_words(text: str) -> list[str]:
    """Stemmed words that carry meaning (no stopwords or seniority words)."""
    return [s for s in (stem(w) for w in words(text)) if s not in STOPWORDS and s not in _SENIORITY_WORDS and len(s) > 1]


def numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in NUMBER_RE.findall(text)}


def with_article(noun: str) -> str:
    """``noun`` after "a" or "an" by its first sound: "an associate", "a bachelor", "an MSc", "a UX"."""
    first = noun.lstrip()[:1]
    acronym = noun[:2].isupper()
    vowel = first.lower() in "aeiou" and not (acronym and first in "U") or (acronym and first in "FHLMNRSX")
    return f"{'an' if vowel else 'a'} {noun}"


def shorten(text: str, limit: int = 48) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def human_list(items: Iterable[str], limit: int = 5) -> str:
    items = list(items)
    if not items:
        return "none"
    shown = items[:limit]
    rest = len(items) - len(shown)
    text = ", ".join(shown)
    return f"{text} and {rest} more" if rest > 0 else text


_SKILLS_LABEL_RE = regex(r"^\s*(?:[-*•·]\s*)?\**([^:*]{2,40}?)\**\s*:\s*\S")


def _skills_label(line: str) -> str:
    m = _SKILLS_LABEL_RE.match(line)
    return m.group(1).strip() if m else ""


def resume_pieces(resume: Resume) -> list[tuple[SectionKind, str]]:
    """Every piece of text a resume shows, with the kind of section it is in, in reading order."""
    pieces: list[tuple[SectionKind, str]] = []
    c = resume.contact
    for value in (c.name, c.headline, c.location):
        if value:
            pieces.append(("header", value))
    if resume.summary:
        pieces.append(("summary", resume.summary))
    for role in resume.roles:
        head = " ".join(p for p in (role.title, role.employer, role.dates) if p)
        if head:
            pieces.append(("experience", head))
        pieces.extend(("experience", b) for b in role.bullets)
    pieces.extend(("skills", s) for s in resume.skills)
    # A skills line's own label names a skill too ("Machine learning: scikit-learn, XGBoost").
    pieces.extend(("skills", label) for section in resume.sections if section.kind == "skills"
                  for line in section.lines if (label := _skills_label(line)))
    pieces.extend(("education", s) for s in resume.education)
    pieces.extend(("certifications", s) for s in resume.certifications)
    pieces.extend(("projects", s) for s in resume.projects)
    for section in resume.sections:
        if section.kind in ("other", "header"):
            pieces.extend((section.kind, line) for line in section.lines)
    return pieces


def resume_text(resume: Resume) -> str:
    return "\n".join(text for _, text in resume_pieces(resume))
