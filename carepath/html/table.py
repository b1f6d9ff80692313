"""The table view: the same graph as accessible, sortable tables of text.

Three tables - services, relations (referrals and the rest, with their conditions) and sources -
for screen-reader users and for copying into reports. Every column header is a sort button
(``aria-sort`` says the order), each table scrolls in its own focusable region, the arrow keys
move from cell to cell, and a search box and an area filter hide rows. The page draws one page
of rows at a time from its JSON data, so it stays fast at region scale.

>>> from carepath import load_reference
>>> t = tables(load_reference(), area="dorset")
>>> len(t.services), len(t.relations), [s.id for s in t.sources]
(13, 31, ['doc-002'])
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from carepath.graph.model import Model, Relation, Service, Source
from carepath.html._page import (
    RELATION_STYLES,
    Lookup,
    NavLink,
    Selection,
    evidence,
    render_page,
    select,
    service_evidence,
    static,
    step_codes,
    step_order,
    window_text,
)

TITLE = "Tables"
PAGE_SIZE = 100  # rows drawn at a time in each table
DESCRIPTION = ("The same graph as sortable, keyboard-navigable tables of services, relations "
               "with their conditions, and sources: for screen readers and for reports.")


@dataclass(frozen=True, slots=True)
class Tables:
    """What the table view lists, and how many facts cite each source."""

    services: list[Service]
    relations: list[Relation]
    sources: list[Source]
    cited: dict[str, int]  # source id -> facts (services, relations, pathway cells) citing it
    source_areas: dict[str, list[str]]  # source id -> areas of the services citing it


def relation_areas(model: Model, rel: Relation) -> list[str]:
    """The areas of the services at either end of ``rel`` (none for people only).

    >>> from carepath import load_reference
    >>> model = load_reference()
    >>> relation_areas(model, next(r for r in model.relations if r.target == "dorset-pmmhs"))
    ['dorset']
    """
    return sorted({model.services[n].area for n in (rel.source, rel.target)
                   if n in model.services})


def _tables(sel: Selection) -> Tables:
    model = sel.model
    cited: Counter[str] = Counter()
    areas: dict[str, set[str]] = defaultdict(set)
    for svc in sel.services:
        for src in {p.source for p in service_evidence(svc)}:
            cited[src] += 1
            areas[src].add(svc.area)
    for rel in sel.relations:
        cited[rel.provenance.source] += 1
        areas[rel.provenance.source].update(relation_areas(model, rel))
    for cell in model.pathway:
        if cell.service in sel.service_ids:
            cited[cell.provenance.source] += 1
    sources = sorted((model.sources[s] for s in cited if s in model.sources),
                     key=lambda s: s.id)
    return Tables(sel.services, sel.relations, sources, dict(cited),
                  {s: sorted(a) for s, a in areas.items()})


def tables(model: Model, *, area: str | None = None, stage: str | None = None,
           tier: str | None = None, concern: str | None = None) -> Tables:
    """The services, relations and sources the table view lists for a selection.

    Raises:
        QueryError: an unknown area, stage, tier or concern.

    Examples
    --------
    >>> from carepath import load_reference
    >>> t = tables(load_reference(), tier="inpatient")
    >>> [s.id for s in t.services], t.cited["doc-002"] > 0
    (['dorset-mbu', 'p05-mother-and-baby-unit', 'scot-mbu'], True)
    """
    return _tables(select(model, area=area, stage=stage, tier=tier, concern=concern))


def _service_row(model: Model, svc: Service, codes: dict[str, str]) -> list[Any]:
    """One service as the page's row: texts to show, and numbers to sort by."""
    tier = model.tiers.get(svc.tier) if svc.tier else None
    code = codes.get(svc.tier, "–") if tier else "–"
    concerns = "; ".join(
        model.name_of(n.concern) + (f" ({', '.join(sorted(n.severities))})" if n.severities
                                    else "") for n in svc.addresses) or "not stated"
    urgencies = model.urgencies
    times = "; ".join(
        f"{urgencies[t.urgency].name if t.urgency in urgencies else t.urgency}: {t.within}"
        for t in svc.response_times) or "not stated"
    sources = ", ".join(dict.fromkeys(evidence(p) for p in service_evidence(svc)))
    return [
        svc.name, "; ".join(svc.aliases), svc.id, svc.area, code, step_order(code),
        tier.name if tier else "not stated",
        window_text(svc) or "not stated", svc.windows[0].start if svc.windows else None,
        "; ".join(svc.stage_texts), concerns,
        [[f"{c.type}: {c.text}", evidence(c.provenance)] for c in svc.eligibility],
        times, sources,
    ]


def table_data(sel: Selection) -> dict[str, Any]:
    """What the table page holds, as JSON: rows of the three tables, relations by shared
    lookups (three integers each: source node, target node, statement).

    >>> from carepath import load_reference
    >>> data = table_data(select(load_reference(), area="dorset"))
    >>> len(data["services"]), len(data["rels"]) // 3, [s[0] for s in data["sources"]]
    (13, 31, ['doc-002'])
    """
    model = sel.model
    found = _tables(sel)
    codes = step_codes(model)
    nodes, stmts, conds, provs = Lookup(), Lookup(), Lookup(), Lookup()
    kinds = list(RELATION_STYLES)
    rels: list[int] = []
    for rel in found.relations:
        ends = [nodes(n, lambda n=n: [model.name_of(n), model.services[n].area
                                       if n in model.services else ""])
                for n in (rel.source, rel.target)]
        stem = rel.id[: len(rel.id) - len(rel.target)]
        st = stmts.index.get((stem, rel.source))
        if st is None:
            prov = rel.provenance
            pv = provs((prov.ref, prov.passage or ""))
            cd = conds((rel.stage_texts, rel.concerns, rel.severities, rel.urgency,
                        rel.response_time, rel.level, rel.note), lambda r=rel: [
                "; ".join(r.stage_texts),
                "; ".join(sorted(model.name_of(c) for c in r.concerns)),
                ", ".join(sorted(r.severities)), r.urgency or "", r.response_time or "",
                model.name_of(r.level) if r.level else "", r.note or ""])
            st = stmts((stem, rel.source), lambda k=rel.kind, c=cd, v=pv: [kinds.index(k), c, v])
        rels += (*ends, st)
    return {
        "areas": {a.id: a.name for a in model.areas.values()},
        "services": [_service_row(model, svc, codes) for svc in found.services],
        "nodes": nodes.items,
        "rels": rels,
        "statements": stmts.items,
        "conditions": conds.items,
        "provenance": [list(p) for p in provs.items],
        "kinds": [RELATION_STYLES[k].label for k in kinds],
        "sources": [[src.id, src.title, src.publisher or "", src.file or "",
                     found.cited[src.id], found.source_areas.get(src.id, [])]
                    for src in found.sources],
        "page_size": PAGE_SIZE,
    }


def render(sel: Selection, *, nav: Sequence[NavLink] = ()) -> str:
    """The table view of ``sel`` as one self-contained HTML page.

    The rows travel as JSON and the page draws one page of each table at a time
    (:data:`PAGE_SIZE` rows), so a region of a hundred thousand relations opens in seconds;
    find and sort work on the data, not on the page's elements.

    >>> from carepath import load_reference
    >>> html = render(select(load_reference(), area="dorset"))
    >>> html.count('<button type="button" data-sort')  # columns
    27
    """
    data = table_data(sel)
    return render_page(
        "table.html.j2", model=sel.model, title=TITLE, selection=sel, nav=nav,
        scripts=[static("table.js")], data=data, areas=sel.areas,
        counts={"services": len(data["services"]), "relations": len(data["rels"]) // 3,
                "sources": len(data["sources"])})
