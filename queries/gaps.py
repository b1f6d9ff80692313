"""Gaps in an area's services: empty cells of the timeline, and routes that are not there.

:func:`gaps` finds every kind in :data:`GAP_KINDS`; :func:`coverage_matrix` shows the stage x
tier (or stage x concern) grid the cell gaps are read from. Each gap comes with a sentence a
planner can read and the evidence behind it; a gap is an absence, so where nothing can be
cited its evidence is the area's source documents (``"doc-002"``), the place the absence was
looked for.

The kinds, and the choices behind them:

``stage-tier``
    A canonical stage that no service of a tier is known to cover, for each tier the area has
    a service at. A service covers the stages its stated age windows overlap; one that states
    no window covers none that the data can show, and the reason says so (see
    ``unstated-window``) - the documents are silent, so the cell cannot be counted as covered.
``missing-tier``
    A tier the area has no service at, reported cell by cell (one row per stage) so that
    ``stage-tier`` and ``missing-tier`` rows together are exactly the empty cells of
    :func:`coverage_matrix`.
``stage-concern``
    A stage that no service addressing a concern is known to cover, for each concern some
    service of the area addresses (severities are not split).
``unmentioned-concern``
    A concern of the vocabulary that the area's data never mentions (no service addresses it
    or is said not to, no criterion or relation names it): one row per area and concern, with
    basis ``not-mentioned`` (or ``outside-scope`` where the sources do not describe it). It
    holds at every stage, so it has none.
``unstated-window``
    A service with a tier or a concern that states no age window, so its cells are unknown.
``no-inbound-referral``
    A service that nobody refers, signposts, hands over or steps up/down to. Universal-tier
    services are left out: families reach them without referral; so for a service whose tier
    is not stated the gap is ``not-stated``.
``no-route-to-specialist``
    An entry point (a universal-tier service, a profession that refers in the area, or the
    family where it self-refers there) with no route - referral, signposting, hand-over or
    step, directly or through other services of the area - to any specialist service (tier rank
    5 or more). Areas without a specialist service are left out (see ``missing-tier``).
``profession-no-route``
    A profession that refers in the area, and a specialist tier the area has, that none of the
    profession's routes reaches: help its families may need but cannot be referred on to.
``transition``
    A service whose care ends before the fifth birthday with no hand-over, referral or
    signposting (that applies at the end of care) to a service covering the weeks after it:
    the "24-month hand-over gap". ``stage`` is the stage care ends into. Where a hand-over is
    stated but its receivers are not named (a relation to ``unnamed``), the row says so with
    basis ``not-stated``.

Every kind first asks :func:`carepath.queries.scope.within_scope` whether the area's sources
describe what it would call absent (the tier, stage or concern of a cell; referral routes for
the route kinds): outside their scope a gap's basis is ``outside-scope`` and its reason says
"not stated (outside the source's scope)", never that the area has no service.

>>> from carepath import load_reference
>>> model = load_reference()
>>> found = gaps(model, area="dorset", kinds=["transition"])
>>> found[["subject", "stage"]].values.tolist()
[['dorset-pmmhs', 'years-2-3']]
>>> print(found.reason[0])  # doctest: +ELLIPSIS
In Dorset, Perinatal and Maternal Mental Health Service ends at 2 years (week 104): hand-over ...
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from carepath.errors import QueryError
from carepath.graph.bulk import paused_gc
from carepath.graph.model import (
    FAMILY,
    AgeStage,
    AreaId,
    Model,
    NodeId,
    Relation,
    RelationKind,
    Service,
)
from carepath.graph.stages import FIFTH_BIRTHDAY, Interval, format_week
from carepath.queries._analysis import (
    ROUTE_KINDS,
    area_sources,
    areas_for,
    describe_window,
    entry_points,
    evidence,
    is_unnamed,
    relation_area,
    relations_at,
    specialists,
    tiers_in_rank_order,
)
from carepath.queries.scope import (
    area_source_list,
    outside_scope_reason,
    scope_evidence,
    within_scope,
)
from carepath.rows import Rows

if TYPE_CHECKING:  # a question about gaps is answered as plain rows, without pandas
    import pandas as pd

GAP_KINDS: tuple[str, ...] = (
    "stage-tier",
    "missing-tier",
    "stage-concern",
    "unmentioned-concern",
    "unstated-window",
    "no-inbound-referral",
    "no-route-to-specialist",
    "profession-no-route",
    "transition",
)
COLUMNS = ["area", "kind", "basis", "subject", "subject_name", "stage", "tier", "concern",
           "reason", "evidence"]
ABSENT, NOT_STATED = "absent", "not-stated"
OUTSIDE_SCOPE, NOT_MENTIONED = "outside-scope", "not-mentioned"
BASES: tuple[str, ...] = (ABSENT, NOT_STATED, OUTSIDE_SCOPE, NOT_MENTIONED)
"""Why a gap is there: ``absent`` - within what the sources describe, they name nothing that
fills it; ``not-stated`` - some service might fill it, but its documents do not state the
window, tier or concern that would say so, or a relation is stated with an end not named (the
reason names them); ``outside-scope`` - the area's sources do not describe that tier, stage,
concern or kind of fact at all ("not stated (outside the source's scope)"); ``not-mentioned`` -
a concern the area's documents never mention."""
UNNAMED_TEXT = "receivers not named"
UNSTATED = "unstated"  # the coverage-matrix row of services with no age window
UNTIERED = "untiered"  # the coverage-matrix column of services with no tier
_TRANSITION_KINDS = frozenset({RelationKind.HANDS_OVER_TO, RelationKind.REFERS_TO,
                               RelationKind.SIGNPOSTS_TO, RelationKind.STEPS_UP_TO,
                               RelationKind.STEPS_DOWN_TO})


def gaps(model: Model, *, area: str | None = None, kinds: Iterable[str] | None = None,
         basis: str | Iterable[str] | None = None, concern: str | None = None,
         stage: str | None = None, tier: str | None = None) -> pd.DataFrame:
    """Every gap of the ``kinds`` asked for (default: all of :data:`GAP_KINDS`); the same
    rows as :func:`gap_rows`, as a DataFrame.

    Parameters
    ----------
    model : the model to analyse.
    area : an area id; default every area.
    kinds : gap kinds from :data:`GAP_KINDS`.
    basis : only gaps of this basis, or of these bases (:data:`BASES`).
    concern : a concern id: only the gaps about that concern (``stage-concern`` and
        ``unmentioned-concern`` rows).
    stage : a canonical stage id: only the gaps at that stage, and those that name no stage
        (they hold at every stage: never-mentioned concerns, routes, services nobody refers to).
    tier : a tier id: only the gaps at that tier.

    Returns
    -------
    DataFrame with columns ``area, kind, basis, subject, subject_name, stage, tier, concern,
    reason, evidence`` (evidence a list of ``"source:line"``), ordered by area, kind (in
    :data:`GAP_KINDS` order), stage, tier rank and subject. ``subject`` is the service,
    profession or family for route kinds, the tier or concern for cell kinds. ``basis`` says
    whether the documents name nothing there (``absent``) or leave it open: a service that
    states no window, tier or concern might fill the cell (``not-stated``).

    Raises:
        QueryError: an unknown area, kind, basis, concern, stage or tier.

    Examples
    --------
    Dorset's MMHS states no window of its own: the loss and birth-trauma cells it might fill
    are not-stated gaps.

    >>> from carepath import load_reference
    >>> g = gaps(load_reference(), area="dorset", concern="birth-trauma-tokophobia",
    ...          stage="months-2-6")
    >>> g[["kind", "basis"]].values.tolist()
    [['stage-concern', 'not-stated']]

    Doc 000 describes how the specialist perinatal service works with other mental health and
    universal services (line 10): it is silent on inpatient care, so Cheshire & Merseyside's
    missing Mother and Baby Unit is outside its scope, not absent.

    >>> g = gaps(load_reference(), area="cheshire-merseyside", tier="inpatient")
    >>> sorted(set(g.basis)), g.evidence[0]
    (['outside-scope'], ['doc-000:10'])
    >>> print(g.reason[0])  # doctest: +NORMALIZE_WHITESPACE
    In Cheshire & Merseyside, whether any service at the Inpatient (Mother and Baby Unit)
    tier covers Preconception is not stated (outside the source's scope). doc-000 does not
    describe this tier (doc-000:10).
    """
    return gap_rows(model, area=area, kinds=kinds, basis=basis, concern=concern, stage=stage,
                    tier=tier).to_frame()


def gap_rows(model: Model, *, area: str | None = None, kinds: Iterable[str] | None = None,
             basis: str | Iterable[str] | None = None, concern: str | None = None,
             stage: str | None = None, tier: str | None = None) -> Rows:
    """:func:`gaps` as plain rows (:class:`carepath.rows.Rows`, columns :data:`COLUMNS`):
    what ``carepath gaps`` prints, with no table library imported.

    >>> from carepath import load_reference
    >>> g = gap_rows(load_reference(), area="dorset", kinds=["transition"])
    >>> g.column("subject"), g.column("basis")
    (['dorset-pmmhs'], ['not-stated'])
    """
    bases = _check_bases(basis)
    for value, table, what in ((concern, model.concerns, "concern"),
                               (stage, model.stages, "stage"), (tier, model.tiers, "tier")):
        if value is not None and value not in table:
            raise QueryError(f"unknown {what} {value!r}; expected one of: "
                             f"{', '.join(table)}")
    found = [row for row in _find(model, areas_for(model, area), _check_kinds(kinds))
             if (bases is None or row["basis"] in bases)
             and (concern is None or row["concern"] == concern)
             and (stage is None or row["stage"] is None or row["stage"] == stage)
             and (tier is None or row["tier"] == tier)]
    return Rows.from_records(found, COLUMNS)


def _check_bases(basis: str | Iterable[str] | None) -> list[str] | None:
    if basis is None:
        return None
    asked = [basis] if isinstance(basis, str) else list(basis)
    for value in asked:
        if value not in BASES:
            raise QueryError(f"unknown gap basis {value!r}; expected one of: "
                             f"{', '.join(BASES)}")
    return asked or None


def gap_summary(found: pd.DataFrame) -> pd.DataFrame:
    """Counts of gaps by area, kind and basis (one row each, only those found): the summary
    ``carepath gaps`` prints before the rows, and the served /gaps page shows. One row per
    basis, not one column: four bases side by side do not fit an 80-column terminal.

    >>> from carepath import load_reference
    >>> s = gap_summary(gaps(load_reference(), area="dorset", kinds=["unstated-window"]))
    >>> s.columns.tolist(), s.basis.tolist()
    (['area', 'kind', 'basis', 'gaps'], ['not-stated'])
    """
    return gap_counts(Rows.of(found)).to_frame()


def gap_counts(found: Rows) -> Rows:
    """:func:`gap_summary` of plain rows, as plain rows.

    >>> from carepath import load_reference
    >>> gap_counts(gap_rows(load_reference(), area="dorset", kinds=["transition"])).records()
    [{'area': 'dorset', 'kind': 'transition', 'basis': 'not-stated', 'gaps': 1}]
    """
    counts: dict[tuple[str, str, str], int] = {}
    for key in zip(found.column("area"), found.column("kind"), found.column("basis"),
                   strict=True) if not found.empty else ():
        counts[key] = counts.get(key, 0) + 1
    order = sorted(counts, key=lambda k: (k[0], GAP_KINDS.index(k[1]), BASES.index(k[2])))
    return Rows.from_tuples([(*key, counts[key]) for key in order],
                            ["area", "kind", "basis", "gaps"])


def find_gaps(model: Model, areas: list[AreaId], kinds: list[str], *,
              concerns: dict[AreaId, set[str]] | None = None) -> pd.DataFrame:
    """:func:`gaps` for checked ``areas`` and ``kinds``. ``concerns`` adds, per area, concerns
    to check for ``stage-concern`` even if no service addresses them (any more: what-if).

    >>> from carepath import load_reference
    >>> found = find_gaps(load_reference(), ["dorset"], ["stage-concern"],
    ...                   concerns={"dorset": {"substance-misuse"}})
    >>> len(found[found.concern == "substance-misuse"])
    9
    """
    import pandas as pd

    return pd.DataFrame(_find(model, areas, kinds, concerns=concerns), columns=COLUMNS)


def _find(model: Model, areas: list[AreaId], kinds: list[str], *,
          concerns: dict[AreaId, set[str]] | None = None) -> list[dict]:
    """:func:`find_gaps` as a list of rows (dicts), ordered (see :func:`gaps`)."""
    with paused_gc():  # a million relations regrouped: see paused_gc
        by_area, inbound = _area_relations(model, set(areas))
        rows: list[dict] = []
        for area_id in areas:
            facts = _AreaFacts(model, area_id, by_area.get(area_id, []), inbound,
                               (concerns or {}).get(area_id, set()))
            for kind in kinds:
                rows.extend(_FINDERS[kind](facts))
    return _ordered(model, rows)


def _area_relations(model: Model, areas: set[AreaId],
                    ) -> tuple[dict[AreaId | None, list[Relation]], dict[str, list[Relation]]]:
    """The relations of ``areas`` grouped by area (as :func:`relations_by_area`), and every
    relation into their services or the services those are part of, whichever area states it
    (model order in both). Only the statements that touch them are made into relations: one
    area of the national preset needs 26,000 of a million (0.1 s, not 2.5 s)."""
    services = model.services
    into = {svc.id for area in areas for svc in model.services_in(area)}
    into |= {services[s].part_of for s in list(into) if services[s].part_of}
    by_area: dict[AreaId | None, list[Relation]] = {}
    inbound: dict[str, list[Relation]] = {}
    for rel in relations_at(model, into):
        area = relation_area(model, rel)
        if area in areas:
            by_area.setdefault(area, []).append(rel)
        if rel.target in into:
            inbound.setdefault(rel.target, []).append(rel)
    return by_area, inbound


def coverage_matrix(model: Model, *, area: str, by: str = "tier") -> pd.DataFrame:
    """The area's services on a grid: canonical stages down, tiers (or concerns) across.

    Rows are the stages in timeline order, then ``unstated`` for services that state no age
    window; columns are the tiers in rank order then ``untiered`` (``by="tier"``), or every
    concern of the vocabulary (``by="concern"``). Each cell lists the names of the services
    there (empty list: nobody).

    Raises:
        QueryError: an unknown area, or ``by`` not "tier" or "concern".

    Examples
    --------
    >>> from carepath import load_reference
    >>> m = coverage_matrix(load_reference(), area="dorset")
    >>> m.loc["years-1-2", "specialist-perinatal"]
    ['Perinatal and Maternal Mental Health Service']
    >>> m.loc["years-2-3", "specialist-perinatal"], m.loc["years-3-5", "specialist-parent-infant"]
    ([], [])
    >>> m.loc["unstated", "inpatient"]
    ['Mother and Baby Unit']
    """
    import pandas as pd

    stages, columns, cells = coverage_cells(model, area=area, by=by)
    frame = pd.DataFrame([[[svc.name for svc in cells[s, c]] for c in columns] for s in stages],
                         index=pd.Index(stages, name="stage"), columns=columns)
    frame.columns.name = by
    return frame


def coverage_cells(model: Model, *, area: str, by: str = "tier",
                   ) -> tuple[list[str], list[str], dict[tuple[str, str], list[Service]]]:
    """The cells behind :func:`coverage_matrix`: row ids, column ids, and the services in
    each ``(stage, column)`` cell (sorted by name).

    >>> from carepath import load_reference
    >>> rows, cols, cells = coverage_cells(load_reference(), area="dorset")
    >>> [s.id for s in cells["pregnancy", "specialist-perinatal"]]
    ['dorset-pmmhs']
    """
    [area_id] = areas_for(model, area)
    if by not in ("tier", "concern"):
        raise QueryError(f"cannot group the coverage matrix by {by!r}; "
                         "expected one of: tier, concern")
    stages = [s.id for s in model.stages_in_order()] + [UNSTATED]
    if by == "tier":
        columns = [t.id for t in tiers_in_rank_order(model)] + [UNTIERED]
    else:
        columns = list(model.concerns)
    cells: dict[tuple[str, str], list[Service]] = {(s, c): [] for s in stages for c in columns}
    for svc in sorted(model.services_in(area_id), key=lambda s: (s.name, s.id)):
        rows = model.stages_covered(svc) if svc.windows else [UNSTATED]
        cols = [svc.tier or UNTIERED] if by == "tier" else sorted(svc.concerns)
        for stage in rows:
            for col in cols:
                if (stage, col) in cells:
                    cells[stage, col].append(svc)
    return stages, columns, cells


# -- facts about one area, computed once ----------------------------------------------------

class _Reach:
    """Reachability along routes, on plain successor and predecessor sets (only reachability
    is asked, so this is all the graph needed; a networkx graph of a national area's 25,000
    routes took longer to build than the searches took to run)."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self.succ: dict[str, set[str]] = defaultdict(set)
        self.pred: dict[str, set[str]] = defaultdict(set)
        for a, b in pairs:
            self.succ[a].add(b)
            self.pred[b].add(a)

    @staticmethod
    def _search(start: str, adjacent: dict[str, set[str]]) -> set[str]:
        seen: set[str] = set()
        todo = [start]
        while todo:
            for node in adjacent.get(todo.pop(), ()):
                if node not in seen:
                    seen.add(node)
                    todo.append(node)
        seen.discard(start)
        return seen

    def descendants(self, node: str) -> set[str]:
        """What ``node`` reaches (itself not included, as in networkx)."""
        return self._search(node, self.succ)

    def ancestors(self, node: str) -> set[str]:
        """What reaches ``node`` (itself not included)."""
        return self._search(node, self.pred)


class _AreaFacts:
    """What the finders need to know about one area."""

    def __init__(self, model: Model, area: AreaId, relations: list[Relation],
                 inbound: dict[str, list[Relation]], concerns: set[str]) -> None:
        self.model = model
        self.extra_concerns = concerns  # checked even if no service addresses them
        self.area = area
        self.area_name = model.areas[area].name
        self.relations = relations
        self.inbound = inbound  # every relation into a node, whichever area states it
        self.outbound: dict[str, list[Relation]] = {}
        for rel in relations:
            self.outbound.setdefault(rel.source, []).append(rel)
        self.services = sorted(model.services_in(area), key=lambda s: s.id)
        self.untiered = [s for s in self.services if not s.tier]
        self.unconcerned = [s for s in self.services
                            if not s.addresses and not s.not_addressed]
        self.stages: list[AgeStage] = model.stages_in_order()
        self.covered = {s.id: set(model.stages_covered(s)) for s in self.services}
        self.source_list = area_source_list(model, area)  # once: every cell asks of it
        self.sources = area_sources(model, area)
        self.scope_evidence = (scope_evidence(model, area, sources=self.source_list)
                               or list(self.sources))
        self.mentioned = _mentioned_concerns(model, self.services, relations)
        self._routes: _Reach | None = None
        self._entries: list[NodeId] | None = None

    @property
    def routes(self) -> _Reach:
        """Who can reach whom along the area's routes (:data:`ROUTE_KINDS`), made once."""
        if self._routes is None:
            parts = [(s.part_of, s.id) for s in self.services if s.part_of]
            routes = [(r.source, r.target) for r in self.relations if r.kind in ROUTE_KINDS]
            # a service answers as the professions staffing it where they hold a route here
            # (issue 22: "General practice" reaches what its GPs refer to, doc-002:31)
            holders = {a for a, _ in routes}
            staffed = [(s.id, p) for s in self.services for p in s.professions
                       if p in holders]
            self._routes = _Reach([*routes, *parts, *staffed])
        return self._routes

    @property
    def entries(self) -> list[NodeId]:
        if self._entries is None:
            self._entries = entry_points(self.model, self.area, self.relations)
        return self._entries

    def name(self, node: str) -> str:
        return self.model.name_of(node)

    def within(self, **what: str | None) -> bool:
        """Whether the area's sources describe ``what`` (see :func:`within_scope`)."""
        return within_scope(self.model, self.area, sources=self.source_list, **what)

    def outside(self, kind: str, subject: str, what: str, *, fact: str | None = None,
                **cell: str | None) -> dict:
        """The row of a gap outside the sources' scope: "not stated (outside the source's
        scope)", with the passages that state the scope."""
        asked = {"tier": cell.get("tier"), "stage": cell.get("stage"),
                 "concern": cell.get("concern"), "fact": fact}
        return self.row(kind, subject, basis=OUTSIDE_SCOPE, evidence=self.scope_evidence,
                        reason=outside_scope_reason(self.model, self.area, what,
                                                    sources=self.source_list, **asked),
                        **cell)

    def listing(self, services: Iterable[Service]) -> str:
        return "; ".join(f"{s.name} ({describe_window(s)})" for s in services)

    def uncovered(self, nobody: str, stage: AgeStage, candidates: list[Service],
                  unsorted: list[Service], what: str) -> tuple[str, str]:
        """Why a cell is empty, and its basis. ``candidates`` are the services in the cell's
        column; ``unsorted`` those whose tier (or concerns, ``what``) the documents do not
        state, so that they might be in it. The basis is ``not-stated`` when a candidate
        states no window, or an unsorted service might cover the stage."""
        open_candidates = [s for s in candidates if not s.windows]
        maybe = [s for s in unsorted if not s.windows or stage.id in self.covered[s.id]]
        basis = NOT_STATED if open_candidates or maybe else ABSENT
        if not candidates:
            text = (f"In {self.area_name}, {nobody} is left at any stage, so none covers "
                    f"{stage.name}.")
        elif open_candidates and len(open_candidates) == len(candidates):
            names = "; ".join(s.name for s in candidates)
            verb = "states" if len(candidates) == 1 else "state"
            text = (f"In {self.area_name}, {nobody} is known to cover {stage.name}: {names} "
                    f"{verb} no age window.")
        else:
            text = (f"In {self.area_name}, {nobody} covers {stage.name}. "
                    f"Candidates: {self.listing(candidates)}.")
        if maybe:
            names = "; ".join(s.name for s in maybe[:6])
            more = f" and {len(maybe) - 6} more" if len(maybe) > 6 else ""
            text += f" Not stated: the {what} of {names}{more}."
        return text, basis

    def row(self, kind: str, subject: str, *, stage: str | None = None,
            tier: str | None = None, concern: str | None = None, reason: str,
            evidence: list[str], basis: str = ABSENT) -> dict:
        return {"area": self.area, "kind": kind, "basis": basis, "subject": subject,
                "subject_name": self.name(subject), "stage": stage, "tier": tier,
                "concern": concern, "reason": reason, "evidence": evidence}


def _check_kinds(kinds: Iterable[str] | None) -> list[str]:
    if kinds is None:
        return list(GAP_KINDS)
    if isinstance(kinds, str):
        kinds = [kinds]
    asked = list(kinds)
    for kind in asked:
        if kind not in GAP_KINDS:
            raise QueryError(f"unknown gap kind {kind!r}; expected one of: "
                             f"{', '.join(GAP_KINDS)}")
    return [k for k in GAP_KINDS if k in asked]


def _ordered(model: Model, rows: list[dict]) -> list[dict]:
    """The rows by area, kind (in :data:`GAP_KINDS` order), stage, tier rank and subject."""
    stage_pos = {s.id: i for i, s in enumerate(model.stages_in_order())}
    tier_pos = {t.id: i for i, t in enumerate(tiers_in_rank_order(model))}
    return sorted(rows, key=lambda r: (r["area"], GAP_KINDS.index(r["kind"]),
                                       stage_pos.get(r["stage"], -1),
                                       tier_pos.get(r["tier"], -1), r["subject"]))


# -- the finders, one per kind --------------------------------------------------------------

def _stage_tier(f: _AreaFacts) -> list[dict]:
    rows = []
    for tier in tiers_in_rank_order(f.model):
        at_tier = [s for s in f.services if s.tier == tier.id]
        for stage in f.stages:
            if not at_tier or any(stage.id in f.covered[s.id] for s in at_tier):
                continue
            if not f.within(tier=tier.id, stage=stage.id):
                rows.append(f.outside(
                    "stage-tier", tier.id, f"whether a service at the {tier.name} tier "
                    f"covers {stage.name}", stage=stage.id, tier=tier.id))
                continue
            reason, basis = f.uncovered(f"no service at the {tier.name} tier", stage, at_tier,
                                        f.untiered, "tier")
            rows.append(f.row(
                "stage-tier", tier.id, stage=stage.id, tier=tier.id, reason=reason,
                basis=basis, evidence=evidence(s.provenance for s in at_tier)))
    return rows


def _missing_tier(f: _AreaFacts) -> list[dict]:
    present = {s.tier for s in f.services}
    rows = []
    for tier in tiers_in_rank_order(f.model):
        if tier.id in present:
            continue
        for stage in f.stages:
            if not f.within(tier=tier.id, stage=stage.id):
                rows.append(f.outside(
                    "missing-tier", tier.id, f"whether any service at the {tier.name} "
                    f"tier covers {stage.name}", stage=stage.id, tier=tier.id))
                continue
            said, basis = f.uncovered("", stage, [], f.untiered, "tier")
            rest = said.split(".", 1)[1] if basis == NOT_STATED else ""
            rows.append(f.row(
                "missing-tier", tier.id, stage=stage.id, tier=tier.id, basis=basis,
                reason=(f"{f.area_name} has no service at the {tier.name} tier, so nothing at "
                        f"that step covers {stage.name}.{rest}"),
                evidence=list(f.sources)))
    return rows


def _stage_concern(f: _AreaFacts) -> list[dict]:
    rows = []
    for concern in f.model.concerns.values():
        addressing = [s for s in f.services if concern.id in s.concerns]
        if not addressing and concern.id not in f.extra_concerns:
            continue
        for stage in f.stages:
            if any(stage.id in f.covered[s.id] for s in addressing):
                continue
            if not f.within(concern=concern.id, stage=stage.id):
                rows.append(f.outside(
                    "stage-concern", concern.id, f"whether a service addressing {concern.name} "
                    f"covers {stage.name}", stage=stage.id, concern=concern.id))
                continue
            reason, basis = f.uncovered(f"no service addressing {concern.name}", stage,
                                        addressing, f.unconcerned, "concerns")
            rows.append(f.row(
                "stage-concern", concern.id, stage=stage.id, concern=concern.id,
                reason=reason, basis=basis,
                evidence=evidence(s.provenance for s in addressing) or list(f.sources)))
    return rows


def _unmentioned_concern(f: _AreaFacts) -> list[dict]:
    rows = []
    for concern in f.model.concerns.values():
        if concern.id in f.mentioned or concern.id in f.extra_concerns:
            continue
        if not f.within(concern=concern.id):
            rows.append(f.outside("unmentioned-concern", concern.id,
                                  f"whether any service addresses {concern.name}",
                                  concern=concern.id))
            continue
        rows.append(f.row(
            "unmentioned-concern", concern.id, concern=concern.id, basis=NOT_MENTIONED,
            reason=(f"{f.area_name}'s documents never mention {concern.name}: whether any "
                    "service there addresses it, at any stage, is not stated."),
            evidence=list(f.sources)))
    return rows


def _mentioned_concerns(model: Model, services: list[Service],
                        relations: list[Relation]) -> set[str]:
    """Concerns the area's data names anywhere: addressed or said not to be, in a criterion,
    or as a condition of a relation."""
    found: set[str] = set()
    for svc in services:
        found |= svc.concerns | set(svc.not_addressed)
        for crit in svc.eligibility:
            found |= crit.concerns
    for rel in relations:
        found |= rel.concerns
    return found


def _unstated_window(f: _AreaFacts) -> list[dict]:
    return [f.row("unstated-window", s.id, tier=s.tier, basis=NOT_STATED,
                  reason=(f"In {f.area_name}, {s.name} states no age window, so the stages "
                          "it covers cannot be checked against the timeline."),
                  evidence=evidence([s.provenance]))
            for s in f.services if not s.windows and (s.tier or s.addresses)]


def _no_inbound_referral(f: _AreaFacts) -> list[dict]:
    rows = []
    for svc in f.services:
        if svc.tier == "universal":
            continue
        inbound = f.inbound.get(svc.id, [])
        if any(r.kind in ROUTE_KINDS and not is_unnamed(f.model, r.source) for r in inbound):
            continue
        parent = f.model.services.get(svc.part_of) if svc.part_of else None
        if parent is not None and any(r.kind in ROUTE_KINDS and not is_unnamed(f.model, r.source)
                                      for r in f.inbound.get(parent.id, [])):
            continue  # referrals into the service it is part of reach it
        if not f.within(fact="referrals", tier=svc.tier):
            rows.append(f.outside("no-inbound-referral", svc.id,
                                  f"who refers, signposts or hands over to {svc.name}",
                                  tier=svc.tier, fact="referrals"))
            continue
        unnamed = [r for r in inbound
                   if r.kind in ROUTE_KINDS and is_unnamed(f.model, r.source)]
        if unnamed:
            rows.append(f.row(
                "no-inbound-referral", svc.id, tier=svc.tier, basis=NOT_STATED,
                reason=(f"In {f.area_name}, referrals to {svc.name} are stated, but who makes "
                        "them is not named."),
                evidence=evidence([svc.provenance, *(r.provenance for r in unnamed)])))
            continue
        others = Counter(r.kind.label for r in inbound)
        linked = ("it is linked only by: "
                  + ", ".join(f"{k} ({n})" for k, n in sorted(others.items())) + "."
                  if others else "no relation of any kind leads into it.")
        # a service whose tier is not stated may be universal, which families reach without
        # referral: whether nobody referring to it is a gap is then not stated
        untiered = "" if svc.tier else (" Not stated: its tier (a universal service is "
                                        "reached without referral).")
        rows.append(f.row(
            "no-inbound-referral", svc.id, tier=svc.tier,
            basis=NOT_STATED if untiered else ABSENT,
            reason=(f"In {f.area_name}, nobody is recorded as referring, signposting or "
                    f"handing over to {svc.name}; {linked}{untiered}"),
            evidence=evidence([svc.provenance, *(r.provenance for r in inbound)])))
    return rows


def _routes_from(f: _AreaFacts, node: NodeId) -> list[Relation]:
    return [r for r in f.outbound.get(node, []) if r.kind in ROUTE_KINDS]


def _entry_evidence(f: _AreaFacts, node: NodeId) -> list[str]:
    own = [f.model.services[node].provenance] if node in f.model.services else []
    return evidence([*own, *(r.provenance for r in _routes_from(f, node))])


def _no_route_to_specialist(f: _AreaFacts) -> list[dict]:
    targets = specialists(f.model, f.area)
    if not targets:
        return []
    in_scope = f.within(fact="referrals")
    G = f.routes
    # what can reach a specialist: one search back from each, not one forward per entry point
    reaching = set().union(*(G.ancestors(s.id) for s in targets))
    rows = []
    for entry in f.entries:
        if entry in reaching:
            continue
        reached = G.descendants(entry)
        who = "families have" if entry == FAMILY else f"{f.name(entry)} has"
        tier = f.model.services[entry].tier if entry in f.model.services else None
        if not in_scope:
            whose = "families'" if entry == FAMILY else f"{f.name(entry)}'s"
            rows.append(f.outside("no-route-to-specialist", entry,
                                  f"where {whose} routes lead", tier=tier,
                                  fact="referrals"))
            continue
        unnamed = sorted(n for n in reached if is_unnamed(f.model, n))
        if unnamed:
            rows.append(f.row(
                "no-route-to-specialist", entry, tier=tier, basis=NOT_STATED,
                reason=(f"In {f.area_name}, {who} no named route to a specialist service; "
                        f"a route to services not named is stated, so whether it reaches one "
                        "is not stated."),
                evidence=_entry_evidence(f, entry)))
            continue
        onward = sorted({f.name(n) for n in reached})
        where = (f" Its routes reach only: {'; '.join(onward)}." if onward
                 else " It has no recorded route onward at all.")
        untiered = _untiered(f, reached)
        rows.append(f.row(
            "no-route-to-specialist", entry, tier=tier,
            # no route onward at all: the documents say nothing of where it sends families
            # (silence), not that it sends them nowhere specialist
            basis=NOT_STATED if untiered or not onward else ABSENT,
            reason=(f"In {f.area_name}, {who} no route (referral, signposting or hand-over, "
                    "directly or through other services) to any specialist service "
                    f"({'; '.join(s.name for s in targets)}).{where}{untiered}"),
            evidence=_entry_evidence(f, entry)))
    return rows


def _untiered(f: _AreaFacts, reached: set[str]) -> str:
    """What a route gap says when the routes reach services whose tier is not stated (any of
    them might be the tier looked for): "" when there are none."""
    names = sorted(f.name(n) for n in reached
                   if n in f.model.services and not f.model.services[n].tier)
    if not names:
        return ""
    more = f" and {len(names) - 6} more" if len(names) > 6 else ""
    return f" Not stated: the tier of {'; '.join(names[:6])}{more}, which they reach."


def _profession_no_route(f: _AreaFacts) -> list[dict]:
    targets = specialists(f.model, f.area)
    G = f.routes
    in_scope = f.within(fact="referrals")
    rows = []
    for entry in f.entries:
        if entry not in f.model.professions:
            continue
        reached = G.descendants(entry)
        direct = sorted({f.name(r.target) for r in _routes_from(f, entry)})
        for tier in tiers_in_rank_order(f.model):
            at_tier = [s for s in targets if s.tier == tier.id]
            if not at_tier or any(s.id in reached for s in at_tier):
                continue
            if not (in_scope and f.within(fact="referrals", tier=tier.id)):
                rows.append(f.outside("profession-no-route", entry,
                                      f"whether {f.name(entry)} has a route to the "
                                      f"{tier.name} tier",
                                      tier=tier.id, fact="referrals"))
                continue
            if any(is_unnamed(f.model, n) for n in reached):
                rows.append(f.row(
                    "profession-no-route", entry, tier=tier.id, basis=NOT_STATED,
                    reason=(f"In {f.area_name}, {f.name(entry)} has no named route to the "
                            f"{tier.name} tier; a route to services not named is stated."),
                    evidence=evidence(r.provenance for r in _routes_from(f, entry))))
                continue
            untiered = _untiered(f, reached)
            rows.append(f.row(
                "profession-no-route", entry, tier=tier.id,
                basis=NOT_STATED if untiered else ABSENT,
                reason=(f"In {f.area_name}, {f.name(entry)} refers (to {'; '.join(direct)}) "
                        f"but has no route to the {tier.name} tier "
                        f"({'; '.join(s.name for s in at_tier)}).{untiered}"),
                evidence=evidence([*(r.provenance for r in _routes_from(f, entry)),
                                   *(s.provenance for s in at_tier)])))
    return rows


def _transition(f: _AreaFacts) -> list[dict]:
    rows = []
    for svc in f.services:
        span = svc.span
        if span is None or span.end >= FIFTH_BIRTHDAY:
            continue
        after = next(s for s in f.stages if s.interval.contains_week(span.end))
        ending = Interval(span.end - 1, after.interval.end)
        onward = Interval(span.end, after.interval.end)
        handed = [r for r in f.outbound.get(svc.id, [])
                  if r.kind in _TRANSITION_KINDS
                  and (not r.windows or any(w.overlaps(ending) for w in r.windows))
                  and r.target in f.model.services
                  and f.model.services[r.target].covers(onward)]
        if handed:
            continue
        if svc.window_kind == "seen-at":  # where a source mentions it, not where it ends
            rows.append(f.row(
                "transition", svc.id, stage=after.id, tier=svc.tier, basis=NOT_STATED,
                reason=(f"In {f.area_name}, {svc.name} is seen up to "
                        f"{format_week(span.end)} (where its source mentions it, not a "
                        "window it ends at): whether its care ends there, and who takes "
                        "families on, is not stated."),
                evidence=evidence([svc.provenance])))
            continue
        if not f.within(fact="referrals"):
            rows.append(f.outside("transition", svc.id, f"where {svc.name} hands families "
                                  f"on at {format_week(span.end)}", stage=after.id,
                                  tier=svc.tier, fact="referrals"))
            continue
        unnamed = [r for r in f.outbound.get(svc.id, [])
                   if r.kind in _TRANSITION_KINDS and is_unnamed(f.model, r.target)
                   and (not r.windows or any(w.overlaps(ending) for w in r.windows))]
        if unnamed:
            rows.append(f.row(
                "transition", svc.id, stage=after.id, tier=svc.tier, basis=NOT_STATED,
                reason=(f"In {f.area_name}, {svc.name} ends at {format_week(span.end)} "
                        f"(week {span.end}): hand-over stated, {UNNAMED_TEXT} (whether they "
                        f"cover {after.name} is not stated)."),
                evidence=evidence([svc.provenance, *(r.provenance for r in unnamed)])))
            continue
        window_lines = [c.provenance for c in svc.eligibility
                        if c.windows and max(w.end for w in c.windows) == span.end]
        rows.append(f.row(
            "transition", svc.id, stage=after.id, tier=svc.tier,
            reason=(f"In {f.area_name}, {svc.name} ends at {format_week(span.end)} "
                    f"(week {span.end}) with no hand-over, referral or signposting to a "
                    f"service covering {after.name}."),
            evidence=evidence([svc.provenance, *window_lines])))
    return rows


_FINDERS = {
    "stage-tier": _stage_tier,
    "missing-tier": _missing_tier,
    "stage-concern": _stage_concern,
    "unmentioned-concern": _unmentioned_concern,
    "unstated-window": _unstated_window,
    "no-inbound-referral": _no_inbound_referral,
    "no-route-to-specialist": _no_route_to_specialist,
    "profession-no-route": _profession_no_route,
    "transition": _transition,
}
