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
SERVICE_COLUMNS = ("name", "aliases", "area", "tier", "level", "start_week", "end_week",
                   "stage_text", "need_min", "need_max", "concerns", "eligibility",
                   "response_times", "source", "line")


def relation_properties(model: Model, rel: Relation) -> dict[str, Any]:
    """Properties of a relation edge, shared by every property-graph engine."""
    stages = [s.id for s in model.stages_in_order()
              if any(w.overlaps(s.interval) for w in rel.windows)]
    return {
        "rel_id": rel.id,
        "stages": stages,
        "stage_text": "; ".join(rel.stage_texts),
        "concerns": sorted(rel.concerns),
        "severity": sorted(rel.severities),
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


