"""The tests a criterion can hold, each answering met / not met / not stated for one area.

``not met`` only where the documents state the opposite (a stated window that stops short, a
stated response time that is longer, a service that states it does not address a concern);
everything the documents leave out is ``not stated``, never ``not met``: lists of
professions, interventions, concerns and relations are open (a team the documents do not say
has a nurse may have one). Each answer carries the facts it rests on (``doc:line`` and the
passage) and, when not stated, whom to ask.

>>> from carepath import load_reference
>>> from carepath.conformance.criteria import Test
>>> scope = Scope.of(load_reference(), "dorset")
>>> found = check(scope, Test(responds={"tiers": ["specialist-perinatal"],
...                                     "urgency": "routine", "within_days": 14}))
>>> found.verdict, found.facts[0][0]
('not met', 'doc-002:39')
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from carepath.conformance.criteria import Test
from carepath.graph.model import Model, Provenance, Service
from carepath.graph.stages import Interval, format_week, parse_range

__all__ = ["FUNCTIONS", "MET", "NOT_APPLICABLE", "NOT_MET", "NOT_STATED", "OUTSIDE",
           "VERDICTS", "Finding", "Scope", "check", "scopes"]

MET, NOT_MET, NOT_STATED, OUTSIDE = "met", "not met", "not stated", "outside evidence"
NOT_APPLICABLE = "not applicable"
VERDICTS = (MET, NOT_MET, NOT_STATED, OUTSIDE, NOT_APPLICABLE)
"""Every verdict; ``not applicable`` only where births decide a criterion does not apply."""

Fact = tuple[str, str, str]  # ("doc-002:39", "the passage", the service it is about, or "")


@dataclass
class Finding:
    """A test's answer: the verdict, why, the facts used, and for ``not stated`` the services
    to ask (None: the area's commissioner, when no service is named)."""

    verdict: str
    reason: str
    facts: list[Fact] = field(default_factory=list)
    ask: list[str | None] = field(default_factory=list)
    question: str | None = None  # a question of its own (the criterion's does not fit)


@dataclass(frozen=True)
class Scope:
    """What a test looks at: one area's services and the relations that touch them."""

    model: Model
    area: str
    services: tuple[Service, ...]
    relations: tuple = ()

    @classmethod
    def of(cls, model: Model, area: str) -> Scope:
        return scopes(model, [area])[area]

    @cached_property
    def by_kind(self) -> dict[str, list]:
        """The area's relations by kind (``"refers_to"``...), made once."""
        grouped: dict = {}
        for rel in self.relations:
            grouped.setdefault(rel.kind, []).append(rel)
        return {kind.value: rels for kind, rels in grouped.items()}

    @cached_property
    def referrals_from(self) -> dict[str, list]:
        """The area's referrals by who makes them."""
        edges: dict[str, list] = {}
        for rel in self.by_kind.get("refers_to", []):
            edges.setdefault(rel.source, []).append(rel)
        return edges

    def of_tier(self, tier: str | None) -> list[Service]:
        return [s for s in self.services if tier is None or s.tier == tier]

    def tier_name(self, tier: str) -> str:
        return self.model.name_of(tier)


def fact(model: Model, prov: Provenance, service: Service | None = None) -> Fact:
    """``(doc:line, passage, service id)``; a fact without its own passage borrows the
    service's passage stated on the same line, if any."""
    passage = prov.passage
    if passage is None and service is not None and prov.line is not None:
        same = [e for e in (service.provenance, *service.evidence)
                if e.line == prov.line and e.passage]
        passage = same[0].passage if same else None
    return prov.ref, passage or "", service.id if service is not None else ""


def _service_fact(scope: Scope, svc: Service) -> Fact:
    return fact(scope.model, svc.provenance, svc)


def _names(scope: Scope, services: list[Service]) -> str:
    return ", ".join(s.name for s in services)


def _none_of_tier(scope: Scope, tier: str | None) -> Finding:
    what = f"{scope.tier_name(tier)} service" if tier else "service"
    area = scope.model.areas[scope.area].name
    return Finding(NOT_STATED, f"the documents name no {what} in this area", ask=[None],
                   question=f"The documents name no {what[0].lower() + what[1:]} for "
                            f"{area}: is there one, and which is it?")


def _tops(found: list[Service]) -> list[Service]:
    """``found`` without the services that are part of another one in it (the whole speaks
    for its parts: their team and response times are the whole's)."""
    ids = {s.id for s in found}
    return [s for s in found if s.part_of not in ids]


def _covered(windows: tuple[Interval, ...], need: Interval) -> bool:
    """Whether the union of ``windows`` holds all of ``need``."""
    reach = need.start
    for w in sorted(windows):
        if w.start > reach:
            break
        reach = max(reach, w.end)
    return reach >= need.end


def _check_service(scope: Scope, test) -> Finding:
    needs = [parse_range(t) for t in test.covers] or [Interval(0, 1)]
    need = Interval(min(n.start for n in needs), max(n.end for n in needs))
    wanted = f"{format_week(need.start)} to {format_week(need.end)}"
    found = scope.of_tier(test.tier)
    if not found:
        return _none_of_tier(scope, test.tier)
    if not test.covers:
        return Finding(MET, f"the documents name {_names(scope, found)}",
                       [_service_fact(scope, s) for s in found])
    covering = [s for s in found if s.windows and _covered(s.windows, need)]
    if covering:
        return Finding(MET, f"{_names(scope, covering)} covers {wanted} "
                            f"({'; '.join(covering[0].stage_texts)})",
                       [_service_fact(scope, s) for s in covering])
    ids = {s.id for s in found}  # a part with no window of its own: its whole's speaks
    # a window is a limit only where it is stated as one: stages where a source merely sees
    # the service (seen-at) say nothing of where its care ends (a by-discussion margin is no
    # offer of care: the stated window still falls short)
    limits = {s.id for s in found if s.windows and s.window_kind == "stated"}
    silent = [s for s in found if s.id not in limits and (s.windows or s.part_of not in ids)]
    stated = [s for s in found if s.id in limits]
    if silent:
        return Finding(NOT_STATED, f"no window stated for {_names(scope, silent)}",
                       [_service_fact(scope, s) for s in stated + silent],
                       ask=[s.id for s in silent])
    return Finding(NOT_MET, "; ".join(f"{s.name} states {'; '.join(s.stage_texts)}, short of "
                                      f"{wanted}" for s in stated),
                   [_service_fact(scope, s) for s in stated])


def _check_team(scope: Scope, test, attribute: str, table: dict) -> Finding:
    found = _tops(scope.of_tier(test.tier))
    if not found:
        return _none_of_tier(scope, test.tier)
    noun = "professions" if attribute == "professions" else "interventions"

    def holds(svc: Service) -> bool:
        have = set(getattr(svc, attribute))
        return (set(test.all) <= have and (not test.any or bool(have & set(test.any)))
                and len(have) >= (test.at_least or 0))

    def name(ident: str) -> str:
        return table[ident].name if ident in table else ident.replace("-", " ")

    def missing(svc: Service) -> str:
        have = set(getattr(svc, attribute))
        bits = [f"no {name(i)} named" for i in test.all if i not in have]
        if test.any and not have & set(test.any):
            bits.append(f"no {' or '.join(name(i) for i in test.any)} named")
        if test.at_least and len(have) < test.at_least:
            bits.append(f"{len(have) or 'no'} {noun} named, not {test.at_least}")
        return ", ".join(bits)

    meeting = [s for s in found if holds(s)]
    if meeting:
        svc = meeting[0]
        have = list(getattr(svc, attribute))
        named = [i for i in have if i in set(test.all) | set(test.any)]
        listed = ", ".join(name(i) for i in named)
        if test.at_least:
            listed = (f"{listed}; " if listed else "") + f"{len(have)} {noun}"
        cited = _mentions(svc, [table[i] for i in (named or have) if i in table])
        return Finding(MET, f"{svc.name} lists {listed}",
                       [fact(scope.model, e, svc) for e in cited])
    return Finding(NOT_STATED, "; ".join(f"{svc.name}: {missing(svc)}" for svc in found)
                   + f" (a list of {noun} may be incomplete)",
                   [_service_fact(scope, s) for s in found], ask=[s.id for s in found])


_GENERIC = {"perinatal", "parent-infant", "maternal", "mental", "specialist", "family",
            "infant", "parent"}


def _mentions(svc: Service, terms: list) -> list[Provenance]:
    """The service's passages that name any of ``terms`` (by name, alias or the name's first
    word), else the service's own citation."""
    words: set[str] = set()
    for term in terms:
        for text in (term.name, *term.aliases):
            words.add(text.lower())
            first = text.split()[0].strip("(),").lower()
            if len(first) >= 5 and first not in _GENERIC:
                words.add(first)
    found = [e for e in (svc.provenance, *svc.evidence)
             if e.passage and any(w in e.passage.lower() for w in words)]
    return found[:4] or [svc.provenance]


def _check_addresses(scope: Scope, test) -> Finding:
    found = scope.of_tier(test.tier)
    if not found:
        return _none_of_tier(scope, test.tier)
    names = " and ".join(scope.model.name_of(c) for c in test.all)
    meeting = [s for s in found if set(test.all) <= s.concerns]
    if meeting:
        return Finding(MET, f"{_names(scope, meeting)} addresses {names}",
                       [_service_fact(scope, s) for s in meeting])
    refusing = [s for s in found if set(test.all) & set(s.not_addressed)]
    if refusing and len(refusing) == len(found):
        return Finding(NOT_MET, f"{_names(scope, refusing)} states it does not address "
                                f"{names}", [_service_fact(scope, s) for s in refusing])
    open_ = [s for s in found if s not in refusing]
    if test.tier is None:  # a question about the whole area: its commissioner answers it
        return Finding(NOT_STATED, f"the documents name no service in this area that "
                                   f"addresses {names}", ask=[None])
    return Finding(NOT_STATED, f"the documents do not say {_names(scope, open_)} addresses "
                               f"{names}", [_service_fact(scope, s) for s in found],
                   ask=[s.id for s in open_])


def scopes(model: Model, areas: list[str]) -> dict[str, Scope]:
    """A :class:`Scope` for each of ``areas``, from one pass over the services and one over
    the relations (a national model has a million relations: never one pass per area)."""
    wanted = set(areas)
    services: dict[str, list[Service]] = {a: [] for a in areas}
    for svc in model.services.values():
        if svc.area in wanted:
            services[svc.area].append(svc)
    area_of = {s.id: a for a, found in services.items() for s in found}
    relations: dict[str, list] = {a: [] for a in areas}
    for rel in model.relations:
        touched = {area_of.get(rel.source), area_of.get(rel.target)} - {None}
        for area in touched:
            relations[area].append(rel)
    return {a: Scope(model, a, tuple(sorted(services[a], key=lambda s: s.id)),
                     tuple(relations[a])) for a in areas}


def _relation_fact(scope: Scope, rel) -> Fact:
    svc = scope.model.services.get(rel.source) or scope.model.services.get(rel.target)
    return fact(scope.model, rel.provenance, svc)


def _check_route(scope: Scope, test) -> Finding:
    targets = {s.id for s in scope.of_tier(test.to_tier)}
    if not targets:
        return _none_of_tier(scope, test.to_tier)
    starts = set(test.source) | {s.id for s in scope.of_tier(test.from_tier)
                                 if test.from_tier}
    edges = scope.referrals_from
    frontier = [(s, []) for s in sorted(starts)]
    seen = set(starts)
    for _ in range(test.max_hops):
        nxt = []
        for node, path in frontier:
            for rel in edges.get(node, []):
                if rel.target in targets:
                    hops = [*path, rel]
                    chain = " -> ".join([scope.model.name_of(hops[0].source),
                                         *(scope.model.name_of(r.target) for r in hops)])
                    return Finding(MET, f"referral route {chain}",
                                   [_relation_fact(scope, r) for r in hops])
                if rel.target not in seen:
                    seen.add(rel.target)
                    nxt.append((rel.target, [*path, rel]))
        frontier = nxt
    tier = scope.tier_name(test.to_tier)
    return Finding(NOT_STATED, f"the documents state no referral route to the {tier} "
                               f"service from {', '.join(sorted(starts)) or 'its entry points'}",
                   ask=sorted(targets))


def _check_responds(scope: Scope, test) -> Finding:
    found = _tops([s for t in test.tiers for s in scope.of_tier(t)])
    if not found:
        return Finding(NOT_STATED, "the documents name no "
                       + " or ".join(scope.tier_name(t) for t in test.tiers)
                       + " service in this area", ask=[None])
    limit = test.within_days * 24
    urgency = scope.model.name_of(test.urgency)
    meeting, slower, silent = [], [], []
    for svc in found:
        times = [r for r in scope.model.response_times_of(svc) if r.urgency == test.urgency]
        if not times:
            silent.append(svc)
        elif any(r.hours is not None and r.hours <= limit for r in times):
            meeting.append((svc, times))
        elif all(r.hours is not None for r in times):
            slower.append((svc, times))
        else:
            silent.append(svc)
    days = f"{test.within_days:g} days"
    if meeting:
        svc, times = meeting[0]
        return Finding(MET, f"{svc.name}: {urgency} referrals within {times[0].within} "
                            f"(at most {days})", [fact(scope.model, times[0].provenance, svc)])
    if slower and not silent:
        return Finding(NOT_MET, "; ".join(f"{s.name} states {urgency} referrals within "
                                          f"{t[0].within}, longer than {days}"
                                          for s, t in slower),
                       [fact(scope.model, t[0].provenance, s) for s, t in slower])
    return Finding(NOT_STATED, f"no {urgency} response time stated for {_names(scope, silent)}",
                   [fact(scope.model, t[0].provenance, s) for s, t in slower]
                   + [_service_fact(scope, s) for s in silent], ask=[s.id for s in silent])


def _check_relation(scope: Scope, test) -> Finding:
    sources = {s.id for s in scope.of_tier(test.from_tier)}
    if not sources:
        return _none_of_tier(scope, test.from_tier)
    targets = {s.id for s in scope.of_tier(test.to_tier)} if test.to_tier else None
    model = scope.model
    found = [r for kind in test.kinds for r in scope.by_kind.get(kind, [])
             if r.source in sources
             and (targets is None or r.target in targets) and r.target != r.source
             and (test.concern is None or test.concern in r.concerns)]
    kinds = " or ".join(k.replace("_", " ") for k in test.kinds)
    to = f"the {scope.tier_name(test.to_tier)} service" if test.to_tier else "other services"
    if found:
        shown = "; ".join(dict.fromkeys(f"{model.name_of(r.source)} {r.kind.label} "
                                        f"{model.name_of(r.target)}" for r in found[:3]))
        return Finding(MET, shown, [_relation_fact(scope, r) for r in found[:3]])
    if targets is not None and not targets:
        return _none_of_tier(scope, test.to_tier)
    concern = f" for {model.name_of(test.concern)}" if test.concern else ""
    return Finding(NOT_STATED, f"the documents state no {kinds} relation from "
                               f"{', '.join(model.name_of(s) for s in sorted(sources))} to "
                               f"{to}{concern}", ask=sorted(sources))


def _check_all(scope: Scope, tests: list[Test]) -> Finding:
    parts = [check(scope, t) for t in tests]
    facts = list(dict.fromkeys(f for p in parts for f in p.facts))
    for verdict in (NOT_MET, NOT_STATED):
        hit = [p for p in parts if p.verdict == verdict]
        if hit:
            met = [p.reason for p in parts if p.verdict == MET]
            reason = "; ".join(p.reason for p in hit)
            if met:
                reason += " (met: " + "; ".join(met) + ")"
            return Finding(verdict, reason, facts,
                           list(dict.fromkeys(a for p in hit for a in p.ask)))
    return Finding(MET, "; ".join(p.reason for p in parts), facts)


# -- the Python escape hatch: named functions for what a declarative test cannot say -------

def under_twos_accepted(scope: Scope) -> Finding:
    """No exclusion of children under 2 from the area's parent-infant services: met when a
    specialist parent-infant service states a window covering birth to two years, not met
    when every such service states a window that leaves part of it out, else not stated."""
    return _check_service(scope, _Covers("specialist-parent-infant",
                                         ["Birth - 2 years"]))


@dataclass(frozen=True)
class _Covers:
    tier: str
    covers: list[str]


FUNCTIONS: dict[str, Callable[[Scope], Finding]] = {
    "under_twos_accepted": under_twos_accepted,
}
"""The escape hatch: functions a criterion names with ``test: {function: NAME}``."""


def check(scope: Scope, test: Test) -> Finding:
    """The answer of ``test`` for the area of ``scope`` (see the module's rules)."""
    kind = test.kind
    body = getattr(test, kind)
    model = scope.model
    if kind == "service":
        return _check_service(scope, body)
    if kind == "staffed_by":
        return _check_team(scope, body, "professions", model.professions)
    if kind == "delivers":
        return _check_team(scope, body, "interventions", model.interventions)
    if kind == "addresses":
        return _check_addresses(scope, body)
    if kind == "route":
        return _check_route(scope, body)
    if kind == "responds":
        return _check_responds(scope, body)
    if kind == "relation":
        return _check_relation(scope, body)
    if kind == "all_of":
        return _check_all(scope, body)
    if kind == "function":
        return FUNCTIONS[body](scope)
    if kind == "outside":
        return Finding(OUTSIDE, f"needs {body}; never scored")
    found = _tops(scope.of_tier(body.tier))
    return Finding(NOT_STATED, f"carepath's data holds no field for {body.what}",
                   [_service_fact(scope, s) for s in found],
                   ask=[s.id for s in found] or [None])
