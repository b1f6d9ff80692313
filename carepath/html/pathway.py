"""The pathway view: an explorer like the 0-5 pathway tool of document 001.

Pick a stage, a service and a level; read each cell's heading, rationale and actions, where the
service refers, signposts or hands over to at that stage and level, and the sources.

>>> from carepath import load_reference
>>> first = cards(load_reference())[0]
>>> first.cell.stage_text, first.cell.service, first.cell.heading
('Birth - 6 weeks', 'p05-health-visiting', 'Death of baby')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from carepath.graph.model import Model, PathwayCell, Relation
from carepath.graph.stages import Interval
from carepath.html._page import (
    RELATION_STYLES,
    NavLink,
    Selection,
    render_page,
    select,
    static,
)

TITLE = "Pathway"
DESCRIPTION = ("An explorer like the 0-5 pathway tool: pick a stage, a service and a level to "
               "read the rationale, actions and referral targets, with sources.")
NO_LEVEL = "none"


@dataclass(frozen=True, slots=True)
class Card:
    """One pathway cell and the relations the same statement of the document gives."""

    cell: PathwayCell
    targets: list[Relation]
    stages: list[str]  # canonical stages the cell's window overlaps


def _cards(sel: Selection) -> list[Card]:
    model = sel.model
    result = []
    # the relations each cell's actions state: one definition with the model's views and
    # `carepath pathway` (Model.pathway_relations)
    for cell, targets in zip(model.pathway, model.pathway_relations(), strict=True):
        if cell.service not in sel.service_ids and cell.service in model.services:
            continue
        if sel.stage is not None and not cell.window.overlaps(sel.stage.interval):
            continue
        stages = [s.id for s in model.stages_in_order() if cell.window.overlaps(s.interval)]
        result.append(Card(cell, targets, stages))
    return result


def cards(model: Model, *, area: str | None = None, stage: str | None = None,
          tier: str | None = None, concern: str | None = None) -> list[Card]:
    """The pathway cells in the selection, in document order, with their referral targets.

    ``stage`` keeps the cells whose window overlaps the canonical stage.

    >>> from carepath import load_reference
    >>> card = [c for c in cards(load_reference(), stage="weeks-0-6")
    ...         if c.cell.service == "p05-midwifery"][0]
    >>> sorted(model_name for model_name in {r.target for r in card.targets})[:2]
    ['gp', 'health-visitor']
    """
    return _cards(select(model, area=area, stage=stage, tier=tier, concern=concern))


def stage_keys(stage_texts: list[tuple[str, Interval]]) -> dict[str, str]:
    """For each stage as written, the keys (``s0 s3 ...``) of every stage option whose range
    overlaps it: picking a stage shows every cell whose range overlaps the one picked, as
    ``carepath pathway --stage`` does (7 weeks is also in "Birth - 6 months").

    >>> from carepath.graph.stages import parse_range
    >>> texts = [(t, parse_range(t)) for t in ("Birth - 6 weeks", "1 week - 6/8 weeks",
    ...                                        "8 weeks to 6 months")]
    >>> stage_keys(texts)["1 week - 6/8 weeks"]
    's0 s1'
    """
    return {text: " ".join(f"s{i}" for i, (_, other) in enumerate(stage_texts)
                           if other.overlaps(window))
            for text, window in stage_texts}


def render(sel: Selection, *, nav: Sequence[NavLink] = ()) -> str:
    """The pathway explorer of ``sel`` as one self-contained HTML page.

    >>> from carepath import load_reference
    >>> render(select(load_reference(), stage="weeks-0-6")).count('<article class="card"') > 0
    True

    The 0-5 pathway tool is postnatal (doc-001:11): in pregnancy it shows nothing.

    >>> render(select(load_reference(), stage="pregnancy")).count('<article class="card"')
    0
    """
    model = sel.model
    card_list = _cards(sel)
    stage_texts = sorted({c.cell.stage_text: c.cell.window for c in card_list}.items(),
                         key=lambda item: (item[1].start, item[1].end, item[0]))
    services = sorted({c.cell.service for c in card_list},
                      key=lambda s: model.name_of(s).casefold())
    levels = [lv for lv in model.levels if any(c.cell.level == lv for c in card_list)]
    return render_page(
        "pathway.html.j2", model=model, title=TITLE, selection=sel, nav=nav,
        scripts=[static("filters.js")], cards=card_list,
        stage_texts=[text for text, _ in stage_texts], services=services, levels=levels,
        stage_keys=stage_keys(stage_texts),
        has_unlevelled=any(c.cell.level is None for c in card_list), NO_LEVEL=NO_LEVEL,
        styles=RELATION_STYLES)
