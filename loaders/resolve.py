"""Turning input records into the :class:`Model`, collecting every problem on the way.

Loading never stops at the first problem: each is recorded with file, line and field, and one
:class:`DataValidationError` carries them all.

>>> f = RawFile("tiny.yaml", {"source": "s", "sources": [{"id": "s", "title": "S"}],
...     "area": {"id": "a", "name": "A"}, "services": [{"id": "a-x", "name": "X", "tier": "nope"}]})
>>> try:
...     build_model([f])
... except DataValidationError as e:
...     print(e.problems[0].message)
unknown tier 'nope'; expected one of: none: no tier is defined; add the shared vocabularies ...
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from hashlib import sha1
from typing import Any

from pydantic import ValidationError

from carepath.errors import DataValidationError, Problem, RangeParseError
from carepath.graph.model import (
    FACT_KINDS,
    RESERVED_NODES,
    UNNAMED_NODES,
    AgeStage,
    Area,
    Commitment,
    ConcernNeed,
    Condition,
    Criterion,
    Model,
    Overlap,
    PathwayCell,
    Provenance,
    RelationKind,
    ResponseTime,
    Scope,
    Service,
    Source,
    Statement,
    Term,
    Tier,
)
from carepath.graph.stages import Interval, parse_range
from carepath.loaders.records import (
    LIST_KEYS,
    RELATION_KINDS,
    SCALAR_KEYS,
    AreaRec,
    Cited,
    OverlapRec,
    PathwayRec,
    RelationRec,
    ServiceRec,
    SourceRec,
    StageRec,
    TermRec,
    TierRec,
)


@dataclass(slots=True)
class RawFile:
    """One input file after parsing: its display name and top-level mapping; ``bundled``
    for carepath's own vocabularies and sources, which a data set's own entries of the same
    id replace (an identical entry is no duplicate) and whose sources are only taken when a
    fact cites them."""

    display: str
    data: Any
    bundled: bool = False


@dataclass(slots=True)
class _Item:
    rec: Any
    file: str
    raw: Any
    default_source: str | None
    area: str | None = None
    bundled: bool = False


def _line(raw: Any, field: str | None = None) -> int | None:
    lines = getattr(raw, "lines", None)
    if field and lines and field in lines:
        return lines[field]
    return getattr(raw, "line", None)


SHOWN_CHARS = 60


def shown(value: Any, limit: int = SHOWN_CHARS) -> str:
    """``repr(value)`` cut to a readable length (a value can be megabytes long).

    >>> shown("x" * 1000)
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx... (1,000 characters)"
    """
    if isinstance(value, str) and len(value) > limit:
        return f"{value[:limit]!r}"[:-1] + f"... ({len(value):,} characters)"
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + f"... ({len(text):,} characters)"


#: where each kind of id is defined, for the message when none is loaded at all
_DEFINED_IN = {
    "source": "a `sources:` list in the area file or a sources.yaml beside it",
    "area": "an `area:` block in the area file (or an areas sheet)",
}


def _choices(values: Iterable[str], kind: str = "id") -> str:
    """The valid ids for a message, or where to define them when there are none.

    >>> _choices(["b", "a"]), _choices([], "source")
    ('a, b', 'none: no source is defined; add a `sources:` list in the area file or ...')
    """
    values = sorted(values)
    if not values:
        where = _DEFINED_IN.get(kind, "the shared vocabularies (data/vocabularies.yaml), which "
                                "load with every data set unless replaced")
        return f"none: no {kind} is defined; add {where}"
    shown = ", ".join(values[:12])
    return shown + (f", ... ({len(values)} in all)" if len(values) > 12 else "")


def _unknown(kind: str, value: str, table: Iterable[str], *, role: str | None = None) -> str:
    """"unknown tier 'specialst'; did you mean 'specialist-perinatal'? expected one of: ..."

    >>> _unknown("tier", "specialst", ["specialist-perinatal", "universal"])
    "unknown tier 'specialst' (did you mean 'specialist-perinatal'?); expected one of: ..."
    """
    import difflib

    values = list(table)
    close = difflib.get_close_matches(str(value), values, n=3, cutoff=0.6)
    mean = f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""
    return f"unknown {role or kind} {shown(value)}{mean}; expected one of: {_choices(values, kind)}"


_RESPONSE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(working\s+days?|hours?|hrs?|days?|weeks?)\b",
                       re.IGNORECASE)
_UNIT_HOURS = {"hour": 1, "hr": 1, "day": 24, "week": 24 * 7}


def response_hours(text: str) -> float | None:
    """Hours in a response time such as ``"4 hours"`` or ``"28 days"`` (None if unreadable).

    >>> response_hours("4 hours"), response_hours("28 days"), response_hours("same day")
    (4.0, 672.0, None)
    """
    m = _RESPONSE.match(text)
    if m is None:
        return None
    unit = m.group(2).lower()
    if unit.startswith("working"):
        return float(m.group(1)) * 24
    return float(m.group(1)) * _UNIT_HOURS[unit.rstrip("s")]


_TERM_KEYS = ("levels", "severities", "urgencies", "concerns", "professions", "interventions")


class _Resolver:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.model = Model()
        self.items: dict[str, list[_Item]] = {key: [] for key in LIST_KEYS}
        self.area_items: list[_Item] = []
        self.ids: dict[str, tuple[str, str, int | None]] = {
            node: ("reserved", "carepath", None) for node in [*RESERVED_NODES,
                                                                *UNNAMED_NODES]}
        self.stage_names: dict[str, Interval] = {}
        self.fallback_sources: dict[str, Source] = {}  # bundled sources, taken when cited
        self.replaced: list[tuple[str, str, _Item]] = []  # changed bundled entries
        self.own_entries: dict[str, dict[str, _Item]] = {}  # the data's own, by list and id

    # -- reporting -------------------------------------------------------------------------
    def error(self, code: str, file: str, line: int | None, field: str | None, msg: str) -> None:
        self.problems.append(Problem("error", code, file, line, field, msg))

    def warn(self, code: str, file: str, line: int | None, field: str | None, msg: str) -> None:
        self.problems.append(Problem("warning", code, file, line, field, msg))

    # -- pass 1: shape ---------------------------------------------------------------------
    def read_file(self, raw_file: RawFile) -> None:
        data, file, bundled = raw_file.data, raw_file.display, raw_file.bundled
        if data is None:
            self.warn("empty-file", file, None, None, "file is empty")
            return
        if not isinstance(data, dict):
            self.error("not-a-mapping", file, None, None,
                       "top level must be a mapping with keys such as services, relations")
            return
        for key in data:
            if key not in LIST_KEYS and key not in SCALAR_KEYS:
                self.error("unknown-key", file, _line(data, key), str(key),
                           f"unknown top-level key {key!r}; expected one of: "
                           f"{_choices([*LIST_KEYS, *SCALAR_KEYS])}")
        default_source = data.get("source")
        if default_source is not None and not isinstance(default_source, str):
            self.error("bad-source", file, _line(data, "source"), "source",
                       "source must be a source id")
            default_source = None
        area_id = None
        if data.get("area") is not None:
            rec = self.validate(AreaRec, data["area"], file, "area")
            if rec is not None:
                area_id = rec.id
                self.area_items.append(_Item(rec, file, data["area"], default_source,
                                             bundled=bundled))
        for key, rec_type in LIST_KEYS.items():
            if key not in data:
                continue
            values = data[key]
            if not isinstance(values, list):
                self.error("not-a-list", file, _line(data, key), key, f"{key} must be a list")
                continue
            for index, raw in enumerate(values):
                rec = self.validate(rec_type, raw, file, f"{key}[{index}]")
                if rec is not None:
                    self.items[key].append(_Item(rec, file, raw, default_source, area_id,
                                                 bundled))

    def validate(self, rec_type: type, raw: Any, file: str, where: str) -> Any:
        if not isinstance(raw, dict):
            self.error("not-a-mapping", file, None, where, "expected a mapping of fields")
            return None
        try:
            return rec_type.model_validate(raw)
        except ValidationError as exc:
            ident = raw.get("id")
            label = f"{where} ({ident})" if ident else where
            for err in exc.errors():
                loc = [str(p) for p in err["loc"]]
                field = loc[0] if loc else None
                if err["type"] == "missing":
                    msg = f"missing required field {'.'.join(loc)!r}"
                elif err["type"] == "extra_forbidden":
                    msg = f"unknown field {'.'.join(loc)!r}"
                else:
                    msg = f"{'.'.join(loc)}: {err['msg']} (got {shown(err.get('input'))})"
                self.error("bad-field", file, _line(raw, field), label, msg)
            return None

    # -- ids -------------------------------------------------------------------------------
    def claim(self, ident: str, kind: str, file: str, line: int | None) -> bool:
        if ident in self.ids:
            other_kind, other_file, other_line = self.ids[ident]
            where = other_file if other_line is None else f"{other_file}:{other_line}"
            self.error("duplicate-id", file, line, "id",
                       f"duplicate id {ident!r} ({kind}); "
                       f"already used by a {other_kind} at {where}")
            return False
        self.ids[ident] = (kind, file, line)
        return True

    def provenance(self, item: _Item, rec: Cited, raw: Any = None,
                   parent: Cited | None = None) -> Provenance:
        """Provenance of a fact: its own source, else its parent record's, else the file's."""
        source = rec.source or (parent.source if parent else None) or item.default_source
        raw = item.raw if raw is None else raw
        if source is None:
            self.error("no-source", item.file, _line(raw), "source",
                       "no source: give the fact a `source:` or the file a top-level `source:`")
            source = "unknown"
        elif source in self.fallback_sources and source not in self.model.sources:
            self.model.sources[source] = self.fallback_sources[source]  # a bundled document
        elif source not in self.model.sources:
            self.error("unknown-source", item.file, _line(raw, "source"), "source",
                       _unknown("source", source, [*self.model.sources,
                                                   *self.fallback_sources])
                       + ("" if self.model.sources or not self.fallback_sources else
                          f" (carepath's bundled documents); or add it to {_DEFINED_IN['source']}"))
        return Provenance(source, rec.line, rec.passage)

    def check_term(self, value: str | None, table: dict, kind: str, item: _Item, field: str,
                   raw: Any = None) -> bool:
        if value is None or value in table:
            return True
        self.error(f"unknown-{kind}", item.file, _line(item.raw if raw is None else raw, field),
                   field, _unknown(kind, value, table))
        return False

    def windows(self, texts: list[str], item: _Item, field: str, raw: Any = None) -> tuple:
        out = []
        for text in texts:
            try:
                out.append(parse_range(text, stages=self.stage_names))
            except RangeParseError as exc:
                self.error("bad-range", item.file, _line(item.raw if raw is None else raw, field),
                           field, str(exc))
        return tuple(out)

    # -- pass 2: vocabularies and sources ------------------------------------------------------
    def own_version(self, key: str, item: _Item, kind: str) -> bool:
        """Whether ``item`` is to be left out: a bundled entry the data's own entry of the
        same id replaces (identical: silently; changed: noted for one warning), or a repeat
        of the data's own first entry, identical to it (two folders bringing the same
        vocabulary). A changed repeat is kept: it is a duplicate id."""
        own = self.own_entries.get(key, {}).get(item.rec.id)
        if not item.bundled:
            return own is not None and own is not item and own.rec == item.rec
        if own is None:
            return False
        if own.rec != item.rec:
            self.replaced.append((kind, item.rec.id, own))
        return True

    def resolve_vocabularies(self) -> None:
        m = self.model
        self.own_entries = {key: {} for key in ("sources", "tiers", "stages", *_TERM_KEYS)}
        for key, firsts in self.own_entries.items():
            for item in self.items[key]:
                if not item.bundled:
                    firsts.setdefault(item.rec.id, item)
        for item in self.items["sources"]:
            rec: SourceRec = item.rec
            if self.own_version("sources", item, "source"):
                continue
            version = rec.version
            source = Source(rec.id, rec.title, rec.publisher, rec.file,
                            version.text if version else None,
                            version.dated if version else None,
                            Provenance(rec.id, version.line, version.passage) if version
                            else None)
            if item.bundled:  # taken when a fact cites it (see provenance)
                self.fallback_sources[rec.id] = source
            elif self.claim(rec.id, "source", item.file, _line(item.raw)):
                m.sources[rec.id] = source
        for item in self.items["tiers"]:
            rec: TierRec = item.rec
            if self.own_version("tiers", item, "tier"):
                continue
            if self.claim(rec.id, "tier", item.file, _line(item.raw)):
                m.tiers[rec.id] = Tier(rec.id, rec.name, rec.rank, tuple(rec.aliases),
                                       rec.description)
        for item in self.items["stages"]:
            rec: StageRec = item.rec
            if self.own_version("stages", item, "stage"):
                continue
            if rec.end_week <= rec.start_week:
                self.error("bad-range", item.file, _line(item.raw, "end_week"), "end_week",
                           f"stage {rec.id!r} ends (week {rec.end_week}) before it starts "
                           f"(week {rec.start_week})")
                continue
            if self.claim(rec.id, "stage", item.file, _line(item.raw)):
                interval = Interval(rec.start_week, rec.end_week)
                m.stages[rec.id] = AgeStage(rec.id, rec.name, interval, tuple(rec.aliases))
                for name in (rec.id, rec.name, *rec.aliases):
                    self.stage_names.setdefault(name.lower(), interval)
        tables = {"levels": m.levels, "severities": m.severities, "urgencies": m.urgencies,
                  "concerns": m.concerns, "professions": m.professions,
                  "interventions": m.interventions}
        for key in _TERM_KEYS:
            table = tables[key]
            for item in self.items[key]:
                rec: TermRec = item.rec
                kind = key[:-3] + "y" if key.endswith("ies") else key[:-1]
                if self.own_version(key, item, kind):
                    continue
                # levels share ids with tiers by design (universal is both): not claimed globally
                if key in ("levels", "severities", "urgencies"):
                    if rec.id in table:
                        self.error("duplicate-id", item.file, _line(item.raw), "id",
                                   f"duplicate {kind} id {rec.id!r}")
                        continue
                elif not self.claim(rec.id, kind, item.file, _line(item.raw)):
                    continue
                table[rec.id] = Term(rec.id, rec.name, tuple(rec.aliases), rec.description,
                                     rec.rank)
        for item in self.items["sources"]:  # scopes name terms: read once they are known
            if item.rec.scope is None:
                continue
            # a bundled source taken only when cited keeps its scope too
            table = self.fallback_sources if item.bundled else m.sources
            if item.rec.id in table and (item.bundled or not self.own_version(
                    "sources", item, "source")):
                table[item.rec.id] = replace(table[item.rec.id], scope=self.scope(item))

    def scope(self, item: _Item) -> Scope:
        """A source's scope, every id checked against the vocabularies."""
        rec: SourceRec = item.rec
        scope = rec.scope
        raw = item.raw.get("scope") if isinstance(item.raw, dict) else None
        m = self.model
        tables = {"tiers": (m.tiers, "tier"), "stages": (m.stages, "stage"),
                  "concerns": (m.concerns, "concern"),
                  "facts": (dict.fromkeys(FACT_KINDS), "kind of fact")}
        kept: dict[str, frozenset[str] | None] = {}
        for field, (table, kind) in tables.items():
            values = getattr(scope, field)
            if values is None:
                kept[field] = None
                continue
            for value in values:
                if value not in table:
                    self.error(f"unknown-{kind.replace(' ', '-')}", item.file,
                               _line(raw if raw is not None else item.raw, field),
                               f"scope.{field}", _unknown(kind, value, table))
            kept[field] = frozenset(v for v in values if v in table)
        prov = Provenance(rec.id, scope.line, scope.passage) if (
            scope.line is not None or scope.passage) else None
        return Scope(**kept, note=scope.note, provenance=prov)

    # -- pass 3: areas, services, relations ------------------------------------------------------
    def resolve_areas(self) -> None:
        for item in [*self.area_items, *self.items["areas"]]:
            rec: AreaRec = item.rec
            if self.claim(rec.id, "area", item.file, _line(item.raw)):
                self.model.areas[rec.id] = Area(rec.id, rec.name, self.provenance(item, rec),
                                                rec.country, rec.births_per_year)

    def resolve_services(self) -> None:
        m = self.model
        for item in self.items["services"]:
            rec: ServiceRec = item.rec
            area = rec.area or item.area
            if area is None:
                self.error("no-area", item.file, _line(item.raw), "area",
                           f"service {rec.id!r} has no area: give the file an `area:` "
                           "or the service an `area` field")
                continue
            if area not in m.areas:
                self.error("unknown-area", item.file, _line(item.raw, "area"), "area",
                           _unknown("area", area, m.areas))
            self.check_term(rec.tier, m.tiers, "tier", item, "tier")
            self.check_term(rec.level, m.levels, "level", item, "level")
            need_min = need_max = need_note = None
            if rec.need is not None:
                need_min, need_max, need_note = rec.need.min, rec.need.max, rec.need.note
                if need_min is not None and need_max is not None and need_max < need_min:
                    self.error("bad-range", item.file, _line(item.raw, "need"), "need",
                               f"need max {need_max} is below need min {need_min}")
            addresses = []
            for i, need in enumerate(rec.addresses):
                raw = item.raw["addresses"][i]
                self.check_term(need.concern, m.concerns, "concern", item, "concern", raw)
                for sev in need.severity:
                    self.check_term(sev, m.severities, "severity", item, "severity", raw)
                addresses.append(ConcernNeed(need.concern, frozenset(need.severity)))
            for concern in rec.not_addressed:
                self.check_term(concern, m.concerns, "concern", item, "not_addressed")
            for prof in rec.professions:
                self.check_term(prof, m.professions, "profession", item, "professions")
            for intervention in rec.interventions:
                self.check_term(intervention, m.interventions, "intervention", item,
                                "interventions")
            criteria = []
            for i, crit in enumerate(rec.eligibility):
                raw = item.raw["eligibility"][i]
                for concern in crit.concerns:
                    self.check_term(concern, m.concerns, "concern", item, "concerns", raw)
                for sev in crit.severity:
                    self.check_term(sev, m.severities, "severity", item, "severity", raw)
                criteria.append(Criterion(
                    crit.type, crit.text, self.provenance(item, crit, raw, rec),
                    self.windows(crit.stages, item, "stages", raw), frozenset(crit.concerns),
                    frozenset(crit.severity), crit.parent_age_below, crit.parent_age_from,
                    tuple(crit.discuss_with)))
            responses = []
            for i, resp in enumerate(rec.response_times):
                raw = item.raw["response_times"][i]
                self.check_term(resp.urgency, m.urgencies, "urgency", item, "urgency", raw)
                hours = response_hours(resp.within)
                if hours is None:
                    self.error("bad-response-time", item.file, _line(raw, "within"), "within",
                               f"cannot read response time {shown(resp.within)}; "
                               "write it like '4 hours' or '28 days'")
                responses.append(ResponseTime(resp.urgency, resp.within, hours,
                                              self.provenance(item, resp, raw, rec)))
            evidence = tuple(self.provenance(item, ev, item.raw["evidence"][i], rec)
                             for i, ev in enumerate(rec.evidence))
            part_of = part_prov = self_ref = self_prov = None
            if rec.part_of is not None:
                part_of = rec.part_of.service
                part_prov = self.provenance(item, rec.part_of, item.raw["part_of"], rec)
            if rec.self_referral is not None:
                self_ref = rec.self_referral.status
                self_prov = self.provenance(item, rec.self_referral,
                                            item.raw["self_referral"], rec)
            hours = hours_prov = None
            if rec.hours is not None:
                hours = rec.hours.text
                hours_prov = self.provenance(item, rec.hours, item.raw["hours"], rec)
            readings = {}
            for key in ("addresses_closed", "criteria_closed", "by_discussion"):
                said = getattr(rec, key)
                if said is not None:
                    if not said.passage:
                        self.error("no-passage", item.file, _line(item.raw, key), key,
                                   f"{key} needs the passage that says so (`passage:`), "
                                   "with its `line`")
                    readings[key] = self.provenance(item, said, item.raw[key], rec)
            conditions = []
            for i, cond in enumerate(rec.conditions):
                raw = item.raw["conditions"][i]
                for fact in cond.governs:
                    kind, _, ident = fact.partition(":")
                    if fact != "service" and not (kind == "profession"
                                                  and ident in rec.professions):
                        self.error("bad-condition", item.file, _line(raw, "governs"),
                                   "governs", f"a condition governs 'service' or "
                                   f"'profession:ID' of one of the service's professions, "
                                   f"not {shown(fact)}")
                conditions.append(Condition(cond.text, self.provenance(item, cond, raw, rec),
                                            cond.births_over, cond.births_at_most,
                                            tuple(cond.governs)))
            commitments = tuple(
                Commitment(c.text, self.provenance(item, c, item.raw["commitments"][i], rec))
                for i, c in enumerate(rec.commitments))
            service = Service(
                id=rec.id, name=rec.name, area=area, provenance=self.provenance(item, rec),
                aliases=tuple(rec.aliases), tier=rec.tier, tier_note=rec.tier_note,
                level=rec.level, need_min=need_min, need_max=need_max, need_note=need_note,
                stage_texts=tuple(rec.stages), windows=self.windows(rec.stages, item, "stages"),
                addresses=tuple(addresses), not_addressed=tuple(rec.not_addressed),
                professions=tuple(rec.professions), interventions=tuple(rec.interventions),
                eligibility=tuple(criteria), response_times=tuple(responses), notes=rec.notes,
                evidence=evidence, part_of=part_of, part_of_provenance=part_prov,
                self_referral=self_ref, self_referral_provenance=self_prov,
                valid_from=rec.valid_from, valid_to=rec.valid_to, assured_date=rec.assured_date,
                hours=hours, hours_provenance=hours_prov,
                window_kind=rec.window_kind, conditions=tuple(conditions),
                commitments=commitments, **readings)
            if rec.valid_from and rec.valid_to and rec.valid_to < rec.valid_from:
                self.error("bad-range", item.file, _line(item.raw, "valid_to"), "valid_to",
                           f"valid_to {rec.valid_to} is before valid_from {rec.valid_from}")
            if self.claim(rec.id, "service", item.file, _line(item.raw)):
                m.services[rec.id] = service

    def check_service_links(self) -> None:
        """``part_of`` and ``discuss_with`` name services that exist (and no cycle)."""
        m = self.model
        for item in self.items["services"]:
            rec: ServiceRec = item.rec
            if rec.id not in m.services:
                continue
            if rec.part_of is not None:
                self.check_term(rec.part_of.service, m.services, "service", item, "part_of")
                seen, node = {rec.id}, m.services.get(rec.part_of.service)
                while node is not None and node.part_of:
                    if node.part_of in seen or node.id in seen:
                        self.error("part-of-cycle", item.file, _line(item.raw, "part_of"),
                                   "part_of", f"service {rec.id!r} is (through part_of) "
                                   "part of itself")
                        break
                    seen.add(node.id)
                    node = m.services.get(node.part_of)
            for i, crit in enumerate(rec.eligibility):
                for other in crit.discuss_with:
                    self.check_term(other, m.services, "service", item, "discuss_with",
                                    item.raw["eligibility"][i])

    def endpoint(self, node: str, item: _Item, field: str, *, allow_family: bool) -> bool:
        m = self.model
        if node in m.services or node in m.professions or node in UNNAMED_NODES or (
                allow_family and node in RESERVED_NODES):
            return True
        if node in RESERVED_NODES:
            self.error("bad-endpoint", item.file, _line(item.raw, field), field,
                       "the family can only be the source of a relation, not its target")
            return False
        kind = self.ids.get(node, ("",))[0]
        if kind:
            hint = f" ({node!r} is a {kind}, not a service or profession)"
        else:
            import difflib

            close = difflib.get_close_matches(node, [*m.services, *m.professions], n=3)
            hint = f" (did you mean {' or '.join(map(repr, close))}?)" if close else ""
        self.error("unknown-reference", item.file, _line(item.raw, field), field,
                   f"unknown {'source' if field == 'from' else 'target'} {node!r}{hint}; "
                   "expected a service id, a profession id, 'family' (a self-referral), "
                   "'relatives' (family members or carers referring) or 'services-not-named' "
                   "(the document states the relation but does not name its other end)")
        return False

    def resolve_relations(self) -> None:
        m = self.model
        services, professions = m.services, m.professions
        seen: dict[str, int] = {}
        for item in self.items["relations"]:
            rec: RelationRec = item.rec
            if rec.kind not in RELATION_KINDS:
                self.error("unknown-kind", item.file, _line(item.raw, "kind"), "kind",
                           f"unknown relation kind {shown(rec.kind)}; expected one of: "
                           f"{', '.join(RELATION_KINDS)}")
                continue
            kind = RelationKind(rec.kind)
            ok = self.endpoint(rec.from_, item, "from", allow_family=True)
            # a statement can name hundreds of targets: check them as a set, and report only
            # the unknown ones (one at a time, in the order written)
            for target in dict.fromkeys(t for t in rec.to if t not in services
                                        and t not in professions):
                ok &= self.endpoint(target, item, "to", allow_family=False)
            for concern in rec.concerns:
                ok &= self.check_term(concern, m.concerns, "concern", item, "concerns")
            for sev in rec.severity:
                ok &= self.check_term(sev, m.severities, "severity", item, "severity")
            ok &= self.check_term(rec.urgency, m.urgencies, "urgency", item, "urgency")
            ok &= self.check_term(rec.level, m.levels, "level", item, "level")
            windows = self.windows(rec.stages, item, "stages")
            provenance = self.provenance(item, rec)
            if not ok or len(windows) != len(rec.stages):
                continue
            # a statement is kept whole: its relations (one per target) are made when the
            # analyses ask for them, and the views are built from the statements in bulk
            targets = tuple(dict.fromkeys(rec.to))
            if rec.from_ in targets:
                self.warn("refers-to-itself", item.file, _line(item.raw, "to"), "to",
                          f"{rec.from_!r} {kind.value.replace('_', ' ')} itself; is a target "
                          "id mistyped?")
            if len(targets) < len(rec.to):
                self.warn("duplicate-target", item.file, _line(item.raw, "to"), "to",
                          "a target is listed more than once; kept once")
            key = "|".join([kind.value, rec.from_, *rec.stages, *sorted(rec.concerns),
                            *sorted(rec.severity), rec.urgency or "", rec.level or "",
                            provenance.source, str(rec.line or "")])
            digest = "s-" + sha1(key.encode()).hexdigest()[:12]
            n = seen[digest] = seen.get(digest, 0) + 1
            m.statements.append(Statement(
                digest if n == 1 else f"{digest}-{n}", kind, rec.from_, targets, provenance,
                tuple(rec.stages), windows, frozenset(rec.concerns), frozenset(rec.severity),
                rec.urgency, rec.response_time, rec.level, rec.note))

    def resolve_overlaps_and_pathway(self) -> None:
        m = self.model
        for item in self.items["overlaps"]:
            rec: OverlapRec = item.rec
            for service in rec.services:
                self.check_term(service, m.services, "service", item, "services")
            m.overlaps.append(Overlap(tuple(rec.services), rec.note, self.provenance(item, rec)))
        for item in self.items["pathway"]:
            rec: PathwayRec = item.rec
            self.check_term(rec.service, m.services, "service", item, "service")
            self.check_term(rec.level, m.levels, "level", item, "level")
            windows = self.windows([rec.stage], item, "stage")
            if windows:
                m.pathway.append(PathwayCell(
                    rec.stage, windows[0], rec.service, self.provenance(item, rec), rec.level,
                    rec.heading, rec.rationale, tuple(rec.actions)))


def build_model(files: list[RawFile], *, extra_problems: Iterable[Problem] = ()) -> Model:
    """Resolve parsed files into a :class:`Model`; raise with every problem found.

    Warnings alone do not stop the build; they are kept on the returned model's
    ``warnings`` attribute via :func:`build_model_with_warnings`.
    """
    model, problems = build_model_with_warnings(files, extra_problems=extra_problems)
    return model


def build_model_with_warnings(
    files: list[RawFile], *, extra_problems: Iterable[Problem] = ()
) -> tuple[Model, list[Problem]]:
    """Like :func:`build_model`, also returning the warnings."""
    resolver = _Resolver()
    resolver.problems.extend(extra_problems)
    for raw_file in files:
        resolver.read_file(raw_file)
    resolver.resolve_vocabularies()
    resolver.resolve_areas()
    resolver.resolve_services()
    resolver.check_service_links()
    resolver.resolve_relations()
    resolver.resolve_overlaps_and_pathway()
    if resolver.replaced:
        kind, ident, own = resolver.replaced[0]
        many = len(resolver.replaced) > 1
        resolver.warn("replaces-bundled", own.file, _line(own.raw), "id",
                      f"{len(resolver.replaced)} entr{'ies differ' if many else 'y differs'} "
                      f"from carepath's bundled vocabularies and sources (the first: {kind} "
                      f"{ident!r}); this data's version{'s are' if many else ' is'} used")
    if not resolver.model.services:
        resolver.warn("no-services", files[-1].display if files else "(no files)", None, None,
                      "no services found: is this the right folder or file?")
    if any(p.level == "error" for p in resolver.problems):
        raise DataValidationError(resolver.problems)
    return resolver.model, resolver.problems
