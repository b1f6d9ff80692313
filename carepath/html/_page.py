"""What every HTML view shares: the selection of services, the palette, the page frame.

Pages are rendered by Jinja2 with autoescaping on; data reaches scripts only as JSON in a
``<script type="application/json">`` block (``|tojson`` escapes ``<``, ``>``, ``&`` and ``'``),
and scripts build the page with ``textContent``, never ``innerHTML``. A Content-Security-Policy
in every page allows only the page's own scripts (by hash) and no request to anywhere.

>>> from carepath import load_reference
>>> sel = select(load_reference(), area="dorset", stage="years-1-2")
>>> sel.describe(), len(sel.services)
('Dorset · 1-2 years', 1)
>>> step_codes(load_reference())["specialist-perinatal"]
'5b'
"""

from __future__ import annotations

import base64
import hashlib
import importlib.resources
import importlib.util
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

import carepath
from carepath.errors import ExportError, QueryError, naming
from carepath.graph.model import (
    AgeStage,
    Area,
    Model,
    Provenance,
    Relation,
    RelationKind,
    Service,
    Term,
    Tier,
)
from carepath.graph.stages import TIMELINE_END, TIMELINE_START, Interval, format_week
from carepath.writing import inert_bidi

# Okabe & Ito's colour-blind-safe palette; every colour is always paired with a text code.
PALETTE = ("#56B4E9", "#009E73", "#F0E442", "#E69F00", "#CC79A7", "#D55E00", "#0072B2",
           "#999999")
NO_TIER_COLOUR = "#DDDDDD"
NO_TIER_CODE = "–"


@dataclass(frozen=True, slots=True)
class RelationStyle:
    """How a relation kind is drawn: colour, dash pattern and arrow head (never colour alone)."""

    label: str
    colour: str
    dashes: tuple[int, ...]  # () for a solid line
    arrow: str | None  # a vis-network arrow type; None for no arrow head
    width: float = 1.5
    inverse: str = ""  # read from the target's side: "referred in by" (the label if empty)


RELATION_STYLES: dict[RelationKind, RelationStyle] = {
    RelationKind.REFERS_TO: RelationStyle("refers to", "#0072B2", (), "arrow", 2.0,
                                          inverse="referred in by"),
    RelationKind.SIGNPOSTS_TO: RelationStyle("signposts to", "#009E73", (2, 5), "vee",
                                             inverse="signposted from"),
    # lines need 3:1 against white (WCAG 1.4.11): Okabe-Ito's orange and sky blue (2.3:1)
    # darkened to 3.8:1 and 4.0:1, keeping their hue
    RelationKind.ADVISES: RelationStyle("advises", "#B07800", (10, 5), "circle",
                                        inverse="advised by"),
    RelationKind.TRAINS: RelationStyle("trains", "#CC79A7", (12, 4, 2, 4), "bar",
                                       inverse="trained by"),
    RelationKind.COLLABORATES_WITH: RelationStyle("collaborates with", "#555555", (), None, 1.0),
    RelationKind.HANDS_OVER_TO: RelationStyle("hands over to", "#D55E00", (), "triangle", 4.0,
                                              inverse="handed over from"),
    RelationKind.STEPS_UP_TO: RelationStyle("steps up to", "#2B86B8", (6, 3), "arrow", 2.0,
                                            inverse="stepped up from"),
    RelationKind.STEPS_DOWN_TO: RelationStyle("steps down to", "#2B86B8", (2, 3), "arrow", 2.0,
                                              inverse="stepped down from"),
}

TEMPLATES = importlib.resources.files("carepath.html") / "templates"
STATIC = importlib.resources.files("carepath.html") / "static"


# -- choosing what to draw ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Selection:
    """The services and relations a view draws, after ``--area/--stage/--tier/--concern``."""

    model: Model
    area: Area | None
    stage: AgeStage | None
    tier: Tier | None
    concern: Term | None
    services: list[Service]
    relations: list[Relation]
    service_ids: frozenset[str] = field(default_factory=frozenset)
    focus: Service | None = None  # the service a focus view is centred on
    hops: int = 0  # how far from it the focus view reaches

    @property
    def filtered(self) -> bool:
        return any((self.area, self.stage, self.tier, self.concern, self.focus))

    @property
    def area_ids(self) -> list[str]:
        """The areas of the selected services, by id."""
        return sorted({s.area for s in self.services})

    @property
    def areas(self) -> list[Area]:
        """The areas of the selected services, in id order."""
        return [self.model.areas[a] for a in self.area_ids]

    def describe(self) -> str:
        """The filters in words, or 'all areas'."""
        parts = [x.name for x in (self.area, self.stage, self.tier, self.concern)
                 if x is not None]
        if self.focus is not None:
            parts.insert(0, f"around {self.focus.name} ({self.model.name_of(self.focus.area)}"
                            f", {self.hops} step{'' if self.hops == 1 else 's'})")
        return " · ".join(parts) if parts else "all areas"


def _resolve(kind: str, value: str, table: dict[str, Any]) -> Any:
    """Find ``value`` in ``table`` by id or (case-insensitively) by name."""
    if value in table:
        return table[value]
    folded = value.strip().casefold()
    named = [item for item in table.values() if getattr(item, "name", "").casefold() == folded]
    if len(named) == 1:
        return named[0]
    if named:
        raise QueryError(f"{value!r} names {len(named)} {kind}s: "
                         f"{', '.join(item.id for item in named)}; give the id")
    ids = list(table)
    listed = ", ".join(ids[:12]) + (f", ... ({len(ids):,} in all)" if len(ids) > 12 else "")
    raise QueryError(f"unknown {kind} {value!r}; expected one of: {listed}")


def relation_applies_at(rel: Relation, stage: AgeStage) -> bool:
    """Whether a relation holds at ``stage`` (a relation without stages holds at every stage)."""
    return not rel.windows or any(w.overlaps(stage.interval) for w in rel.windows)


def select(model: Model, *, area: str | None = None, stage: str | None = None,
           tier: str | None = None, concern: str | None = None, focus: str | None = None,
           hops: int = 1) -> Selection:
    """Services in ``area``, covering ``stage``, at ``tier``, addressing ``concern``; with
    ``focus``, only the neighbourhood of that service: what is within ``hops`` relations of
    it, in either direction (a profession or the family is shown but not gone through: the
    GP would otherwise bring in every service GPs refer to).

    Each filter takes an id or a name. A relation is kept when it holds at ``stage`` and for
    ``concern`` (an unstated condition does not restrict), and each end is a kept service, a
    profession or the family, with at least one kept service when any filter is set. A service
    that states no age window is dropped by ``stage``: the data cannot show that it covers it.

    Raises:
        QueryError: an unknown area, stage, tier or concern, naming the valid ids.

    Examples
    --------
    >>> from carepath import load_reference
    >>> sel = select(load_reference(), tier="inpatient")
    >>> sorted(s.id for s in sel.services)
    ['dorset-mbu', 'p05-mother-and-baby-unit', 'scot-mbu']
    >>> select(load_reference(), area="atlantis")
    Traceback (most recent call last):
    ...
    carepath.errors.QueryError: unknown area 'atlantis'; expected one of: cheshire-merseyside, ...
    >>> near = select(load_reference(), focus="dorset-mbu", hops=1)
    >>> near.describe(), sorted(s.id for s in near.services)
    ('around Mother and Baby Unit (Dorset, 1 step)', ['dorset-mbu', 'dorset-pmmhs'])
    """
    the_area = _resolve("area", area, model.areas) if area else None
    the_stage = _resolve("stage", stage, model.stages) if stage else None
    the_tier = _resolve("tier", tier, model.tiers) if tier else None
    the_concern = _resolve("concern", concern, model.concerns) if concern else None
    services = [
        s for s in model.services.values()
        if (the_area is None or s.area == the_area.id)
        and (the_stage is None or s.covers(the_stage.interval))
        and (the_tier is None or s.tier == the_tier.id)
        and (the_concern is None or the_concern.id in s.concerns)
    ]
    ranks = {t.id: i for i, t in enumerate(model.tiers_in_order())}
    services.sort(key=lambda s: (ranks.get(s.tier, len(ranks)), s.area, s.name.casefold(), s.id))
    ids = frozenset(s.id for s in services)
    filtered = any((the_area, the_stage, the_tier, the_concern))

    def end_ok(node: str) -> bool:
        return node in ids or (node not in model.services and model.node_kind(node) is not None)

    relations = [
        r for r in model.relations
        if (the_stage is None or relation_applies_at(r, the_stage))
        and (the_concern is None or not r.concerns or the_concern.id in r.concerns)
        and end_ok(r.source) and end_ok(r.target)
        and (not filtered or r.source in ids or r.target in ids)
    ]
    the_focus = None
    if focus is not None:
        the_focus = _resolve("service", focus, model.services)
        if the_focus.id not in ids:
            within = Selection(model, the_area, the_stage, the_tier, the_concern, [], [])
            raise naming(QueryError(f"{the_focus.name} ({the_focus.id}) is not in "
                                    f"{within.describe()}; drop the other filters or choose "
                                    "another `focus`"), "focus")
        if hops < 1:
            raise naming(QueryError(f"`hops` must be 1 or more, not {hops}"), "hops")
        near = _neighbourhood(relations, the_focus.id, hops, model)
        services = [s for s in services if s.id in near]
        ids = frozenset(s.id for s in services)
        relations = [r for r in relations if r.source in near and r.target in near]
    return Selection(model, the_area, the_stage, the_tier, the_concern, services, relations, ids,
                     the_focus, hops if the_focus else 0)


def _neighbourhood(relations: list[Relation], start: str, hops: int, model: Model) -> set[str]:
    """Nodes within ``hops`` relations of ``start`` either way, going on only from services."""
    around: dict[str, list[str]] = {}
    for rel in relations:
        around.setdefault(rel.source, []).append(rel.target)
        around.setdefault(rel.target, []).append(rel.source)
    near, frontier = {start}, [start]
    for _ in range(hops):
        found = []
        for node in frontier:
            if node not in model.services:
                continue
            for other in around.get(node, ()):
                if other not in near:
                    near.add(other)
                    found.append(other)
        frontier = found
    return near


class Lookup:
    """Values kept once in a list and referred to by position: a page's shared tables.

    ``lookup(key)`` is the position of ``key`` (added the first time); ``lookup(key, make)``
    stores ``make()`` instead of the key itself.

    >>> words = Lookup()
    >>> [words("refers to"), words("advises"), words("refers to")], words.items
    ([0, 1, 0], ['refers to', 'advises'])
    """

    def __init__(self) -> None:
        self.items: list[Any] = []
        self.index: dict[Any, int] = {}

    def __call__(self, key: Any, make: Callable[[], Any] | None = None) -> int:
        found = self.index.get(key)
        if found is None:
            found = self.index[key] = len(self.items)
            self.items.append(make() if make is not None else key)
        return found


# -- words, codes and colours -----------------------------------------------------------------


def step_codes(model: Model) -> dict[str, str]:
    """A short code per tier: its rank, with a letter where tiers are parallel ('5a', '5b')."""
    tiers = model.tiers_in_order()
    codes = {}
    for tier in tiers:
        same = [t.id for t in tiers if t.rank == tier.rank]
        codes[tier.id] = str(tier.rank) + ("abcdefgh"[same.index(tier.id)] if len(same) > 1
                                           else "")
    return codes


def contrast(colour: str, background: str = "#FFFFFF") -> float:
    """WCAG's contrast ratio of two colours written #RRGGBB.

    >>> advises = RELATION_STYLES[RelationKind.ADVISES].colour
    >>> round(contrast("#E69F00"), 2), round(contrast(advises), 2)
    (2.25, 3.8)
    """
    def luminance(hex_colour: str) -> float:
        rgb = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        rgb = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]

    light, dark = sorted((luminance(colour), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def step_order(code: str) -> float:
    """A step code as a number to sort by: '5a' before '5b' before '6'; no step ('–') last.

    >>> sorted(["6", "5b", "–", "5a", "1"], key=step_order)
    ['1', '5a', '5b', '6', '–']
    """
    digits = code.rstrip("abcdefgh")
    if not digits.isdigit():
        return 99.0
    letter = code[len(digits):]
    return int(digits) + (("abcdefgh".index(letter) + 1) / 10 if letter else 0.0)


def tier_colours(model: Model) -> dict[str, str]:
    """A palette colour per tier, in stepped-care order."""
    return {t.id: PALETTE[i % len(PALETTE)] for i, t in enumerate(model.tiers_in_order())}


def evidence(prov: Provenance) -> str:
    """``doc-002:31`` (or just the source id when the line is unknown)."""
    return prov.ref


def service_evidence(svc: Service) -> list[Provenance]:
    """Where each fact about the service comes from: its own provenance, its further evidence,
    its eligibility criteria and response times, without repeats.

    >>> from carepath import load_reference
    >>> [evidence(p) for p in service_evidence(load_reference().services["dorset-mbu"])]
    ['doc-002:29', 'doc-002:23', 'doc-002:7']
    """
    seen: dict[tuple, Provenance] = {}
    for prov in (svc.provenance, *svc.evidence, *(c.provenance for c in svc.eligibility),
                 *(t.provenance for t in svc.response_times)):
        seen.setdefault((prov.source, prov.line, prov.passage), prov)
    return list(seen.values())


def interval_text(window: Interval) -> str:
    """An age window in words; the timeline's edges by name.

    >>> interval_text(Interval(52, 260)), interval_text(Interval(1, 8))
    ('1 year – 5 years', '1 week – 8 weeks')
    >>> interval_text(Interval(TIMELINE_START, TIMELINE_END))
    'all ages (preconception to 5 years)'
    """
    if (window.start, window.end) == (TIMELINE_START, TIMELINE_END):
        return "all ages (preconception to 5 years)"
    start = "preconception" if window.start <= TIMELINE_START else format_week(window.start)
    return f"{start} – {format_week(window.end)}"


def window_text(svc: Service) -> str:
    """The service's age windows in words: '1 year – 5 years' ('' when none is stated)."""
    return "; ".join(interval_text(w) for w in svc.windows)


def stage_names(model: Model, stage_ids: Iterable[str]) -> list[str]:
    return [model.stages[s].name for s in stage_ids]


def relation_stage_ids(model: Model, rel: Relation) -> list[str]:
    return [s.id for s in model.stages_in_order() if relation_applies_at(rel, s)] \
        if rel.windows else []


def shorten(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def source_rows(model: Model, provs: Iterable[Provenance]) -> list[dict[str, str]]:
    """Evidence as rows for the page: where, the document's title, and the quoted passage."""
    rows = []
    for prov in provs:
        src = model.sources.get(prov.source)
        rows.append({"where": evidence(prov), "title": src.title if src else prov.source,
                     "passage": prov.passage or ""})
    return rows


# -- the page frame -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NavLink:
    """A link in a site's navigation bar."""

    href: str
    title: str
    current: bool = False


def _inert(value: Any) -> Any:
    """A value printed into a page, its bidirectional controls made visible markers."""
    if isinstance(value, Markup):
        return Markup(inert_bidi(str(value)))  # the marker holds no HTML: still safe
    return inert_bidi(value) if isinstance(value, str) else value


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("carepath.html", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_inert,
    )
    env.filters["evidence"] = evidence
    env.filters["week"] = format_week
    # bidirectional controls in data are shown as inert markers, in text and in the JSON the
    # scripts draw from (carepath.writing.inert_bidi): a name cannot display reversed
    env.policies["json.dumps_function"] = lambda obj, **kw: inert_bidi(
        json.dumps(obj, **{**kw, "ensure_ascii": False}))
    return env


@cache
def static(name: str) -> str:
    """One of carepath's own static files (CSS or JS)."""
    return (STATIC / name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def vis_network_js() -> str:
    """The vis-network script that pyvis ships, to be inlined (no CDN); found without importing
    pyvis (which imports IPython)."""
    try:
        spec = importlib.util.find_spec("pyvis")
        if spec is None or not spec.submodule_search_locations:
            raise ModuleNotFoundError("pyvis")
        lib = Path(next(iter(spec.submodule_search_locations))) / "templates" / "lib"
        versions = sorted((d for d in lib.iterdir() if d.name.startswith("vis-")),
                          key=lambda d: tuple(int(x) for x in d.name[4:].split(".")))
        return (versions[-1] / "vis-network.min.js").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, IndexError, ValueError) as exc:
        raise ExportError("the network view needs pyvis's vis-network script: "
                          "pip install pyvis") from exc


def script_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def render_page(template: str, *, model: Model, title: str, selection: Selection | None,
                nav: Sequence[NavLink] = (), scripts: Sequence[str] = (),
                data: Any = None, **context: Any) -> str:
    """Render ``template`` inside the common frame, with ``scripts`` inlined and hashed."""
    scripts = [static("common.js"), *scripts]
    for script in scripts:
        if "</script" in script.lower():  # would end the inline script early
            raise ExportError("an inlined script contains '</script'")
    csp = ("default-src 'none'; script-src " + " ".join(script_hash(s) for s in scripts)
           + "; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'")
    from carepath.standards.common import clean_text

    sources = sorted(model.sources.values(), key=lambda s: s.id)
    # the data's control characters (a model made in code; the loaders refuse them) are not
    # written: a browser shows nothing for them, and an XML reader refuses the page
    return clean_text(environment().get_template(template).render(
        title=title, model=model, selection=selection, nav=list(nav), csp=csp,
        css=Markup(static("page.css")), scripts=[Markup(s) for s in scripts],
        data=data, sources=sources, version=carepath.__version__,
        step_codes=step_codes(model), tier_colours=tier_colours(model),
        no_tier_colour=NO_TIER_COLOUR, **context,
    ))
