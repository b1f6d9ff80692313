"""The table view: the same graph as accessible, sortable tables of text.

Three tables - services, relations (referrals and the rest, with their conditions) and sources -
for screen-reader users and for copying into reports. Every column header is a sort button
(``aria-sort`` says the order), each table scrolls in its own focusable region, the arrow keys
move from cell to cell, and a search box and an area filter hide rows.

>>> from carepath import load_reference
>>> t = tables(load_reference(), area="dorset")
>>> len(t.services), len(t.relations), [s.id for s in t.sources]
(13, 25, ['doc-002'])
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from carepath.graph.model import Model, Relation, Service, Source
from carepath.html._page import (
    RELATION_STYLES,
    NavLink,
    Selection,
    evidence,
    render_page,
    select,
    service_evidence,
    static,
    window_text,
)

TITLE = "Tables"
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

    Raises
    ------
    QueryError : an unknown area, stage, tier or concern.

    Examples
    --------
    >>> from carepath import load_reference
    >>> t = tables(load_reference(), tier="inpatient")
    >>> [s.id for s in t.services], t.cited["doc-002"] > 0
    (['dorset-mbu', 'p05-mother-and-baby-unit', 'scot-mbu'], True)
    """
    return _tables(select(model, area=area, stage=stage, tier=tier, concern=concern))


def render(sel: Selection, *, nav: Sequence[NavLink] = ()) -> str:
    """The table view of ``sel`` as one self-contained HTML page.

    >>> from carepath import load_reference
    >>> html = render(select(load_reference(), area="dorset"))
    >>> html.count("<tr data-item"), html.count('<button type="button" data-sort')  # rows, columns
    (39, 27)
    """
    model = sel.model
    found = _tables(sel)
    return render_page(
        "table.html.j2", model=model, title=TITLE, selection=sel, nav=nav,
        scripts=[static("table.js")], tables=found, styles=RELATION_STYLES,
        window_text=window_text, service_evidence=service_evidence, evidence=evidence,
        relation_areas=relation_areas,
        names=lambda ids: "; ".join(sorted(model.name_of(i) for i in ids)),
        areas=sel.areas)
