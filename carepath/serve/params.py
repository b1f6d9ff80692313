"""Request parameters, checked: every bad value is a 400 that says which parameter and what
it may be.

>>> integer({"page": "2"}, "page", 1, lo=1, hi=100)
2
>>> integer({"page": "x"}, "page", 1, lo=1, hi=100)
Traceback (most recent call last):
...
carepath.errors.BadRequest: page must be a whole number from 1 to 100, not 'x'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from carepath.errors import BadRequest

__all__ = ["MAX_TEXT", "BadRequest", "choice", "integer", "text"]

MAX_TEXT = 500
"""The longest text a page parameter may hold (a query for /sparql or /cypher may be longer)."""


def text(params: Mapping[str, str], name: str, *, limit: int = MAX_TEXT) -> str:
    """The parameter's text, stripped ('' when absent).

    >>> text({"q": "  baby unit "}, "q"), text({}, "q")
    ('baby unit', '')
    """
    value = params.get(name, "")
    if len(value) > limit:
        raise BadRequest(f"{name} is too long ({len(value)} characters; at most {limit})")
    if "\x00" in value:
        raise BadRequest(f"{name} holds a NUL character")
    return value.strip()


def integer(params: Mapping[str, str], name: str, default: int, *, lo: int, hi: int) -> int:
    """The parameter as a whole number in ``[lo, hi]``, or ``default`` when absent or empty."""
    raw = text(params, name, limit=20)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not lo <= value <= hi:
        raise BadRequest(f"{name} must be a whole number from {lo} to {hi}, not {raw!r}")
    return value


def choice(params: Mapping[str, str], name: str, choices: Iterable[str],
           default: str = "") -> str:
    """The parameter if it is one of ``choices`` (``default`` when absent or empty).

    >>> choice({"dir": "up"}, "dir", ["asc", "desc"], "asc")
    Traceback (most recent call last):
    ...
    carepath.errors.BadRequest: dir must be one of: asc, desc (not 'up')
    """
    raw = text(params, name)
    if not raw:
        return default
    allowed = list(choices)
    if raw not in allowed:
        shown = ", ".join(allowed[:20]) + (", ..." if len(allowed) > 20 else "")
        raise BadRequest(f"{name} must be one of: {shown} (not {raw!r})")
    return raw
