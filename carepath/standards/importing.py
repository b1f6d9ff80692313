"""From records read out of a standard's files to carepath data files the loaders accept.

The HSDS and FHIR readers each produce :class:`Entry` records (one per service, with where it
was read); :func:`build_import` turns them into YAML data (a ``sources.yaml`` and one file per
area under ``areas/``), applying a taxonomy mapping file, and lists what the planner must fill
in. :func:`write_import` writes the folder atomically and only after ``carepath.load`` has
accepted it.

Ages: a directory's ``minimum_age``/``maximum_age`` are years of *someone*. The eligibility text
decides whose: words about children put the years on the child's timeline (a stage window);
words about parents make a parent-age criterion. When the text says neither, the years decide
only if one reading is possible (no parent is 5 or younger; a child over 5 is beyond carepath's
timeline) and the planner is warned either way.

>>> age_subject("For parents of babies under one")
(None, 'the text speaks of both parents and children')
>>> age_subject("Support for new mothers")
('parent', "the text speaks of parents ('mothers')")
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from carepath.errors import DataValidationError, Problem, RangeParseError
from carepath.graph.model import RESERVED_NODES, UNNAMED_NODES, Model
from carepath.graph.stages import FIFTH_BIRTHDAY, WEEKS_PER_YEAR, parse_range
from carepath.loaders.yamlfile import dump_data_file
from carepath.standards.common import slug, unique, with_organisation
from carepath.writing import atomic_dir, check_target

MAP_COLUMNS = ("taxonomy", "code", "term", "tier", "concerns", "stages")
MAP_FILE = "taxonomy-map.csv"
REPORT_FILE = "IMPORT-REPORT.md"
_CHILD = re.compile(r"\b(child|children|childs?'s?|baby|babies|infants?|toddlers?|newborns?|"
                    r"pre-?school(?:ers)?|under[- ]?(?:5s|fives?|ones?|twos?)|boys?|girls?)\b",
                    re.IGNORECASE)
_PARENT = re.compile(r"\b(parents?|mothers?|mums?|moms?|fathers?|dads?|carers?|adults?|women|"
                     r"woman|pregnant|expectant|partners?)\b", re.IGNORECASE)


@dataclass(slots=True)
class Term:
    """A classification a record carries: an HSDS taxonomy term or a FHIR coding."""

    taxonomy: str
    code: str
    name: str

    def label(self) -> str:
        code = f" ({self.code})" if self.code and self.code != self.name else ""
        return f"{self.taxonomy}: {self.name}{code}" if self.taxonomy else f"{self.name}{code}"


@dataclass(slots=True)
class AreaRef:
    """An area a service is available in, as the standard names it."""

    name: str
    source: str
    line: int | None
    carepath_id: str | None = None
    country: str | None = None


@dataclass(slots=True)
class Entry:
    """One service as read from a standard's file, before it becomes carepath data."""

    where: str  # file:line or file record, for messages
    source: str  # id of the source (the file it was read from)
    line: int | None
    name: str
    carepath_id: str | None = None
    aliases: list[str] = field(default_factory=list)
    organisation: str | None = None
    description: str | None = None
    areas: list[AreaRef] = field(default_factory=list)
    criteria: list[tuple[str, str]] = field(default_factory=list)  # (type, text)
    minimum_age: float | None = None
    maximum_age: float | None = None
    details: list[str] = field(default_factory=list)  # contacts, referral methods, ...
    terms: list[Term] = field(default_factory=list)
    notes: str | None = None  # verbatim notes of a carepath export (overrides the rest)
    tier: str | None = None
    level: str | None = None
    stages: list[str] = field(default_factory=list)
    concerns: dict[str, list[str]] = field(default_factory=dict)
    # what a carepath export wrote beyond the standard's fields, in the data files' keys
    # (professions, interventions, need, response_times, not_addressed, tier_note)
    extra: dict[str, Any] = field(default_factory=dict)
    # relations a carepath export wrote on the service, as carepath relation records: access
    # routes into it without `to`, its other relations with `to`; each with the line it was
    # read from
    routes: list[tuple[dict[str, Any], int | None]] = field(default_factory=list)
    # pathway cells of the service a carepath export wrote, as carepath pathway records
    # without `service`: each with the line it was read from
    pathway: list[tuple[dict[str, Any], int | None]] = field(default_factory=list)


@dataclass(slots=True)
class SourceInfo:
    id: str
    title: str
    file: str


@dataclass(slots=True)
class Imported:
    """Carepath data built from a standard's records, ready to write."""

    sources: list[dict[str, Any]]
    areas: dict[str, dict[str, Any]]  # area id -> {"area": {...}, "services": [...]}
    warnings: list[Problem]
    to_fill: list[str]
    terms: list[dict[str, str]]
    standard: str
    origin: str
    organisations: set[str] = field(default_factory=set)
    # relations a carepath export recorded: service id -> [(relation record, line)]
    routes: dict[str, list[tuple[dict[str, Any], int | None]]] = field(default_factory=dict)
    # whether the standard classifies with taxonomy terms a mapping file maps (HSDS, FHIR);
    # carepath's own graph files name carepath's tiers and concerns: no map is written
    taxonomy: bool = True

    @property
    def services(self) -> list[dict[str, Any]]:
        return [s for a in self.areas.values() for s in a["services"]]


# -- the vocabulary and the mapping file --------------------------------------------------------

@cache
def vocabulary() -> Model:
    """The shared vocabularies alone (tiers, stages, concerns...), loaded once."""
    from carepath.loaders import read_files
    from carepath.loaders.resolve import build_model_with_warnings

    raw, _ = read_files([])
    return build_model_with_warnings(raw)[0]


@dataclass(slots=True)
class MapRow:
    taxonomy: str
    code: str
    term: str
    tier: str | None
    concerns: dict[str, list[str]]
    stages: list[str]
    line: int

    def matches(self, term: Term) -> bool:
        if self.taxonomy and self.taxonomy.lower() not in term.taxonomy.lower():
            return False
        return bool((self.code and self.code == term.code)
                    or (self.term and self.term.lower() == term.name.lower()))


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(";") if v.strip()]


def read_mapping(path: Path | str) -> list[MapRow]:
    """Read a taxonomy mapping file: CSV with columns taxonomy, code, term, tier, concerns, stages.

    A row applies to a record's term when its code, or else its term name, matches (and its
    taxonomy, if given, is part of the term's taxonomy). Concerns are written like the
    spreadsheet's: ``maternal-mental-health:moderate|severe; domestic-abuse``.

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "map.csv"
    >>> _ = f.write_text("term,tier,concerns\\nPerinatal mental health,specialist-perinatal,"
    ...                  "maternal-mental-health:moderate|severe\\n")
    >>> row = read_mapping(f)[0]
    >>> row.tier, row.concerns
    ('specialist-perinatal', {'maternal-mental-health': ['moderate', 'severe']})
    """
    from carepath.loaders.yamlfile import read_text

    path = Path(path)
    shown = str(path)
    if not path.is_file():
        raise DataValidationError([Problem("error", "not-found", shown, None, None,
                                           "no such mapping file")])
    reader = csv.DictReader(read_text(path, shown).splitlines())
    header = [h.strip() for h in reader.fieldnames or []]
    unknown = [h for h in header if h not in MAP_COLUMNS]
    if unknown or not ({"code", "term"} & set(header)):
        bad = unknown[0] if unknown else "code/term"
        raise DataValidationError([Problem(
            "error", "bad-mapping", shown, 1, bad,
            f"unknown or missing column {bad!r}; expected: {', '.join(MAP_COLUMNS)}")])
    vocab = vocabulary()
    problems: list[Problem] = []
    rows = []
    for n, raw in enumerate(reader, start=2):
        row = {k.strip(): (v or "").strip() for k, v in raw.items() if k}
        if not (row.get("code") or row.get("term")):
            continue
        tier = row.get("tier") or None
        if tier and tier not in vocab.tiers:
            problems.append(Problem("error", "unknown-tier", shown, n, "tier",
                                    f"unknown tier {tier!r}; expected one of: "
                                    f"{', '.join(sorted(vocab.tiers))}"))
        concerns: dict[str, list[str]] = {}
        for part in _split(row.get("concerns")):
            concern, _, sev = part.partition(":")
            concern = concern.strip()
            severities = [s.strip() for s in sev.split("|") if s.strip()]
            if concern not in vocab.concerns:
                problems.append(Problem("error", "unknown-concern", shown, n, "concerns",
                                        f"unknown concern {concern!r}; expected one of: "
                                        f"{', '.join(sorted(vocab.concerns))}"))
            for s in severities:
                if s not in vocab.severities:
                    problems.append(Problem("error", "unknown-severity", shown, n, "concerns",
                                            f"unknown severity {s!r}; expected one of: "
                                            f"{', '.join(sorted(vocab.severities))}"))
            concerns[concern] = severities
        stages = _split(row.get("stages"))
        for text in stages:
            try:
                parse_range(text, stages=_stage_names())
            except RangeParseError as exc:
                problems.append(Problem("error", "bad-range", shown, n, "stages", str(exc)))
        rows.append(MapRow(row.get("taxonomy", ""), row.get("code", ""), row.get("term", ""),
                           tier, concerns, stages, n))
    if problems:
        raise DataValidationError(problems)
    return rows


@cache
def _stage_names() -> dict:
    stages = vocabulary().stages.values()
    return {name.lower(): s.interval for s in stages for name in (s.id, s.name, *s.aliases)}


# -- ages -----------------------------------------------------------------------------------

def age_subject(text: str) -> tuple[str | None, str]:
    """Whose age a directory's age limits are, from the text: 'child', 'parent' or None; why."""
    child = sorted({m.lower() for m in _CHILD.findall(text or "")})
    parent = sorted({m.lower() for m in _PARENT.findall(text or "")})
    if child and parent:
        return None, "the text speaks of both parents and children"
    if child:
        return "child", f"the text speaks of children ({', '.join(repr(w) for w in child)})"
    if parent:
        return "parent", f"the text speaks of parents ({', '.join(repr(w) for w in parent)})"
    return None, "the text says neither whose age it is"


def _years(value: float) -> str:
    return f"{value:g}"


def map_ages(entry: Entry) -> tuple[dict[str, Any], str | None]:
    """What an entry's age limits become, and a warning for the planner (or None).

    Returns ``{"stages": [...]}`` for a child's ages, ``{"criterion": {...}}`` for a parent's,
    ``{"criterion": {...}}`` with the ages as text only when undecided.

    >>> e = Entry("x", "s", 1, "Baby group", criteria=[("inclusion", "babies")],
    ...           minimum_age=0, maximum_age=1)
    >>> mapped, warning = map_ages(e)
    >>> mapped
    {'stages': ['0 - 2 years']}
    >>> warning
    "ages 0 to 1 read as the child's (the text speaks of children ('babies')); confirm"
    """
    low, high = entry.minimum_age, entry.maximum_age
    if low is None and high is None:
        return {}, None
    text = " ".join(t for _, t in entry.criteria) or entry.name
    subject, why = age_subject(text)
    if subject is None:
        subject, why = age_subject(entry.name + " " + (entry.description or ""))
    ages = (f"{_years(low)} to {_years(high)}" if low is not None and high is not None
            else f"{_years(low)} and over" if low is not None else f"up to {_years(high)}")
    if subject is None:
        if high is not None and high <= 5:
            subject, why = "child", "no parent is 5 or younger"
        elif low is not None and low > 5:
            subject, why = "parent", "a child over 5 is beyond carepath's timeline"
    if subject == "child":
        start = low or 0
        end = min((high + 1) * WEEKS_PER_YEAR if high is not None else FIFTH_BIRTHDAY,
                  FIFTH_BIRTHDAY)
        if start * WEEKS_PER_YEAR >= end:
            return ({"criterion": _age_criterion(f"children aged {ages}", None, None)},
                    f"ages {ages} read as the child's ({why}), but that is beyond carepath's "
                    "timeline (preconception to 5 years); kept as text, no stage recorded")
        return ({"stages": [f"{_years(start)} - {_years(end / WEEKS_PER_YEAR)} years"]},
                f"ages {ages} read as the child's ({why}); confirm")
    if subject == "parent":
        below = int(high) + 1 if high is not None else None
        return ({"criterion": _age_criterion(f"parents aged {ages}",
                                             int(low) if low is not None else None, below)},
                f"ages {ages} read as the parent's ({why}); confirm")
    return ({"criterion": _age_criterion(f"aged {ages} (whose age - the parent's or the "
                                         "child's - is not stated)", None, None)},
            f"ages {ages}: {why}; kept as text - confirm whether they are the parent's or the "
            "child's")


def _age_criterion(text: str, low: int | None, below: int | None) -> dict[str, Any]:
    crit: dict[str, Any] = {"type": "inclusion", "text": text}
    if low:
        crit["parent_age_from"] = min(low, 120)
    if below is not None and below <= 120:
        crit["parent_age_below"] = below
    return crit


# -- building the data ------------------------------------------------------------------------

def build_import(entries: list[Entry], sources: list[SourceInfo], *, standard: str,
                 origin: str, prefix: str, mapping: list[MapRow] = (),
                 area_name: str | None = None, warnings: Iterable[Problem] = ()) -> Imported:
    """Turn entries into carepath data: areas, services with notes, criteria, mapped terms."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", prefix):
        raise DataValidationError([Problem("error", "bad-prefix", origin, None, "prefix",
                                           f"id prefix {prefix!r} must be lower-case "
                                           "kebab-case, e.g. 'hsds' or 'my-area'")])
    vocab = vocabulary()
    taken: set[str] = set(vocab.tiers) | set(vocab.concerns) | set(vocab.professions) | set(
        vocab.interventions) | set(vocab.stages) | set(RESERVED_NODES) | set(UNNAMED_NODES)
    problems = list(warnings)
    to_fill: list[str] = []
    areas: dict[str, dict[str, Any]] = {}
    area_ids: dict[str, str] = {}
    seen_terms: dict[tuple[str, str, str], dict[str, str]] = {}
    organisations: set[str] = set()
    routes: dict[str, list[tuple[dict[str, Any], int | None]]] = {}

    def warn(entry: Entry, code: str, fieldname: str, msg: str) -> None:
        file, _, _ = entry.where.rpartition(":")
        problems.append(Problem("warning", code, file or entry.where, entry.line, fieldname,
                                f"{entry.name!r}: {msg}"))

    def area_for(ref: AreaRef) -> str:
        key = ref.carepath_id or ref.name.lower()
        if key not in area_ids:
            ident = unique(ref.carepath_id or f"{prefix}-{slug(ref.name, max_length=40)}", taken)
            area_ids[key] = ident
            area: dict[str, Any] = {"id": ident, "name": ref.name}
            if ref.country:
                area["country"] = ref.country
            area |= {"source": ref.source, **({"line": ref.line} if ref.line else {})}
            areas[ident] = {"area": area, "services": []}
        return area_ids[key]

    fallback = AreaRef(area_name or f"Area of {Path(origin).name} (to confirm)",
                       sources[0].id, None)
    for entry in entries:
        if not entry.areas:
            warn(entry, "no-area", "area",
                 f"no service area; put in {fallback.name!r} - give --area-name or move it")
        refs = entry.areas or [fallback]
        area = area_for(refs[0])
        for extra in refs[1:]:
            warn(entry, "more-areas", "area",
                 f"also available in {extra.name!r}; carepath gives a service one area, so "
                 f"it is in {refs[0].name!r} and the others are listed in its notes")
        ident = unique(entry.carepath_id or f"{prefix}-{slug(entry.name)}", taken)
        svc: dict[str, Any] = {"id": ident, "name": entry.name}
        if entry.aliases:
            svc["aliases"] = list(dict.fromkeys(entry.aliases))
        tier, stages, concerns = entry.tier, list(entry.stages), dict(entry.concerns)
        for term in entry.terms:
            key = (term.taxonomy, term.code, term.name)
            mapped = next((row for row in mapping if row.matches(term)), None)
            seen_terms.setdefault(key, {
                "taxonomy": term.taxonomy, "code": term.code, "term": term.name,
                "tier": mapped.tier or "" if mapped else "",
                "concerns": "; ".join(c + (":" + "|".join(s) if s else "")
                                      for c, s in mapped.concerns.items()) if mapped else "",
                "stages": "; ".join(mapped.stages) if mapped else ""})
            if mapped is None:
                continue
            if mapped.tier and tier and mapped.tier != tier:
                warn(entry, "tier-conflict", "tier",
                     f"term {term.label()!r} maps to tier {mapped.tier!r} but the service "
                     f"already has {tier!r}; kept {tier!r}")
            tier = tier or mapped.tier
            for concern, sev in mapped.concerns.items():
                concerns[concern] = sorted(set(concerns.get(concern, [])) | set(sev))
            stages += [s for s in mapped.stages if s not in stages]
        ages, age_warning = map_ages(entry)
        if age_warning:
            warn(entry, "ages", "minimum_age", age_warning)
        stages += [s for s in ages.get("stages", []) if s not in stages]
        if tier:
            svc["tier"] = tier
        if entry.level:
            svc["level"] = entry.level
        if stages:
            svc["stages"] = stages
        if concerns:
            svc["addresses"] = [{"concern": c, **({"severity": s} if s else {})}
                                for c, s in concerns.items()]
        svc.update(entry.extra)
        criteria = [{"type": t, "text": text, "line": entry.line} if entry.line
                    else {"type": t, "text": text} for t, text in entry.criteria if text]
        if "criterion" in ages:
            criteria.append(ages["criterion"] | ({"line": entry.line} if entry.line else {}))
        if criteria:
            svc["eligibility"] = criteria
        notes = _notes(entry, refs)
        if notes:
            svc["notes"] = notes
        if entry.organisation:
            organisations.add(entry.organisation)
        svc["source"] = entry.source
        if entry.line:
            svc["line"] = entry.line
        svc["passage"] = entry.name
        areas[area]["services"].append(svc)
        if entry.routes:
            routes.setdefault(ident, []).extend(entry.routes)
        for record, line in entry.pathway:
            cell = {**record, "service": ident, "source": entry.source}
            areas[area].setdefault("pathway", []).append(cell | ({"line": line} if line else {}))
        missing = [f for f in ("tier", "stages") if f not in svc]
        if missing:
            to_fill.append(f"{ident} ({entry.where}): {' and '.join(missing)}")
    _check_part_of(areas, problems)
    return Imported(
        sources=[{"id": s.id, "title": s.title, "file": s.file} for s in sources],
        areas=areas, warnings=problems, to_fill=to_fill, terms=list(seen_terms.values()),
        standard=standard, origin=origin, organisations=organisations, routes=routes)


def _check_part_of(areas: dict[str, dict[str, Any]], problems: list[Problem]) -> None:
    """Leave out, with a warning, a ``part_of`` naming a service the import does not hold."""
    ids = {s["id"] for a in areas.values() for s in a["services"]}
    for area in areas.values():
        for svc in area["services"]:
            parent = (svc.get("part_of") or {}).get("service")
            if parent is not None and parent not in ids:
                del svc["part_of"]
                problems.append(Problem(
                    "warning", "unknown-parent", svc["source"], svc.get("line"), "part_of",
                    f"{svc['name']!r} is part of {parent!r}, which is not in the imported "
                    "data; left out"))


def _notes(entry: Entry, refs: list[AreaRef]) -> str | None:
    if entry.notes is not None:
        return with_organisation(entry.notes, entry.organisation)
    lines = []
    if entry.description:
        lines.append(entry.description.strip())
    if len(refs) > 1:
        lines.append("Also available in: " + "; ".join(r.name for r in refs[1:]))
    lines += entry.details
    if entry.terms:
        lines.append("Classified as: " + "; ".join(t.label() for t in entry.terms))
    return with_organisation("\n".join(lines) or None, entry.organisation)


def add_routes(result: Imported) -> None:
    """The relations a carepath export recorded (:attr:`Imported.routes`) in the area file of
    the service that carried them: an access route leads into that service, any other
    relation names both its ends. A relation with an end the imported data does not hold is
    left out with a warning."""
    if not result.routes:
        return
    services = {s["id"]: s for s in result.services}
    known = (set(services) | set(vocabulary().professions) | set(RESERVED_NODES)
             | set(UNNAMED_NODES))  # a referral pathway whose referrers are not named
    for area in result.areas.values():
        relations = []
        for svc in area["services"]:
            for record, line in result.routes.get(svc["id"], []):
                node, target = record.get("from"), record.get("to", svc["id"])
                if node not in known or target not in known:
                    what = (f"is reached from {node!r}" if "to" not in record else
                            f"has a {record.get('kind')} relation {node!r} -> {target!r}")
                    result.warnings.append(Problem(
                        "warning", "unknown-referrer", svc["source"], line, "referral-source",
                        f"{svc['name']!r} {what}, which is not in the imported data; "
                        "relation left out"))
                    continue
                rel = {**record, "to": target, "source": svc["source"]}
                relations.append(rel | ({"line": line} if line else {}))
        if relations:
            area["relations"] = relations


# -- writing ------------------------------------------------------------------------------------

def report_markdown(result: Imported) -> str:
    """The import report: counts, what the planner must fill in, and every warning."""
    services = result.services
    out = [f"# Imported from {result.standard}: {result.origin}", "",
           f"{dt.date.today().isoformat()}: {len(services)} services in {len(result.areas)} "
           f"areas, {len(result.organisations)} organisations, "
           f"{sum(len(s.get('eligibility', [])) for s in services)} eligibility criteria.", "",
           "## To fill in", ""]
    if not any(a.get("relations") for a in result.areas.values()):
        out += ["Relations (who refers to whom) are not part of the standard: add them under "
                "`relations:` in the area files.", ""]
    out += [f"- {line}" for line in result.to_fill] or ["- nothing else"]
    if result.taxonomy:
        out += ["", f"## Taxonomy terms ({len(result.terms)})", "",
                f"`{MAP_FILE}` lists every term seen; fill in tier, concerns and stages and "
                "import again with `--map` to apply them (and reuse the file for the next "
                "import).", ""]
    out += ["", f"## Warnings ({len(result.warnings)})", ""]
    out += [f"- {p}" for p in result.warnings] or ["- none"]
    return "\n".join(out) + "\n"


def write_import(result: Imported, out: Path | str, *, force: bool = False,
                 together: Iterable[Path | str] = ()) -> Path:
    """Write the data folder (``sources.yaml``, ``areas/*.yaml``), the taxonomy map and report.

    The folder is checked with ``carepath.load`` (beside the data folders ``together``, whose
    ids it must not reuse) before it is moved into place; an existing ``out`` is replaced only
    with ``force``.
    """
    from carepath.loaders import load_with_warnings

    out = Path(out)
    check_target(out, force=force)
    with atomic_dir(out, force=force) as tmp:
        header = (f"# Imported by carepath from {result.standard}: {result.origin}\n"
                  f"# The planner fills in tiers, stages and relations: see {REPORT_FILE}.\n")
        (tmp / "sources.yaml").write_text(
            header + dump_data_file({"sources": result.sources}), encoding="utf-8")
        (tmp / "areas").mkdir()
        for ident, data in result.areas.items():
            body = {"source": data["services"][0]["source"] if data["services"]
                    else result.sources[0]["id"], "area": data["area"],
                    "services": data["services"]}
            for key in ("relations", "overlaps", "pathway"):
                if data.get(key):
                    body[key] = data[key]
            (tmp / "areas" / f"{ident}.yaml").write_text(header + dump_data_file(body),
                                                         encoding="utf-8")
        if result.taxonomy:
            with (tmp / MAP_FILE).open("w", encoding="utf-8", newline="") as fh:
                writer = csv.DictWriter(fh, fieldnames=list(MAP_COLUMNS))
                writer.writeheader()
                writer.writerows(result.terms)
        (tmp / REPORT_FILE).write_text(report_markdown(result), encoding="utf-8")
        # raises DataValidationError: nothing is moved into place
        load_with_warnings(*together, tmp)
    return out


_ID = re.compile(r'"id"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)')


def id_lines(text: str) -> dict[Any, int]:
    """The line of the first ``"id": value`` of each value in JSON ``text``, in one pass.

    >>> id_lines('{"id": "a",\\n "x": [{"id": 7}, {"id": "a"}]}')
    {'a': 1, 7: 2}
    """
    lines: dict[Any, int] = {}
    line, last = 1, 0
    for m in _ID.finditer(text):
        line += text.count("\n", last, m.start())
        last = m.start()
        try:
            lines.setdefault(json.loads(m.group(1)), line)
        except ValueError:
            continue
    return lines
