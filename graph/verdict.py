"""The one place an analysis may reach "no": verdicts read from what the documents state.

What a document does not say is never a "no". Every analysis (``eligible``, ``routes``,
``need``, the route graphs of ``gaps``) asks these functions before it answers "no" or leaves
a service out, and each function reads the open-world facts the data records with their
passages:

- **lists are open** unless their passage closes them (``Service.addresses_closed``,
  ``Service.criteria_closed``): a concern missing from an example list is "not stated";
- **windows**: a stated window (``window_kind: stated``) closes; stages where a pathway cell
  mentions a service (``window_kind: seen-at``) say where it is seen, not where it ends;
- **by-discussion margins** (``Service.by_discussion``): beyond the window, "discussed on an
  individual basis" is its own verdict, :data:`BY_DISCUSSION`;
- **parts inherit** their parent's terms (inclusion criteria, exclusions, response times,
  the closed-list and by-discussion readings) where they state none of their own;
- **conditions** (``Service.conditions``: births a year) are "depends on board size" until a
  board's births are given.

Each verdict is ``yes``, ``no``, ``unknown`` or ``by discussion`` with a reason and the
provenance it rests on.

>>> from carepath import load_reference
>>> m = load_reference()
>>> window_at(m, m.services["dorset-pmmhs"], 130).value   # 30 months: line 7's margin
'by discussion'
>>> need_of(m, m.services["cm-pimhs"], "domestic-abuse").value  # an open list
'unknown'
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from carepath.graph.model import (
    BY_DISCUSSION,
    NO,
    UNKNOWN,
    YES,
    Condition,
    Criterion,
    Model,
    Provenance,
    Relation,
    ResponseTime,
    Service,
)
from carepath.graph.stages import format_week

__all__ = ["BY_DISCUSSION", "Terms", "Verdict", "combine", "conditions_at", "criteria_at",
           "hop_at", "need_of", "terms_of", "window_at"]

ORDER = (NO, BY_DISCUSSION, UNKNOWN, YES)
"""How verdicts combine: the first of these that any part gives wins."""


class Verdict(NamedTuple):
    """A verdict, why, and the provenance it rests on."""

    value: str
    reason: str = ""
    evidence: tuple[Provenance, ...] = ()

    def __str__(self) -> str:
        return f"{self.value}: {self.reason}" if self.reason else self.value


class Terms(NamedTuple):
    """A service's terms after inheritance from the services it is part of."""

    inclusions: tuple[Criterion, ...]
    exclusions: tuple[Criterion, ...]
    response_times: tuple[ResponseTime, ...]
    criteria_closed: Provenance | None
    by_discussion: Provenance | None
    inherited_from: tuple[str, ...]  # the ids whose terms were taken, nearest first


def combine(values: Iterable[str]) -> str:
    """``no`` if any is no, then ``by discussion``, then ``unknown``; ``yes`` if all are yes
    (and for none).

    >>> combine(["yes", "by discussion", "unknown"]), combine(["yes"]), combine([])
    ('by discussion', 'yes', 'yes')
    """
    said = set(values)
    return next((v for v in ORDER if v in said), YES)


def terms_of(model: Model, svc: Service) -> Terms:
    """``svc``'s terms: its own, and for each kind it states none of, its parent's (up the
    ``part_of`` chain).

    >>> from carepath import load_reference
    >>> m = load_reference()
    >>> t = terms_of(m, m.services["dorset-mmhs"])   # doc-002:11 reaches the part
    >>> [c.provenance.ref for c in t.exclusions], t.inherited_from
    (['doc-002:11'], ('dorset-pmmhs',))
    """
    inclusions = tuple(c for c in svc.eligibility if c.type == "inclusion")
    exclusions = tuple(c for c in svc.eligibility if c.type == "exclusion")
    responses, closed, margin = svc.response_times, svc.criteria_closed, svc.by_discussion
    own_inclusions = bool(inclusions)
    seen, parents = {svc.id}, []
    parent = model.services.get(svc.part_of) if svc.part_of else None
    while parent is not None and parent.id not in seen:
        seen.add(parent.id)
        took = False
        if not inclusions:
            inclusions = tuple(c for c in parent.eligibility if c.type == "inclusion")
            took |= bool(inclusions)
        if not exclusions:
            exclusions = tuple(c for c in parent.eligibility if c.type == "exclusion")
            took |= bool(exclusions)
        if not responses:
            responses = parent.response_times
            took |= bool(responses)
        if closed is None and not own_inclusions:  # a list's reading goes with the list
            closed = parent.criteria_closed
        if margin is None:
            margin = parent.by_discussion
            took |= margin is not None
        if took:
            parents.append(parent.id)
        parent = model.services.get(parent.part_of) if parent.part_of else None
    return Terms(inclusions, exclusions, responses, closed, margin, tuple(parents))


def _when(week: float) -> str:
    return format_week(round(week)) if float(week).is_integer() else f"week {week}"


def window_at(model: Model, svc: Service, week: float) -> Verdict:
    """Whether ``svc``'s window takes a family at ``week``.

    ``no`` only outside a stated window with no stated margin; ``by discussion`` outside a
    stated window with one; ``unknown`` with no window, or outside stages where the service is
    only seen (``window_kind: seen-at``).

    >>> from carepath import load_reference
    >>> m = load_reference()
    >>> window_at(m, m.services["p05-midwifery"], -20).value   # seen postnatally, not closed
    'unknown'
    >>> window_at(m, m.services["dorset-pmmhs"], 52).value
    'yes'
    """
    stated = "; ".join(svc.stage_texts)
    when = _when(week)
    if not svc.windows:
        return Verdict(UNKNOWN, "no age window stated")
    if any(w.contains_week(week) for w in svc.windows):
        return Verdict(YES, f"covers {when} ({stated})", (svc.provenance,))
    if svc.window_kind == "seen-at":
        return Verdict(UNKNOWN, f"seen at {stated} in its source; no window is stated, so "
                       f"{when} is not stated", (svc.provenance,))
    margin = terms_of(model, svc).by_discussion
    if margin is not None:
        return Verdict(BY_DISCUSSION, f"outside its window at {when} ({stated}); "
                       f"\"{margin.passage}\"", (margin,))
    return Verdict(NO, f"outside its window at {when} ({stated})", (svc.provenance,))


def need_of(model: Model, svc: Service, concern: str,
            severity: str | None = None) -> Verdict:
    """Whether ``svc`` addresses ``concern`` (at ``severity``).

    ``no`` only where a document says it does not (``not_addressed``), or the concern is
    missing from a list whose passage closes it, or a stated severity list excludes the
    severity; a concern missing from an open (example) list is ``unknown``.

    >>> from carepath import load_reference
    >>> m = load_reference()
    >>> need_of(m, m.services["cm-iapt"], "parent-infant-relationship").value
    'no'
    >>> need_of(m, m.services["p05-midwifery"], "anxiety").value
    'unknown'
    """
    name = model.name_of(concern)
    need = next((n for n in svc.addresses if n.concern == concern), None)
    if concern in svc.not_addressed:
        return Verdict(NO, f"states it does not address {name}", (svc.provenance,))
    if need is None and svc.addresses and svc.addresses_closed is not None:
        addressed = ", ".join(model.name_of(n.concern) for n in svc.addresses)
        return Verdict(NO, f"does not address {name} (addresses only: {addressed})",
                       (svc.addresses_closed,))
    if need is None and svc.addresses:
        addressed = ", ".join(model.name_of(n.concern) for n in svc.addresses)
        return Verdict(UNKNOWN, f"{name} not stated (the documents name {addressed}, "
                       "not as a complete list)")
    if need is None:
        return Verdict(UNKNOWN, "concerns addressed not stated")
    if severity is not None and need.severities and severity not in need.severities:
        return Verdict(NO, f"does not address {name} at {model.name_of(severity)} (only at "
                       f"{', '.join(sorted(need.severities))})", (svc.provenance,))
    if severity is not None and not need.severities:
        return Verdict(UNKNOWN, f"addresses {name}; severities not stated")
    at = f" at {model.name_of(severity)}" if severity else ""
    return Verdict(YES, f"addresses {name}{at}", (svc.provenance,))


def _matches(crit: Criterion, *, week: float, concern: str | None, severity: str | None,
             parent_age: float | None) -> tuple[int | None, bool]:
    """How many of ``crit``'s conditions the profile meets (0 if it fails one, None if the
    profile speaks to none), and whether the only failure is its window."""
    results: list[tuple[bool, str]] = []
    if crit.windows:
        results.append((any(w.contains_week(week) for w in crit.windows), "window"))
    if crit.concerns and concern is not None:
        results.append((concern in crit.concerns, "concern"))
    if crit.severities and severity is not None:
        results.append((severity in crit.severities, "severity"))
    if crit.parent_age_below is not None and parent_age is not None:
        results.append((parent_age < crit.parent_age_below, "age"))
    if crit.parent_age_from is not None and parent_age is not None:
        results.append((parent_age >= crit.parent_age_from, "age"))
    if not results:
        return None, False
    failed = [what for ok, what in results if not ok]
    return (len(results) if not failed else 0), failed == ["window"]


def criteria_at(model: Model, svc: Service, *, week: float, concern: str | None = None,
                severity: str | None = None) -> Verdict:
    """The inclusion criteria (``svc``'s, else inherited) against a family's profile.

    ``yes`` if one is met; ``no`` only when the criteria are stated to be the only ones
    (``criteria_closed``) and every one fails a condition the profile speaks to;
    ``by discussion`` when a met-but-for-the-window criterion has a stated margin; else
    ``unknown`` (an open list: the family may be taken on grounds it does not name).

    >>> from carepath import load_reference
    >>> m = load_reference()
    >>> criteria_at(m, m.services["scot-imh-team"], week=26,
    ...             concern="parent-infant-relationship").value   # doc-003:79 "including"
    'unknown'
    """
    terms = terms_of(model, svc)
    if not terms.inclusions:
        return Verdict("")
    scored = [(c, *_matches(c, week=week, concern=concern, severity=severity,
                            parent_age=None)) for c in terms.inclusions]
    best = max((n for _, n, _ in scored if n), default=0)
    if best:
        met = [c for c, n, _ in scored if n == best]
        return Verdict(YES, "; ".join(f"meets: {c.text}" for c in met),
                       tuple(c.provenance for c in met))
    unchecked = [c for c, n, _ in scored if n is None]
    near = [c for c, _, only_window in scored if only_window]
    if terms.criteria_closed is not None and near and terms.by_discussion is not None:
        refs = ", ".join(dict.fromkeys(c.provenance.ref for c in near))
        also = (f"; {len(unchecked)} more for a person to check" if unchecked else "")
        return Verdict(BY_DISCUSSION, f"outside the windows of the {len(near)} criteria it "
                       f"otherwise fits ({refs}); beyond them, by discussion "
                       f"({terms.by_discussion.ref}){also}",
                       (terms.by_discussion, *(c.provenance for c in near)))
    if unchecked:
        return Verdict(UNKNOWN, "criteria for a person to check: "
                       + "; ".join(c.text for c in unchecked))
    if terms.criteria_closed is None:
        return Verdict(UNKNOWN, "meets none of the criteria named, which the documents give "
                       "as examples, not a complete list", tuple(c.provenance for c in
                                                                 terms.inclusions))
    return Verdict(NO, "meets none of its inclusion criteria (" + "; ".join(
        c.text for c in terms.inclusions) + ")",
        (terms.criteria_closed, *(c.provenance for c in terms.inclusions)))


def exclusion_matches(crit: Criterion, *, week: float, concern: str | None,
                      severity: str | None, parent_age: float | None) -> bool | None:
    """Whether an exclusion criterion excludes the profile: True, False, or None when the
    profile speaks to none of its conditions."""
    n, _ = _matches(crit, week=week, concern=concern, severity=severity,
                    parent_age=parent_age)
    return None if n is None else bool(n)


def conditions_at(svc: Service, births: int | None, *,
                  governs: str = "service") -> Verdict:
    """Whether the conditions on ``svc``'s ``governs`` fact hold for a board with ``births``
    a year: ``""`` when there is none, ``unknown`` ("depends on board size") until births
    are given.

    >>> from carepath import load_reference
    >>> imh = load_reference().services["scot-imh-team"]
    >>> str(conditions_at(imh, None))[:36], conditions_at(imh, 5000).value
    ('unknown: depends on board size: in l', 'yes')
    """
    found: list[Condition] = [c for c in svc.conditions if governs in c.governs]
    if not found:
        return Verdict("")
    states = [c.holds(births) for c in found]
    text = "; ".join(c.text for c in found)
    value = combine(states)
    if births is None:
        return Verdict(UNKNOWN, f"depends on board size: {text}",
                       tuple(c.provenance for c in found))
    said = {YES: "holds", NO: "does not hold", UNKNOWN: "not stated in numbers"}[value]
    return Verdict(value, f"{said} for {births:,} births a year: {text}",
                   tuple(c.provenance for c in found))


def hop_at(model: Model, rel: Relation, week: float) -> str:
    """Whether a family at ``week`` can travel ``rel``: the relation's own stages and the
    target's window (:func:`window_at`) both allow it. ``no`` if either states otherwise,
    then ``by discussion``; ``yes`` if at least one states the week; else ``unknown``.

    >>> from carepath import load_reference
    >>> m = load_reference()
    >>> gp = next(r for r in m.relations if (r.source, r.target) == ("gp", "dorset-pmmhs"))
    >>> hop_at(m, gp, 52), hop_at(m, gp, 130)
    ('yes', 'by discussion')
    """
    target = model.services.get(rel.target)
    states = [rel.stage_at(week), window_at(model, target, week).value if target else UNKNOWN]
    if NO in states:
        return NO
    if BY_DISCUSSION in states:
        return BY_DISCUSSION
    return YES if YES in states else UNKNOWN
