"""Scoring areas against criteria sets: one row per area x criterion, levels, questions.

>>> from carepath import load_reference
>>> df = conform(load_reference(), area="dorset", sets=["nice"])
>>> df.set_index("criterion").loc["QS115-6", ["verdict", "evidence"]].tolist()
['not met', ['doc-002:39']]
>>> levels(load_reference(), area="dorset")[["level", "stopped_by"]].values.tolist()
[[1, 'MMHA-2 (not stated)']]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from carepath.conformance.checks import NOT_APPLICABLE, NOT_STATED, Finding, check, scopes
from carepath.conformance.criteria import CriteriaSet, Criterion, load_sets
from carepath.errors import NameLookupError

if TYPE_CHECKING:
    from carepath.graph.model import Model

__all__ = ["COLUMNS", "LEVEL_COLUMNS", "QUESTION_COLUMNS", "conform", "letter", "levels",
           "questions", "select_sets", "side_by_side"]

COLUMNS = ["area", "set", "criterion", "must", "theme", "level", "verdict", "reason",
           "evidence", "passages", "services", "question", "ask", "paraphrase", "source",
           "section", "url"]
LEVEL_COLUMNS = ["area", "set", "level", "rating", "stopped_by", "reason", "evidence"]
QUESTION_COLUMNS = ["area", "service", "provider", "criterion", "question", "reason"]
COMMISSIONER = "(the area's commissioner)"


def select_sets(sets: list[CriteriaSet], wanted: list[str] | None) -> list[CriteriaSet]:
    """``sets`` narrowed to the ids in ``wanted`` (all if None); an unknown id is a
    :class:`NameLookupError` naming the sets there are."""
    if not wanted:
        return sets
    known = {s.id: s for s in sets}
    for w in wanted:
        if w not in known:
            raise NameLookupError(f"unknown criteria set {w!r}; expected one of: "
                                  f"{', '.join(known)}", list(known))
    return [known[w] for w in dict.fromkeys(wanted)]


def _applies(cset: CriteriaSet, model: Model, area: str) -> bool:
    country = model.areas[area].country
    return cset.country is None or country is None or country == cset.country


def _births_finding(crit: Criterion, births: int | None, area_name: str) -> Finding | None:
    """The answer when births decide whether ``crit`` applies: not stated without births,
    not applicable when they fall outside its condition; None when it applies."""
    when = crit.when
    if when is None:
        return None
    bound = (f"more than {when.births_over:,}" if when.births_over is not None
             else f"at most {when.births_at_most:,}")
    if births is None:
        return Finding(NOT_STATED, f"depends on board size: applies with {bound} births a "
                                   "year, and the documents state none (give --births N)",
                       ask=[None])
    over = when.births_over is None or births > when.births_over
    under = when.births_at_most is None or births <= when.births_at_most
    if over and under:
        return None
    return Finding(NOT_APPLICABLE, f"applies with {bound} births a year; {area_name} has "
                                   f"{births:,}")


def _question(crit: Criterion, model: Model, area: str, asked: str | None) -> str:
    text = crit.question or f"Does the area meet {crit.id}: {crit.paraphrase}?"
    who = model.name_of(asked) if asked else f"a service in {model.areas[area].name}"
    return text.replace("{service}", who)


def conform(model: Model, *, area: str | None = None, sets: list[str] | None = None,
            births: int | None = None,
            criteria: list[CriteriaSet] | None = None) -> pd.DataFrame:
    """Every area (or ``area``) scored against every criteria set (or those named).

    Parameters
    ----------
    model : the carepath model.
    area : an area id; default every area.
    sets : criteria set ids (see :func:`carepath.conformance.criteria.load_sets`).
    births : births a year, for criteria that depend on them (Scotland's board-size model);
        default the area's own ``births_per_year`` if its documents state it.
    criteria : the criteria sets to use (default: the bundled ones).

    Returns
    -------
    DataFrame with :data:`COLUMNS`: ``verdict`` is met / not met / not stated / outside
    evidence (or not applicable, when births rule a criterion out); ``evidence`` the
    ``doc:line`` of each fact used, ``passages`` the same with the passage, ``services`` the
    services the facts are about; ``question``
    what to ask (for not stated) and ``ask`` whom (service ids; empty: the commissioner).
    A set for another country is left out for an area whose country its documents state.
    """
    chosen = select_sets(criteria if criteria is not None else load_sets(model=model), sets)
    if area is not None and area not in model.areas:
        raise NameLookupError(f"unknown area {area!r}; expected one of: "
                              f"{', '.join(sorted(model.areas))}", sorted(model.areas))
    areas = [area] if area else sorted(model.areas)
    rows = []
    by_area = scopes(model, areas)
    for area_id in areas:
        scope = by_area[area_id]
        count = births if births is not None else model.areas[area_id].births_per_year
        for cset in chosen:
            if not _applies(cset, model, area_id):
                continue
            for crit in cset.criteria:
                by_births = _births_finding(crit, count, model.areas[area_id].name)
                found = by_births or check(scope, crit.test)
                asked = found.ask if found.verdict == NOT_STATED else []
                question = " / ".join(dict.fromkeys(
                    _question(crit, model, area_id, a) for a in asked))
                if found.question and asked:
                    question = found.question
                elif by_births is not None and asked:
                    question = (f"How many babies are born in {model.areas[area_id].name} "
                                "each year?")
                rows.append({
                    "area": area_id, "set": cset.id, "criterion": crit.id, "must": crit.must,
                    "theme": crit.theme, "level": crit.level, "verdict": found.verdict,
                    "reason": found.reason,
                    "evidence": list(dict.fromkeys(ref for ref, _, _ in found.facts)),
                    "passages": list(dict.fromkeys(f"{ref}: {p}" if p else ref
                                                   for ref, p, _ in found.facts)),
                    "services": list(dict.fromkeys(s for _, _, s in found.facts if s)),
                    "question": question,
                    "ask": [a for a in asked if a],
                    "paraphrase": crit.paraphrase, "source": cset.source.title,
                    "section": crit.section, "url": crit.url})
    df = pd.DataFrame(rows, columns=COLUMNS)
    df["level"] = pd.Series([r["level"] for r in rows], dtype=object)  # a level or None
    return df


def levels(model: Model, *, area: str | None = None, births: int | None = None,
           scored: pd.DataFrame | None = None,
           criteria: list[CriteriaSet] | None = None) -> pd.DataFrame:
    """The level each area reaches on each set that defines levels (the Alliance's 0-5):
    the highest level whose criteria, and every lower level's, are all met; ``stopped_by``
    names the first criterion that is not, with its verdict.

    A level stopped by ``not stated`` or ``outside evidence`` is a floor, not a rating (the
    next level may hold): ``rating`` says "at least N" then, "N" when a criterion is not met
    or every level is met.
    """
    sets = [s for s in (criteria if criteria is not None else load_sets(model=model))
            if s.levels]
    if scored is None:
        scored = conform(model, area=area, births=births, criteria=sets)
    rows = []
    for cset in sets:
        part = scored[scored["set"] == cset.id]
        for area_id, group in part.groupby("area", sort=True):
            reached, stop = 0, None
            for row in group.sort_values("level", kind="stable").itertuples():
                if row.verdict != "met":
                    stop = row
                    break
                reached = int(row.level)
            exact = stop is None or stop.verdict == "not met"
            rows.append({"area": area_id, "set": cset.id, "level": reached,
                         "rating": str(reached) if exact else
                         f"at least {reached}" if reached else "not stated",
                         "stopped_by": f"{stop.criterion} ({stop.verdict})" if stop else "",
                         "reason": stop.reason if stop else "every level met",
                         "evidence": stop.evidence if stop else []})
    return pd.DataFrame(rows, columns=LEVEL_COLUMNS)


def questions(model: Model, scored: pd.DataFrame) -> pd.DataFrame:
    """The not-stated verdicts of ``scored`` as questions, one row per service (or the
    area's commissioner) and criterion, grouped by area and service."""
    rows = []
    for row in scored[scored["verdict"] == NOT_STATED].itertuples():
        asked = row.ask or [None]
        # one question per service asked, joined by " / " (the same text once)
        parts = row.question.split(" / ")
        for i, ident in enumerate(asked):
            rows.append({"area": row.area, "service": ident or "",
                         "provider": model.name_of(ident) if ident else COMMISSIONER,
                         "criterion": row.criterion,
                         "question": parts[min(i, len(parts) - 1)],
                         "reason": row.reason})
    df = pd.DataFrame(rows, columns=QUESTION_COLUMNS)
    # one question per provider: criteria asking the same thing share it
    df = (df.groupby(["area", "service", "provider", "question"], sort=False, as_index=False)
          .agg(criterion=("criterion", ", ".join), reason=("reason", "first")))
    df["_who"] = df["service"] == ""
    df = df.sort_values(["area", "_who", "provider"], kind="stable")
    return df.drop(columns="_who")[QUESTION_COLUMNS].reset_index(drop=True)


def letter(model: Model, asked: pd.DataFrame) -> str:
    """The questions of :func:`questions` as a Markdown letter a planner can send: one
    section per area and provider, numbered questions, the criteria they settle.

    >>> from carepath import load_reference
    >>> m = load_reference()
    >>> text = letter(m, questions(m, conform(m, area="dorset", sets=["mmha"])))
    >>> print(text.splitlines()[0])
    # Questions for Dorset
    """
    out: list[str] = []
    for area_id, group in asked.groupby("area", sort=True):
        out.append(f"# Questions for {model.areas[area_id].name}")
        out.append("")
        out.append("carepath scored this area against national standards from the documents "
                   "it holds. The documents do not settle the points below; an answer (with "
                   "the document that states it) lets the verdict be scored.")
        for provider, rows in group.groupby("provider", sort=False):
            out += ["", f"## {provider}", ""]
            for n, row in enumerate(rows.itertuples(), 1):
                out.append(f"{n}. {row.question} ({row.criterion})")
        out.append("")
    return "\n".join(out)


def side_by_side(scored: pd.DataFrame) -> pd.DataFrame:
    """``scored`` with one row per criterion and one column of verdicts per area (in the
    order the areas come), and ``same``: whether every area has the same verdict.

    >>> from carepath import load_reference
    >>> m = load_reference()
    >>> both = side_by_side(pd.concat([conform(m, area=a, sets=["nice"])
    ...                                for a in ("dorset", "cheshire-merseyside")]))
    >>> both.set_index("criterion").loc["CG192-1"].astype(str).tolist()
    ['nice', 'should', 'met', 'not stated', 'False']
    """
    areas = list(dict.fromkeys(scored["area"]))
    keys = list(dict.fromkeys(zip(scored["set"], scored["criterion"], scored["must"],
                                  strict=True)))
    cell = {(r.area, r.criterion): r.verdict for r in scored.itertuples()}
    rows = []
    for cset, crit, must in keys:
        verdicts = [cell.get((a, crit), "") for a in areas]
        rows.append([cset, crit, must, *verdicts, len(set(verdicts)) == 1])
    return pd.DataFrame(rows, columns=["set", "criterion", "must", *areas, "same"])
