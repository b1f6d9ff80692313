"""Node and relationship properties shared by every property-graph engine.

networkx, LadybugDB and Neo4j all take their properties from here, so the three agree.

>>> from carepath import load_reference
>>> m = load_reference()
>>> service_properties(m, m.services["dorset-pmmhs"])["end_week"]
104
"""

from __future__ import annotations

from typing import Any

from carepath.graph.model import Model, PathwayCell, Relation, Service, Statement

RELATION_COLUMNS = ("rel_id", "stages", "stage_text", "concerns", "severity", "urgency",
                    "response_time", "level", "note", "source", "line", "passage")
STATEMENT_COLUMNS = RELATION_COLUMNS[1:]  # all but rel_id: the same for every target
_STAGE_ORDER = object()  # the cache key of the model's stages in timeline order
SERVICE_COLUMNS = ("name", "aliases", "area", "tier", "level", "start_week", "end_week",
                   "stage_text", "need_min", "need_max", "concerns", "eligibility",
                   "response_times", "self_referral", "valid_from", "valid_to",
                   "assured_date", "hours", "window_kind", "addresses_closed",
                   "criteria_closed", "by_discussion", "conditions", "commitments", "source",
                   "line")
PATHWAY_CELL_COLUMNS = ("stage_text", "start_week", "end_week", "service", "level", "heading",
                        "rationale", "actions", "targets", "source", "line", "passage")


def statement_properties(model: Model, statement: Statement, *,
                         cache: dict[Any, Any] | None = None) -> dict[str, Any]:
    """Properties every relation of a statement shares: all of :data:`RELATION_COLUMNS` but
    ``rel_id`` (``{statement.id}/{target}``, the one that differs from target to target).

    Worked out once per statement, then repeated for each of its targets: the views fill a
    million relations from 67,000 statements this way. Give the same ``cache`` (an empty dict
    to start) to every call for one model: the stages of each window and the sorted concerns
    and severities are then worked out once per distinct value, not once per statement. The
    lists in the result are fresh for each call.

    >>> from carepath import load_reference
    >>> m = load_reference()
    >>> st = next(s for s in m.statements if s.stage_texts == ("Birth - 6 weeks",))
    >>> props = statement_properties(m, st)
    >>> props["stages"], props["stage_text"], "rel_id" in props
    (['weeks-0-6'], 'Birth - 6 weeks', False)
    """
    return _shared_properties(model, statement, {} if cache is None else cache)


def relation_properties(model: Model, rel: Relation, *,
                        cache: dict[Any, Any] | None = None) -> dict[str, Any]:
    """Properties of one relation edge, shared by every property-graph engine:
    ``rel_id`` and then the :func:`statement_properties` of its statement.

    ``cache`` as for :func:`statement_properties`. The views build their relations from
    statements; this is for a relation on its own.

    >>> from carepath import load_reference
    >>> m = load_reference()
    >>> cache = {}
    >>> [relation_properties(m, r, cache=cache)["stages"] for r in m.relations
    ...  if r.stage_texts == ("Birth - 6 weeks",)][0]
    ['weeks-0-6']
    """
    return {"rel_id": rel.id,
            **_shared_properties(model, rel, {} if cache is None else cache)}


def _shared_properties(model: Model, item: Statement | Relation,
                       cache: dict[Any, Any]) -> dict[str, Any]:
    stages = cache.get(item.windows)
    if stages is None:
        order = cache.get(_STAGE_ORDER)
        if order is None:
            order = cache[_STAGE_ORDER] = [(s.id, s.interval) for s in model.stages_in_order()]
        stages = cache[item.windows] = tuple(
            ident for ident, interval in order if any(w.overlaps(interval) for w in item.windows))
    concerns = cache.get(item.concerns)
    if concerns is None:
        concerns = cache[item.concerns] = tuple(sorted(item.concerns))
    severities = cache.get(item.severities)
    if severities is None:
        severities = cache[item.severities] = tuple(sorted(item.severities))
    prov = item.provenance
    return {
        "stages": list(stages),
        "stage_text": "; ".join(item.stage_texts),
        "concerns": list(concerns),
        "severity": list(severities),
        "urgency": item.urgency or "",
        "response_time": item.response_time or "",
        "level": item.level or "",
        "note": item.note or "",
        "source": prov.source,
        "line": prov.line if prov.line is not None else -1,
        "passage": prov.passage or "",
    }


def service_properties(model: Model, svc: Service) -> dict[str, Any]:
    """Properties of a Service node, shared by every property-graph engine."""
    span = svc.span
    return {
        "name": svc.name,
        "aliases": list(svc.aliases),
        "area": svc.area,
        "tier": svc.tier or "",
        "level": svc.level or "",
        "start_week": span.start if span else None,
        "end_week": span.end if span else None,
        "stage_text": "; ".join(svc.stage_texts),
        "need_min": svc.need_min,
        "need_max": svc.need_max,
        "concerns": sorted(svc.concerns),
        "eligibility": [f"{c.type}: {c.text}" for c in svc.eligibility],
        "response_times": [f"{r.urgency}: {r.within}" for r in svc.response_times],
        "self_referral": svc.self_referral or "",
        "valid_from": svc.valid_from or "",
        "valid_to": svc.valid_to or "",
        "assured_date": svc.assured_date or "",
        "hours": svc.hours or "",
        "window_kind": svc.window_kind,
        # a closed list or a by-discussion margin: the citation of the passage that says so
        "addresses_closed": svc.addresses_closed.ref if svc.addresses_closed else "",
        "criteria_closed": svc.criteria_closed.ref if svc.criteria_closed else "",
        "by_discussion": svc.by_discussion.ref if svc.by_discussion else "",
        "conditions": [f"{', '.join(c.governs)}: {c.text} ({c.provenance.ref})"
                       for c in svc.conditions],
        "commitments": [f"{c.text} ({c.provenance.ref})" for c in svc.commitments],
        "source": svc.provenance.source,
        "line": svc.provenance.line if svc.provenance.line is not None else -1,
    }




def pathway_cell_id(index: int) -> str:
    """The id of the ``index``-th pathway cell of the model (its position, from 1).

    >>> pathway_cell_id(0)
    'cell-1'
    """
    return f"cell-{index + 1}"


def pathway_cell_properties(cell: PathwayCell, targets: tuple[str, ...] = ()) -> dict[str, Any]:
    """Properties of a PathwayCell node: its stage (text and weeks), service, level, heading,
    rationale, actions, targets (see :meth:`Model.pathway_targets`) and provenance.

    >>> from carepath import load_reference
    >>> cell = load_reference().pathway[0]
    >>> sorted(pathway_cell_properties(cell)) == sorted(PATHWAY_CELL_COLUMNS)
    True
    """
    prov = cell.provenance
    return {
        "stage_text": cell.stage_text,
        "start_week": cell.window.start,
        "end_week": cell.window.end,
        "service": cell.service,
        "level": cell.level or "",
        "heading": cell.heading or "",
        "rationale": cell.rationale or "",
        "actions": list(cell.actions),
        "targets": list(targets),
        "source": prov.source,
        "line": prov.line if prov.line is not None else -1,
        "passage": prov.passage or "",
    }
