"""Date ranges as resumes write them, and total years from merged ranges."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from tailor.pipeline.tailoring._compiled import regex

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_YEAR = r"(?:19[5-9]\d|20[0-4]\d)"
# One point in time: "Jan 2020", "January, 2020", "01/2020", "1/2020", "2020-01", "2020".
_POINT = (
    rf"(?:{_MONTH},?\s*'?{_YEAR}|(?:0?[1-9]|1[0-2])\s*/\s*{_YEAR}|{_YEAR}\s*[-/.]\s*(?:0[1-9]|1[0-2])(?!\d)|{_YEAR})"
)
# A dash read through the wrong code page ("â€“", "â€”", "â€\"" in text pasted out of a PDF).
_MOJIBAKE_DASH = r"â€?[\"“”\x93\x94–—]?"
_NOW = r"(?:present|current(?:ly)?|now|today|(?:to|till|til)\s+date|date|ongoing)"
_RANGE_RE = regex(
    rf"(?<![\w/])(?P<start>{_POINT})\s*(?:[-–—~]+|{_MOJIBAKE_DASH}|\bto\b|\buntil\b|\btill\b|\bthrough\b|\bthru\b)\s*"
    rf"(?P<end>{_POINT}|{_NOW})(?![\w/])"
    rf"|\b(?:since|from)\s+(?P<since>{_POINT})(?![\w/])",
    re.IGNORECASE,
)
_POINT_RE = regex(rf"(?<![\w/]){_POINT}(?![\w/])", re.IGNORECASE)
_YEAR_RE = regex(_YEAR)
_MONTH_RE = regex(_MONTH, re.IGNORECASE)
_NUMERIC_MONTH_RE = regex(r"^(\d{1,2})\s*/|[-/.]\s*(\d{2})$")


@dataclass(frozen=True, slots=True)
class DateRange:
    text: str
    start: str  # "YYYY-MM"
    end: str | None  # None: present
    span: tuple[int, int]


def _point(text: str, is_end: bool) -> str | None:
    year = _YEAR_RE.search(text)
    if year is None:
        return None
    month = 0
    named = _MONTH_RE.search(text)
    if named:
        month = _MONTHS[named.group()[:3].lower()]
    else:
        numeric = _NUMERIC_MONTH_RE.search(text.strip())
        if numeric:
            month = int(numeric.group(1) or numeric.group(2))
    if not 1 <= month <= 12:
        # A bare year: count a range "2019-2021" as Jan 2019 to Jan 2021, the conservative reading.
        month = 1
    return f"{year.group()}-{month:02d}"


def find_range(text: str) -> DateRange | None:
    """The first date range in ``text`` ("Jan 2020 – Present", "2019-2021", "03/2018 - 06/2020", "since 2019")."""
    m = _RANGE_RE.search(text)
    if m is None:
        return None
    if m.group("since"):
        start = _point(m.group("since"), False)
        return DateRange(m.group(), start or "", None, m.span()) if start else None
    start = _point(m.group("start"), False)
    raw_end = m.group("end")
    end = _point(raw_end, True)
    if start is None or (end is None and not re.fullmatch(_NOW, raw_end.strip(), re.IGNORECASE)):
        return None
    if end is not None and end < start:
        return None
    return DateRange(m.group(), start, end, m.span())


def points(text: str) -> list[str]:
    """Every date mentioned in ``text`` as "YYYY-MM"."""
    found = (_point(m.group(), False) for m in _POINT_RE.finditer(text))
    return [p for p in found if p]


def month_index(point: str) -> int:
    year, month = point.split("-")
    return int(year) * 12 + int(month) - 1


def total_years(ranges: Iterable[tuple[str, str | None]], reference: str | None) -> float:
    """Years covered by the ranges, overlaps merged; an open end counts to ``reference``."""
    spans = []
    for start, end in ranges:
        stop = end or reference
        if not start or not stop:
            continue
        a, b = month_index(start), month_index(stop)
        if b > a:
            spans.append((a, b))
    spans.sort()
    months = 0
    cur_a, cur_b = 0, None
    for a, b in spans:
        if cur_b is None or a > cur_b:
            if cur_b is not None:
                months += cur_b - cur_a
            cur_a, cur_b = a, b
        else:
            cur_b = max(cur_b, b)
    if cur_b is not None:
        months += cur_b - cur_a
    return round(months / 12, 1)
