"""FHIR R4 HealthcareService: import and export.

Validated with the ``fhir.resources`` models of FHIR R4B (4.3.0), the ``fhir.resources.R4B``
subpackage of fhir.resources 8, which is built on pydantic 2 like carepath. fhir.resources has
no plain R4 (4.0.1) package that runs on pydantic 2 (6.x is R4 on pydantic 1; 7.x and 8.x are R5
with R4B and STU3 subpackages), and R4B changed only the medication-definition,
evidence-based-medicine and subscription resources: Bundle, Organization, Location and
HealthcareService are the same in R4 and R4B, so what validates here is valid R4.

**Import** (:func:`read_fhir`, :func:`import_fhir`): a HealthcareService or a Bundle of them
(JSON or XML; a folder of such files). name; providedBy (the Organization in the Bundle, or
the reference's display) as the first line of the notes; type, specialty, category,
characteristic and program codings as taxonomy terms (mapped onto tier, concerns and stages by
the mapping file); eligibility as criteria (``exclusion`` when its code says so); referralMethod,
telecom, comment and extraDetails in the notes; coverageArea (the Location in the Bundle, or
the display) as the area.

**Export** (:func:`to_fhir`, :func:`export_fhir`): a ``collection`` Bundle of Organization
(as for HSDS: recorded, else one stand-in per area), Location (one per area, the services'
coverageArea) and HealthcareService resources. A service's carepath id is its identifier, its
tier its ``type``, its level its ``program``, the canonical stages it covers and the concerns it
addresses its ``characteristic``s, its criteria its ``eligibility`` (code ``inclusion`` or
``exclusion``, text in ``comment``). Referral routes: each service or profession that refers
into the service, and the family for self-referral, is a ``referralMethod`` coding (system
``https://w3id.org/carepath/id/referral-source``), and the routes with their conditions and
evidence are the ``extraDetails`` text. Aliases, stage texts and severities are carepath
extensions.

>>> from carepath import load_reference
>>> bundle = to_fhir(load_reference())
>>> sorted({e["resource"]["resourceType"] for e in bundle["entry"]})
['HealthcareService', 'Location', 'Organization']
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from carepath.errors import DataValidationError, Problem
from carepath.files import write_atomic
from carepath.graph.model import Model, RelationKind
from carepath.graph.rdf import CP, ID
from carepath.standards.common import (
    ExportReport,
    notes_without_organisation,
    organisation_of,
    report_common_losses,
    routes_text,
    slug,
    stable_uuid,
)
from carepath.standards.importing import (
    AreaRef,
    Entry,
    Imported,
    MapRow,
    SourceInfo,
    Term,
    add_referrals,
    build_import,
    id_lines,
    read_mapping,
    write_import,
)

FHIR_NS = "http://hl7.org/fhir"
SYSTEM = {kind: f"{ID}{kind}" for kind in ("service", "area", "tier", "level", "stage",
                                           "concern", "criterion-type", "referral-source")}
EXT = {name: CP + name for name in ("alias", "stageText", "addresses")}
KNOWN_COMPANIONS = ("Organization", "Location")


def _error(file: str, line: int | None, record: str | None, msg: str) -> DataValidationError:
    return DataValidationError([Problem("error", "bad-fhir", file, line, record, msg)])


# ================================================================================================
# import
# ================================================================================================

@dataclass(slots=True)
class _Resource:
    model: Any  # a fhir.resources model
    file: str
    line: int | None
    full_url: str | None = None

    @property
    def label(self) -> str:
        return f"{self.model.get_resource_type()}/{self.model.id or '(no id)'}"


def _models() -> Any:
    try:
        from fhir.resources import R4B
    except ImportError:  # pragma: no cover - a declared dependency
        raise ImportError("FHIR needs fhir.resources: pip install 'fhir.resources[xml]>=8'") \
            from None
    return R4B


def _first_error(exc: Exception) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        return f"{where}: {first.get('msg')}" if where else str(first.get("msg"))
    return str(exc).splitlines()[0]


def _parse_file(path: Path) -> list[_Resource]:
    """The resources of one FHIR file (a Bundle's entries, or the resource itself)."""
    shown = str(path)
    raw = path.read_bytes()
    head = raw.lstrip()[:1]
    R4B = _models()
    if head == b"<":
        from lxml import etree

        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        try:
            root = etree.fromstring(raw, parser)
        except etree.XMLSyntaxError as exc:
            raise _error(shown, exc.lineno, None, f"not well-formed XML ({exc.msg})") from None
        if root.getroottree().docinfo.doctype:
            raise _error(shown, 1, None, "FHIR XML may not contain a DOCTYPE")
        qname = etree.QName(root)
        if qname.namespace != FHIR_NS:
            raise _error(shown, root.sourceline, None,
                         f"not FHIR: root element <{qname.localname}> is not in the FHIR "
                         f"namespace {FHIR_NS}")
        kind = qname.localname
        ident = root.find(f"{{{FHIR_NS}}}id")
        record = f"{kind}/{ident.get('value') if ident is not None else '(no id)'}"
        _check_kind(kind, shown, root.sourceline, record)
        try:
            resource = R4B.get_fhir_model_class(kind).model_validate_xml(raw)
        except Exception as exc:  # pydantic.ValidationError or a parse error of the library
            raise _error(shown, root.sourceline, record,
                         f"not valid FHIR R4: {_first_error(exc)}") from None
        lines = [e.sourceline for e in root.iterfind(f"{{{FHIR_NS}}}entry/{{{FHIR_NS}}}resource/*")]
        return _unpack(resource, shown, root.sourceline, lines)
    text = raw.decode("utf-8-sig", errors="replace")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _error(shown, exc.lineno, None,
                     f"not FHIR JSON or XML (invalid JSON: {exc.msg})") from None
    except RecursionError:
        raise _error(shown, None, None, "JSON nested too deeply to be a FHIR resource (over a "
                     "thousand levels)") from None
    if not isinstance(doc, dict) or "resourceType" not in doc:
        raise _error(shown, 1, None, "not a FHIR resource: no resourceType (is this HSDS? use "
                     "`carepath import hsds`)")
    kind = str(doc["resourceType"])
    record = f"{kind}/{doc.get('id', '(no id)')}"
    _check_kind(kind, shown, 1, record)
    try:
        resource = R4B.get_fhir_model_class(kind).model_validate(doc)
    except RecursionError:
        raise _error(shown, 1, record, "nested too deeply to be a FHIR resource") from None
    except Exception as exc:
        raise _error(shown, 1, record, f"not valid FHIR R4: {_first_error(exc)}") from None

    ids = id_lines(text)  # one pass over the text (a rescan per resource was quadratic)

    def line_of(ident: str | None) -> int | None:
        return ids.get(ident) if ident else None

    lines = [line_of(e.resource.id) for e in (getattr(resource, "entry", None) or [])
             if e.resource is not None]
    return _unpack(resource, shown, line_of(doc.get("id")) or 1, lines)


def _check_kind(kind: str, file: str, line: int | None, record: str) -> None:
    if kind not in ("HealthcareService", "Bundle"):
        raise _error(file, line, record, f"a FHIR {kind}, not a HealthcareService or a Bundle "
                     "of them")


def _unpack(resource: Any, file: str, line: int | None, lines: list[int | None]) -> list[_Resource]:
    if resource.get_resource_type() != "Bundle":
        return [_Resource(resource, file, line)]
    out = []
    entries = [e for e in resource.entry or [] if e.resource is not None]
    for n, entry in enumerate(entries):
        out.append(_Resource(entry.resource, file, lines[n] if n < len(lines) else None,
                             entry.fullUrl))
    return out


def _codings(concepts: Any, taxonomy: str) -> list[Term]:
    terms = []
    for concept in concepts or []:
        codings = concept.coding or []
        for coding in codings:
            name = coding.display or concept.text or coding.code or ""
            terms.append(Term(coding.system or taxonomy, coding.code or "", name.strip()))
        if not codings and concept.text:
            terms.append(Term(taxonomy, "", concept.text.strip()))
    return terms


def _concept_text(concept: Any) -> str:
    if concept is None:
        return ""
    if concept.text:
        return concept.text.strip()
    return ", ".join((c.display or c.code or "").strip() for c in concept.coding or [])


def _identifier(resource: Any, system: str) -> str | None:
    for ident in getattr(resource, "identifier", None) or []:
        if ident.system == system and ident.value:
            return ident.value
    return None


@dataclass(slots=True)
class FhirRead:
    """What :func:`read_fhir` found: service entries, their sources and referrals, warnings."""

    entries: list[Entry]
    sources: list[SourceInfo]
    referrers: dict[str, list[tuple[str, int | None]]]
    warnings: list[Problem]


def read_fhir(path: Path | str, *, prefix: str = "fhir") -> FhirRead:
    """Read FHIR R4 HealthcareService resources from a JSON or XML file (or a folder of them).

    Raises :class:`DataValidationError` naming the file and record for a file that is not
    FHIR, a resource that is not valid R4, or a resource of another type.

    >>> import json, pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "hs.json"
    >>> _ = f.write_text(json.dumps({"resourceType": "HealthcareService", "id": "a",
    ...                              "name": "Perinatal team"}))
    >>> read_fhir(f).entries[0].name
    'Perinatal team'
    """
    path = Path(path)
    if not path.exists():
        raise _error(str(path), None, None, "no such file or folder")
    files = ([p for p in sorted(path.iterdir()) if p.suffix.lower() in (".json", ".xml")]
             if path.is_dir() else [path])
    if not files:
        raise _error(str(path), None, None, "no .json or .xml FHIR files in this folder")
    resources = [r for file in files for r in _parse_file(file)]
    warnings: list[Problem] = []
    lookup: dict[str, _Resource] = {}
    for res in resources:
        lookup[res.label] = res
        if res.full_url:
            lookup[res.full_url] = res
    sources: dict[str, SourceInfo] = {}
    for file in files:
        stem = slug(file.stem, max_length=40)
        ident = stem if stem.startswith(prefix) else f"{prefix}-{stem}"
        sources[str(file)] = SourceInfo(ident, f"FHIR R4 HealthcareService: {file.name}",
                                        str(file))
    services = [r for r in resources if r.model.get_resource_type() == "HealthcareService"]
    for res in resources:
        kind = res.model.get_resource_type()
        if kind != "HealthcareService" and kind not in KNOWN_COMPANIONS:
            warnings.append(Problem("warning", "other-resource", res.file, res.line, res.label,
                                    f"{kind} resource in the Bundle: not read"))
    if not services:
        raise _error(str(path), None, None, "no HealthcareService resources found")
    referrers: dict[str, list[tuple[str, int | None]]] = {}
    entries = [_fhir_entry(res, sources[res.file].id, lookup, referrers) for res in services]
    return FhirRead(entries, list(sources.values()), referrers, warnings)


def _fhir_entry(res: _Resource, source: str, lookup: dict[str, _Resource],
                referrers: dict[str, list[tuple[str, int | None]]]) -> Entry:
    hs = res.model
    where = res.file if res.line is None else f"{res.file}:{res.line}"
    if not (hs.name or "").strip():
        raise _error(res.file, res.line, res.label, "a HealthcareService without a name")
    organisation = None
    if hs.providedBy is not None:
        org = lookup.get(hs.providedBy.reference or "")
        if org is not None and org.model.get_resource_type() == "Organization":
            if _identifier(org.model, SYSTEM["area"]) is None:
                organisation = org.model.name or hs.providedBy.display
        else:
            organisation = hs.providedBy.display or hs.providedBy.reference
    areas = []
    for ref in hs.coverageArea or []:
        loc = lookup.get(ref.reference or "")
        if loc is not None and loc.model.get_resource_type() == "Location":
            name = loc.model.name or ref.display or ref.reference
            country = loc.model.address.country if loc.model.address else None
            areas.append(AreaRef(name, source, loc.line,
                                 _identifier(loc.model, SYSTEM["area"]), country))
        elif ref.display or ref.reference:
            areas.append(AreaRef(ref.display or ref.reference, source, res.line))
    criteria = []
    for elig in hs.eligibility or []:
        code = _concept_text(elig.code)
        kind = "exclusion" if code.lower() == "exclusion" else "inclusion"
        text = (elig.comment or "").strip() or code
        if text:
            criteria.append((kind, text))
    entry = Entry(where, source, res.line, hs.name.strip(), organisation=organisation,
                  areas=areas, criteria=criteria)
    extensions = {}
    for ext in hs.extension or []:
        extensions.setdefault(ext.url, []).append(ext.valueString)
    carepath_id = _identifier(hs, SYSTEM["service"])
    if carepath_id is not None:  # written by carepath: restore what its codes hold
        entry.carepath_id = carepath_id
        entry.notes = hs.comment or None
        entry.aliases = [a for a in extensions.get(EXT["alias"], []) if a]
        entry.stages = [s for s in extensions.get(EXT["stageText"], []) if s]
        for value in extensions.get(EXT["addresses"], []):
            concern, _, sev = (value or "").partition(":")
            entry.concerns[concern] = [s for s in sev.split("|") if s]
        for term in _codings(hs.type, ""):
            if term.taxonomy == SYSTEM["tier"]:
                entry.tier = term.code
        for term in _codings(hs.program, ""):
            if term.taxonomy == SYSTEM["level"]:
                entry.level = term.code
        for term in _codings(hs.referralMethod, ""):
            if term.taxonomy == SYSTEM["referral-source"]:
                referrers.setdefault(carepath_id, []).append((term.code, res.line))
        return entry
    entry.terms = [*_codings(hs.category, "category"), *_codings(hs.type, "type"),
                   *_codings(hs.specialty, "specialty"), *_codings(hs.program, "program"),
                   *_codings(hs.characteristic, "characteristic")]
    entry.description = hs.comment
    details = []
    if hs.extraDetails:
        details.append(f"Details: {hs.extraDetails.strip()}")
    methods = [_concept_text(m) for m in hs.referralMethod or []]
    if methods:
        details.append("Referral methods: " + ", ".join(m for m in methods if m))
    for telecom in hs.telecom or []:
        if telecom.value:
            details.append(f"{(telecom.system or 'contact').capitalize()}: {telecom.value}")
    if hs.availabilityExceptions:
        details.append(f"Availability: {hs.availabilityExceptions}")
    for code in hs.serviceProvisionCode or []:
        details.append(f"Cost: {' '.join(_concept_text(code).split())}")
    entry.details = details
    return entry


def import_fhir(path: Path | str, out: Path | str, *, prefix: str = "fhir",
                mapping: Path | str | None = None, area_name: str | None = None,
                force: bool = False, together: Sequence[Path | str] = ()) -> Imported:
    """Import FHIR HealthcareService resources into a carepath data folder ``out``.

    Nothing is written if the input is bad or the result would not load (alone, or beside
    the data folders ``together``).
    """
    read = read_fhir(path, prefix=prefix)
    rows: list[MapRow] = read_mapping(mapping) if mapping else []
    result = build_import(read.entries, read.sources, standard="FHIR R4 HealthcareService",
                          origin=str(path), prefix=prefix, mapping=rows, area_name=area_name,
                          warnings=read.warnings)
    add_referrals(result, read.referrers)
    write_import(result, out, force=force, together=together)
    return result


# ================================================================================================
# export
# ================================================================================================

def _coding(kind: str, code: str, display: str) -> dict[str, Any]:
    return {"coding": [{"system": SYSTEM[kind], "code": code, "display": display}],
            "text": display}


def to_fhir_with_report(model: Model) -> tuple[dict[str, Any], ExportReport]:
    """The model as a FHIR R4 Bundle (a JSON-ready dict, validated), and what it cannot hold."""
    report = ExportReport("FHIR R4")
    entries: list[dict[str, Any]] = []
    refs: dict[str, str] = {}

    def add(key: str, resource: dict[str, Any]) -> str:
        if key not in refs:
            ident = stable_uuid("fhir", key)
            refs[key] = f"urn:uuid:{ident}"
            entries.append({"fullUrl": refs[key], "resource": {**resource, "id": ident}})
        return refs[key]

    for area in model.areas.values():
        location: dict[str, Any] = {
            "resourceType": "Location",
            "identifier": [{"system": SYSTEM["area"], "value": area.id}],
            "status": "active", "name": area.name, "mode": "kind",
            "physicalType": {"coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/location-physical-type",
                "code": "area", "display": "Area"}]}}
        if area.country:
            location["address"] = {"country": area.country}
        add(f"area:{area.id}", location)
    referrals: dict[str, list] = {}
    for rel in model.relations_of(RelationKind.REFERS_TO):
        referrals.setdefault(rel.target, []).append(rel)
    for svc in model.services.values():
        area = model.areas[svc.area]
        name = organisation_of(svc)
        if name:
            org_ref = add(f"org:{name}", {"resourceType": "Organization", "active": True,
                                          "name": name})
        else:
            org_ref = add(f"area-org:{area.id}", {
                "resourceType": "Organization", "active": True, "name": area.name,
                "identifier": [{"system": SYSTEM["area"], "value": area.id}],
                "alias": [f"Stand-in for the organisations providing services in {area.name}"
                          " (the sources do not name them)"]})
        hs: dict[str, Any] = {
            "resourceType": "HealthcareService",
            "identifier": [{"system": SYSTEM["service"], "value": svc.id}],
            "active": True, "providedBy": {"reference": org_ref, "display": name or area.name},
            "name": svc.name,
            "coverageArea": [{"reference": refs[f"area:{area.id}"], "display": area.name}]}
        extensions = [{"url": EXT["alias"], "valueString": a} for a in svc.aliases]
        extensions += [{"url": EXT["stageText"], "valueString": t} for t in svc.stage_texts]
        extensions += [{"url": EXT["addresses"],
                        "valueString": n.concern + (":" + "|".join(sorted(n.severities))
                                                    if n.severities else "")}
                       for n in svc.addresses]
        if extensions:
            hs["extension"] = extensions
        if svc.tier:
            hs["type"] = [_coding("tier", svc.tier, model.tiers[svc.tier].name)]
        if svc.level:
            hs["program"] = [_coding("level", svc.level, model.levels[svc.level].name)]
        characteristic = [_coding("stage", s, model.stages[s].name)
                          for s in model.stages_covered(svc)]
        characteristic += [_coding("concern", n.concern, model.concerns[n.concern].name)
                           for n in svc.addresses]
        if characteristic:
            hs["characteristic"] = characteristic
        comment = notes_without_organisation(svc.notes)
        if comment:
            hs["comment"] = comment
        routes = routes_text(model, svc)
        if routes:
            hs["extraDetails"] = routes
        if svc.eligibility:
            hs["eligibility"] = [{"code": _coding("criterion-type", c.type, c.type),
                                  "comment": c.text} for c in svc.eligibility]
        sources = {}
        for rel in referrals.get(svc.id, []):
            sources.setdefault(rel.source, model.name_of(rel.source))
        if sources:
            hs["referralMethod"] = [_coding("referral-source", node, label)
                                    for node, label in sources.items()]
        add(f"service:{svc.id}", hs)
    bundle = {"resourceType": "Bundle", "id": stable_uuid("fhir", "bundle"),
              "type": "collection", "entry": entries}
    validate_fhir(bundle)
    report.hold("services", [f"{len(model.services)} HealthcareService resources (identifier = "
                             "carepath id, name, notes as comment)"])
    report.hold("areas", [f"{len(model.areas)} Location resources (the services' "
                          "coverageArea)"])
    report.hold("organisations", [f"{sum(1 for k in refs if 'org:' in k)} Organization "
                                  "resources (recorded, else one stand-in per area)"])
    report.hold("eligibility", ["criteria as eligibility (code inclusion/exclusion, text in "
                                "comment)"])
    report.hold("tiers, levels, stages, concerns", ["type, program and characteristic codings; "
                                                    "aliases, stage texts and severities as "
                                                    "carepath extensions"])
    report.hold("referral routes", ["who refers in as referralMethod codings; every access route "
                                    "with conditions and evidence as extraDetails"])
    report_common_losses(model, report, relation_kinds_held=(
        RelationKind.REFERS_TO, RelationKind.SIGNPOSTS_TO, RelationKind.HANDS_OVER_TO,
        RelationKind.STEPS_UP_TO, RelationKind.STEPS_DOWN_TO))
    return bundle, report


def to_fhir(model: Model) -> dict[str, Any]:
    """The model as a FHIR R4 ``collection`` Bundle (a JSON-ready dict, validated)."""
    return to_fhir_with_report(model)[0]


def validate_fhir(resource: dict[str, Any]) -> Any:
    """Validate a FHIR resource (dict) with the R4(B) models; returns the model object.

    Raises :class:`DataValidationError` with the first problem.

    >>> validate_fhir({"resourceType": "Organization", "name": "X"}).name
    'X'
    """
    R4B = _models()
    kind = resource.get("resourceType", "")
    try:
        return R4B.get_fhir_model_class(kind).model_validate(resource)
    except KeyError:
        raise _error("(fhir)", None, None, f"unknown FHIR resource type {kind!r}") from None
    except Exception as exc:
        raise _error("(fhir)", None, f"{kind}/{resource.get('id')}",
                     f"not valid FHIR R4: {_first_error(exc)}") from None


def to_fhir_json(model: Model) -> str:
    """The Bundle as FHIR JSON text."""
    return json.dumps(to_fhir(model), indent=2, ensure_ascii=False) + "\n"


def to_fhir_xml(model: Model) -> str:
    """The Bundle as FHIR XML text."""
    xml = validate_fhir(to_fhir(model)).model_dump_xml(pretty_print=True)
    return xml.decode("utf-8") if isinstance(xml, bytes) else xml


def export_fhir(model: Model, path: Path | str) -> Path:
    """Write the Bundle to ``path`` atomically: XML for ``.xml``, else JSON."""
    path = Path(path)
    text = to_fhir_xml(model) if path.suffix.lower() == ".xml" else to_fhir_json(model)
    return write_atomic(path, text)
