"""The cells of a pathway tool (document 001): stage x service x level, with rationale, actions
and the services the actions refer to.

A planner filters the tool as the document's own filters do: by service, by age (or stage) and
by level. An age keeps every cell whose stage range holds it; a stage keeps every cell whose
range overlaps it - so 7 weeks gets "Birth - 8 weeks", "Birth - 6 months" and "All Age Groups"
as well as "1 week - 6/8 weeks".

>>> from carepath import load_reference
>>> cells = pathway_cells(load_reference(), service="health visiting", week=7)
>>> cells["stage_text"].tolist()
['All Age Groups', 'Birth - 6 months', '1 week - 6/8 weeks']
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from carepath.errors import QueryError, RangeParseError, naming
from carepath.graph.model import Model
from carepath.graph.stages import Interval, parse_range
from carepath.queries.referrals import check_area, check_term, check_week, choices, evidence
from carepath.rows import Rows

if TYPE_CHECKING:  # the cells are answered as plain rows, without pandas
    import pandas as pd

__all__ = ["COLUMNS", "pathway_cells", "pathway_rows", "resolve_service"]

COLUMNS = ["stage_text", "start_week", "end_week", "service", "service_name", "area", "level",
           "heading", "rationale", "actions", "targets", "target_names", "evidence"]


def resolve_service(model: Model, service: str, *, among: set[str] | None = None) -> str:
    """A service id from an id, a name or an alias (case-insensitive), or every word of it;
    ``among`` limits the services considered (e.g. those with pathway cells).

    >>> from carepath import load_reference
    >>> resolve_service(load_reference(), "Health Visiting")
    'p05-health-visiting'
    """
    if service in model.services:
        return service
    wanted = service.strip().lower()
    candidates = [s for s in model.services.values() if among is None or s.id in among]
    exact = [s.id for s in candidates
             if wanted in (n.lower() for n in (s.name, *s.aliases))]
    if len(exact) == 1:
        return exact[0]
    words = wanted.split()
    found = exact or [s.id for s in candidates
                      if words and all(any(w in t.lower() for t in (s.id, s.name, *s.aliases))
                                       for w in words)]
    if len(found) == 1:
        return found[0]
    if found:
        raise QueryError(f"{service!r} names several services: {choices(found)}; give an id")
    raise QueryError(f"unknown service {service!r}; expected a service id, name or alias, "
                     f"e.g. {choices(sorted(model.services)[:5])}")


def pathway_cells(model: Model, *, service: str | None = None, week: float | None = None,
                  stage: str | None = None, level: str | None = None,
                  area: str | None = None) -> pd.DataFrame:
    """The pathway cells that match every filter given.

    Parameters
    ----------
    model : the carepath model.
    service : a service id, name or alias ("health visiting").
    week : an age in weeks relative to birth; keeps the cells whose stage range holds it.
    stage : a canonical stage id (``"weeks-6-8"``) or a range as the documents write it
        (``"Birth - 8 weeks"``); keeps the cells whose stage range overlaps it.
    level : a service level id, name or alias (``"universal-partnership-plus"``).
    area : an area id.

    Returns
    -------
    DataFrame with columns stage_text, start_week, end_week, service, service_name, area,
    level, heading, rationale, actions (list), targets (ids) and target_names (lists: whom the
    cell's actions refer or signpost to, see :meth:`Model.pathway_targets`) and evidence
    (``"doc-001:114"``); in timeline order (start, end), then by service and line.

    Raises:
        QueryError: for an unknown service, level, area or stage, or both a week and a stage.

    Examples
    --------
    >>> from carepath import load_reference
    >>> m = load_reference()
    >>> out = pathway_cells(m, week=4, level="universal-partnership-plus",
    ...                     service="p05-maternal-mental-health")
    >>> out[["stage_text", "evidence"]].values.tolist()
    [['Birth - 6 weeks', 'doc-001:72'], ['1 week - 6/8 weeks', 'doc-001:114']]
    >>> out.loc[1, "targets"][:2]
    ['p05-perinatal-psychiatrist', 'p05-mother-and-baby-unit']
    """
    return pathway_rows(model, service=service, week=week, stage=stage, level=level,
                        area=area).to_frame()


def pathway_rows(model: Model, *, service: str | None = None, week: float | None = None,
                 stage: str | None = None, level: str | None = None,
                 area: str | None = None) -> Rows:
    """:func:`pathway_cells` as plain rows (:class:`carepath.rows.Rows`, columns
    :data:`COLUMNS`): what ``carepath pathway`` prints, with no table library imported.

    >>> from carepath import load_reference
    >>> pathway_rows(load_reference(), service="health visiting", week=7).column("stage_text")
    ['All Age Groups', 'Birth - 6 months', '1 week - 6/8 weeks']
    """
    if week is not None and stage is not None:
        raise naming(QueryError("give an age (`week`) or a stage (`stage`), not both"),
                     "week", "stage")
    week = check_week(week)
    wanted: Interval | None = None
    if stage is not None:
        try:
            wanted = model.stages[check_term(model.stages, stage, "stage")].interval
        except QueryError:
            try:
                wanted = parse_range(stage)
            except RangeParseError:
                raise QueryError(f"unknown stage {stage!r}; expected a stage id "
                                 f"({choices(model.stages)}) or a range such as "
                                 "'Birth - 8 weeks'") from None
    # a name is looked up among the services the tool has cells for ("maternal mental health"
    # is also a Dorset alias)
    among = {c.service for c in model.pathway}
    sid = resolve_service(model, service, among=among) if service is not None else None
    level = check_term(model.levels, level, "level")
    area = check_area(model, area)
    targets = model.pathway_targets()
    rows = []
    for cell, cell_targets in zip(model.pathway, targets, strict=True):
        svc = model.services.get(cell.service)
        if sid is not None and cell.service != sid:
            continue
        if area is not None and (svc is None or svc.area != area):
            continue
        if level is not None and cell.level != level:
            continue
        if week is not None and not cell.window.contains_week(week):
            continue
        if wanted is not None and not cell.window.overlaps(wanted):
            continue
        rows.append({
            "stage_text": cell.stage_text, "start_week": cell.window.start,
            "end_week": cell.window.end, "service": cell.service,
            "service_name": model.name_of(cell.service), "area": svc.area if svc else "",
            "level": cell.level or "", "heading": cell.heading or "",
            "rationale": cell.rationale or "", "actions": list(cell.actions),
            "targets": list(cell_targets),
            "target_names": [model.name_of(t) for t in cell_targets],
            "evidence": evidence(cell.provenance),
            "_line": cell.provenance.line or 0,
        })
    rows.sort(key=lambda r: (_number(r["start_week"]), _number(r["end_week"]), r["service"],
                             r["_line"]))
    return Rows.from_records(rows, COLUMNS)


def _number(value: float | None) -> tuple[bool, float]:
    """A week's place in the order: in order, a missing one last (as pandas sorts NaN)."""
    missing = value is None or math.isnan(value)
    return (missing, 0.0 if missing else value)
