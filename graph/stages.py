"""Age windows on one timeline, in weeks relative to the child's birth.

Pregnancy is negative (conception is week -40), preconception lies before it. Windows are
half-open intervals ``[start, end)``. :func:`parse_range` reads the human ranges the source
documents use.

>>> parse_range("Birth - 6 weeks")
Interval(start=0, end=6)
>>> parse_range("6 months - 5 years")
Interval(start=26, end=260)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from carepath.errors import RangeParseError

WEEKS_PER_YEAR = 52
CONCEPTION = -40
PRECONCEPTION_START = -92  # one year before conception: the timeline's left edge
FIFTH_BIRTHDAY = 5 * WEEKS_PER_YEAR
TIMELINE_START, TIMELINE_END = PRECONCEPTION_START, FIFTH_BIRTHDAY
# weeks are bounded so every view can store them (64-bit integers): 150 years either way
MAX_WEEKS = 150 * WEEKS_PER_YEAR


@dataclass(frozen=True, slots=True, order=True)
class Interval:
    """A half-open window ``[start, end)`` in weeks relative to birth.

    >>> Interval(0, 6).overlaps(Interval(6, 8))
    False
    >>> Interval(0, 104).overlaps(Interval(52, 104))
    True
    """

    start: int
    end: int

    def overlaps(self, other: Interval) -> bool:
        return self.start < other.end and other.start < self.end

    def contains_week(self, week: float) -> bool:
        return self.start <= week < self.end

    def __str__(self) -> str:
        return f"[{self.start}, {self.end}) weeks"


_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18, "nineteen": 19,
    "twenty-four": 24, "a": 1,
}
_UNIT_WEEKS = {"week": 1.0, "month": WEEKS_PER_YEAR / 12, "year": float(WEEKS_PER_YEAR)}
_NUM = r"(\d+(?:\.\d+)?|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"
_ALT = rf"{_NUM}(?:\s*/\s*{_NUM})?"  # "6/8": alternatives, the later one wins for an end
_UNIT = r"(weeks?|months?|years?|wks?|mths?|yrs?)"
_POINT = rf"(?:birth|delivery|childbirth|conception|{_ALT}\s*{_UNIT}?)"
_SPAN = re.compile(rf"^(?P<a>{_POINT})\s*(?:-|–|—|to|until)\s*(?P<b>{_POINT})$")
_UP_TO = re.compile(
    rf"^(?:up\s+to|until|within)\s+(?:the\s+infant\s+is\s+)?(?P<n>{_ALT})\s*(?P<u>{_UNIT})"
    r"(?:\s+(?:postnatally|postnatal|postpartum|after\s+(?:birth|delivery)|"
    r"of\s+(?:childbirth|birth|delivery)|old))?$"
)
_SPECIAL = {
    "preconception": Interval(PRECONCEPTION_START, CONCEPTION),
    "pre-conception": Interval(PRECONCEPTION_START, CONCEPTION),
    "pre-pregnancy": Interval(PRECONCEPTION_START, CONCEPTION),
    "pregnancy": Interval(CONCEPTION, 0),
    "antenatal": Interval(CONCEPTION, 0),
    "antenatally": Interval(CONCEPTION, 0),
    # doc-001's "All Age Groups" row: every age its 0-5 tool filters by; its Preconception row
    # has no service cells, so the row is not read as reaching before conception
    "all age groups": Interval(CONCEPTION, TIMELINE_END),
    "all ages": Interval(CONCEPTION, TIMELINE_END),
}
EXAMPLES = "'Birth - 6 weeks', '8 weeks to 6 months', 'up to two years postnatally', 'Pregnancy'"


def _number(text: str) -> float:
    text = text.strip()
    return float(_NUMBER_WORDS[text]) if text in _NUMBER_WORDS else float(text)


def _unit_weeks(unit: str | None) -> float | None:
    if not unit:
        return None
    unit = unit.rstrip("s")
    unit = {"wk": "week", "mth": "month", "yr": "year"}.get(unit, unit)
    return _UNIT_WEEKS[unit]


def _point(text: str, *, is_end: bool, default_unit: float | None) -> tuple[int, float | None]:
    """Week of one end point, and the length of its unit in weeks (None for birth/conception)."""
    text = text.strip()
    if text in ("birth", "delivery", "childbirth"):
        return 0, None
    if text == "conception":
        return CONCEPTION, None
    m = re.fullmatch(rf"{_ALT}\s*{_UNIT}?", text)
    if m is None:  # pragma: no cover - guarded by the span regex
        raise RangeParseError(f"cannot read end point {text!r}")
    first, second, unit = m.group(1), m.group(2), m.group(3)
    value = _number(second) if (second and is_end) else _number(first)
    weeks = _unit_weeks(unit) or default_unit
    if weeks is None:
        raise RangeParseError(f"no unit for {text!r}")
    return _bounded(value * weeks, text), _unit_weeks(unit)


def _cut(text: str, limit: int = 60) -> str:
    """``repr(text)``, cut to a readable length."""
    return repr(text) if len(text) <= limit else repr(text[:limit])[:-1] + "...'"


def _bounded(weeks: float, text: str) -> int:
    """``weeks`` rounded, refused beyond :data:`MAX_WEEKS` (150 years) either way."""
    if not -MAX_WEEKS <= weeks <= MAX_WEEKS:
        raise RangeParseError(f"{_cut(text)} is more than 150 years ({MAX_WEEKS:,} weeks) from "
                              "birth; carepath's timeline runs from preconception to childhood")
    return round(weeks)


def parse_range(text: str, *, stages: dict[str, Interval] | None = None) -> Interval:
    """Read a human age range into an :class:`Interval` of weeks relative to birth.

    ``stages`` maps extra names (e.g. the canonical stage names, lower-cased) to intervals.

    >>> parse_range("1 week - 6/8 weeks")
    Interval(start=1, end=8)
    >>> parse_range("8 weeks to 6 months")
    Interval(start=8, end=26)
    >>> parse_range("up to two years postnatally")
    Interval(start=0, end=104)
    >>> parse_range("within 19 months of childbirth")
    Interval(start=0, end=82)
    >>> parse_range("conception to 3 years")
    Interval(start=-40, end=156)
    >>> parse_range("1 - 5 years")
    Interval(start=52, end=260)
    >>> parse_range("All Age Groups")
    Interval(start=-40, end=260)
    >>> parse_range("soon-ish")
    Traceback (most recent call last):
    ...
    carepath.errors.RangeParseError: cannot read age range 'soon-ish'; write it like ...
    """
    if not isinstance(text, str) or not text.strip():
        raise RangeParseError(f"empty age range; write it like {EXAMPLES}")
    key = " ".join(text.strip().lower().replace("–", "-").split())
    if key in _SPECIAL:
        return _SPECIAL[key]
    if stages and key in stages:
        return stages[key]
    interval = _parse_span(key) or _parse_up_to(key)
    if interval is None:
        raise RangeParseError(f"cannot read age range {_cut(text)}; write it like {EXAMPLES}")
    if interval.end <= interval.start:
        raise RangeParseError(
            f"age range {_cut(text)} ends before it starts "
            f"({interval.end} <= {interval.start} weeks)"
        )
    return interval


def _parse_span(key: str) -> Interval | None:
    m = _SPAN.match(key)
    if m is None:
        return None
    end_week, end_unit = _point(m.group("b"), is_end=True, default_unit=None)
    start_week, _ = _point(m.group("a"), is_end=False, default_unit=end_unit)
    return Interval(start_week, end_week)


def _parse_up_to(key: str) -> Interval | None:
    m = _UP_TO.match(key)
    if m is None:
        return None
    first, second = m.group(2), m.group(3)  # the two numbers of "N" or "N/M"
    return Interval(0, _bounded(_number(second or first) * _unit_weeks(m.group("u")), key))


def union_span(intervals: list[Interval] | tuple[Interval, ...]) -> Interval | None:
    """The smallest interval holding all of ``intervals`` (None for none).

    >>> union_span([Interval(-40, 0), Interval(0, 104)])
    Interval(start=-40, end=104)
    """
    if not intervals:
        return None
    return Interval(min(i.start for i in intervals), max(i.end for i in intervals))


def format_week(week: int) -> str:
    """A week on the timeline in words.

    >>> format_week(-40), format_week(0), format_week(26), format_week(104)
    ('conception', 'birth', '6 months', '2 years')
    >>> format_week(1), format_week(-1), format_week(3)
    ('1 week', '1 week before birth', '3 weeks')
    """
    if week == CONCEPTION:
        return "conception"
    if week == 0:
        return "birth"
    if week < 0:
        return f"{-week} week{'' if week == -1 else 's'} before birth"
    if week % WEEKS_PER_YEAR == 0:
        years = week // WEEKS_PER_YEAR
        return f"{years} year" + ("s" if years > 1 else "")
    months = week * 12 / WEEKS_PER_YEAR
    if week >= 8 and abs(months - round(months)) < 0.05:
        return f"{round(months)} months"
    return f"{week} week{'' if week == 1 else 's'}"


_AGE_UNIT = r"(weeks?|months?|years?|days?|wks?|mths?|mos?|yrs?|w|m|y|d)"
_AGE = re.compile(rf"^(-?\s*{_NUM})\s*{_AGE_UNIT}?(?:\s+(old|of age|postnatal(?:ly)?|"
                  r"postpartum|after (?:birth|delivery)|pregnant|gestation|of pregnancy|"
                  r"before birth|antenatal(?:ly)?))?$")
_CLINICAL = re.compile(r"^(\d+(?:\.\d+)?)\s*/\s*(52|12|7)$")  # 6/52: six weeks
_AGE_UNITS = {"w": "week", "wk": "week", "m": "month", "mth": "month", "mo": "month",
              "y": "year", "yr": "year", "d": "day", "day": "day"}
AGE_EXAMPLES = ("'4 months', 4m, 6/52, 1y, '6 weeks postpartum', '20 weeks pregnant', "
                "pregnancy, a stage id, or a number of weeks")


def parse_age(text: str | float, *, stages: dict[str, Interval] | None = None) -> float:
    """A point on the timeline, in weeks relative to birth, from an age as planners write it.

    Reads a number of weeks; ``"4 months"``, ``"4m"``, ``"1y"``, ``"10 days"``; the clinical
    ``"6/52"`` (6 weeks), ``"4/12"`` (4 months), ``"5/7"`` (5 days); ``"6 weeks postpartum"``;
    ``"20 weeks pregnant"`` (20 weeks into pregnancy) or ``"10 weeks before birth"``; a stage
    (``"pregnancy"``, or any name in ``stages``, e.g. the canonical stage ids), read as the
    middle of its window.

    >>> parse_age("4 months"), parse_age("20 weeks pregnant"), parse_age(-3), parse_age("2 years")
    (17.0, -20.0, -3.0, 104.0)
    >>> parse_age("4m"), parse_age("6/52"), parse_age("1y"), parse_age("6 weeks postpartum")
    (17.0, 6.0, 52.0, 6.0)
    >>> parse_age("pregnancy"), parse_age("months-2-6", stages={"months-2-6": Interval(8, 26)})
    (-20.0, 17.0)
    >>> parse_age("soon")
    Traceback (most recent call last):
    ...
    carepath.errors.RangeParseError: cannot read age 'soon'; write it like '4 months', 4m, ...
    >>> parse_age("99999999999999999999999 years")
    Traceback (most recent call last):
    ...
    carepath.errors.RangeParseError: '99999999999999999999999 years' is more than 150 years ...
    """
    if isinstance(text, (int, float)):
        _bounded(float(text), str(text))
        return float(text)
    key = " ".join(str(text).strip().lower().replace("\u2013", "-").split())
    if key in ("birth", "newborn", "delivery"):
        return 0.0
    window = (stages or {}).get(key) or _SPECIAL.get(key)
    if window is not None:
        return (window.start + window.end) / 2
    clinical = _CLINICAL.match(key)
    if clinical:
        number, per = float(clinical.group(1)), clinical.group(2)
        weeks = {"52": 1.0, "12": WEEKS_PER_YEAR / 12, "7": 1 / 7}[per]
        return float(round(number * weeks))
    m = _AGE.match(key)
    if m is None:
        raise RangeParseError(f"cannot read age {_cut(str(text))}; write it like {AGE_EXAMPLES}")
    number = m.group(1).replace(" ", "")
    negative = number.startswith("-")
    unit = m.group(3)
    if unit:
        unit = unit.rstrip("s") if len(unit) > 2 else unit
        unit = _AGE_UNITS.get(unit, unit)
    per_unit = 1 / 7 if unit == "day" else (_unit_weeks(unit) or 1.0)
    value = _number(number.lstrip("-")) * per_unit
    suffix = m.group(4) or ""
    value = float(_bounded(value, key))
    if suffix in ("pregnant", "of pregnancy", "gestation"):
        return float(round(CONCEPTION + value))
    if negative or suffix.startswith(("before", "antenatal")):
        return -value
    return value
