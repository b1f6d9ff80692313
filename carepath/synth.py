"""A synthetic, England-sized pathway system: the same shape as the reference data, any size.

:func:`synthesize` makes a :class:`SyntheticSystem` of areas, services, relations and overlaps
as input records (the YAML data format of ``data/README.md``); :func:`write_system` writes it
as a data folder in YAML or in the planners' CSV spreadsheet format, which
:func:`carepath.load` reads back. Everything is drawn from the shared vocabularies (real tier,
stage, concern, profession and intervention ids) and from the age ranges the source documents
use (``"Birth - 6 weeks"``, ``"up to two years postnatally"``, ``"conception to 3 years"``...).

The shape of every area, lowest tier first:

- *universal* entry points: GP practices, health-visiting and community-midwifery teams,
  children's centres (they state no concerns: they are the gatekeepers);
- *targeted* early help and voluntary services, one concern each (peer support, bereavement,
  domestic abuse, substance misuse, parenting, dads and partners, early help, infant
  development, birth reflections);
- *primary-care* talking-therapies sites, *secondary-care* community mental health and crisis
  teams, a few untiered services (social care, housing advice);
- *specialist* perinatal, maternal mental health and parent-infant teams, and a Mother and
  Baby Unit in every other area; areas without one refer to their neighbour's (the regional
  MBU: the only cross-area routes).

Referrals go mostly up the tiers from the universal entry points, from the professions ``gp``,
``midwife`` and ``health-visitor`` and from the family (self-referral). Gaps and overlaps are
planted on purpose and listed in :attr:`SyntheticSystem.planted`, so the analyses
(:mod:`carepath.queries.gaps`, :mod:`carepath.queries.overlaps`) can be checked against them.

Every fact cites one source, ``synthetic``, whose title says it is generated and not one of the
documents; a fact's ``line`` is its number in the generated system (the same in YAML and CSV,
so both formats load to the same model). The same seed gives the same system.

>>> system = synthesize(areas=1, services_per_area=40, seed=7)
>>> system.counts()["services"], system.areas[0]["id"]
(40, 'synth-01')
>>> sorted({s["tier"] for s in system.services["synth-01"] if s.get("tier")})[:3]
['inpatient', 'primary-care-mh', 'secondary-care-mh']
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from carepath.errors import naming
from carepath.graph.model import Model
from carepath.writing import atomic_dir

SOURCE_ID = "synthetic"
AREA_PREFIX = "synth"
MARKER_FILE = "SYNTHETIC.md"
PLANTED_FILE = "planted.json"
FORMATS = ("yaml", "csv")
MIN_SERVICES_PER_AREA = 30
MAX_SERVICES_PER_AREA = 2000
MAX_AREAS = 200

Step = Callable[[str], None]


def _noop(_: str) -> None:
    pass


@dataclass(frozen=True, slots=True)
class Preset:
    """A named size: how many areas, and how many services in each."""

    name: str
    areas: int
    services_per_area: int
    description: str


PRESETS: dict[str, Preset] = {
    p.name: p for p in (
        Preset("small", 1, 200, "one area, 200 services, about 4,400 referrals"),
        Preset("region", 5, 476, "five areas, about 2,400 services and 118,000 referrals"),
        Preset("national", 42, 476,
               "42 areas, about 20,000 services and 1,000,000 referrals"),
    )
}


@dataclass(frozen=True, slots=True)
class _Kind:
    """A kind of service: how it is named, its tier, its share of an area's services."""

    key: str
    name: str
    tier: str | None
    share: float  # of the area's services; 0 for the fixed specialist teams
    stages: tuple[tuple[str, ...], ...]  # alternatives, from the documents' phrasing
    addresses: tuple[tuple[str, tuple[str, ...]], ...] = ()
    professions: tuple[str, ...] = ()
    interventions: tuple[str, ...] = ()


_ALL_AGES = (("All Age Groups",),)
KINDS: dict[str, _Kind] = {k.key: k for k in (
    # universal entry points
    _Kind("gp", "GP practice", "universal", 0.36, _ALL_AGES, professions=("gp",)),
    _Kind("hv", "Health visiting team", "universal", 0.07, (("Birth - 5 years",),),
          professions=("health-visitor", "nursery-nurse"), interventions=("listening-visits",)),
    _Kind("mw", "Community midwifery team", "universal", 0.05,
          (("Pregnancy", "Birth - 6 weeks"), ("Pregnancy", "Birth - 8 weeks"),
           ("Pregnancy", "1 week - 6/8 weeks")), professions=("midwife",)),
    _Kind("cc", "Children's centre", "universal", 0.08, (("Birth - 5 years",),),
          professions=("family-support-worker",)),
    # targeted early help and voluntary services
    _Kind("peer", "Perinatal peer support group", "targeted", 0.04,
          (("Pregnancy", "Birth - 1 year"), ("Pregnancy", "up to two years postnatally")),
          addresses=(("maternal-mental-health", ("mild",)),)),
    _Kind("loss", "Baby loss bereavement support", "targeted", 0.025,
          (("All Age Groups",), ("Pregnancy", "Birth - 6 months")),
          addresses=(("perinatal-loss-bereavement", ()),)),
    _Kind("da", "Domestic abuse service", "targeted", 0.025, _ALL_AGES,
          addresses=(("domestic-abuse", ()),)),
    _Kind("sm", "Parental substance misuse service", "targeted", 0.02, _ALL_AGES,
          addresses=(("substance-misuse", ()),)),
    _Kind("pip", "Parent-infant relationship programme", "targeted", 0.05,
          (("Birth - 1 year",), ("Birth - 5 years",), ("6 months - 5 years",)),
          addresses=(("parent-infant-relationship", ("mild",)),),
          professions=("attachment-practitioner",),
          interventions=("circle-of-security", "mellow-parenting", "watch-wait-wonder")),
    _Kind("dads", "Dads and partners support", "targeted", 0.015,
          (("Pregnancy", "Birth - 1 year"),), addresses=(("fathers-partners-wellbeing", ()),),
          professions=("dads-partners-wellbeing-practitioner",)),
    _Kind("eh", "Early help team", "targeted", 0.04, _ALL_AGES,
          addresses=(("social-problems", ()), ("safeguarding", ())),
          professions=("social-worker", "family-support-worker")),
    _Kind("dev", "Infant development service", "targeted", 0.03,
          (("Birth - 5 years",), ("1 - 5 years",), ("8 weeks to 6 months", "6 months - 5 years")),
          addresses=(("infant-development", ()),), professions=("nursery-nurse",)),
    _Kind("birth", "Birth reflections service", "targeted", 0.015,
          (("Pregnancy", "Birth - 1 year"),), addresses=(("birth-trauma-tokophobia", ("mild",)),),
          professions=("midwife",)),
    # primary and secondary care mental health
    _Kind("tt", "Talking therapies perinatal pathway", "primary-care-mh", 0.05,
          (("Pregnancy", "Birth - 1 year"), ("All Age Groups",)),
          addresses=(("maternal-mental-health", ("mild", "moderate")),),
          professions=("psychologist", "mental-health-practitioner"),
          interventions=("cbt", "ipt", "cbt-groups", "compassion-focused-therapy")),
    _Kind("cmht", "Community mental health team", "secondary-care-mh", 0.035, _ALL_AGES,
          addresses=(("maternal-mental-health", ("moderate", "severe")),),
          professions=("psychiatrist", "care-coordinator", "mental-health-practitioner"),
          interventions=("medication-advice", "dbt")),
    _Kind("crisis", "Crisis resolution and home treatment team", "secondary-care-mh", 0.01,
          _ALL_AGES, addresses=(("maternal-mental-health", ("severe",)),),
          professions=("psychiatrist", "mental-health-practitioner")),
    # untiered
    _Kind("sc", "Children's social care team", None, 0.01, _ALL_AGES,
          addresses=(("safeguarding", ()),), professions=("social-worker",)),
    _Kind("housing", "Housing advice service", None, 0.01, _ALL_AGES,
          addresses=(("social-problems", ()),)),
    # specialist teams: a fixed number per area
    _Kind("pmh", "Specialist community perinatal mental health team", "specialist-perinatal", 0,
          (("Preconception", "Pregnancy", "up to two years postnatally"),),
          addresses=(("maternal-mental-health", ("moderate", "severe")),
                     ("parent-infant-relationship", ())),
          professions=("perinatal-psychiatrist", "psychologist", "nursery-nurse",
                       "occupational-therapist", "care-coordinator"),
          interventions=("medication-advice", "cbt", "ipt", "preconception-counselling")),
    _Kind("mmhs", "Maternal mental health service", "specialist-perinatal", 0,
          (("Pregnancy", "within 24 months of childbirth"),),
          addresses=(("birth-trauma-tokophobia", ("moderate", "severe")),
                     ("perinatal-loss-bereavement", ("moderate", "severe"))),
          professions=("psychologist", "midwife"),
          interventions=("trauma-focused-therapy", "emdr")),
    _Kind("pimh", "Parent-infant mental health team", "specialist-parent-infant", 0,
          (("conception to 3 years",),),
          addresses=(("parent-infant-relationship", ("moderate", "severe")),),
          professions=("parent-infant-psychotherapist", "imh-specialist", "psychologist"),
          interventions=("parent-infant-psychotherapy", "vig", "watch-wait-wonder")),
    _Kind("mbu", "Mother and baby unit", "inpatient", 0, (("Pregnancy", "Birth - 1 year"),),
          addresses=(("maternal-mental-health", ("severe",)),),
          professions=("perinatal-psychiatrist", "nursery-nurse", "occupational-therapist"),
          interventions=("medication-advice",)),
)}
_SHARED_KINDS = [k for k in KINDS.values() if k.share > 0]
_TARGETED = [k.key for k in KINDS.values() if k.tier == "targeted"]
# which targeted services each universal kind refers (or signposts) to
_UNIVERSAL_REACH: dict[str, tuple[tuple[str, ...], float]] = {
    "gp": (("peer", "loss", "da", "sm", "dads", "eh", "birth", "pip", "dev"), 0.4),
    "hv": (("peer", "pip", "dads", "eh", "dev", "da"), 0.5),
    "mw": (("peer", "loss", "da", "sm", "birth", "dads"), 0.5),
    "cc": (("pip", "dev", "peer", "eh", "dads"), 0.5),
}

# Planted gaps and overlaps: (share of areas, at least one area?)
_PLANTS: dict[str, tuple[float, bool]] = {
    "isolated-entry": (0.5, True),      # a GP practice with no route onward
    "unreferred": (0.5, True),          # a targeted service nobody refers to
    "unstated-window": (0.5, True),     # a targeted service that states no age window
    "duplicate-route": (0.5, True),     # a GP practice's referral stated twice
    "no-handover": (0.25, True),        # the perinatal team hands over to nobody at 2 years
    "second-pmh": (0.2, True),          # two perinatal teams doing the same thing
    "marked-deliberate": (0.1, True),   # perinatal and parent-infant teams marked deliberate
    "short-pmh": (0.1, False),          # the perinatal team: pregnancy to 1 year only
    "no-pimh": (0.15, False),           # no specialist parent-infant team at all
}


@dataclass(slots=True)
class SyntheticSystem:
    """A generated system as input records (the YAML data format), area by area.

    ``planted`` lists the gaps and overlaps put there on purpose: dicts with ``analysis``
    (``gaps`` or ``overlaps``), ``kind`` (the analysis' kind), ``area``, ``subject`` (the
    service, tier or profession the analysis reports; for overlaps a list of services) and
    ``note``.
    """

    seed: int
    source: dict[str, Any]
    areas: list[dict[str, Any]]
    services: dict[str, list[dict[str, Any]]]
    relations: dict[str, list[dict[str, Any]]]
    overlaps: dict[str, list[dict[str, Any]]]
    planted: list[dict[str, Any]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Areas, services, relation statements, relations (one per target) and referrals.

        >>> synthesize(areas=1, services_per_area=40, seed=1).counts()["areas"]
        1
        """
        rels = [r for rs in self.relations.values() for r in rs]
        return {
            "areas": len(self.areas),
            "services": sum(len(s) for s in self.services.values()),
            "statements": len(rels),
            "relations": sum(len(r["to"]) for r in rels),
            "referrals": sum(len(r["to"]) for r in rels if r["kind"] == "refers_to"),
            "overlaps": sum(len(o) for o in self.overlaps.values()),
            "planted": len(self.planted),
        }


def preset(name: str) -> Preset:
    """The preset called ``name``.

    >>> preset("national").areas
    42
    >>> preset("huge")
    Traceback (most recent call last):
    ...
    ValueError: unknown preset 'huge'; expected one of: small, region, national
    """
    try:
        return PRESETS[name]
    except KeyError:
        raise ValueError(f"unknown preset {name!r}; expected one of: "
                         f"{', '.join(PRESETS)}") from None


def check_size(areas: int, services_per_area: int) -> None:
    """Raise ValueError unless the size is one :func:`synthesize` can make."""
    if not 1 <= areas <= MAX_AREAS:
        raise naming(ValueError(f"`areas` must be between 1 and {MAX_AREAS} (got {areas})"),
                     "areas")
    if not MIN_SERVICES_PER_AREA <= services_per_area <= MAX_SERVICES_PER_AREA:
        raise naming(ValueError(f"`services_per_area` must be between {MIN_SERVICES_PER_AREA} "
                                f"and {MAX_SERVICES_PER_AREA} (got {services_per_area}): every "
                                "area needs room for each kind of service"), "services_per_area")


def synthesize(*, areas: int = 1, services_per_area: int = 200, seed: int = 0,
               step: Step = _noop) -> SyntheticSystem:
    """Generate a system of ``areas`` areas with ``services_per_area`` services each.

    ``step`` is called with the id of each area as it is made (for progress display).

    Raises:
        ValueError: a size out of bounds (see :func:`check_size`).

    >>> a = synthesize(areas=2, services_per_area=30, seed=3)
    >>> b = synthesize(areas=2, services_per_area=30, seed=3)
    >>> a.relations == b.relations, a.counts()["services"]
    (True, 60)
    """
    check_size(areas, services_per_area)
    rng = random.Random(seed)
    system = SyntheticSystem(
        seed=seed,
        source={"id": SOURCE_ID,
                "title": (f"Synthetic pathway system generated by carepath synth (seed {seed}, "
                          f"{areas} area(s) x {services_per_area} services): generated test data, "
                          "not a real document"),
                "publisher": "carepath synth (generated data; a fact's line is its number "
                             "in the generated system)"},
        areas=[], services={}, relations={}, overlaps={})
    plants = _choose_plants(rng, areas)
    builders = []
    counter = _Counter()
    for index in range(areas):
        area_id = f"{AREA_PREFIX}-{index + 1:02d}"
        step(area_id)
        builder = _AreaBuilder(rng, index, area_id, services_per_area,
                               {p for p, chosen in plants.items() if index in chosen}, counter)
        builder.make_services()
        builders.append(builder)
    for index, builder in enumerate(builders):
        # odd areas use the Mother and Baby Unit of the area before them (the regional MBU)
        host = builders[index] if builder.mbu else builders[index - 1]
        builder.make_relations(mbu=host.mbu)
        if not builder.mbu:  # discharge from the regional MBU back to this area's team
            host.add(builder.relations, "hands_over_to", host.mbu, builder.of("pmh"),
                     note="discharge from the regional Mother and Baby Unit to the "
                          "community perinatal team of the family's own area")
    for builder in builders:
        system.areas.append(builder.area)
        system.services[builder.area_id] = builder.services
        system.relations[builder.area_id] = builder.relations
        system.overlaps[builder.area_id] = builder.overlaps
        system.planted.extend(builder.planted)
    return system


class _Counter:
    """Numbers the generated facts: a fact's ``line`` in the synthetic source."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self) -> int:
        self.n += 1
        return self.n


def _choose_plants(rng: random.Random, areas: int) -> dict[str, set[int]]:
    chosen = {}
    for plant, (share, at_least_one) in _PLANTS.items():
        k = round(share * areas)
        if at_least_one:
            k = max(1, k)
        chosen[plant] = set(rng.sample(range(areas), min(k, areas)))
    return chosen


class _AreaBuilder:
    def __init__(self, rng: random.Random, index: int, area_id: str, size: int,
                 plants: set[str], line: _Counter) -> None:
        self.rng = rng
        self.area_id = area_id
        self.plants = plants
        self.line = line
        self.area = {"id": area_id, "name": f"Synthetic area {index + 1:02d}",
                     "country": "England", "births_per_year": rng.randrange(4000, 20000, 100),
                     "line": line()}
        self.size = size
        self.has_mbu = index % 2 == 0
        self.services: list[dict[str, Any]] = []
        self.relations: list[dict[str, Any]] = []
        self.overlaps: list[dict[str, Any]] = []
        self.planted: list[dict[str, Any]] = []
        self.by_kind: dict[str, list[str]] = {}
        self.mbu: str | None = None

    # -- services -------------------------------------------------------------------------
    def of(self, kind: str) -> str:
        return self.by_kind[kind][0]

    def plant(self, analysis: str, kind: str, subject: Any, note: str, **where: str) -> None:
        self.planted.append({"analysis": analysis, "kind": kind, "area": self.area_id,
                             "subject": subject, **where, "note": note})

    def service(self, kind: _Kind, n: int, *, name: str | None = None,
                stages: tuple[str, ...] | None = None) -> dict[str, Any]:
        ident = f"{self.area_id}-{kind.key}-{n:03d}"
        rec: dict[str, Any] = {
            "id": ident,
            "name": name or (f"{kind.name} {n:03d}" if kind.share else kind.name),
        }
        if kind.tier:
            rec["tier"] = kind.tier
        rec["stages"] = list(self.rng.choice(kind.stages) if stages is None else stages)
        if kind.addresses:
            rec["addresses"] = [{"concern": c, "severity": list(sev)} if sev else {"concern": c}
                                for c, sev in kind.addresses]
        if kind.professions:
            rec["professions"] = list(kind.professions)
        if kind.interventions:
            rec["interventions"] = list(kind.interventions)
        rec["line"] = self.line()
        self.services.append(rec)
        self.by_kind.setdefault(kind.key, []).append(ident)
        return rec

    def make_services(self) -> None:
        fixed = []
        pmh_stages = (("Pregnancy", "Birth - 1 year") if "short-pmh" in self.plants else None)
        fixed.append(("pmh", 1, None, pmh_stages))
        if "second-pmh" in self.plants:
            fixed.append(("pmh", 2, "Specialist community perinatal mental health team (east)",
                          KINDS["pmh"].stages[0] if pmh_stages is None else pmh_stages))
        fixed.append(("mmhs", 1, None, None))
        if "no-pimh" not in self.plants:
            fixed.append(("pimh", 1, None, None))
        if self.has_mbu:
            fixed.append(("mbu", 1, f"Mother and baby unit ({self.area['name']})", None))
        counts = self._shares(self.size - len(fixed))
        for kind in _SHARED_KINDS:
            for n in range(1, counts[kind.key] + 1):
                self.service(kind, n)
        for key, n, name, stages in fixed:
            rec = self.service(KINDS[key], n, name=name, stages=stages)
            if key in ("pmh", "mmhs", "mbu"):
                self._specialist_details(rec, key)
        self.mbu = self.by_kind["mbu"][0] if self.has_mbu else None
        self._plant_services()

    def _shares(self, room: int) -> dict[str, int]:
        total = sum(k.share for k in _SHARED_KINDS)
        counts = {k.key: max(1, int(room * k.share / total)) for k in _SHARED_KINDS}
        counts["gp"] += room - sum(counts.values())  # the rest are GP practices
        return counts

    def _specialist_details(self, rec: dict[str, Any], key: str) -> None:
        if key == "pmh":
            rec["eligibility"] = [
                {"type": "inclusion", "text": "Moderate to severe or complex mental illness in "
                                              "pregnancy or up to two years postnatally"},
                {"type": "exclusion", "text": "parents under 18", "parent_age_below": 18}]
            rec["response_times"] = [{"urgency": "emergency", "within": "4 hours"},
                                     {"urgency": "routine", "within": "28 days"}]
        elif key == "mbu":
            rec["response_times"] = [{"urgency": "emergency", "within": "4 hours"}]
        else:
            rec["response_times"] = [{"urgency": "routine", "within": "6 weeks"}]

    def _plant_services(self) -> None:
        name = self.area["name"]
        if "short-pmh" in self.plants:
            self.plant("gaps", "stage-tier", "specialist-perinatal",
                       f"in {name} the perinatal team starts in pregnancy and stops at 1 year: "
                       "nobody at the specialist perinatal tier covers preconception",
                       stage="preconception")
        if "no-pimh" in self.plants:
            self.plant("gaps", "missing-tier", "specialist-parent-infant",
                       f"{name} has no parent-infant mental health team",
                       tier="specialist-parent-infant")
        if "second-pmh" in self.plants:
            pair = sorted(self.by_kind["pmh"])
            self.plant("overlaps", "same-cell", pair,
                       f"{name} has two perinatal teams covering the same stages and concerns")
            if "marked-deliberate" in self.plants:
                self.overlaps.append({
                    "services": pair, "line": self.line(),
                    "note": "Two community perinatal teams, east and west: a deliberate "
                            "split by geography"})
        if "marked-deliberate" in self.plants and "pimh" in self.by_kind:
            pair = [self.of("pmh"), self.of("pimh")]
            self.overlaps.append({
                "services": pair, "line": self.line(),
                "note": "These are separate services; one does not replace the need for "
                        "the other"})
            self.plant("overlaps", "deliberate", pair,
                       f"{name} marks its perinatal and parent-infant teams as a deliberate "
                       "overlap")
        if "unstated-window" in self.plants:
            svc = self._find("housing")
            del svc["stages"]
            svc["tier"] = "targeted"
            self.plant("gaps", "unstated-window", svc["id"],
                       f"{svc['name']} in {name} states no age window")
        self.isolated = self.by_kind["gp"][-1] if "isolated-entry" in self.plants else None
        if self.isolated:
            practice = next(s for s in self.services if s["id"] == self.isolated)
            # no staff named: a service reaches what the professions staffing it refer to
            # (issue 22), and the area's GPs do refer
            practice.pop("professions", None)
            self.plant("gaps", "no-route-to-specialist", self.isolated,
                       f"a GP practice in {name} refers nowhere")
        self.unreferred = self.by_kind["dev"][-1] if "unreferred" in self.plants else None
        if self.unreferred:
            self.plant("gaps", "no-inbound-referral", self.unreferred,
                       f"nobody in {name} refers to this infant development service")
        if "no-handover" in self.plants:
            self.plant("gaps", "transition", self.of("pmh"),
                       f"the perinatal team in {name} hands over to nobody when care ends")

    def _find(self, kind: str) -> dict[str, Any]:
        ident = self.by_kind[kind][0]
        return next(s for s in self.services if s["id"] == ident)

    # -- relations ------------------------------------------------------------------------
    def add(self, into: list[dict[str, Any]], kind: str, source: str,
            targets: str | Iterable[str], **conditions: Any) -> None:
        to = [targets] if isinstance(targets, str) else [t for t in targets
                                                        if t != self.unreferred]
        if not to or source == self.isolated:
            return
        rec = {"kind": kind, "from": source, "to": to}
        rec.update({k: v for k, v in conditions.items() if v})
        rec["line"] = self.line()
        into.append(rec)

    def make_relations(self, *, mbu: str | None) -> None:
        rels, k = self.relations, self.by_kind
        rng = self.rng
        pmh, mmhs = k["pmh"], k["mmhs"]
        pimh = k.get("pimh", [])
        secondary = [*k["cmht"], *k["crisis"]]
        mmh = ["maternal-mental-health"]
        for key, (reach, chance) in _UNIVERSAL_REACH.items():
            candidates = [s for t in reach for s in k[t]]
            for src in k[key]:
                if key != "cc":
                    self.add(rels, "refers_to", src, k["tt"], concerns=mmh,
                             severity=["mild", "moderate"])
                    self.add(rels, "refers_to", src, pmh, concerns=mmh,
                             severity=["moderate", "severe"])
                if key in ("gp", "mw"):
                    self.add(rels, "refers_to", src, mmhs,
                             concerns=["birth-trauma-tokophobia", "perinatal-loss-bereavement"])
                if key == "gp":
                    self.add(rels, "refers_to", src, secondary, concerns=mmh,
                             severity=["moderate", "severe"])
                if key in ("gp", "hv"):
                    self.add(rels, "refers_to", src, pimh,
                             concerns=["parent-infant-relationship"])
                picked = [s for s in candidates if rng.random() < chance]
                self.add(rels, "signposts_to" if key == "cc" else "refers_to", src, picked)
                if key == "mw":  # the midwife-to-health-visitor hand-over
                    self.add(rels, "hands_over_to", src, rng.sample(k["hv"], min(3, len(k["hv"]))),
                             stages=["Birth - 6 weeks"])
        if "duplicate-route" in self.plants:
            gp, tt = k["gp"][0], k["tt"][0]
            self.add(rels, "refers_to", gp, tt, stages=["Pregnancy"], concerns=mmh,
                     note="restated for pregnancy in the practice's own pathway")
            self.plant("overlaps", "duplicate-route", [gp, tt],
                       "a GP practice's referral to talking therapies is stated twice")
        # targeted services step up
        for src in k["peer"]:
            self.add(rels, "refers_to", src, rng.sample(k["tt"], min(2, len(k["tt"]))),
                     concerns=mmh)
        for src in k["loss"]:
            self.add(rels, "refers_to", src, mmhs, concerns=["perinatal-loss-bereavement"],
                     severity=["moderate", "severe"])
        for src in k["birth"]:
            self.add(rels, "refers_to", src, mmhs, concerns=["birth-trauma-tokophobia"])
        for src in k["pip"]:
            self.add(rels, "refers_to", src, pimh or pmh,
                     concerns=["parent-infant-relationship"], severity=["moderate", "severe"])
        for src in [*k["eh"], *k["da"], *k["sm"]]:
            self.add(rels, "refers_to", src, k["sc"], concerns=["safeguarding"])
        for src in k["da"]:
            self.add(rels, "collaborates_with", src, rng.choice(k["eh"]))
        # primary and secondary care
        for src in k["tt"]:
            self.add(rels, "steps_up_to", src, k["cmht"], concerns=mmh, severity=["severe"])
            self.add(rels, "refers_to", src, pmh, concerns=mmh, severity=["moderate", "severe"])
        for src in secondary:
            self.add(rels, "refers_to", src, pmh, concerns=mmh, severity=["moderate", "severe"])
        for src in k["crisis"]:
            if mbu:
                self.add(rels, "refers_to", src, mbu, concerns=mmh, severity=["severe"],
                         urgency="emergency")
        # specialist teams
        for team in pmh:
            if mbu:
                self.add(rels, "refers_to", team, mbu, concerns=mmh, severity=["severe"],
                         urgency="emergency", response_time="4 hours")
            self.add(rels, "refers_to", team, pimh, stages=["Pregnancy", "Birth - 6 months"],
                     concerns=["parent-infant-relationship"])
            self.add(rels, "collaborates_with", team, secondary)
            self.add(rels, "advises", team, ["gp", "midwife", "health-visitor"])
            self.add(rels, "trains", team, rng.sample(k["hv"], min(4, len(k["hv"]))))
            if "no-handover" not in self.plants:
                self.add(rels, "hands_over_to", team, k["hv"],
                         note="care returns to the health visiting team at discharge")
        for team in mmhs:
            self.add(rels, "refers_to", team, pmh, concerns=mmh, severity=["severe"])
        for team in pimh:
            self.add(rels, "refers_to", team, pmh, concerns=mmh)
            self.add(rels, "trains", team, rng.sample(k["cc"], min(3, len(k["cc"]))))
            self.add(rels, "hands_over_to", team, rng.sample(k["cc"], min(3, len(k["cc"]))))
        if self.mbu:
            self.add(rels, "hands_over_to", self.mbu, pmh,
                     note="discharge to the community perinatal team")
        # first contacts: professions and the family
        self.add(rels, "refers_to", "gp", [*pmh, *k["tt"]], concerns=mmh)
        self.add(rels, "refers_to", "midwife", [*pmh, *mmhs])
        self.add(rels, "refers_to", "health-visitor", [*pmh, *pimh])
        self.add(rels, "refers_to", "family", [*k["tt"], *k["peer"]],
                 note="self-referral")


# -- writing ----------------------------------------------------------------------------------

def to_model(system: SyntheticSystem) -> Model:
    """The system as carepath's model, resolved and checked as a data folder is loaded
    (``DataValidationError`` if the generator made something the loaders refuse).

    >>> to_model(synthesize(areas=1, services_per_area=30)).counts()["services"]
    30
    """
    from carepath.loaders import VOCABULARY_FILE, bundled_data_dir
    from carepath.loaders.resolve import RawFile, build_model
    from carepath.loaders.yamlfile import load_yaml_file

    vocabulary = bundled_data_dir() / VOCABULARY_FILE
    files = [RawFile(str(vocabulary), load_yaml_file(vocabulary), bundled=True),
             RawFile("sources.yaml", {"sources": [system.source]})]
    for area in system.areas:
        ident = area["id"]
        body = {"source": SOURCE_ID, "area": area, "services": system.services[ident],
                "relations": system.relations[ident]}
        if system.overlaps[ident]:
            body["overlaps"] = system.overlaps[ident]
        files.append(RawFile(f"areas/{ident}.yaml", body))
    return build_model(files)


def _files(model: Model, fmt: str) -> dict[str, str]:
    """The data folder's files in ``fmt``, from carepath's own writers."""
    if fmt == "yaml":
        from carepath.loaders.yamlfile import to_yaml

        return to_yaml(model).artifact
    from carepath.loaders.spreadsheet import to_csv

    return to_csv(model).artifact


DataFormat = Literal["yaml", "csv"]  # the data folders write_system writes


def _marker(system: SyntheticSystem, fmt: str) -> str:
    counts = system.counts()
    return (
        "# Synthetic carepath data\n\n"
        "Generated by `carepath synth` (seed "
        f"{system.seed}); format {fmt}. **Not real services**: every fact cites the source "
        "`synthetic`, and no fact comes from a document.\n\n"
        + "".join(f"- {k}: {v:,}\n" for k, v in counts.items())
        + f"\n`{PLANTED_FILE}` lists the gaps and overlaps planted on purpose.\n")


def check_out(out: Path | str, *, force: bool = False) -> None:
    """Raise unless ``out`` is new, empty, or written by carepath (see carepath.writing)."""
    from carepath.writing import check_target

    check_target(out, force=force)


def write_system(system: SyntheticSystem, out: Path | str, *, fmt: DataFormat = "yaml",
                 step: Step = _noop, force: bool = False) -> Path:
    """Write ``system`` as a data folder at ``out`` (atomically); returns the folder.

    ``fmt`` is ``yaml`` (``sources.yaml`` and ``areas/*.yaml``) or ``csv`` (the spreadsheet
    folder: ``areas.csv``, ``sources.csv``, ``services.csv``, ``relations.csv``,
    ``overlaps.csv``). The folder also holds ``SYNTHETIC.md`` and ``planted.json``. An existing
    folder is only replaced if it is empty or was written by :func:`write_system`.

    >>> import tempfile, pathlib, carepath
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "synth"
    >>> folder = write_system(synthesize(areas=1, services_per_area=30), out)
    >>> carepath.load(folder).counts()["services"]
    30
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of: {', '.join(FORMATS)}")
    out = Path(out)
    check_out(out, force=force)
    step("checking the generated data")
    model = to_model(system)
    step(f"writing {fmt}")
    files = _files(model, fmt)
    with atomic_dir(out, force=force) as tmp:
        for name, text in files.items():
            (tmp / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp / name).write_text(text, encoding="utf-8")
        (tmp / MARKER_FILE).write_text(_marker(system, fmt), encoding="utf-8")
        (tmp / PLANTED_FILE).write_text(json.dumps(system.planted, indent=1) + "\n",
                                        encoding="utf-8")
    return out
