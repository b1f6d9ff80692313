"""The timeline view: each service's age window on one axis, preconception to five years.

Services are grouped by tier; under each tier a coverage row marks the stages no service of
that tier covers. Every canonical stage gets the same width on the axis (within a stage the
scale is linear), so the short early stages stay readable beside the long later ones.

>>> from carepath import load_reference
>>> model = load_reference()
>>> scale = axis(model)
>>> scale(-92), scale(0), scale(260)
(0.0, 22.22, 100.0)
>>> [(g.code, len(g.rows)) for g in groups(model, area="dorset")][-3:]
[('5b', 2), ('6', 1), ('–', 7)]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from carepath.graph.model import Model, Service, Tier
from carepath.graph.stages import format_week
from carepath.html._page import (
    NO_TIER_CODE,
    NO_TIER_COLOUR,
    NavLink,
    Selection,
    environment,
    interval_text,
    render_page,
    select,
    shorten,
    static,
    step_codes,
    tier_colours,
)
from carepath.queries.scope import within_scope

TITLE = "Timeline"
DESCRIPTION = ("Each service's age window from preconception to five years, grouped by tier, "
               "with the stages each tier leaves uncovered.")


@dataclass(frozen=True, slots=True)
class Bar:
    left: float  # % of the axis
    width: float
    text: str  # the window in words


@dataclass(frozen=True, slots=True)
class Row:
    service: Service
    bars: list[Bar]
    stages: list[str]  # canonical stages covered


@dataclass(frozen=True, slots=True)
class Group:
    """The services of one tier (``tier`` None: no tier stated) and the stages none covers."""

    tier: Tier | None
    code: str
    colour: str
    rows: list[Row]
    gaps: list[str]  # stage ids no service in the group covers, within the sources' scope
    outside: list[str] = field(default_factory=list)  # uncovered, and outside their scope
    described: dict[str, list[str]] = field(default_factory=dict)
    # stage id -> the selected areas whose sources describe this tier at that stage


def axis(model: Model) -> Callable[[float], float]:
    """Week -> % of the axis, every canonical stage the same width."""
    stages = model.stages_in_order()
    n = len(stages)

    def position(week: float) -> float:
        if week <= stages[0].interval.start:
            return 0.0
        for i, stage in enumerate(stages):
            start, end = stage.interval.start, stage.interval.end
            if week < end:
                return round(100 * (i + max(week - start, 0) / (end - start)) / n, 2)
        return 100.0

    return position


def _groups(sel: Selection) -> list[Group]:
    model = sel.model
    scale = axis(model)
    codes, colours = step_codes(model), tier_colours(model)
    stage_ids = [s.id for s in model.stages_in_order()]
    areas = [sel.area.id] if sel.area is not None else sorted(model.areas)
    tiers: list[Tier | None] = [t for t in model.tiers_in_order()
                                if sel.tier is None or t.id == sel.tier.id]
    result = []
    for tier in [*tiers, None]:
        services = [s for s in sel.services if s.tier == (tier.id if tier else None)]
        if tier is None and not services:
            continue
        rows = []
        for svc in services:
            bars = [Bar(scale(w.start), round(scale(w.end) - scale(w.start), 2),
                        interval_text(w)) for w in svc.windows]
            rows.append(Row(svc, bars, model.stages_covered(svc)))
        covered = {s for row in rows for s in row.stages}
        described = {s: [a for a in areas
                         if tier is None or within_scope(model, a, tier=tier.id, stage=s)]
                     for s in stage_ids}
        uncovered = [s for s in stage_ids if s not in covered]
        result.append(Group(tier, codes[tier.id] if tier else NO_TIER_CODE,
                            colours[tier.id] if tier else NO_TIER_COLOUR, rows,
                            [s for s in uncovered if described[s]],
                            [s for s in uncovered if not described[s]], described))
    return result


def groups(model: Model, *, area: str | None = None, stage: str | None = None,
           tier: str | None = None, concern: str | None = None) -> list[Group]:
    """The timeline's rows, grouped by tier in stepped-care order (no tier last).

    >>> from carepath import load_reference
    >>> g = groups(load_reference(), area="dorset", tier="specialist-perinatal")[0]
    >>> [row.service.id for row in g.rows], g.gaps
    (['dorset-mmhs', 'dorset-pmmhs'], [])
    >>> g.outside  # doc 002 specifies the service to two years (line 16): silent after
    ['years-2-3', 'years-3-5']
    """
    return _groups(select(model, area=area, stage=stage, tier=tier, concern=concern))


def render(sel: Selection, *, nav: Sequence[NavLink] = ()) -> str:
    """The timeline view of ``sel`` as one self-contained HTML page.

    >>> from carepath import load_reference
    >>> render(select(load_reference(), tier="inpatient")).count("<tr data-item")
    3
    """
    model = sel.model
    stages = model.stages_in_order()
    scale = axis(model)
    ticks = [(scale(w), format_week(w)) for w in (-40, 0, 26, 52, 104, 156, 260)]
    return render_page(
        "timeline.html.j2", model=model, title=TITLE, selection=sel, nav=nav,
        scripts=[static("timeline.js")], groups=_groups(sel), stages=stages, ticks=ticks,
        areas=sel.areas,
        tiers=model.tiers_in_order())


def svg_of(sel: Selection) -> str:
    """The picture of a selection as a standalone SVG (:func:`carepath.html.to_image`
    draws it for a model and filters).

    >>> from carepath import load_reference
    >>> "Service age windows: Scotland" in svg_of(select(load_reference(), area="scotland"))
    True
    """
    model = sel.model
    group_list = _groups(sel)
    label_w, track_w, row_h, top = 380, 780, 18, 96
    y = top
    layout = []
    for group in group_list:
        head_y = y
        y += 24
        rows = []
        for row in group.rows:
            rows.append((y, shorten(f"{row.service.name} ({model.name_of(row.service.area)})",
                                    58), row))
            y += row_h
        cover_y = y
        y += (row_h if group.tier else 0) + 14
        layout.append((group, head_y, rows, cover_y))
    stages = model.stages_in_order()
    n = len(stages)
    return environment().get_template("timeline.svg.j2").render(
        width=label_w + track_w + 30, height=y + 30, label_w=label_w, track_w=track_w,
        row_h=row_h, top=top, layout=layout, stages=stages, n=n,
        step=track_w / n, title=f"Service age windows: {sel.describe()}")
