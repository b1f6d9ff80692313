"""The stepped-care view: layers from universal to inpatient, and the flows between them.

Each layer is a tier (parallel tiers share a step) with its services and the population-need
range the sources state. Flows are relations between services at different layers: step up
(a referral, signpost or hand-over to a higher step), step down, across (same step), advice and
training, and joint working. :func:`svg_of` draws the same for reports and slides.

>>> from carepath import load_reference
>>> steps = layers(load_reference())
>>> [(layer.code, len(layer.services)) for layer in steps][:3]
[('1', 9), ('2', 0), ('3', 1)]
>>> steps[2].need
(12.0, 17.0)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from carepath.graph.model import Model, Provenance, Relation, RelationKind, Service, Tier
from carepath.html._page import (
    NO_TIER_COLOUR,
    RELATION_STYLES,
    NavLink,
    Selection,
    environment,
    render_page,
    select,
    shorten,
    static,
    step_codes,
    tier_colours,
)
from carepath.queries.scope import within_scope

TITLE = "Stepped care"
DESCRIPTION = ("The stepped-care model as layers from universal to inpatient, with each "
               "layer's services and population need, and the flows between layers.")


class Flow(StrEnum):
    """How a relation moves between layers."""

    STEP_UP = "step up"
    STEP_DOWN = "step down"
    ACROSS = "across (same step)"
    ADVICE = "advice and training"
    JOINT = "joint working"

    @property
    def symbol(self) -> str:
        return {"step up": "↑", "step down": "↓", "across (same step)": "↔",
                "advice and training": "✎", "joint working": "⇄"}[self.value]


LISTED = 25  # relations listed under each flow (a region has thousands in one flow)
MOVES = (RelationKind.REFERS_TO, RelationKind.SIGNPOSTS_TO, RelationKind.HANDS_OVER_TO)


@dataclass(frozen=True, slots=True)
class Layer:
    """One tier of the stepped-care model and what sits in it."""

    tier: Tier
    code: str
    colour: str
    services: list[Service]
    need: tuple[float, float] | None = None  # lowest and highest % stated by its services
    need_evidence: list[tuple[Service, Provenance]] = field(default_factory=list)
    outside_scope: bool = False  # empty, and no selected area's sources describe the tier


@dataclass(frozen=True, slots=True)
class FlowGroup:
    """All relations of one flow kind from one layer to another."""

    flow: Flow
    area: str  # the area of the relations' source services
    source: Tier
    target: Tier
    kind: RelationKind
    relations: list[Relation]


def layers(model: Model, *, area: str | None = None, stage: str | None = None,
           tier: str | None = None, concern: str | None = None) -> list[Layer]:
    """The tiers in stepped-care order, each with its selected services and stated need.

    >>> from carepath import load_reference
    >>> [layer.tier.id for layer in layers(load_reference(), area="dorset") if layer.services]
    ['universal', 'secondary-care-mh', 'specialist-perinatal', 'inpatient']
    """
    return _layers(select(model, area=area, stage=stage, tier=tier, concern=concern))


def _layers(sel: Selection) -> list[Layer]:
    model = sel.model
    codes, colours = step_codes(model), tier_colours(model)
    areas = [sel.area.id] if sel.area is not None else sorted(model.areas)
    result = []
    for the_tier in model.tiers_in_order():
        if sel.tier is not None and the_tier.id != sel.tier.id:
            continue
        services = [s for s in sel.services if s.tier == the_tier.id]
        stated = [s for s in services if s.need_min is not None]
        need = None
        if stated:
            need = (min(s.need_min for s in stated),
                    max(s.need_max if s.need_max is not None else s.need_min for s in stated))
        outside = not services and not any(within_scope(model, a, tier=the_tier.id)
                                           for a in areas)
        result.append(Layer(the_tier, codes[the_tier.id], colours[the_tier.id], services, need,
                            [(s, s.provenance) for s in stated], outside))
    return result


def _flow(model: Model, rel: Relation) -> Flow | None:
    source, target = model.services.get(rel.source), model.services.get(rel.target)
    if source is None or target is None or not source.tier or not target.tier:
        return None
    if rel.kind in (RelationKind.ADVISES, RelationKind.TRAINS):
        return Flow.ADVICE
    if rel.kind is RelationKind.COLLABORATES_WITH:
        return Flow.JOINT
    if rel.kind is RelationKind.STEPS_UP_TO:
        return Flow.STEP_UP
    if rel.kind is RelationKind.STEPS_DOWN_TO:
        return Flow.STEP_DOWN
    up = model.tiers[target.tier].rank - model.tiers[source.tier].rank
    return Flow.STEP_UP if up > 0 else Flow.STEP_DOWN if up < 0 else Flow.ACROSS


def flows(model: Model, *, area: str | None = None, stage: str | None = None,
          tier: str | None = None, concern: str | None = None) -> list[FlowGroup]:
    """Relations between services with tiers, grouped by flow, area, layer to layer and kind.

    >>> from carepath import load_reference
    >>> up = [f for f in flows(load_reference()) if f.flow is Flow.STEP_UP]
    >>> sorted((f.area, f.source.id, f.target.id, len(f.relations)) for f in up)[0]
    ('dorset', 'secondary-care-mh', 'specialist-perinatal', 1)
    """
    return _flows(select(model, area=area, stage=stage, tier=tier, concern=concern))


def _flows(sel: Selection) -> list[FlowGroup]:
    model = sel.model
    groups: dict[tuple, list[Relation]] = {}
    for rel in sel.relations:
        flow = _flow(model, rel)
        if flow is None:
            continue
        source = model.services[rel.source]
        key = (flow, source.area, source.tier, model.services[rel.target].tier, rel.kind)
        groups.setdefault(key, []).append(rel)
    order = list(Flow)
    ranks = {t.id: i for i, t in enumerate(model.tiers_in_order())}
    kinds = list(RelationKind)
    return [FlowGroup(flow, area, model.tiers[a], model.tiers[b], kind, rels)
            for (flow, area, a, b, kind), rels in sorted(
                groups.items(), key=lambda item: (order.index(item[0][0]), item[0][1],
                                                  ranks[item[0][2]], ranks[item[0][3]],
                                                  kinds.index(item[0][4])))]


def _rows(layer_list: list[Layer]) -> list[list[Layer]]:
    """Layers grouped by rank: parallel tiers side by side."""
    rows: list[list[Layer]] = []
    for layer in layer_list:
        if rows and rows[-1][0].tier.rank == layer.tier.rank:
            rows[-1].append(layer)
        else:
            rows.append([layer])
    return rows


def render(sel: Selection, *, nav: Sequence[NavLink] = ()) -> str:
    """The stepped-care view of ``sel`` as one self-contained HTML page.

    >>> from carepath import load_reference
    >>> html = render(select(load_reference(), area="dorset"))
    >>> html.count('<section class="layer"'), "Flows between steps" in html
    (7, True)
    """
    model = sel.model
    layer_list = _layers(sel)
    untiered = [s for s in sel.services if not s.tier]
    return render_page(
        "stepped_care.html.j2", model=model, title=TITLE, selection=sel, nav=nav,
        scripts=[static("filters.js")], rows=_rows(layer_list), layers=layer_list,
        flows=_flows(sel), untiered=untiered,
        areas=sel.areas,
        styles=RELATION_STYLES, listed=LISTED)


def svg_of(sel: Selection) -> str:
    """The picture of a selection as a standalone SVG (:func:`carepath.html.to_image`
    draws it for a model and filters).

    >>> from carepath import load_reference
    >>> "Stepped care: Scotland" in svg_of(select(load_reference(), area="scotland"))
    True
    """
    model = sel.model
    layer_list = _layers(sel)
    rows = _rows(layer_list)
    width, left, layer_w, line_h, max_names = 1180, 20, 1140, 17, 6
    boxes, y = [], 70
    for row in reversed(rows):  # the highest step on top, universal at the base
        names_shown = max(min(len(layer.services), max_names)
                          + (len(layer.services) > max_names) for layer in row)
        height = 58 + max(names_shown, 1) * line_h
        inset = rows.index(row) * 30
        row_w = layer_w - 2 * inset
        each = (row_w - 8 * (len(row) - 1)) / len(row)
        for i, layer in enumerate(row):
            names = [shorten(f"{s.name} ({model.name_of(s.area)})", int((each - 70) / 6.2))
                     for s in layer.services[:max_names]]
            if len(layer.services) > max_names:
                names.append(f"… and {len(layer.services) - max_names} more")
            boxes.append({"layer": layer, "x": left + inset + i * (each + 8), "y": y,
                          "w": each, "h": height, "names": names,
                          "title": shorten(layer.tier.name, int((each - 60) / 8.4))})
        y += height + 10
    totals: dict[tuple, int] = {}
    for group in _flows(sel):  # summed over areas
        if group.flow in (Flow.STEP_UP, Flow.STEP_DOWN, Flow.ADVICE):
            key = (group.flow, group.source.id, group.target.id, group.kind)
            totals[key] = totals.get(key, 0) + len(group.relations)
    codes = step_codes(model)
    lines = [f"{flow.symbol} step {codes[a]} → step {codes[b]}: {count} "
             f"{RELATION_STYLES[kind].label}" for (flow, a, b, kind), count in totals.items()]
    columns = 3
    per_column = -(-len(lines) // columns) if lines else 0
    flow_top = y + 30
    flow_lines = [{"x": left + (i // per_column) * (layer_w / columns),
                   "y": flow_top + 22 + (i % per_column) * line_h, "text": text}
                  for i, text in enumerate(lines)]
    untiered = sum(1 for s in sel.services if not s.tier)
    height = flow_top + 22 + max(per_column, 1) * line_h + (30 if untiered else 10)
    return environment().get_template("stepped_care.svg.j2").render(
        width=width, height=height, boxes=boxes, flow_lines=flow_lines, flow_top=flow_top,
        left=left, title=f"Stepped care: {sel.describe()}", untiered=untiered, line_h=line_h,
        no_tier_colour=NO_TIER_COLOUR)
