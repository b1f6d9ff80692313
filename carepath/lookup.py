"""Finding things by what planners call them: an id, a name or an alias, in any case.

Everywhere the command line takes an id it goes through :func:`resolve`: ``"Dorset"``,
``"CRUISE"`` and ``"health visiting"`` name an area, a service and a service. When a name fits
several things the error lists them with their areas; when it fits nothing it names the
closest ids; when it names a thing of another kind it says which.

>>> from carepath import load_reference
>>> model = load_reference()
>>> resolve(model, "CRUISE", ("service",))
'p05-cruse'
>>> resolve(model, "Dorset", ("area",))
'dorset'
>>> resolve(model, "dorset-pmhs", ("service",))
Traceback (most recent call last):
...
carepath.errors.NameLookupError: unknown service 'dorset-pmhs'; did you mean dorset-pmmhs,
dorset-mmhs, dorset-camhs?
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from carepath.errors import NameLookupError, naming
from carepath.graph.model import FAMILY, Model

__all__ = ["KINDS", "NODE", "Named", "check_param", "find", "named_things", "resolve",
           "services_named_like"]

#: The kinds of thing a name can point at, in the order a tie is listed.
KINDS = ("service", "profession", "family", "area", "concern", "intervention", "tier", "stage",
         "severity", "urgency", "level", "source")
#: What a relation end point can be.
NODE = ("service", "profession", "family")
_TABLES = {"profession": "professions", "area": "areas", "concern": "concerns",
           "intervention": "interventions", "tier": "tiers", "stage": "stages",
           "severity": "severities", "urgency": "urgencies", "level": "levels",
           "source": "sources"}
# a named query's parameter type -> the kinds it takes (see carepath.queries.named)
_PARAM_KINDS = {"node": NODE, **{k: (k,) for k in KINDS if k != "family"}}
ID_PARAM_TYPES = frozenset(_PARAM_KINDS)
"""The named-query parameter types whose values are ids, resolved by :func:`check_param`."""


@dataclass(frozen=True, slots=True)
class Named:
    """One thing a name can point at."""

    kind: str
    id: str
    name: str
    area: str | None = None

    def describe(self) -> str:
        """``the service p05-cruse (Cruse Bereavement Support, pathway-0-5)``"""
        where = f", {self.area}" if self.area else ""
        return f"the {self.kind} {self.id} ({self.name}{where})"


def _norm(text: str) -> str:
    text = str(text).replace("\u2019", "'").replace("\u2018", "'").replace("\u2013", "-")
    return " ".join(text.lower().split())


def named_things(model: Model, kinds: Iterable[str] = KINDS) -> Iterable[tuple[Named, list[str]]]:
    """Each thing of ``kinds`` with every name it goes by (id, name, aliases)."""
    for kind in kinds:
        if kind == "service":
            for s in model.services.values():
                yield Named("service", s.id, s.name, s.area), [s.id, s.name, *s.aliases]
        elif kind == "family":
            yield Named("family", FAMILY, model.name_of(FAMILY)), [FAMILY, "family",
                                                                   "self-referral"]
        else:
            for ident, item in getattr(model, _TABLES[kind]).items():
                name = getattr(item, "name", None) or getattr(item, "title", ident)
                yield Named(kind, ident, name), [ident, name, *getattr(item, "aliases", ())]


def find(model: Model, text: str, kinds: Sequence[str] = KINDS, *,
         words: bool = True) -> list[Named]:
    """Everything of ``kinds`` that ``text`` names: by id, name or alias (case-insensitive);
    failing that (with ``words``), everything whose names hold every word of ``text``.

    >>> from carepath import load_reference
    >>> [n.id for n in find(load_reference(), "mother baby", ("service",))]
    ['dorset-mbu', 'p05-mother-and-baby-unit', 'scot-mbu']
    """
    for kind in kinds:  # an exact id wins outright
        if kind == "service" and text in model.services:
            return [next(n for n, _ in named_things(model, ("service",)) if n.id == text)]
    wanted = _norm(text)
    if not wanted:
        return []
    exact, partial = [], []
    split = wanted.split()
    for thing, names in named_things(model, kinds):
        normed = [_norm(n) for n in names if n]
        if wanted in normed:
            exact.append(thing)
        elif words and all(any(w in n for n in normed) for w in split):
            partial.append(thing)
    return _unique(exact or partial)


def _unique(things: list[Named]) -> list[Named]:
    seen, out = set(), []
    for t in things:
        if (t.kind, t.id) not in seen:
            seen.add((t.kind, t.id))
            out.append(t)
    return out


def resolve(model: Model, text: str, kinds: Sequence[str], *, role: str | None = None,
            area: str | None = None, words: bool = True) -> str:
    """The id of the one thing of ``kinds`` that ``text`` names.

    ``role`` names what is asked for in messages (default: the kinds); ``area`` prefers that
    area's services when a name fits several.

    Raises:
        NameLookupError: (a usage error) listing the candidates with their areas, the closest
            ids, or the kind ``text`` really is.

    >>> from carepath import load_reference
    >>> model = load_reference()
    >>> resolve(model, "health visiting", ("service",))
    'p05-health-visiting'
    >>> resolve(model, "Health Visitor", ("service", "profession", "family"))
    'health-visitor'
    >>> resolve(model, "mother baby", ("service",))
    Traceback (most recent call last):
    ...
    carepath.errors.NameLookupError: 'mother baby' fits 3 services: dorset-mbu (Mother and Baby
    Unit, dorset); p05-mother-and-baby-unit (Mother and Baby Unit, pathway-0-5); scot-mbu (Regional
    Mother and Baby Units, scotland); give an id or `area`
    >>> resolve(model, "mother baby", ("service",), area="scotland")
    'scot-mbu'
    >>> resolve(model, "Dorset", ("service",))
    Traceback (most recent call last):
    ...
    carepath.errors.NameLookupError: 'Dorset' is not a service; it is the area dorset (Dorset)
    >>> resolve(model, "health visiting", ("profession",))
    Traceback (most recent call last):
    ...
    carepath.errors.NameLookupError: 'health visiting' is not a profession; it is the service
    p05-health-visiting (Health Visiting, pathway-0-5)
    """
    role = role or " or ".join(kinds)
    found = find(model, text, kinds, words=False)
    other = [] if found else find(model, text, [k for k in KINDS if k not in kinds], words=False)
    if not found and not other and words:
        found = find(model, text, kinds)
    if found and not any(_norm(t.id) == _norm(text) for t in found):
        # "gp" is a profession's id and a service's alias: the id of another kind may well be
        # what was meant, so say both rather than pick the alias silently
        by_id = [t for t in find(model, text, [k for k in KINDS if k not in kinds],
                                 words=False) if _norm(t.id) == _norm(text)]
        if by_id:
            also = "; ".join(f"{t.id} ({t.name}{', ' + t.area if t.area else ''})"
                             for t in found[:4])
            raise NameLookupError(
                f"{text!r} is {by_id[0].describe()}, not a {role}; a {role} that goes by "
                f"that name: {also}; give its id", candidates=[t.id for t in found])
    if area is not None and len(found) > 1:
        found = [t for t in found if t.area in (None, area)] or found
    if len(found) == 1:
        return found[0].id
    if found:
        exact = [t for t in found if _norm(text) in (_norm(t.id), _norm(t.name))]
        if len(exact) == 1:
            return exact[0].id
        shown = "; ".join(f"{t.id} ({t.name}{', ' + t.area if t.area else ''})"
                          for t in found[:12])
        more = f"; ... ({len(found)} in all)" if len(found) > 12 else ""
        plural = {"family": "families"}.get(found[0].kind, found[0].kind + "s")
        kind = plural if len({t.kind for t in found}) == 1 else "things"
        hint = "; give an id or `area`" if any(t.area for t in found) else "; give an id"
        raise naming(NameLookupError(f"{text!r} fits {len(found)} {kind}: {shown}{more}{hint}",
                                     candidates=[t.id for t in found]), "area")
    if other:
        if area is not None:
            other = [t for t in other if t.area in (None, area)] or other
        raise NameLookupError(
            f"{text!r} is not a {role}; it is "
            + "; or ".join(t.describe() for t in other[:4]),
            candidates=[t.id for t in other])
    close = closest(model, text, kinds)
    every = [t.id for t, _ in named_things(model, kinds)]
    mean = f"; did you mean {', '.join(close)}?" if close else (
        f"; try `carepath services --search {text!r}`" if "service" in kinds else
        f"; expected one of: {', '.join(every)}" if len(every) <= 15 else "")
    raise NameLookupError(f"unknown {role} {text!r}{mean}", candidates=close)


def closest(model: Model, text: str, kinds: Sequence[str], n: int = 3) -> list[str]:
    """The ids whose id, name or alias is closest to ``text`` (at most ``n``).

    >>> from carepath import load_reference
    >>> closest(load_reference(), "helth visitor", ("profession",))
    ['health-visitor']
    """
    by_name: dict[str, str] = {}
    for thing, names in named_things(model, kinds):
        for name in names:
            if name:
                by_name.setdefault(_norm(name), thing.id)
    matches = difflib.get_close_matches(_norm(text), list(by_name), n=n * 3, cutoff=0.6)
    return list(dict.fromkeys(by_name[m] for m in matches))[:n]


def _stems(text: str) -> set[str]:
    out = set()
    for word in re.findall(r"[a-z0-9]+", _norm(text)):
        for suffix in ("ery", "ing", "ers", "er", "or", "ors", "s", "e"):
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                word = word[: -len(suffix)]
                break
        out.add(word)
    return out


def services_named_like(model: Model, profession: str, *, area: str | None = None) -> list[str]:
    """Services (of ``area``) named after a profession: "Health Visiting" for the health
    visitor, "Midwifery" for the midwife; what a planner meant when a profession finds nothing.

    >>> from carepath import load_reference
    >>> services_named_like(load_reference(), "health-visitor", area="pathway-0-5")
    ['p05-health-visiting']
    """
    term = model.professions.get(profession)
    if term is None:
        return []
    wanted = [_stems(n) for n in (term.id.replace("-", " "), term.name, *term.aliases)]
    wanted = [w for w in wanted if w and not all(len(x) <= 2 for x in w)] or wanted
    out = []
    for s in model.services.values():
        if area is not None and s.area != area:
            continue
        names = [_stems(n) for n in (s.name, *s.aliases)]
        if any(w <= n for w in wanted for n in names):
            out.append(s.id)
    return sorted(out)


def check_param(model: Model, kind: str, value: str) -> str:
    """The id a named query's parameter of type ``kind`` gets from ``value`` (an id, a name or
    an alias); other types pass through.

    Raises:
        NameLookupError: an unknown or wrong-kind value, so a query never answers "no rows"
            for a typo.

    >>> from carepath import load_reference
    >>> model = load_reference()
    >>> check_param(model, "service", "Cruse Bereavement Support")
    'p05-cruse'
    >>> check_param(model, "integer", "3")
    '3'
    >>> check_param(model, "service", "health-visitor")
    Traceback (most recent call last):
    ...
    carepath.errors.NameLookupError: 'health-visitor' is not a service; it is the profession
    health-visitor (Health visitor)
    """
    kinds = _PARAM_KINDS.get(kind)
    if kinds is None:
        return value
    return resolve(model, value, kinds, role=kind if kind != "node" else
                   "service, profession or family", words=False)
