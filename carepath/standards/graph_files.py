"""What carepath's graph files share: the carried property graph, its flat form for GraphML
and GEXF, and XML-safe text.

:func:`carried_graph` is the property graph of :func:`carepath.graph.networkx.to_networkx`
with what the data files say beyond it, so that a graph file read back
(:mod:`carepath.standards.graph_import`) is the model it was written from: areas' births and
provenance; services' passage, notes, tier and need notes and concerns not addressed; an
``Overlap`` node per deliberate overlap (``OVERLAPS`` edges to its services, in order); and
``details``, the facts that carry provenance of their own (criteria with their conditions,
response times, evidence, the passages behind part-of, self-referral, hours, closed lists,
board-size conditions and commitments; a source's publisher, version and scope) as one JSON
object in the data files' keys.

:func:`flat_graph` is that graph with every attribute a scalar, since neither GraphML nor
GEXF holds lists: lists are joined with ``"; "`` (an item's own ``;`` and ``\\`` escaped with a
backslash, so the join is unambiguous: :func:`split_list` undoes it), ``details`` is JSON
text, missing values are left out. Nodes carry ``label`` (the name, which Gephi and yEd
show), ``kind`` (Service, Area, Tier, AgeStage, ...) and, for services, ``tier``, ``area``,
``stages`` (the canonical stages covered) and the other service properties; edges carry
``kind`` (REFERS_TO, ADVISES, ..., COVERS, AT_TIER, IN_AREA...), ``label`` (the same) and
the relation's conditions and evidence. The evidence document is ``evidence_source`` (an
edge's ``source`` is its start node in both formats). Every edge gets an id of its own,
``e0``, ``e1``..., the structural edges first, then the relations statement by statement
(:func:`ordered_edges`); a relation's id in carepath is its ``rel_id`` attribute.

:func:`xml_attr` makes any text safe in an XML 1.0 document: the characters XML cannot hold
(control characters but tab, line feed and carriage return; U+FFFE, U+FFFF; lone surrogates)
are removed, markup characters escaped.

>>> from carepath import load_reference
>>> G = flat_graph(load_reference())
>>> G.nodes["dorset-pmmhs"]["kind"], G.nodes["dorset-pmmhs"]["tier"]
('Service', 'specialist-perinatal')
>>> "stages" in G.nodes["dorset-pmmhs"] and isinstance(G.nodes["dorset-pmmhs"]["stages"], str)
True
>>> xml_attr('a\\x01b <"c">\\n')
'ab &lt;&quot;c&quot;&gt;&#10;'
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

import networkx as nx

from carepath.graph.model import (
    FACT_KINDS,
    Criterion,
    Model,
    Provenance,
    Service,
    Source,
)
from carepath.graph.networkx import to_networkx
from carepath.graph.stages import CONCEPTION, Interval, parse_range
from carepath.standards.common import NOT_XML, ExportReport

_ATTR = str.maketrans({**dict.fromkeys(NOT_XML), "&": "&amp;", "<": "&lt;", ">": "&gt;",
                       '"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def xml_attr(text: str) -> str:
    """``text`` escaped for an XML attribute value or element text (double quotes), with the
    characters XML 1.0 cannot hold removed."""
    return text.translate(_ATTR)


LIST_SEPARATOR = "; "


def join_list(items: Iterable[Any]) -> str:
    """List items as one text, ``"; "`` between them, each item's own ``\\`` and ``;``
    escaped with a backslash (a criterion's text may hold ``"; "``).

    >>> print(join_list(["inclusion: a; b", "x"]))
    inclusion: a\\; b; x
    >>> split_list(join_list(["inclusion: a; b", "x"]))
    ['inclusion: a; b', 'x']
    """
    return LIST_SEPARATOR.join(str(v).replace("\\", "\\\\").replace(";", "\\;")
                               for v in items)


def split_list(text: str) -> list[str]:
    """The items of a :func:`join_list` text (an item's surrounding spaces dropped; empty
    items too). A ``;`` without a backslash ends an item, so a list an analyst typed by hand
    with ``;`` between its items reads as meant.

    >>> split_list("a; b;c;; ")
    ['a', 'b', 'c']
    """
    if "\\" not in text:  # nothing escaped: the common case, in C
        return [item.strip() for item in text.split(";") if item.strip()]
    items, current, chars = [], [], iter(text)
    for char in chars:
        if char == "\\":
            current.append(next(chars, ""))
        elif char == ";":
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    items.append("".join(current))
    return [item.strip() for item in items if item.strip()]


def _scalar(value: Any) -> Any:
    if isinstance(value, (list, tuple, set, frozenset)):
        return join_list(value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)


_RENAMED = {"source": "evidence_source"}


def _flat(data: dict[str, Any], drop: tuple[str, ...]) -> dict[str, Any]:
    return {_RENAMED.get(k, k): _scalar(v) for k, v in data.items()
            if v is not None and v != "" and v != [] and k not in drop}


OVERLAP = "Overlap"  # the node kind of a deliberate overlap (not a kind of the model's views)
OVERLAPS = "OVERLAPS"  # from an Overlap node to each of its services, in order


def overlap_id(index: int) -> str:
    """The id of the ``index``-th deliberate overlap of the model (its position, from 1).

    >>> overlap_id(0)
    'overlap-1'
    """
    return f"overlap-{index + 1}"


def cited(prov: Provenance | None) -> dict[str, Any]:
    """A provenance as the data files write it: ``source``, ``line``, ``passage`` (those set).

    >>> cited(Provenance("doc-002", 31))
    {'source': 'doc-002', 'line': 31}
    """
    if prov is None:
        return {}
    out: dict[str, Any] = {"source": prov.source}
    if prov.line is not None:
        out["line"] = prov.line
    if prov.passage is not None:
        out["passage"] = prov.passage
    return out


def window_text(model: Model, window: Interval) -> str | None:
    """A stage text the loaders read back as ``window``: a canonical stage's id, else a range
    in weeks; None when no text reads as it (a window starting before birth, not at
    conception).

    >>> from carepath import load_reference
    >>> m = load_reference()
    >>> window_text(m, Interval(0, 6)), window_text(m, Interval(-40, 30))
    ('weeks-0-6', 'conception - 30 weeks')
    """
    for stage in model.stages.values():
        if stage.interval == window:
            return stage.id
    if window.start == CONCEPTION:
        text = f"conception - {window.end} weeks"
    elif window.start == 0:
        text = f"birth - {window.end} weeks"
    elif window.start > 0:
        text = f"{window.start} weeks - {window.end} weeks"
    else:
        return None
    try:
        return text if parse_range(text) == window else None
    except ValueError:
        return None


def criterion_record(model: Model, crit: Criterion) -> dict[str, Any]:
    """A criterion as the data files write it (its stage windows as :func:`window_text`)."""
    rec: dict[str, Any] = {"type": crit.type, "text": crit.text, **cited(crit.provenance)}
    if crit.discuss_with:
        rec["discuss_with"] = list(crit.discuss_with)
    texts = [text for text in (window_text(model, w) for w in crit.windows) if text]
    if texts:  # a window no text reads as is listed as lost by graph_file_report
        rec["stages"] = texts
    if crit.concerns:
        rec["concerns"] = sorted(crit.concerns)
    if crit.severities:
        rec["severity"] = sorted(crit.severities)
    for key in ("parent_age_below", "parent_age_from"):
        if getattr(crit, key) is not None:
            rec[key] = getattr(crit, key)
    return rec


def service_details(model: Model, svc: Service) -> dict[str, Any]:
    """The service's facts that carry provenance of their own, in the data files' keys: what
    a graph file holds as the ``details`` attribute (JSON) beside its flat attributes."""
    out: dict[str, Any] = {}
    if svc.eligibility:
        out["eligibility"] = [criterion_record(model, c) for c in svc.eligibility]
    if svc.response_times:
        out["response_times"] = [{"urgency": r.urgency, "within": r.within,
                                  **cited(r.provenance)} for r in svc.response_times]
    if svc.evidence:
        out["evidence"] = [cited(p) for p in svc.evidence]
    for key, prov in (("part_of", svc.part_of_provenance),
                      ("self_referral", svc.self_referral_provenance),
                      ("hours", svc.hours_provenance), ("addresses_closed", svc.addresses_closed),
                      ("criteria_closed", svc.criteria_closed),
                      ("by_discussion", svc.by_discussion)):
        if prov is not None:
            out[key] = cited(prov)
    if svc.conditions:
        out["conditions"] = [
            {"text": c.text, **cited(c.provenance),
             **({"births_over": c.births_over} if c.births_over is not None else {}),
             **({"births_at_most": c.births_at_most} if c.births_at_most is not None else {}),
             "governs": list(c.governs)} for c in svc.conditions]
    if svc.commitments:
        out["commitments"] = [{"text": c.text, **cited(c.provenance)} for c in svc.commitments]
    return out


def source_details(model: Model, src: Source) -> dict[str, Any]:
    """A source's publisher, version and scope, in the data files' keys."""
    out: dict[str, Any] = {}
    if src.publisher is not None:
        out["publisher"] = src.publisher
    if src.version is not None:
        version: dict[str, Any] = {"text": src.version}
        if src.dated is not None:
            version["dated"] = src.dated
        prov = src.version_provenance
        if prov is not None:
            version |= {k: v for k, v in cited(prov).items() if k != "source"}
        out["version"] = version
    if src.scope is not None:
        scope: dict[str, Any] = {}
        order = {"tiers": [t.id for t in model.tiers_in_order()],
                 "stages": [s.id for s in model.stages_in_order()],
                 "concerns": list(model.concerns), "facts": list(FACT_KINDS)}
        for key, known in order.items():  # the vocabulary's order, as the sources list them
            values = getattr(src.scope, key)
            if values is not None:
                scope[key] = [v for v in known if v in values] + sorted(
                    v for v in values if v not in known)
        if src.scope.note is not None:
            scope["note"] = src.scope.note
        if src.scope.provenance is not None:
            scope |= {k: v for k, v in cited(src.scope.provenance).items() if k != "source"}
        out["scope"] = scope
    return out


def carried_graph(model: Model) -> nx.MultiDiGraph:
    """The property graph with everything the data files say that it leaves out (see the
    module's text): what carepath's graph files hold, and read back.

    >>> from carepath import load_reference
    >>> G = carried_graph(load_reference())
    >>> G.nodes["dorset-pmmhs"]["details"]["eligibility"][0]["type"]
    'inclusion'
    >>> "Overlap" in {d["label"] for _, d in G.nodes(data=True)}
    True
    """
    G = to_networkx(model)
    for area in model.areas.values():
        G.nodes[area.id].update(births_per_year=area.births_per_year, **cited(area.provenance))
    for src in model.sources.values():
        details = source_details(model, src)
        if details:
            G.nodes[src.id]["details"] = details
    for svc in model.services.values():
        data = G.nodes[svc.id]
        data.update(passage=svc.provenance.passage, notes=svc.notes, tier_note=svc.tier_note,
                    need_note=svc.need_note, not_addressed=list(svc.not_addressed))
        details = service_details(model, svc)
        if details:
            data["details"] = details
    for i, overlap in enumerate(model.overlaps):
        ident = overlap_id(i)
        G.add_node(ident, label=OVERLAP, id=ident, name=overlap.note, note=overlap.note,
                   **cited(overlap.provenance))
        for service in overlap.services:
            G.add_edge(ident, service, key=OVERLAPS)
    return G


def flat_graph(model: Model) -> nx.MultiDiGraph:
    """The property graph with scalar attributes only, ready for GraphML and GEXF.

    Edges are keyed ``e0``, ``e1``... (unique, XML-safe ids).
    """
    G = carried_graph(model)
    H = nx.MultiDiGraph(name="carepath")
    for node, data in G.nodes(data=True):
        attrs = _flat(data, ("label", "id", "name"))
        H.add_node(node, label=data.get("name", node), kind=data.get("label", ""),
                   name=data.get("name", node), **attrs)
        if data.get("label") == "Service":
            H.nodes[node]["stages"] = "; ".join(model.stages_covered(model.services[node]))
    for n, (u, v, key, data) in enumerate(ordered_edges(model, G)):
        kind = data.get("type") or key
        H.add_edge(u, v, key=f"e{n}", kind=kind, label=kind, **_flat(data, ("type", "id")))
    return H


def ordered_edges(model: Model, G: nx.MultiDiGraph) -> Iterator[tuple[str, str, str, dict]]:
    """``G``'s edges (``u, v, key, data``) in the order a graph file writes them: the
    structural edges as the graph holds them, then the relation edges statement by statement,
    each statement's targets in its order, so that a reader regroups the statements as the
    model holds them (a graph's own order is by start node, then by first neighbour).
    """
    for u, v, key, data in G.edges(keys=True, data=True):
        if "rel_id" not in data:
            yield u, v, key, data
    for st in model.statements:
        out, stem = G._succ[st.source], f"{st.kind.graph_type}:{st.relation_id_stem}"
        for target in st.targets:
            yield st.source, target, stem + target, out[target][stem + target]


def attribute_types(items: Iterable[dict[str, Any]]) -> dict[str, str]:
    """Each attribute's type over all ``items``: ``boolean``, ``int``, ``double`` or ``string``.

    >>> attribute_types([{"a": 1, "b": "x"}, {"a": 2.5, "c": True}])
    {'a': 'double', 'b': 'string', 'c': 'boolean'}
    """
    seen: dict[str, set[type]] = {}
    for data in items:
        for key, value in data.items():
            seen.setdefault(key, set()).add(type(value))
    out = {}
    for key, types in seen.items():
        if types == {bool}:
            out[key] = "boolean"
        elif types == {int}:
            out[key] = "int"
        elif types <= {int, float}:
            out[key] = "double"
        else:
            out[key] = "string"
    return out


def value_text(value: Any) -> str:
    """A scalar as the formats write it (``true``/``false`` for booleans)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def graph_file_report(standard: str, model: Model) -> ExportReport:
    """What a graph file (GraphML, GEXF, node-link JSON) holds of the model, and what it
    leaves out: only a criterion's stage window no stage text reads as (one starting before
    birth but not at conception), which the data files cannot hold either.

    >>> from carepath import load_reference
    >>> graph_file_report("GraphML 1.0", load_reference()).lost
    0
    """
    report = ExportReport(standard)
    report.hold("nodes and edges", ["every node and edge of the property graph, each edge with "
                                    "an id of its own and its kind as the attribute 'kind'; "
                                    "an 'Overlap' node per deliberate overlap, joined to its "
                                    "services by OVERLAPS edges"])
    report.hold("attributes", ["every property; in GraphML and GEXF lists as text joined with "
                               "'; ' (an item's own ';' escaped as '\\;'); the evidence "
                               "document as 'evidence_source'; the facts with provenance of "
                               "their own (criteria, response times, evidence...) also as "
                               "'details' (JSON), which the import reads back"])
    report.lose("criterion windows", [
        f"{svc.id}: the window {w} of the {c.type} criterion {c.text[:60]!r}"
        for svc in model.services.values() for c in svc.eligibility for w in c.windows
        if window_text(model, w) is None],
        [("criterion-conditions", svc.id, c.type, c.text) for svc in model.services.values()
         for c in svc.eligibility if any(window_text(model, w) is None for w in c.windows)])
    return report
