"""Staleness: services whose facts were last assured, or whose source document is dated,
before a cut-off.

A service's facts date from its ``assured_date`` (when someone last checked them: Open
Referral's ``assured_date``) where the data states one, else from the date of the version of
the document that states the service (``sources.yaml``: ``version.dated``). A service with
neither is not stale or fresh: its date is not stated, and it is not listed (the count is
returned to say so).

>>> import datetime
>>> from carepath import load_reference
>>> found, undated = stale(load_reference(), older_than="24m",
...                        today=datetime.date(2026, 12, 6))
>>> found[["service", "dated", "basis"]].values.tolist()[0]
['dorset-access-mental-health', '2024-08-01', 'document dated']
>>> undated > 0
True
"""

from __future__ import annotations

import datetime
import re

import pandas as pd

from carepath.errors import QueryError
from carepath.graph.model import Model, Service

COLUMNS = ["area", "service", "name", "dated", "basis", "months", "source", "evidence"]
_AGE = re.compile(r"^\s*(\d+)\s*(d|days?|w|weeks?|m|months?|y|years?)\s*$", re.I)


def cutoff(older_than: str, today: datetime.date) -> datetime.date:
    """The date ``older_than`` (``24m``, ``2y``, ``18 months``, ``90d``, ``6w``) before today.

    >>> cutoff("24m", datetime.date(2026, 12, 6)), cutoff("90d", datetime.date(2026, 12, 6))
    (datetime.date(2024, 12, 6), datetime.date(2026, 9, 7))
    """
    match = _AGE.match(older_than)
    if not match:
        raise QueryError(f"cannot read age {older_than!r}; write it like 24m, 2y, 18 months, "
                         "6w or 90d")
    n, unit = int(match.group(1)), match.group(2)[0].lower()
    if unit == "d":
        return today - datetime.timedelta(days=n)
    if unit == "w":
        return today - datetime.timedelta(weeks=n)
    months = n * 12 if unit == "y" else n
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    day = today.day
    while True:  # 31 March less a month: the last day of February
        try:
            return datetime.date(year, month + 1, day)
        except ValueError:
            day -= 1


def dated(model: Model, svc: Service) -> tuple[str | None, str | None]:
    """The date the service's facts are from, and its basis (``assured``, ``document
    dated``), or ``(None, None)`` when not stated."""
    if svc.assured_date:
        return svc.assured_date, "assured"
    source = model.sources.get(svc.provenance.source)
    if source is not None and source.dated:
        return source.dated, "document dated"
    return None, None


def stale(model: Model, *, older_than: str, area: str | None = None,
          today: datetime.date | None = None) -> tuple[pd.DataFrame, int]:
    """The services whose facts date from before ``older_than`` ago, oldest first, and how
    many services state no date at all.

    Returns
    -------
    (DataFrame with columns ``area, service, name, dated, basis, months`` (whole months
    before today), ``source, evidence``; the number of services with no date stated).
    """
    today = today or datetime.date.today()
    limit = cutoff(older_than, today).isoformat()
    rows, undated = [], 0
    for svc in sorted(model.services.values(), key=lambda s: (s.area, s.id)):
        if area is not None and svc.area != area:
            continue
        when, basis = dated(model, svc)
        if when is None:
            undated += 1
            continue
        if when >= limit:
            continue
        day = datetime.date.fromisoformat(when)
        months = (today.year - day.year) * 12 + today.month - day.month - (today.day < day.day)
        source = model.sources.get(svc.provenance.source)
        cite = (source.version_provenance.ref if basis == "document dated" and source
                and source.version_provenance else svc.provenance.ref)
        rows.append({"area": svc.area, "service": svc.id, "name": svc.name, "dated": when,
                     "basis": basis, "months": months, "source": svc.provenance.source,
                     "evidence": [cite]})
    frame = pd.DataFrame(rows, columns=COLUMNS)
    if not frame.empty:
        frame = frame.sort_values(["dated", "area", "service"], kind="stable") \
            .reset_index(drop=True)
    return frame, undated
