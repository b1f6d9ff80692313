"""What changed between two versions of the data, families first.

:func:`changes` answers the question a board asks of a new version: what did it do to
families' routes, gaps and the facts the documents state? One row per change, in sections
(:data:`SECTIONS`), the families' effect first:

1. ``reachability``: for each entry point (:data:`ENTRY_POINTS`: GP, midwife, health visitor,
   the family itself) and age stage, the specialist services that became reachable or
   unreachable, and why - the relation, window, tier or criterion that changed, with its old
   and new passages;
2. ``eligibility``, ``response-time``, ``tier``, ``part-of``: a stated fact that changed to
   another stated fact;
3. ``gaps``: gaps (:func:`~carepath.queries.gaps.gaps`) opened and closed;
4. ``pathway``: pathway-tool cells whose text changed, as a word diff;
5. ``three-valued``: a fact that went from stated to not stated (a loss of information, not
   a change of service) or the other way;
6. ``services`` and ``relations``: services added, removed or renamed, other service
   fields, relations added or removed;
7. ``re-cited``: the same fact cited elsewhere (a newer document, another line or passage).

Identity across versions: services and areas by id, and a service whose id went while a new
one carries its old name (or its old aliases carry the new name) is the same service renamed;
relations by what they say (kind, ends, stages, concerns, severities, urgency, response time,
level); pathway cells by stage x service x level (and heading).

>>> import copy, dataclasses
>>> from carepath import load_reference
>>> old = load_reference()
>>> new = copy.copy(old)
>>> new.services = dict(old.services)
>>> new.services["dorset-pmmhs"] = dataclasses.replace(old.services["dorset-pmmhs"],
...                                                    response_times=())
>>> found = changes(old, new)
>>> found[["section", "subject", "change", "field"]].values.tolist()
[['three-valued', 'dorset-pmmhs', 'stated -> not stated', 'response_times']]
>>> changes(old, old).empty
True
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx
import pandas as pd

from carepath.graph.model import (
    AgeStage,
    AreaId,
    Model,
    NodeId,
    Provenance,
    Relation,
    Service,
)
from carepath.queries._analysis import ROUTE_KINDS, evidence, relations_by_area, specialists
from carepath.queries.gaps import gaps

SECTIONS: tuple[str, ...] = ("reachability", "eligibility", "response-time", "tier", "part-of",
                             "gaps", "pathway", "three-valued", "services", "relations",
                             "re-cited")
SECTION_TITLES: dict[str, str] = {
    "reachability": "Families' routes to specialist care",
    "eligibility": "Eligibility",
    "response-time": "Response times",
    "tier": "Tiers",
    "part-of": "Part of",
    "gaps": "Gaps opened and closed",
    "pathway": "Pathway-tool text",
    "three-valued": "Stated and not stated",
    "services": "Services",
    "relations": "Relations",
    "re-cited": "Re-cited (same fact, other citation)",
}
ENTRY_POINTS: tuple[NodeId, ...] = (NodeId("gp"), NodeId("midwife"), NodeId("health-visitor"),
                                    NodeId("family"))
COLUMNS = ["section", "area", "subject", "subject_name", "change", "field", "target_name",
           "stages", "old", "new", "why", "old_evidence", "new_evidence"]
_FIELD_SECTIONS = {"eligibility": "eligibility", "response_times": "response-time",
                   "tier": "tier", "part_of": "part-of"}
_NOT_STATED = (None, "", ())


def changes(old: Model, new: Model) -> pd.DataFrame:
    """Every change from ``old`` to ``new``, in :data:`SECTIONS` order (see the module).

    Returns
    -------
    DataFrame with columns ``section, area, subject`` (a service, entry point, relation or
    gap subject), ``subject_name, change`` (e.g. ``became unreachable``, ``changed``,
    ``stated -> not stated``, ``re-cited``), ``field`` (the service field, or the specialist
    service a route reaches), ``stages`` (age stages, reachability only), ``old, new`` (the
    values or passages), ``why`` (the reason in words; a word diff for pathway text) and
    ``old_evidence``, ``new_evidence`` (``source:line`` lists).

    Examples
    --------
    >>> from carepath import load_reference
    >>> from carepath.graph.model import Statement
    >>> old = load_reference()
    >>> new = copy_model(old)
    >>> new.statements = [s for s in old.statements
    ...                   if not (s.source == "gp" and "dorset-pmmhs" in s.targets)]
    >>> found = changes(old, new)
    >>> lost = found[(found.section == "reachability") & (found.subject == "gp")]
    >>> lost[["change", "field"]].values.tolist()
    [['became unreachable', 'dorset-mmhs'], ['became unreachable', 'dorset-pmmhs']]
    >>> print(lost.why.iloc[1])
    relation removed: General practitioner refers to Perinatal and Maternal Mental Health Service
    """
    renames = _renames(old, new)
    rows: list[dict[str, Any]] = []
    rows += _reachability(old, new, renames)
    rows += _services(old, new, renames)
    rows += _gaps(old, new, renames)
    rows += _pathway(old, new, renames)
    rows += _relations(old, new, renames)
    frame = pd.DataFrame(rows, columns=COLUMNS)
    if frame.empty:
        return frame
    frame = frame.astype(object).where(frame.notna(), None)
    order = frame["section"].map(SECTIONS.index)
    return frame.assign(_o=order).sort_values(["_o", "area", "subject"], kind="stable",
                                              na_position="first").drop(columns="_o") \
        .reset_index(drop=True)


def copy_model(model: Model) -> Model:
    """A shallow copy of ``model`` whose tables can be replaced without touching it."""
    return Model(sources=dict(model.sources), areas=dict(model.areas), tiers=model.tiers,
                 stages=model.stages, levels=model.levels, severities=model.severities,
                 urgencies=model.urgencies, concerns=model.concerns,
                 professions=model.professions, interventions=model.interventions,
                 services=dict(model.services), statements=list(model.statements),
                 overlaps=list(model.overlaps), pathway=list(model.pathway))


def word_diff(old: str | None, new: str | None) -> str:
    """``old`` to ``new`` word by word: removed words as ``[-...-]``, added as ``{+...+}``.

    >>> word_diff("refer to the GP", "refer to the health visitor")
    'refer to the [-GP-] {+health visitor+}'
    """
    marks = {"=": "{}", "-": "[-{}-]", "+": "{{+{}+}}"}
    return " ".join(marks[op].format(text) for op, text in word_ops(old, new))


def word_ops(old: str | None, new: str | None) -> list[tuple[str, str]]:
    """``old`` to ``new`` word by word as runs: ``("=", kept)``, ``("-", removed)``,
    ``("+", added)``.

    >>> word_ops("seen within 28 days", "seen within 14 days")
    [('=', 'seen within'), ('-', '28'), ('+', '14'), ('=', 'days')]
    """
    a, b = (old or "").split(), (new or "").split()
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("=", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("-", " ".join(a[i1:i2])))
        if j2 > j1:
            out.append(("+", " ".join(b[j1:j2])))
    return out


# -- identity --------------------------------------------------------------------------------

def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def _renames(old: Model, new: Model) -> dict[str, str]:
    """Old service id -> new id, for services whose id changed while a name carried over."""
    gone = [old.services[s] for s in sorted(old.services.keys() - new.services.keys())]
    came = [new.services[s] for s in sorted(new.services.keys() - old.services.keys())]
    out: dict[str, str] = {}
    for before in gone:
        names = {_norm(n) for n in (before.name, *before.aliases)}
        for after in came:
            if after.id in out.values() or after.area != before.area:
                continue
            if _norm(before.name) in {_norm(n) for n in after.aliases} or \
                    _norm(after.name) in names:
                out[before.id] = after.id
                break
    return out


def _rel_key(rel: Relation, ids: dict[str, str]) -> tuple:
    return (rel.kind.value, ids.get(rel.source, rel.source), ids.get(rel.target, rel.target),
            rel.stage_texts, tuple(sorted(rel.concerns)), tuple(sorted(rel.severities)),
            rel.urgency, rel.response_time, rel.level)


def _describe(model: Model, rel: Relation) -> str:
    from carepath.queries.compare import _describe as describe

    return describe(model, rel, named=True)


def _passage(prov: Provenance | None) -> str | None:
    return None if prov is None else (prov.passage or None)


def _row(section: str, *, area: str | None = None, subject: str | None = None,
         subject_name: str | None = None, change: str, field: str | None = None,
         target_name: str | None = None, stages: str | None = None, old: Any = None,
         new: Any = None, why: str | None = None,
         old_prov: Iterable[Provenance | None] = (),
         new_prov: Iterable[Provenance | None] = ()) -> dict[str, Any]:
    return {"section": section, "area": area, "subject": subject, "subject_name": subject_name,
            "change": change, "field": field, "target_name": target_name, "stages": stages,
            "old": _text(old), "new": _text(new), "why": why, "old_evidence": evidence(old_prov),
            "new_evidence": evidence(new_prov)}


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (tuple, list, frozenset, set)):
        items = sorted(map(str, value)) if isinstance(value, (frozenset, set)) else value
        return "; ".join(str(v) for v in items) or None
    return str(value)


# -- reachability ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Reach:
    """The routes of one area of one version at one stage."""

    graph: nx.MultiDiGraph
    reached: dict[NodeId, set[str]]


def _open_at(model: Model, rel: Relation, stage: AgeStage) -> bool:
    """Whether a family at ``stage`` may travel ``rel``: neither the relation's stages nor
    the target's window state otherwise (a window not stated does not close a route, nor do
    the stages where a source merely sees a service)."""
    if rel.windows and not any(w.overlaps(stage.interval) for w in rel.windows):
        return False
    target = model.services.get(rel.target)
    return target is None or _covers(target, stage)


def _reach(model: Model, area: AreaId, relations: list[Relation], stage: AgeStage,
           ids: dict[str, str]) -> _Reach:
    from carepath.graph.networkx import part_of_relations

    G = nx.MultiDiGraph()
    for rel in [*relations, *(r for r in part_of_relations(model)
                              if model.services[r.target].area == area)]:
        if (rel.kind in ROUTE_KINDS or rel.id.startswith("part-of")) and \
                _open_at(model, rel, stage):
            G.add_edge(ids.get(rel.source, rel.source), ids.get(rel.target, rel.target),
                       key=rel.id, relation=rel)
    wanted = {ids.get(s.id, s.id) for s in specialists(model, area)}
    reached = {e: (nx.descendants(G, e) & wanted if e in G else set()) for e in ENTRY_POINTS}
    return _Reach(G, reached)


def _covers(svc: Service, stage: AgeStage) -> bool:
    """Whether the service's window takes families at ``stage`` (no window, or only the
    stages where a source sees it: not closed)."""
    return not svc.windows or svc.window_kind != "stated" or svc.covers(stage.interval)


def _path_relations(G: nx.MultiDiGraph, entry: str, target: str) -> list[Relation]:
    """The relations on some route from ``entry`` to ``target`` (not looping through either)."""
    if entry not in G or target not in G:
        return []
    upstream = nx.descendants(nx.restricted_view(G, [target], []), entry) | {entry}
    downstream = nx.ancestors(nx.restricted_view(G, [entry], []), target) | {target}
    return [d["relation"] for u, v, d in G.edges(data=True)
            if u in upstream and v in downstream]


def _reachability(old: Model, new: Model, ids: dict[str, str]) -> list[dict[str, Any]]:
    old_rel, new_rel = relations_by_area(old), relations_by_area(new)
    found: dict[tuple, dict[str, Any]] = {}
    stages = new.stages_in_order() or old.stages_in_order()
    for area in sorted(old.areas.keys() | new.areas.keys()):
        for stage in stages:
            before = _reach(old, area, old_rel.get(area, []), stage, ids) \
                if area in old.areas else _Reach(nx.MultiDiGraph(), {})
            after = _reach(new, area, new_rel.get(area, []), stage, {}) \
                if area in new.areas else _Reach(nx.MultiDiGraph(), {})
            for entry in ENTRY_POINTS:
                was, now = before.reached.get(entry, set()), after.reached.get(entry, set())
                for target, change in [*((t, "became unreachable") for t in sorted(was - now)),
                                       *((t, "became reachable") for t in sorted(now - was))]:
                    why = _why(old, new, ids, entry, target, stage, before, after, change)
                    key = (area, entry, target, change, why[0])
                    found.setdefault(key, {"stages": [], "why": why})["stages"].append(
                        stage.name)
    rows = []
    for (area, entry, target, change, _), item in found.items():
        why, old_prov, new_prov, old_text, new_text = item["why"]
        model = new if target in new.services else old
        rows.append(_row("reachability", area=area, subject=entry,
                         subject_name=new.name_of(entry), change=change, field=target,
                         target_name=model.name_of(target), stages=", ".join(item["stages"]),
                         old=old_text, new=new_text, why=why, old_prov=old_prov,
                         new_prov=new_prov))
    return rows


def _why(old: Model, new: Model, ids: dict[str, str], entry: str, target: str,
         stage: AgeStage, before: _Reach, after: _Reach, change: str) -> tuple:
    """Why ``target`` became (un)reachable from ``entry``: the reasons in words, the
    provenances, and the old and new passages."""
    back = {v: k for k, v in ids.items()}
    old_svc = old.services.get(back.get(target, target))
    new_svc = new.services.get(target)
    reasons: list[str] = []
    old_prov: list[Provenance | None] = []
    new_prov: list[Provenance | None] = []
    old_text: list[str] = []
    new_text: list[str] = []
    if new_svc is None:
        reasons.append(f"{old_svc.name} is no longer in the data")
        old_prov.append(old_svc.provenance)
    elif old_svc is None:
        reasons.append(f"{new_svc.name} is new in the data")
        new_prov.append(new_svc.provenance)
    else:
        if old_svc.tier != new_svc.tier:
            reasons.append(f"{new_svc.name}'s tier changed from {old_svc.tier or 'not stated'} "
                           f"to {new_svc.tier or 'not stated'}")
            old_prov.append(old_svc.provenance)
            new_prov.append(new_svc.provenance)
    # the relations on the routes of one version that the other does not have, and the
    # services on them whose windows changed
    old_keys = {_rel_key(r, ids) for r in old.relations}
    new_keys = {_rel_key(r, {}) for r in new.relations}
    lost = [r for r in _path_relations(before.graph, entry, target)
            if not r.id.startswith("part-of") and _rel_key(r, ids) not in new_keys]
    gained = [r for r in _path_relations(after.graph, entry, target)
              if not r.id.startswith("part-of") and _rel_key(r, {}) not in old_keys]
    for rel in lost:
        reasons.append(f"relation removed: {_describe(old, rel)}")
        old_prov.append(rel.provenance)
        old_text.append(_passage(rel.provenance) or "")
    for rel in gained:
        reasons.append(f"relation added: {_describe(new, rel)}")
        new_prov.append(rel.provenance)
        new_text.append(_passage(rel.provenance) or "")
    graph = before.graph if change == "became unreachable" else after.graph
    nodes = {n for r in _path_relations(graph, entry, target) for n in (r.target,)} | {target}
    if change == "became unreachable" and not lost:  # closed by a window elsewhere
        nodes |= set(old.services) & {ids.get(n, n) for n in before.graph.nodes}
    for node in sorted(nodes):
        a, b = old.services.get(back.get(node, node)), new.services.get(node)
        if a is not None and b is not None and a.windows != b.windows and \
                _covers(a, stage) != _covers(b, stage):
            reasons.append(f"{b.name}'s window changed from "
                           f"{', '.join(a.stage_texts) or 'not stated'} to "
                           f"{', '.join(b.stage_texts) or 'not stated'}")
            old_prov.append(a.provenance)
            new_prov.append(b.provenance)
            old_text.append(", ".join(a.stage_texts))
            new_text.append(", ".join(b.stage_texts))
    if not reasons:
        reasons.append("the routes' stage conditions changed")
    return ("; ".join(dict.fromkeys(reasons)), old_prov, new_prov,
            " | ".join(t for t in old_text if t) or None,
            " | ".join(t for t in new_text if t) or None)


# -- services --------------------------------------------------------------------------------

def _fields(svc: Service) -> dict[str, Any]:
    """The service's facts, each as a comparable value (an empty one: not stated)."""
    return {
        "name": svc.name, "area": svc.area, "tier": svc.tier, "level": svc.level,
        "need_min": svc.need_min, "need_max": svc.need_max, "stages": svc.stage_texts,
        "addresses": tuple(sorted(f"{n.concern}" + (f" ({'|'.join(sorted(n.severities))})"
                                                    if n.severities else "")
                                  for n in svc.addresses)),
        "not_addressed": tuple(sorted(svc.not_addressed)),
        "professions": tuple(sorted(svc.professions)),
        "interventions": tuple(sorted(svc.interventions)),
        "eligibility": tuple(f"{c.type}: {c.text}" for c in svc.eligibility),
        "response_times": tuple(f"{r.urgency}: {r.within}" for r in svc.response_times),
        "part_of": svc.part_of, "self_referral": svc.self_referral,
        "valid_from": getattr(svc, "valid_from", None),
        "valid_to": getattr(svc, "valid_to", None),
        "assured_date": getattr(svc, "assured_date", None),
    }


def _field_provenance(svc: Service, field: str) -> list[Provenance | None]:
    if field == "eligibility":
        return [c.provenance for c in svc.eligibility] or [svc.provenance]
    if field == "response_times":
        return [r.provenance for r in svc.response_times] or [svc.provenance]
    if field == "part_of":
        return [svc.part_of_provenance or svc.provenance]
    if field == "self_referral":
        return [svc.self_referral_provenance or svc.provenance]
    return [svc.provenance]


def _field_passages(svc: Service, field: str) -> str | None:
    return " | ".join(p.passage for p in _field_provenance(svc, field)
                      if p is not None and p.passage) or None


def _services(old: Model, new: Model, ids: dict[str, str]) -> list[dict[str, Any]]:
    rows = []
    for sid in sorted(old.services.keys() - new.services.keys() - ids.keys()):
        svc = old.services[sid]
        rows.append(_row("services", area=svc.area, subject=sid, subject_name=svc.name,
                         change="removed", old=svc.name, old_prov=[svc.provenance]))
    for sid in sorted(new.services.keys() - old.services.keys() - set(ids.values())):
        svc = new.services[sid]
        rows.append(_row("services", area=svc.area, subject=sid, subject_name=svc.name,
                         change="added", new=svc.name, new_prov=[svc.provenance]))
    pairs = [(s, s) for s in sorted(old.services.keys() & new.services.keys())]
    pairs += sorted(ids.items())
    for old_id, new_id in pairs:
        a, b = old.services[old_id], new.services[new_id]
        fa, fb = _fields(a), _fields(b)
        if old_id != new_id or a.name != b.name:
            why = [*(["the old name is kept as an alias"] if _norm(a.name) in
                     {_norm(n) for n in b.aliases} else []),
                   *([f"id {old_id} -> {new_id}"] if old_id != new_id else [])]
            named = a.name != b.name
            rows.append(_row("services", area=b.area, subject=new_id, subject_name=b.name,
                             change="renamed", field="name" if named else "id",
                             old=a.name if named else old_id, new=b.name if named else new_id,
                             why="; ".join(why) or None, old_prov=[a.provenance],
                             new_prov=[b.provenance]))
        fb_name = dict(fb, name=fa["name"], part_of=fb["part_of"])
        if ids.get(fa["part_of"]) == fb["part_of"]:
            fb_name["part_of"] = fa["part_of"]
        for field, value in fa.items():
            after = fb_name[field]
            if after == value or field == "name":
                continue
            stated_a, stated_b = value not in _NOT_STATED, after not in _NOT_STATED
            common = {"area": b.area, "subject": new_id, "subject_name": b.name,
                      "field": field, "old_prov": _field_provenance(a, field),
                      "new_prov": _field_provenance(b, field)}
            if stated_a and not stated_b:
                rows.append(_row("three-valued", change="stated -> not stated", old=value,
                                 why="a loss of information: the new version no longer "
                                 "states it (not a change of service)", **common))
            elif stated_b and not stated_a:
                rows.append(_row("three-valued", change="not stated -> stated", new=after,
                                 why="newly stated", **common))
            elif field in _FIELD_SECTIONS:
                rows += _list_changes(_FIELD_SECTIONS[field], a, b, field, value, after,
                                      common)
            else:
                rows.append(_row("services", change="changed", old=value, new=after,
                                 why=_passage_change(a, b, field), **common))
        rows += _recited(a, b, new_id)
    return rows


def _passage_change(a: Service, b: Service, field: str) -> str | None:
    pa, pb = _field_passages(a, field), _field_passages(b, field)
    return None if pa == pb else f"passage: {pa or 'none'} -> {pb or 'none'}"


def _list_changes(section: str, a: Service, b: Service, field: str, old: Any, new: Any,
                  common: dict[str, Any]) -> list[dict[str, Any]]:
    if not isinstance(old, tuple):
        return [_row(section, change="changed", old=old, new=new,
                     why=_passage_change(a, b, field), **common)]
    removed = [x for x in old if x not in new]
    added = [x for x in new if x not in old]
    why = "; ".join([*(f"no longer: {x}" for x in removed), *(f"now: {x}" for x in added)])
    return [_row(section, change="changed", old=removed or None, new=added or None, why=why,
                 **common)]


def _recited(a: Service, b: Service, sid: str) -> list[dict[str, Any]]:
    """Facts of the service that are the same but cited elsewhere."""
    rows = []
    pairs: list[tuple[str, Provenance | None, Provenance | None]] = [
        ("service", a.provenance, b.provenance)]
    old_crit = {(c.type, c.text): c.provenance for c in a.eligibility}
    pairs += [(f"eligibility: {c.text[:60]}", old_crit[(c.type, c.text)], c.provenance)
              for c in b.eligibility if (c.type, c.text) in old_crit]
    old_resp = {(r.urgency, r.within): r.provenance for r in a.response_times}
    pairs += [(f"response time: {r.urgency} {r.within}", old_resp[(r.urgency, r.within)],
               r.provenance) for r in b.response_times if (r.urgency, r.within) in old_resp]
    for what, pa, pb in pairs:
        if pa != pb and pa is not None and pb is not None:
            rows.append(_row("re-cited", area=b.area, subject=sid, subject_name=b.name,
                             change="re-cited", field=what, old=_cite(pa), new=_cite(pb),
                             old_prov=[pa], new_prov=[pb]))
    return rows


def _cite(prov: Provenance) -> str:
    return prov.ref + (f' "{prov.passage}"' if prov.passage else "")


# -- relations -------------------------------------------------------------------------------

def _relations(old: Model, new: Model, ids: dict[str, str]) -> list[dict[str, Any]]:
    before: dict[tuple, list[Relation]] = defaultdict(list)
    after: dict[tuple, list[Relation]] = defaultdict(list)
    for rel in old.relations:
        before[_rel_key(rel, ids)].append(rel)
    for rel in new.relations:
        after[_rel_key(rel, {})].append(rel)
    rows = []
    for key in before.keys() - after.keys():
        for rel in before[key]:
            rows.append(_row("relations", area=_area(old, rel), subject=rel.source,
                             subject_name=old.name_of(rel.source), change="removed",
                             field=rel.kind.value, old=_describe(old, rel),
                             why=_passage(rel.provenance), old_prov=[rel.provenance]))
    for key in after.keys() - before.keys():
        for rel in after[key]:
            rows.append(_row("relations", area=_area(new, rel), subject=rel.source,
                             subject_name=new.name_of(rel.source), change="added",
                             field=rel.kind.value, new=_describe(new, rel),
                             why=_passage(rel.provenance), new_prov=[rel.provenance]))
    for key in before.keys() & after.keys():
        olds = {r.provenance for r in before[key]}
        news = {r.provenance for r in after[key]}
        if olds != news:
            rel = after[key][0]
            rows.append(_row("re-cited", area=_area(new, rel), subject=rel.source,
                             subject_name=new.name_of(rel.source), change="re-cited",
                             field=_describe(new, rel),
                             old="; ".join(sorted(_cite(p) for p in olds - news)),
                             new="; ".join(sorted(_cite(p) for p in news - olds)),
                             old_prov=sorted(olds - news, key=lambda p: p.ref),
                             new_prov=sorted(news - olds, key=lambda p: p.ref)))
    return sorted(rows, key=lambda r: (r["change"], r["area"] or "", r["old"] or r["new"]
                                       or ""))


def _area(model: Model, rel: Relation) -> str | None:
    for end in (rel.source, rel.target):
        if end in model.services:
            return model.services[end].area
    return None


# -- gaps and pathway cells ------------------------------------------------------------------

def _gap_key(row: dict[str, Any], ids: dict[str, str]) -> tuple:
    """A gap's identity: area, kind, subject (a renamed service mapped), stage, concern. The
    tier is left out: it is the subject of the tier kinds, and a service kind's tier is a
    fact about the service (a change there is reported with the service)."""
    return (row["area"], row["kind"], ids.get(row["subject"], row["subject"]), row["stage"],
            row["concern"])


def _cited_ref(ref: str) -> Provenance:
    source, _, line = ref.partition(":")
    return Provenance(source, int(line) if line.isdigit() else None)


def _gaps(old: Model, new: Model, ids: dict[str, str]) -> list[dict[str, Any]]:
    """Gaps opened and closed, one row per area, kind, subject, concern and basis (the
    stages it spans listed together)."""
    def table(model: Model) -> list[dict[str, Any]]:
        return [{k: (None if isinstance(v, float) and v != v else v) for k, v in r.items()}
                for r in gaps(model).to_dict("records")]

    before = {_gap_key(r, ids): r for r in table(old)}
    after = {_gap_key(r, {}): r for r in table(new)}
    grouped: dict[tuple, list[dict[str, Any]]] = {}
    for change, keys, found in (("closed", before.keys() - after.keys(), before),
                                ("opened", after.keys() - before.keys(), after)):
        for key in keys:
            gap = found[key]
            group = (gap["area"], change, gap["kind"], key[2], gap["concern"], gap["basis"])
            grouped.setdefault(group, []).append(gap)
    rows = []
    for (area, change, kind, subject, _, basis), items in sorted(
            grouped.items(), key=lambda kv: tuple(str(x) for x in kv[0])):
        gap = items[0]
        stages = [g["stage"] for g in items if g["stage"]]
        provs = [_cited_ref(ref) for g in items for ref in g["evidence"]]
        reason = gap["reason"] + (f" (and {len(items) - 1} more stages)" if len(items) > 1
                                  else "")
        rows.append(_row("gaps", area=area, subject=subject, subject_name=gap["subject_name"],
                         change=change, field=kind,
                         stages=", ".join(dict.fromkeys(stages)) or None,
                         old=reason if change == "closed" else None,
                         new=reason if change == "opened" else None, why=f"basis: {basis}",
                         old_prov=provs if change == "closed" else (),
                         new_prov=provs if change == "opened" else ()))
    return rows


def _pathway(old: Model, new: Model, ids: dict[str, str]) -> list[dict[str, Any]]:
    def key(cell: Any, mapping: dict[str, str]) -> tuple:
        return (cell.stage_text, mapping.get(cell.service, cell.service), cell.level or "",
                cell.heading or "")

    before = {key(c, ids): c for c in old.pathway}
    after = {key(c, {}): c for c in new.pathway}
    rows = []
    for k in sorted(before.keys() | after.keys()):
        a, b = before.get(k), after.get(k)
        subject = f"{k[0]} x {k[1]}" + (f" x {k[2]}" if k[2] else "")
        svc = (b or a).service
        area = (new if b else old).services.get(svc)
        common = {"area": area.area if area else None, "subject": subject,
                  "subject_name": (new if b else old).name_of(svc)}
        if a is None or b is None:
            cell = a or b
            text = " ".join(filter(None, [cell.rationale, *cell.actions]))
            rows.append(_row("pathway", change="removed" if b is None else "added",
                             field=cell.heading, old=text if b is None else None,
                             new=text if a is None else None,
                             old_prov=[a.provenance] if a else (),
                             new_prov=[b.provenance] if b else (), **common))
            continue
        for field, x, y in (("rationale", a.rationale, b.rationale),
                            ("actions", " ".join(a.actions), " ".join(b.actions))):
            if x != y:
                rows.append(_row("pathway", change="text changed", field=field, old=x, new=y,
                                 why=word_diff(x, y), old_prov=[a.provenance],
                                 new_prov=[b.provenance], **common))
        if a.provenance != b.provenance and a.rationale == b.rationale \
                and a.actions == b.actions:
            rows.append(_row("re-cited", change="re-cited", field="pathway cell",
                             old=_cite(a.provenance), new=_cite(b.provenance),
                             old_prov=[a.provenance], new_prov=[b.provenance], **common))
    return rows

