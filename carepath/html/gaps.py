"""The gaps view: for each area, the stage x tier and stage x concern grids.

Each cell lists the services there, or is marked as a gap with the reason and evidence from the
gap analysis (:func:`carepath.queries.gaps.gaps`); below the grids, the area's other gaps
(routes, hand-overs, services nobody refers to).

>>> from carepath import load_reference
>>> grid = matrices(load_reference(), area="dorset")[0]
>>> cell = grid.tier.cells["years-3-5"]["specialist-parent-infant"]
>>> cell.gap, cell.basis, cell.unknown  # doc 002 specifies one perinatal service, to 2 years
(True, 'outside-scope', True)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from carepath.graph.model import Area, Model, Service
from carepath.html._page import (
    NO_TIER_CODE,
    NavLink,
    Selection,
    render_page,
    select,
    static,
    step_codes,
    step_order,
)
from carepath.queries.gaps import BASES, UNSTATED, UNTIERED, coverage_cells, gaps

TITLE = "Gaps"
DESCRIPTION = ("For each area, the stage x tier and stage x concern grids: the services in "
               "each cell, or the gap and why.")
LISTED = 25  # services named in one cell (a region has hundreds in some)
CELL_KINDS = {"tier": ("stage-tier", "missing-tier"), "concern": ("stage-concern",)}


BASIS_WORDS = {"absent": "no service stated", "not-stated": "not stated in the sources",
               "outside-scope": "not stated (outside the source's scope)",
               "not-mentioned": "never mentioned in the sources"}
"""What each basis of a gap (:data:`carepath.queries.gaps.BASES`) says in a cell's reason."""


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell of a grid: the services there, or the gap, its reason and its basis
    ("absent": no service is stated there; any other basis: the documents do not say)."""

    services: list[Service]
    gap: bool = False
    reason: str = ""
    evidence: tuple[str, ...] = ()
    basis: str = "absent"
    anchor: str = ""  # the id of the cell's reason on the page

    @property
    def unknown(self) -> bool:
        return self.gap and self.basis != "absent"

    @property
    def basis_words(self) -> str:
        return BASIS_WORDS.get(self.basis, self.basis)


@dataclass(frozen=True, slots=True)
class Grid:
    """Stages down, tiers or concerns across."""

    by: str  # "tier" or "concern"
    rows: list[str]
    columns: list[str]
    cells: dict[str, dict[str, Cell]]

    def gap_cells(self) -> list[tuple[str, str, Cell]]:
        """The gaps, row by row: (stage, column, cell)."""
        return [(row, col, self.cells[row][col]) for row in self.rows for col in self.columns
                if self.cells[row][col].gap]


@dataclass(frozen=True, slots=True)
class AreaGaps:
    area: Area
    tier: Grid
    concern: Grid
    others: pd.DataFrame  # the gaps that are not cells: routes, transitions, ...

    def summary(self) -> dict[str, int]:
        """Counts for the page's per-area summary.

        >>> from carepath import load_reference
        >>> matrices(load_reference(), area="dorset")[0].summary()["tier"]
        56
        """
        tier, concern = self.tier.gap_cells(), self.concern.gap_cells()
        return {"tier": len(tier), "concern": len(concern),
                "not_stated": sum(c.unknown for _, _, c in tier + concern),
                "missing_tiers": len({col for _, col, c in tier
                                      if not any(self.tier.cells[r][col].services
                                                 for r in self.tier.rows)}),
                "others": len(self.others)}


def _grid(model: Model, area: str, by: str, found: pd.DataFrame, sel: Selection) -> Grid:
    rows, columns, services = coverage_cells(model, area=area, by=by)
    column_of = "tier" if by == "tier" else "concern"
    reasons = {(r.stage, getattr(r, column_of)): r
               for r in found[found.kind.isin(CELL_KINDS[by])].itertuples()}
    if by == "concern":  # a concern outside the sources' scope: every stage of its column
        for r in found[(found.kind == "unmentioned-concern")
                       & (found.basis != "not-mentioned")].itertuples():
            for row in rows:
                if row != UNSTATED:
                    reasons.setdefault((row, r.concern), r)
    stated_basis = "basis" in found.columns  # added by the trustworthy-answers work
    if sel.stage is not None:
        rows = [r for r in rows if r == sel.stage.id]
    if by == "tier" and sel.tier is not None:
        columns = [c for c in columns if c == sel.tier.id]
    if by == "tier":  # in step order: 5a before 5b, no tier last
        codes = step_codes(model)
        columns = sorted(columns, key=lambda c: step_order(codes.get(c, NO_TIER_CODE)))
    cells: dict[str, dict[str, Cell]] = {}
    for row in rows:
        cells[row] = {}
        for col in columns:
            gap = reasons.get((row, col))
            basis = (gap.basis if stated_basis and gap is not None and gap.basis in BASES
                     else "absent")
            cells[row][col] = Cell(services[row, col], gap is not None,
                                   gap.reason if gap is not None else "",
                                   tuple(gap.evidence) if gap is not None else (), basis,
                                   f"gap-{area}-{by}-{row}-{col}")
    return Grid(by, rows, columns, cells)


def matrices(model: Model, *, area: str | None = None, stage: str | None = None,
             tier: str | None = None, concern: str | None = None) -> list[AreaGaps]:
    """The grids and other gaps of each area in the selection (one area with ``area``).

    >>> from carepath import load_reference
    >>> [a.area.id for a in matrices(load_reference())][:2]
    ['cheshire-merseyside', 'dorset']
    """
    return _matrices(select(model, area=area, stage=stage, tier=tier, concern=concern))


def _matrices(sel: Selection) -> list[AreaGaps]:
    model = sel.model
    area_ids = [sel.area.id] if sel.area else sorted(model.areas)
    result = []
    for area_id in area_ids:
        found = gaps(model, area=area_id)
        others = found[~found.kind.isin(CELL_KINDS["tier"] + CELL_KINDS["concern"]
                                        + ("unmentioned-concern",))]
        if sel.stage is not None:
            others = others[others.stage.isna() | (others.stage == sel.stage.id)]
        if sel.tier is not None:
            others = others[others.tier.isna() | (others.tier == sel.tier.id)]
        result.append(AreaGaps(model.areas[area_id],
                               _grid(model, area_id, "tier", found, sel),
                               _grid(model, area_id, "concern", found, sel),
                               others.reset_index(drop=True)))
    return result


def render(sel: Selection, *, nav: Sequence[NavLink] = ()) -> str:
    """The gaps view of ``sel`` as one self-contained HTML page.

    >>> from carepath import load_reference
    >>> html = render(select(load_reference(), area="dorset"))
    >>> html.count('class="gap gap-mark"'), html.count('class="unknown unknown-mark"')
    (0, 82)
    >>> "Dorset: stages by tier" in html
    True
    """
    return render_page(
        "gaps.html.j2", model=sel.model, title=TITLE, selection=sel, nav=nav,
        scripts=[static("filters.js")], areas=_matrices(sel), UNSTATED=UNSTATED,
        UNTIERED=UNTIERED, listed=LISTED)
