"""The network view: services, professions and the family, joined by their relations.

The network is drawn by vis-network in the browser (the build pyvis ships, inlined), from nodes,
relations and options carepath writes itself, through its own autoescaped template: pyvis's
template loads Bootstrap from a CDN and inserts titles and ids as raw HTML, and importing pyvis
imports IPython (2.5 s of a 6 s export at region scale), so only its script file is used.
Colour shows the tier, shape the kind of node, line style and arrow head the kind of relation.

A graph too large to draw legibly (more than :data:`MAX_DRAWN_NODES` nodes) is drawn aggregated,
one box per area (or per tier within one area), and each box expands on demand; a graph of more
than :data:`MAX_NODES` nodes is refused with a message saying how to filter it (its data alone
would make a page of tens of megabytes).

>>> from carepath import load_reference
>>> data = network_data(load_reference(), area="dorset")
>>> len(data["nodes"]), relation_count(data)
(20, 31)
>>> next(n for n in data["nodes"] if n["id"] == "dorset-pmmhs")["shape"]
'dot'
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from carepath.errors import ExportError, naming
from carepath.graph.model import (
    FAMILY,
    RELATION_ID_SEPARATOR,
    Model,
    NodeKind,
    Relation,
    Service,
)
from carepath.html._page import (
    NO_TIER_CODE,
    NO_TIER_COLOUR,
    RELATION_STYLES,
    Lookup,
    NavLink,
    Selection,
    evidence,
    relation_stage_ids,
    render_page,
    select,
    service_evidence,
    shorten,
    source_rows,
    stage_names,
    static,
    step_codes,
    tier_colours,
    vis_network_js,
    window_text,
)

TITLE = "Network"
DESCRIPTION = ("Services, professions and the family, and who refers to, advises, trains, "
               "works with and hands over to whom.")
MAX_DRAWN_NODES = 400
MAX_NODES = 5_000
SETTLE_MS = 3_000  # the simulation stops this long after the first drawing, settled or not
SHAPES = {NodeKind.SERVICE: "dot", NodeKind.PROFESSION: "diamond", NodeKind.FAMILY: "star",
          NodeKind.UNNAMED: "square"}  # UNNAMED: a relation end the document does not name
_KIND_TEXT = {NodeKind.PROFESSION: ("Profession", "profession"),
              NodeKind.FAMILY: ("The family itself (self-referral)", "family"),
              NodeKind.UNNAMED: ("Not named by the document", "unnamed")}
PEOPLE_COLOUR = "#FFFFFF"
TOOLTIP_CRITERIA = 4

OPTIONS: dict[str, Any] = {
    "autoResize": True,
    "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": False,
                    "keyboard": {"enabled": True, "bindToWindow": False}},
    "physics": {
        "enabled": True,
        "solver": "forceAtlas2Based",
        "forceAtlas2Based": {"gravitationalConstant": -70, "centralGravity": 0.012,
                             "springLength": 120, "springConstant": 0.06, "avoidOverlap": 0.5,
                             "damping": 0.7},
        "stabilization": {"enabled": True, "iterations": 300, "updateInterval": 50, "fit": True},
        "minVelocity": 3,
        "maxVelocity": 40,
        "timestep": 0.5,
    },
    "nodes": {"borderWidth": 1.5, "size": 14,
              "font": {"size": 13, "face": "system-ui, Arial, sans-serif", "color": "#1a1a1a",
                       "strokeWidth": 3, "strokeColor": "#ffffff"},
              "widthConstraint": {"maximum": 170},
              # a name smaller than 10 px on screen is not drawn (it would overlap others)
              "scaling": {"label": {"drawThreshold": 10}}},
    "edges": {"arrowStrikethrough": False, "selectionWidth": 2, "hoverWidth": 1.5,
              "smooth": {"enabled": True, "type": "continuous", "roundness": 0.3}},
    "layout": {"randomSeed": 7, "improvedLayout": True},
}


def _lines(label: str, values: Sequence[str]) -> list[str]:
    return [f"{label}: {'; '.join(values)}"] if values else []


def _part_of(svc: Service) -> list[str]:
    """The services or organisations this one is part of, where the data says (the model may
    gain ``part_of``: one id or several)."""
    found = getattr(svc, "part_of", None)
    if not found:
        return []
    return [found] if isinstance(found, str) else list(found)


def _service_node(model: Model, svc: Service, codes: dict[str, str],
                  colours: dict[str, str]) -> dict[str, Any]:
    """The node's attributes: drawing, hover text, filter keys and the full details."""
    tier = model.tiers.get(svc.tier) if svc.tier else None
    code = codes.get(svc.tier, NO_TIER_CODE) if svc.tier else NO_TIER_CODE
    tier_text = f"{tier.name} (step {code})" if tier else "not stated"
    stages = model.stages_covered(svc)
    stage_text = "; ".join(stage_names(model, stages)) or "not stated"
    concerns = [model.name_of(c.concern) + (f" ({', '.join(sorted(c.severities))})"
                                            if c.severities else "") for c in svc.addresses]
    criteria = [f"{c.type}: {c.text}" for c in svc.eligibility]
    times = [f"{r.urgency}: {r.within}" for r in svc.response_times]
    provs = service_evidence(svc)
    sources = sorted({evidence(p) for p in provs}, key=lambda e: (len(e), e))
    title = [svc.name, f"Service in {model.name_of(svc.area)}", f"Tier: {tier_text}",
             f"Stages: {stage_text}"]
    if svc.stage_texts:
        title.append(f"As written: {'; '.join(svc.stage_texts)}")
    title += _lines("Concerns", concerns)
    if criteria:
        title.append(f"Eligibility ({len(criteria)}):")
        title += [f"  • {shorten(c, 110)}" for c in criteria[:TOOLTIP_CRITERIA]]
        if len(criteria) > TOOLTIP_CRITERIA:
            title.append(f"  … and {len(criteria) - TOOLTIP_CRITERIA} more (click for all)")
    else:
        title.append("Eligibility: not stated")
    title.append(f"Response times: {'; '.join(times) if times else 'not stated'}")
    title.append(f"Sources: {', '.join(sources)}")
    detail = [
        ["Kind", ["Service"]],
        ["Area", [model.name_of(svc.area)]],
        ["Tier", [tier_text] + ([svc.tier_note] if svc.tier_note else [])],
        ["Stages", [stage_text]],
        ["Age window", [window_text(svc) or "not stated in the sources"]
         + ([f"as written: {'; '.join(svc.stage_texts)}"] if svc.stage_texts else [])],
        ["Population need", [f"{svc.need_min:g}–{svc.need_max:g}%"
                             + (f" ({svc.need_note})" if svc.need_note else "")]
         if svc.need_min is not None else []],
        ["Concerns", concerns],
        ["Not addressed", [model.name_of(c) for c in svc.not_addressed]],
        ["Eligibility", [f"{c} ({evidence(e.provenance)})"
                         for c, e in zip(criteria, svc.eligibility, strict=True)]
         or ["not stated"]],
        ["Response times", [f"{t} ({evidence(r.provenance)})"
                            for t, r in zip(times, svc.response_times, strict=True)]
         or ["not stated"]],
        ["Part of", [model.name_of(p) for p in _part_of(svc)]],
        ["Professions", [model.name_of(p) for p in svc.professions]],
        ["Interventions", [model.name_of(i) for i in svc.interventions]],
        ["Also known as", list(svc.aliases)],
        ["Notes", [svc.notes] if svc.notes else []],
    ]
    return {
        "label": f"{svc.name}\nstep {code}" if tier else svc.name,
        "title": "\n".join(title),
        "shape": SHAPES[NodeKind.SERVICE],
        "color": {"background": colours.get(svc.tier, NO_TIER_COLOUR), "border": "#333333",
                  "highlight": {"background": colours.get(svc.tier, NO_TIER_COLOUR),
                                "border": "#000000"}},
        "kind": "service",
        "name": svc.name,
        "area": svc.area,
        "tier": svc.tier or "",
        "code": code,
        "stages": stages,
        "concerns": sorted(svc.concerns),
        "search": " ".join((svc.name, svc.id, *svc.aliases)).casefold(),
        "detail": [row for row in detail if row[1]],
        "sources": source_rows(model, provs),
    }


def _person_node(model: Model, node: str, rels: list[Relation]) -> dict[str, Any]:
    kind = model.node_kind(node)
    name = model.name_of(node)
    label = "profession" if kind is NodeKind.PROFESSION else "the family"
    sources = sorted({evidence(r.provenance) for r in rels}, key=lambda e: (len(e), e))
    term = model.professions.get(node)
    return {
        "label": f"{name}\n({label})",
        "title": "\n".join([name, _KIND_TEXT.get(kind, _KIND_TEXT[NodeKind.FAMILY])[0],
                            f"Relations: {len(rels)}", f"Sources: {', '.join(sources)}"]),
        "shape": SHAPES[kind],
        "color": {"background": PEOPLE_COLOUR, "border": "#333333",
                  "highlight": {"background": "#eeeeee", "border": "#000000"}},
        "kind": _KIND_TEXT.get(kind, _KIND_TEXT[NodeKind.FAMILY])[1],
        "name": name,
        "area": "",
        "tier": "",
        "code": "",
        "stages": [],
        "concerns": [],
        "search": " ".join((name, node, *(term.aliases if term else ()))).casefold(),
        "detail": [["Kind", ["Profession" if kind is NodeKind.PROFESSION else
                             "Not named" if kind is NodeKind.UNNAMED else "Family"]],
                   ["Relations", [str(len(rels))]]],
        "sources": source_rows(model, [r.provenance for r in rels]),
    }


def _conditions(model: Model, rel: Relation) -> list[list[Any]]:
    """A relation's stated conditions as detail rows (name, values); unstated ones left out."""
    rows = [
        ["Stages", list(rel.stage_texts)],
        ["Concerns", [model.name_of(c) for c in sorted(rel.concerns)]],
        ["Severity", sorted(rel.severities)],
        ["Urgency", [rel.urgency] if rel.urgency else []],
        ["Response time", [rel.response_time] if rel.response_time else []],
        ["Level", [model.name_of(rel.level)] if rel.level else []],
        ["Note", [rel.note] if rel.note else []],
    ]
    return [row for row in rows if row[1]]


def _relation_tables(sel: Selection, node_index: dict[str, int]) -> dict[str, Any]:
    """The selected relations as shared lookups, nothing repeated per relation.

    ``rels`` is flat: three integers per relation (its source node, its target node, its
    statement), positions in ``nodes`` and ``statements``. A statement is ``[id, kind,
    conditions, provenance]``, the last three positions in ``kinds``, ``conditions`` and
    ``provenance``; a condition is ``[detail rows, stage ids, concern ids]``; a provenance is
    ``[source, line, passage]``, its source a position in ``sources``. A relation's id is its
    statement's id, ``/``, and its target's id.
    """
    model = sel.model
    kinds = list(RELATION_STYLES)
    kind_pos = {k: i for i, k in enumerate(kinds)}
    sources, provs, conds, stmts = Lookup(), Lookup(), Lookup(), Lookup()
    stage_cache: dict[tuple, list[str]] = {}
    rels: list[int] = []
    for rel in sel.relations:
        stem = rel.id[: len(rel.id) - len(rel.target)]
        key = (stem, rel.source, rel.kind)
        st = stmts.index.get(key)
        if st is None:
            prov = rel.provenance
            src = sources(prov.source, lambda p=prov: [
                p.source, model.sources[p.source].title if p.source in model.sources
                else p.source])
            pv = provs((src, prov.line, prov.passage or ""))
            ck = (rel.stage_texts, rel.windows, rel.concerns, rel.severities, rel.urgency,
                  rel.response_time, rel.level, rel.note)
            if rel.windows not in stage_cache:
                stage_cache[rel.windows] = relation_stage_ids(model, rel)
            cd = conds(ck, lambda r=rel: [_conditions(model, r), stage_cache[r.windows],
                                          sorted(r.concerns)])
            st = stmts(key, lambda s=stem, k=rel.kind, c=cd, v=pv: [
                s[:-1] if s.endswith(RELATION_ID_SEPARATOR) else s, kind_pos[k], c, v])
        rels += (node_index[rel.source], node_index[rel.target], st)
    return {
        "rels": rels,
        "statements": stmts.items,
        "conditions": conds.items,
        "provenance": [list(p) for p in provs.items],
        "sources": sources.items,
        "kinds": [{"id": k.value, "label": st.label, "inverse": st.inverse or st.label,
                   "colour": st.colour,
                   "dashes": list(st.dashes) if st.dashes else False,
                   "arrow": st.arrow, "width": st.width} for k, st in RELATION_STYLES.items()],
    }


def _groups(model: Model, sel: Selection, nodes: list[dict[str, Any]]) -> tuple[str, list]:
    """Aggregation boxes: by area when more than one area is drawn, else by tier."""
    by = "area" if len({s.area for s in sel.services}) > 1 else "tier"
    members: dict[str, int] = Counter(n[by] for n in nodes if n["kind"] == "service")
    groups = []
    codes = step_codes(model)
    for key, count in sorted(members.items()):
        name = model.name_of(key) if key else "No tier stated"
        label = name if by == "area" else f"step {codes.get(key, NO_TIER_CODE)}: {name}"
        groups.append({
            "id": f"group:{key}", "key": key, "label": f"{label}\n{count:,} services",
            "name": name, "size": count, "shape": "box", "kind": "group",
            "color": {"background": "#F2F2F2", "border": "#333333"},
            "font": {"size": 15, "multi": False},
            "title": f"{name}: {count:,} services. Click for details, double-click to expand.",
        })
    return by, groups


def network_data(model: Model, *, area: str | None = None, stage: str | None = None,
                 tier: str | None = None, concern: str | None = None,
                 focus: str | None = None, hops: int = 1,
                 max_drawn: int = MAX_DRAWN_NODES) -> dict[str, Any]:
    """The nodes, relations and options the page draws.

    Nodes are the selected services (see :func:`carepath.html.select`) and the professions
    and family on their relations; each carries its hover text (``title``), its filter keys
    and its details with sources. Over ``max_drawn`` nodes, services are drawn in groups.

    Raises:
        QueryError: an unknown area, stage, tier or concern.
        ExportError: more than :data:`MAX_NODES` nodes, with how to filter them.

    Examples
    --------
    >>> from carepath import load_reference
    >>> data = network_data(load_reference())
    >>> relation_count(data), data["aggregate"]
    (189, False)
    >>> print(next(n for n in data["nodes"] if n["id"] == "dorset-mbu")["title"])
    ... # doctest: +ELLIPSIS
    Mother and Baby Unit
    Service in Dorset
    Tier: Inpatient (Mother and Baby Unit) (step 6)
    ...
    Sources: doc-002:...
    """
    sel = select(model, area=area, stage=stage, tier=tier, concern=concern, focus=focus,
                 hops=hops)
    return _network_data(sel, max_drawn=max_drawn)


def _people(sel: Selection) -> dict[str, list[Relation]]:
    """Professions and the family on the selected relations, with their relations."""
    people: dict[str, list[Relation]] = defaultdict(list)
    for rel in sel.relations:
        for node in (rel.source, rel.target):
            if node not in sel.model.services:
                people[node].append(rel)
    return people


def check_size(sel: Selection, *, limit: int = MAX_NODES) -> int:
    """The number of nodes the network of ``sel`` has; ExportError over ``limit``.

    >>> from carepath import load_reference
    >>> check_size(select(load_reference(), area="dorset"))
    20
    >>> check_size(select(load_reference()), limit=50)
    Traceback (most recent call last):
    ...
    carepath.errors.ExportError: the network of all areas has 75 nodes, too many to draw ...
    """
    total = len(sel.services) + len(_people(sel))
    if total > limit:
        areas = sel.area_ids
        hint = (f"`area` (one of: {', '.join(areas[:8])}{', ...' if len(areas) > 8 else ''})"
                if sel.area is None else "`tier`, `stage` or `concern`")
        raise naming(ExportError(
            f"the network of {sel.describe()} has {total:,} nodes, too many to draw legibly "
            f"(at most {limit:,}); export part of it with {hint}, or use `view='table'`"),
            "area", "tier", "stage", "concern", "view='table'")
    return total


def _network_data(sel: Selection, *, max_drawn: int = MAX_DRAWN_NODES) -> dict[str, Any]:
    model = sel.model
    total = check_size(sel)
    people = _people(sel)
    codes, colours = step_codes(model), tier_colours(model)
    nodes: list[dict[str, Any]] = []
    for svc in sel.services:
        nodes.append({"id": svc.id, **_service_node(model, svc, codes, colours)})
    order = sorted(people, key=lambda n: (n != FAMILY, model.name_of(n).casefold()))
    for node in order:
        nodes.append({"id": node, **_person_node(model, node, people[node])})
    options = json.loads(json.dumps(OPTIONS))
    options["layout"]["improvedLayout"] = total <= 150
    aggregate = total > max_drawn
    by, groups = _groups(model, sel, nodes) if aggregate else ("", [])
    if aggregate:
        for node in nodes:
            if node["kind"] == "service":
                node["cluster"] = f"group:{node[by]}"
    node_index = {n["id"]: i for i, n in enumerate(nodes)}
    if sel.focus is not None:  # the focus view: its service stands out, chosen at the start
        centre = nodes[node_index[sel.focus.id]]
        centre.update(size=24, borderWidth=4, label=centre["label"] + "\n(focus)")
    return {
        "nodes": nodes,
        **_relation_tables(sel, node_index),
        "areas": {a.id: a.name for a in sel.areas},
        "focus": sel.focus.id if sel.focus is not None else None,
        "hops": sel.hops,
        "options": options,
        "aggregate": aggregate,
        "aggregate_by": by,
        "groups": groups,
        "max_drawn": max_drawn,
        "settle_ms": SETTLE_MS,
        "tiers": [{"id": t.id, "name": t.name, "code": codes[t.id], "rank": t.rank}
                  for t in model.tiers_in_order()],
    }


def relation_count(data: dict[str, Any]) -> int:
    """How many relations a network's data holds (three integers each in ``rels``).

    >>> from carepath import load_reference
    >>> relation_count(network_data(load_reference(), area="dorset"))
    31
    """
    return len(data["rels"]) // 3


def render(sel: Selection, *, nav: Sequence[NavLink] = (),
           max_drawn: int = MAX_DRAWN_NODES) -> str:
    """The network view of ``sel`` as one self-contained HTML page.

    >>> from carepath import load_reference
    >>> html = render(select(load_reference(), area="dorset"))
    >>> "vis.Network" in html, '<option value="refers_to">refers to</option>' in html
    (True, True)
    """
    model = sel.model
    data = _network_data(sel, max_drawn=max_drawn)
    areas = sel.area_ids
    concerns = sorted({c for s in sel.services for c in s.concerns}
                      | {c for r in sel.relations for c in r.concerns})
    kinds = [k for k in RELATION_STYLES if any(r.kind is k for r in sel.relations)]
    return render_page(
        "network.html.j2", model=model, title=TITLE, selection=sel, nav=nav,
        scripts=[vis_network_js(), static("network.js")], data=data,
        areas=[model.areas[a] for a in areas],
        stages=model.stages_in_order(),
        tiers=model.tiers_in_order(),
        concerns=[model.concerns[c] for c in concerns if c in model.concerns],
        kinds=[(k, RELATION_STYLES[k]) for k in kinds],
        people=sum(1 for n in data["nodes"] if n["kind"] != "service"),
    )
