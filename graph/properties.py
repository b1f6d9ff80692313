"""Node and relationship properties shared by every property-graph engine.

networkx, LadybugDB and Neo4j all take their properties from here, so the three agree.

>>> from carepath import load_reference
>>> m = load_reference()
>>> service_properties(m, m.services["dorset-pmmhs"])["end_week"]
104
"""

from __future__ import annotations

from typing import Any

from carepath.graph.model import Model, Relation, Service

RELATION_COLUMNS = ("rel_id", "stages", "stage_text", "concerns", "severity", "urgency",
                    "response_time", "level", "note", "source", "line", "passage")
_STAGE_ORDER = object()  # the cache key of the model's stages in timeline order
SERVICE_COLUMNS = ("name", "aliases", "area", "tier", "level", "start_week", "end_week",
                   "stage_text", "need_min", "need_max", "concerns", "eligibility",
                   "response_times", "source", "line")


def relation_properties(model: Model, rel: Relation, *,
                        cache: dict[Any, Any] | None = None) -> dict[str, Any]:
    """Properties of a relation edge, shared by every property-graph engine.

    Give the same ``cache`` (an empty dict to start) to every call for one model when making
    the properties of many relations: the stages of each window and the sorted concerns and
    severities are then worked out once per distinct value (a million relations have a few
    hundred), not once per relation.

    >>> from carepath import load_reference
    >>> m = load_reference()
    >>> cache = {}
    >>> [relation_properties(m, r, cache=cache)["stages"] for r in m.relations
    ...  if r.stage_texts == ("Birth - 6 weeks",)][0]
    ['weeks-0-6']
    """
    if cache is None:
        cache = {}
    stages = cache.get(rel.windows)
    if stages is None:
        order = cache.get(_STAGE_ORDER)
        if order is None:
            order = cache[_STAGE_ORDER] = [(s.id, s.interval) for s in model.stages_in_order()]
        stages = cache[rel.windows] = tuple(
            ident for ident, interval in order if any(w.overlaps(interval) for w in rel.windows))
    concerns = cache.get(rel.concerns)
    if concerns is None:
        concerns = cache[rel.concerns] = tuple(sorted(rel.concerns))
    severities = cache.get(rel.severities)
    if severities is None:
        severities = cache[rel.severities] = tuple(sorted(rel.severities))
    return {
        "rel_id": rel.id,
        "stages": list(stages),
        "stage_text": "; ".join(rel.stage_texts),
        "concerns": list(concerns),
        "severity": list(severities),
        "urgency": rel.urgency or "",
        "response_time": rel.response_time or "",
        "level": rel.level or "",
        "note": rel.note or "",
        "source": rel.provenance.source,
        "line": rel.provenance.line if rel.provenance.line is not None else -1,
        "passage": rel.provenance.passage or "",
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
        "source": svc.provenance.source,
        "line": svc.provenance.line if svc.provenance.line is not None else -1,
    }


