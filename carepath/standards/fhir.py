"""FHIR R4 HealthcareService: import and export.

Validated with the ``fhir.resources`` models of FHIR R4B (4.3.0), the ``fhir.resources.R4B``
subpackage of fhir.resources 8, which is built on pydantic 2 like carepath. fhir.resources has
no plain R4 (4.0.1) package that runs on pydantic 2 (6.x is R4 on pydantic 1; 7.x and 8.x are R5
with R4B and STU3 subpackages), and R4B changed only the medication-definition,
evidence-based-medicine and subscription resources: Bundle, Organization, Location and
HealthcareService are the same in R4 and R4B, so what validates here is valid R4.

**Import** (:func:`read_fhir`, :func:`import_fhir`): a HealthcareService or a Bundle of them
(JSON or XML; a folder of such files), or FHIR Bulk Data NDJSON (``.ndjson`` files of one
resource a line, a folder of them, or their Bulk Data ``manifest.json``). name; providedBy
(the Organization in the Bundle, or the reference's display) as the first line of the notes;
type, specialty, category, characteristic and program codings as taxonomy terms (mapped onto
tier, concerns and stages by the mapping file); eligibility as criteria (``exclusion`` when its
code says so); referralMethod, telecom, comment and extraDetails in the notes; coverageArea (the
Location in the Bundle, or the display) as the area; carepath's own PlanDefinitions as pathway
cells.

**Export** (:func:`to_fhir`, :func:`write_fhir`): a ``collection`` Bundle of Organization
(as for HSDS: recorded, else one stand-in per area), Location (one per area, the services'
coverageArea), HealthcareService and PlanDefinition resources, each with a generated
narrative. A service's
carepath id is its identifier, its tier its ``type``, its level its ``program``, the canonical
stages it covers, the concerns it addresses, the professions that staff it and the
interventions it delivers its ``characteristic``s, its criteria its ``eligibility`` (code
``inclusion`` or ``exclusion``, text in ``comment``), who refers into it ``referralMethod``
codings (system ``https://w3id.org/carepath/id/referral-source``) and its routes with their
evidence the ``extraDetails`` text. The rest are carepath extensions defined in
:mod:`~carepath.standards.fhir_definitions` (aliases, stage texts, severities, concerns not
addressed, tier note, population need, response times, each access route with every
condition, the service's other relations - advice, training, collaboration, referrals to
professions - with both ends, and the service it is part of), which an import reads back.
The pathway cells (stage x service x level) are a ``PlanDefinition`` per area in the shape
of HL7 CPG-on-FHIR's pathway: type ``clinical-protocol``, one action per cell (title: the
heading, description: the rationale, code: the level, sub-actions: what is done, and a
``pathway-cell`` extension naming the service and the stage as written).

At region scale a Bundle is too big for a validator to hold (HAPI FHIR cannot validate a
200 MB Bundle in 6 GB): :func:`write_ndjson` (``carepath export fhir --ndjson FOLDER``) writes
the same resources as FHIR Bulk Data NDJSON, one file per resource type with references
made relative (``Organization/{id}``) and the Bulk Data manifest, which a validator or a
server reads resource by resource.

>>> from carepath import load_reference
>>> bundle = to_fhir(load_reference()).artifact
>>> sorted({e["resource"]["resourceType"] for e in bundle["entry"]})
['HealthcareService', 'Location', 'Organization', 'PlanDefinition']
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from carepath.errors import DataValidationError, Problem
from carepath.graph.model import Model, RelationKind
from carepath.graph.rdf import CP
from carepath.standards.common import (
    Exported,
    ExportReport,
    cleaned,
    holder_of,
    is_route,
    model_needs_cleaning,
    notes_without_organisation,
    organisation_of,
    report_common_losses,
    route_phrase,
    scalar_extras,
    scalar_record,
    slug,
    stable_uuid,
)
from carepath.standards.fhir_definitions import (
    EXT_BASE,
    EXTENSIONS,
    SYSTEM,
    definitions_bundle,
    ext_url,
    narrative,
    value_key,
)
from carepath.standards.importing import (
    AreaRef,
    Entry,
    Imported,
    MapRow,
    SourceInfo,
    Term,
    add_routes,
    build_import,
    id_lines,
    read_mapping,
    write_import,
)
from carepath.writing import write_atomic

FHIR_NS = "http://hl7.org/fhir"
# the extension URLs of carepath 0.1's exports, still read
LEGACY_EXT = {CP + "alias": "alias", CP + "stageText": "stage-text", CP + "addresses": "addresses"}
KNOWN_COMPANIONS = ("Organization", "Location", "PlanDefinition")
NDJSON_KINDS = ("HealthcareService", *KNOWN_COMPANIONS)  # the types of carepath's NDJSON
BULK_MANIFEST = "manifest.json"


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
    # carepath's route and relation extensions of a HealthcareService read from JSON, as
    # dicts: the R4 models do not see them (see _split_relations)
    relations: list[dict[str, Any]] = field(default_factory=list)

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
    if kind == "Bundle" and isinstance(doc.get("entry"), list):
        split = [_split_relations(e.get("resource")) if isinstance(e, dict) else (e, [])
                 for e in doc["entry"]]
        doc = {**doc, "entry": [{**e, "resource": r} if isinstance(e, dict) and r is not None
                                else e for e, (r, _) in zip(doc["entry"], split, strict=True)]}
        raws = [raw for _, raw in split]
    else:
        doc, raw = _split_relations(doc)
        raws = [raw]
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
    if kind == "Bundle":
        raws = [raw for e, raw in zip(resource.entry or [], raws, strict=False)
                if e.resource is not None]
    return _unpack(resource, shown, line_of(doc.get("id")) or 1, lines, raws)


def _check_kind(kind: str, file: str, line: int | None, record: str) -> None:
    if kind not in ("HealthcareService", "Bundle"):
        raise _error(file, line, record, f"a FHIR {kind}, not a HealthcareService or a Bundle "
                     "of them")


def _unpack(resource: Any, file: str, line: int | None, lines: list[int | None],
            raws: Sequence[list[dict[str, Any]]] = ()) -> list[_Resource]:
    if resource.get_resource_type() != "Bundle":
        return [_Resource(resource, file, line, relations=raws[0] if raws else [])]
    out = []
    entries = [e for e in resource.entry or [] if e.resource is not None]
    for n, entry in enumerate(entries):
        out.append(_Resource(entry.resource, file, lines[n] if n < len(lines) else None,
                             entry.fullUrl, raws[n] if n < len(raws) else []))
    return out


_RELATION_URLS = frozenset((ext_url("route"), ext_url("relation")))


def _split_relations(resource: Any) -> tuple[Any, list[dict[str, Any]]]:
    """A HealthcareService (JSON) without carepath's route and relation extensions, and
    those extensions. A region's 2,400 services have 130,000 routes: the R4 models take
    minutes over them (about 10 objects each), so :func:`_relation_parts` reads them,
    checking their shape."""
    if not (isinstance(resource, dict) and resource.get("resourceType") == "HealthcareService"
            and isinstance(resource.get("extension"), list)):
        return resource, []
    raw, rest = [], []
    for ext in resource["extension"]:
        (raw if isinstance(ext, dict) and ext.get("url") in _RELATION_URLS else rest).append(ext)
    if not raw:
        return resource, []
    out = {**resource, "extension": rest}
    if not rest:
        del out["extension"]
    return out, raw


def _relation_parts(ext: dict[str, Any], res: _Resource) -> tuple[str, dict[str, list[str]]]:
    """A route or relation extension read as JSON: its name and its parts (url -> values,
    a Coding as its code); an error naming the file, line and resource if it is not the
    shape its StructureDefinition gives."""
    name = str(ext["url"]).removeprefix(EXT_BASE)

    def bad(msg: str) -> DataValidationError:
        return _error(res.file, res.line, res.label, f"a carepath {name} extension {msg}")

    parts: dict[str, list[str]] = {}
    for part in ext.get("extension") or []:
        url = part.get("url") if isinstance(part, dict) else None
        if not isinstance(url, str):
            raise bad("has a part without a url")
        values = [v for k, v in part.items() if k.startswith("value")]
        value = values[0] if len(values) == 1 else None
        if isinstance(value, dict):
            value = value.get("code")
        if not isinstance(value, str) or not value.strip():
            raise bad(f"has a part {url!r} without one string or coded value")
        parts.setdefault(url, []).append(value)
    for required in ("kind", "from", *(("to",) if name == "relation" else ())):
        if required not in parts:
            raise bad(f"has no {required!r} part")
    return name, parts


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
    warnings: list[Problem]


def read_fhir(path: Path | str, *, prefix: str = "fhir") -> FhirRead:
    """Read FHIR R4 HealthcareService resources from a JSON or XML file (or a folder of them).

    Raises:
        DataValidationError: naming the file and record, for a file that is not FHIR, a
            resource that is not valid R4, or a resource of another type.

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
    files = _fhir_files(path)
    resources = [r for file in files for r in (_parse_ndjson(file)
                                               if file.suffix.lower() == ".ndjson"
                                               else _parse_file(file))]
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
    entries = [_fhir_entry(res, sources[res.file].id, lookup) for res in services]
    _read_pathways(resources, services, entries, warnings)
    return FhirRead(entries, list(sources.values()), warnings)


def _fhir_files(path: Path) -> list[Path]:
    """The files to read: ``path`` itself; a folder's .json, .xml and .ndjson files (for a
    Bulk Data export, the files of its manifest); a Bulk Data manifest's files."""
    if path.is_dir():
        if (path / BULK_MANIFEST).is_file() and any(path.glob("*.ndjson")):
            path = path / BULK_MANIFEST
        else:
            files = [p for p in sorted(path.iterdir())
                     if p.suffix.lower() in (".json", ".xml", ".ndjson")]
            if not files:
                raise _error(str(path), None, None,
                             "no .json, .xml or .ndjson FHIR files in this folder")
            return files
    if path.suffix.lower() != ".json" or path.stat().st_size > 10_000_000:
        return [path]
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except (ValueError, RecursionError):
        return [path]  # _parse_file says what is wrong with it
    if not (isinstance(doc, dict) and "resourceType" not in doc
            and isinstance(doc.get("output"), list)):
        return [path]
    files = []  # a FHIR Bulk Data manifest: its output files, each inside its folder
    for n, item in enumerate(doc["output"]):
        url = item.get("url") if isinstance(item, dict) else None
        if not isinstance(url, str) or "://" in url or Path(url).is_absolute() \
                or ".." in Path(url).parts:
            raise _error(str(path), None, f"output[{n}]",
                         f"url {url!r} is not a file beside the manifest (remote, absolute or "
                         "'..' paths are not read)")
        file = path.parent / url
        if not file.resolve().is_relative_to(path.parent.resolve()) or not file.is_file():
            raise _error(str(path), None, f"output[{n}]",
                         f"file {url!r} is missing from the folder of the manifest")
        files.append(file)
    if not files:
        raise _error(str(path), None, "output", "the Bulk Data manifest lists no files")
    return files


def _parse_ndjson(path: Path) -> list[_Resource]:
    """The resources of a FHIR Bulk Data NDJSON file, one a line, each with its line."""
    shown = str(path)
    R4B = _models()
    out = []
    with path.open(encoding="utf-8-sig", errors="replace") as fh:
        for n, text in enumerate(fh, start=1):
            if not text.strip():
                continue
            try:
                doc = json.loads(text)
            except json.JSONDecodeError as exc:
                raise _error(shown, n, None, f"not an NDJSON line of FHIR JSON (invalid JSON: "
                             f"{exc.msg})") from None
            except RecursionError:
                raise _error(shown, n, None, "JSON nested too deeply to be a FHIR "
                             "resource") from None
            if not isinstance(doc, dict) or "resourceType" not in doc:
                raise _error(shown, n, None, "not a FHIR resource: no resourceType")
            kind = str(doc["resourceType"])
            record = f"{kind}/{doc.get('id', '(no id)')}"
            if kind not in NDJSON_KINDS:
                out.append(_Resource(_Other(kind, doc.get("id")), shown, n))
                continue
            doc, raw = _split_relations(doc)
            try:
                resource = R4B.get_fhir_model_class(kind).model_validate(doc)
            except RecursionError:
                raise _error(shown, n, record, "nested too deeply to be a FHIR resource") \
                    from None
            except Exception as exc:
                raise _error(shown, n, record, f"not valid FHIR R4: {_first_error(exc)}") \
                    from None
            out.append(_Resource(resource, shown, n, relations=raw))
    return out


@dataclass(frozen=True, slots=True)
class _Other:
    """A resource of a type carepath does not read (its type and id, for the warning)."""

    kind: str
    id: str | None

    def get_resource_type(self) -> str:
        return self.kind


def _read_pathways(resources: list[_Resource], services: list[_Resource],
                   entries: list[Entry], warnings: list[Problem]) -> None:
    """Pathway cells of carepath's PlanDefinitions onto the entries of their services."""
    by_ref: dict[str, Entry] = {}
    for res, entry in zip(services, entries, strict=True):
        by_ref[res.label] = entry
        if res.full_url:
            by_ref[res.full_url] = entry
    for res in resources:
        if res.model.get_resource_type() != "PlanDefinition":
            continue
        if _identifier(res.model, SYSTEM["pathway"]) is None:
            warnings.append(Problem("warning", "other-resource", res.file, res.line, res.label,
                                    "a PlanDefinition carepath did not write: not read"))
            continue
        for n, action in enumerate(res.model.action or []):
            ext = next((e for e in action.extension or []
                        if e.url == ext_url("pathway-cell")), None)
            parts = _parts(ext) if ext is not None else {}
            ref = (parts.get("service") or [None])[0]
            entry = by_ref.get(getattr(ref, "reference", None) or "")
            if entry is None or not parts.get("stage-text"):
                warnings.append(Problem(
                    "warning", "unknown-pathway-service", res.file, res.line,
                    f"{res.label} action[{n}]", "a pathway action without a service of the "
                    "file (or without its stage): left out"))
                continue
            record: dict[str, Any] = {"stage": parts["stage-text"][0]}
            for term in _codings(action.code, ""):
                if term.taxonomy == SYSTEM["level"]:
                    record["level"] = term.code
            if action.title is not None:
                record["heading"] = action.title
            if action.description is not None:
                record["rationale"] = action.description
            if action.action:
                record["actions"] = [a.description or a.title or "" for a in action.action]
            entry.pathway.append((record, res.line))


def _fhir_entry(res: _Resource, source: str, lookup: dict[str, _Resource]) -> Entry:
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
    carepath_id = _identifier(hs, SYSTEM["service"])
    if carepath_id is not None:  # written by carepath: restore what its codes hold
        _restore(entry, res, carepath_id, res.line, lookup)
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
    for raw in res.relations:  # carepath's extensions on a service carepath did not write
        entry.routes.append((_relation_record(_relation_parts(raw, res)[1]), res.line))
    return entry


def _parts(ext: Any) -> dict[str, list[Any]]:
    """A complex extension's parts: url -> values (each part's value[x], whatever its type)."""
    out: dict[str, list[Any]] = {}
    for part in ext.extension or []:
        out.setdefault(part.url, []).append(_value(part))
    return out


def _value(ext: Any) -> Any:
    for name in ("valueString", "valueCoding", "valueDecimal", "valueCode", "valueReference"):
        value = getattr(ext, name, None)
        if value is not None:
            return value
    return None


def _relation_record(parts: dict[str, list[Any]]) -> dict[str, Any]:
    """A ``route`` or ``relation`` extension's parts (a Coding read as its code) as
    carepath's relation record."""
    parts = {url: [v.code if hasattr(v, "code") else v for v in values]
             for url, values in parts.items()}
    record: dict[str, Any] = {"kind": parts["kind"][0], "from": parts["from"][0]}
    if "to" in parts:
        record["to"] = parts["to"][0]
    for part, key in (("stage-text", "stages"), ("concern", "concerns"),
                      ("severity", "severity")):
        if part in parts:
            record[key] = list(parts[part])
    for part, key in (("urgency", "urgency"), ("response-time", "response_time"),
                      ("level", "level"), ("note", "note")):
        if part in parts:
            record[key] = parts[part][0]
    return record


def _service_id(ref: Any, lookup: dict[str, _Resource]) -> str | None:
    """The carepath id of the HealthcareService a Reference points to, or None."""
    res = lookup.get(getattr(ref, "reference", None) or "")
    if res is None or res.model.get_resource_type() != "HealthcareService":
        return None
    return _identifier(res.model, SYSTEM["service"])


def _restore(entry: Entry, res: _Resource, carepath_id: str, line: int | None,
             lookup: dict[str, _Resource]) -> None:
    """A service carepath exported: what its codings and extensions hold."""
    hs = res.model
    entry.carepath_id = carepath_id
    entry.notes = hs.comment or None
    extra = entry.extra
    routes_seen = False
    for ext in hs.extension or []:
        name = LEGACY_EXT.get(ext.url) or ext.url.removeprefix(EXT_BASE)
        if name == "alias" and ext.valueString:
            entry.aliases.append(ext.valueString)
        elif name == "stage-text" and ext.valueString:
            entry.stages.append(ext.valueString)
        elif name == "tier-note" and ext.valueString:
            extra["tier_note"] = ext.valueString
        elif name == "does-not-address" and ext.valueCoding is not None:
            extra.setdefault("not_addressed", []).append(ext.valueCoding.code)
        elif name == "addresses" and ext.valueString is not None:  # carepath 0.1
            concern, _, sev = ext.valueString.partition(":")
            entry.concerns[concern] = [s for s in sev.split("|") if s]
        elif name == "addresses":
            parts = _parts(ext)
            for concern in parts.get("concern", []):
                entry.concerns[concern.code] = [s.code for s in parts.get("severity", [])]
        elif name == "population-need":
            parts = _parts(ext)
            extra["need"] = {key: float(parts[key][0]) if key != "note" else parts[key][0]
                             for key in ("min", "max", "note") if key in parts}
        elif name == "response-time":
            parts = _parts(ext)
            extra.setdefault("response_times", []).append(
                {"urgency": parts["urgency"][0].code, "within": parts["within"][0]})
        elif name in ("route", "relation"):  # from XML (JSON's are read apart)
            routes_seen = routes_seen or name == "route"
            entry.routes.append((_relation_record(_parts(ext)), line))
        elif name in ("self-referral", "hours", "window-kind", "valid-from", "valid-to"):
            value = _value(ext) if name in ("hours",) else (
                ext.valueCode or (ext.valueDate.isoformat() if ext.valueDate else None))
            if value is not None:
                extra.update(scalar_record(name.replace("-", "_"), str(value)))
        elif name == "part-of" and ext.valueReference is not None:
            # a parent the file does not hold stays a reference: the import warns and leaves
            # it out (see carepath.standards.importing)
            parent = _service_id(ext.valueReference, lookup)
            extra["part_of"] = {"service": parent or ext.valueReference.reference
                                or ext.valueReference.display or "(no reference)"}
    for raw in res.relations:
        name, parts = _relation_parts(raw, res)
        routes_seen = routes_seen or name == "route"
        entry.routes.append((_relation_record(parts), line))
    for term in _codings(hs.type, ""):
        if term.taxonomy == SYSTEM["tier"]:
            entry.tier = term.code
    for term in _codings(hs.program, ""):
        if term.taxonomy == SYSTEM["level"]:
            entry.level = term.code
    for term in _codings(hs.characteristic, ""):
        if term.taxonomy == SYSTEM["profession"]:
            extra.setdefault("professions", []).append(term.code)
        elif term.taxonomy == SYSTEM["intervention"]:
            extra.setdefault("interventions", []).append(term.code)
    if not routes_seen:  # carepath 0.1 wrote who refers in as referralMethod codings only
        for term in _codings(hs.referralMethod, ""):
            if term.taxonomy == SYSTEM["referral-source"]:
                entry.routes.append(({"kind": "refers_to", "from": term.code}, line))


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
    add_routes(result)
    write_import(result, out, force=force, together=together)
    return result


# ================================================================================================
# export
# ================================================================================================

def _coding(kind: str, code: str, display: str) -> dict[str, Any]:
    return {"system": SYSTEM[kind], "code": code, "display": display}


def _concept(kind: str, code: str, display: str) -> dict[str, Any]:
    return {"coding": [_coding(kind, code, display)], "text": display}


def _ext(name: str, **value: Any) -> dict[str, Any]:
    return {"url": ext_url(name), **value}


def _complex(name: str, parts: list[tuple[str, str, Any]]) -> dict[str, Any]:
    """A complex extension from (part, value type, value) triples; None values left out."""
    return {"url": ext_url(name),
            "extension": [{"url": part, f"value{kind}": value}
                          for part, kind, value in parts if value is not None]}


def service_reference(model: Model, service: str) -> dict[str, str]:
    """A reference to a service's HealthcareService in the Bundle (by its ``urn:uuid``)."""
    return {"reference": f"urn:uuid:{stable_uuid('fhir', f'service:{service}')}",
            "display": model.name_of(service)}


def _route_extension(model: Model, rel: Any, name: str = "route") -> dict[str, Any]:
    """A ``route`` extension (into the service holding it) or, with ``name="relation"``, a
    ``relation`` extension naming both ends."""
    parts: list[tuple[str, str, Any]] = [
        ("kind", "Coding", _coding("relation-kind", rel.kind.value, rel.kind.label)),
        ("from", "Coding", _coding("referral-source", rel.source, model.name_of(rel.source)))]
    if name == "relation":
        parts.append(("to", "Coding", _coding("referral-source", rel.target,
                                              model.name_of(rel.target))))
    parts += [("stage-text", "String", t) for t in rel.stage_texts]
    parts += [("concern", "Coding", _coding("concern", c, model.concerns[c].name))
              for c in sorted(rel.concerns)]
    parts += [("severity", "Coding", _coding("severity", s, model.severities[s].name))
              for s in sorted(rel.severities)]
    if rel.urgency:
        parts.append(("urgency", "Coding", _coding("urgency", rel.urgency,
                                                   model.urgencies[rel.urgency].name)))
    parts.append(("response-time", "String", rel.response_time))
    if rel.level:
        parts.append(("level", "Coding", _coding("level", rel.level,
                                                 model.levels[rel.level].name)))
    parts.append(("note", "String", rel.note))
    return _complex(name, parts)


def _relation_phrase(model: Model, rel: Any) -> str:
    return (f"{model.name_of(rel.source)} {rel.kind.label} {model.name_of(rel.target)}"
            + (f": {rel.note}" if rel.note else "") + f" [{rel.provenance.ref}]")


def _service_resource(model: Model, svc: Any, routes: list, org_ref: str, org_name: str,
                      area_ref: str, others: Sequence[Any] = ()) -> dict[str, Any]:
    area = model.areas[svc.area]
    tier = model.tiers[svc.tier].name if svc.tier else None
    stages = model.stages_covered(svc)
    hs: dict[str, Any] = {
        "resourceType": "HealthcareService",
        "text": narrative(
            svc.name,
            f"{'Tier: ' + tier + '. ' if tier else ''}Area: {area.name}."
            + (f" Ages: {'; '.join(svc.stage_texts)}." if svc.stage_texts else ""),
            items=[*(route_phrase(model, r) for r in routes),
                   *(_relation_phrase(model, r) for r in others)]),
        "identifier": [{"system": SYSTEM["service"], "value": svc.id}],
        "active": True, "providedBy": {"reference": org_ref, "display": org_name},
        "name": svc.name,
        "coverageArea": [{"reference": area_ref, "display": area.name}]}
    extensions = [_ext("alias", valueString=a) for a in svc.aliases]
    extensions += [_ext("stage-text", valueString=t) for t in svc.stage_texts]
    extensions += [_complex("addresses", [
        ("concern", "Coding", _coding("concern", n.concern, model.concerns[n.concern].name)),
        *[("severity", "Coding", _coding("severity", s, model.severities[s].name))
          for s in sorted(n.severities)]]) for n in svc.addresses]
    extensions += [_ext("does-not-address", valueCoding=_coding(
        "concern", c, model.concerns[c].name)) for c in svc.not_addressed]
    if svc.tier_note:
        extensions.append(_ext("tier-note", valueString=svc.tier_note))
    if svc.need_min is not None or svc.need_max is not None or svc.need_note:
        extensions.append(_complex("population-need", [
            ("min", "Decimal", svc.need_min), ("max", "Decimal", svc.need_max),
            ("note", "String", svc.need_note)]))
    extensions += [_complex("response-time", [
        ("urgency", "Coding", _coding("urgency", r.urgency, model.urgencies[r.urgency].name)),
        ("within", "String", r.within)]) for r in svc.response_times]
    extensions += [_route_extension(model, rel) for rel in routes]
    extensions += [_route_extension(model, rel, "relation") for rel in others]
    if svc.part_of is not None:
        extensions.append(_ext("part-of", valueReference=service_reference(model, svc.part_of)))
    for name, value in scalar_extras(svc).items():
        ext = name.replace("_", "-")
        extensions.append(_ext(ext, **{value_key(EXTENSIONS[ext][2]): value}))
    if extensions:
        hs["extension"] = extensions
    if svc.tier:
        hs["type"] = [_concept("tier", svc.tier, tier)]
    if svc.level:
        hs["program"] = [_concept("level", svc.level, model.levels[svc.level].name)]
    characteristic = [_concept("stage", s, model.stages[s].name) for s in stages]
    characteristic += [_concept("concern", n.concern, model.concerns[n.concern].name)
                       for n in svc.addresses]
    characteristic += [_concept("profession", p, model.professions[p].name)
                       for p in svc.professions]
    characteristic += [_concept("intervention", i, model.interventions[i].name)
                       for i in svc.interventions]
    if characteristic:
        hs["characteristic"] = characteristic
    comment = notes_without_organisation(svc.notes)
    if comment:
        hs["comment"] = comment
    if routes:
        hs["extraDetails"] = "\n".join(route_phrase(model, r) for r in routes)
    if svc.eligibility:
        hs["eligibility"] = [{"code": _concept("criterion-type", c.type, c.type),
                              "comment": c.text} for c in svc.eligibility]
    sources = {r.source: model.name_of(r.source) for r in routes
               if r.kind is RelationKind.REFERS_TO}
    if sources:
        hs["referralMethod"] = [_concept("referral-source", node, label)
                                for node, label in sources.items()]
    return hs


PLAN_TYPE = "http://terminology.hl7.org/CodeSystem/plan-definition-type"


def _cell_action(model: Model, cell: Any) -> dict[str, Any]:
    """One pathway cell as a PlanDefinition action (see :mod:`.fhir_definitions`)."""
    action: dict[str, Any] = {"extension": [_complex("pathway-cell", [
        ("service", "Reference", service_reference(model, cell.service)),
        ("stage-text", "String", cell.stage_text)])]}
    if cell.heading is not None:
        action["title"] = cell.heading
    if cell.rationale is not None:
        action["description"] = cell.rationale
    if cell.level is not None:
        action["code"] = [_concept("level", cell.level, model.levels[cell.level].name)]
    if cell.actions:
        action["action"] = [{"description": text} for text in cell.actions]
    return action


def _pathway_resource(model: Model, area: Any, cells: list) -> dict[str, Any]:
    """The pathway cells of one area's services as a PlanDefinition in the shape of HL7
    CPG-on-FHIR's pathway (type clinical-protocol; one action per cell)."""
    items = [f"{c.stage_text}: {model.name_of(c.service)}"
             + (f" ({c.level})" if c.level else "") + (f", {c.heading}" if c.heading else "")
             + (": " + " ".join(c.actions) if c.actions else "") for c in cells]
    return {
        "resourceType": "PlanDefinition",
        "text": narrative(f"The pathway of {area.name}: what each service does at each age "
                          "stage (stage x service x level).", items=items),
        "identifier": [{"system": SYSTEM["pathway"], "value": area.id}],
        "title": f"Pathway: {area.name}",
        "type": {"coding": [{"system": PLAN_TYPE, "code": "clinical-protocol",
                             "display": "Clinical Protocol"}]},
        "status": "active",
        "description": f"What each service in {area.name} does at each age stage, as "
                       "carepath's sources state it.",
        "action": [_cell_action(model, c) for c in cells]}


def to_fhir(model: Model) -> Exported[dict[str, Any]]:
    """The model as a FHIR R4 ``collection`` Bundle (a JSON-ready dict, validated with the
    R4(B) models but for its route extensions), and what FHIR cannot hold. Every resource has
    a narrative; text FHIR cannot hold (control characters) is removed, and so is whitespace
    around text."""
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
            "text": narrative(f"{area.name}: a carepath planning area"
                              + (f" in {area.country}" if area.country else "") + "."),
            "identifier": [{"system": SYSTEM["area"], "value": area.id}],
            "status": "active", "name": area.name, "mode": "kind",
            "physicalType": {"coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/location-physical-type",
                "code": "area", "display": "Area"}]}}
        if area.country:
            location["address"] = {"country": area.country}
        add(f"area:{area.id}", location)
    routes: dict[str, list] = {}
    others: dict[str, list] = {}  # a service's other relations (advice, training...)
    for rel in model.relations:
        if is_route(model, rel):
            routes.setdefault(rel.target, []).append(rel)
        else:
            holder = holder_of(model, rel)
            if holder is not None:
                others.setdefault(holder, []).append(rel)
    for svc in model.services.values():
        area = model.areas[svc.area]
        name = organisation_of(svc)
        if name:
            org_ref = add(f"org:{name}", {"resourceType": "Organization",
                                          "text": narrative(name), "active": True,
                                          "name": name})
        else:
            stand_in = (f"Stand-in for the organisations providing services in {area.name}"
                        " (the sources do not name them)")
            org_ref = add(f"area-org:{area.id}", {
                "resourceType": "Organization", "text": narrative(area.name, stand_in),
                "active": True, "name": area.name,
                "identifier": [{"system": SYSTEM["area"], "value": area.id}],
                "alias": [stand_in]})
        add(f"service:{svc.id}", _service_resource(
            model, svc, routes.get(svc.id, []), org_ref, name or area.name,
            refs[f"area:{area.id}"], others.get(svc.id, ())))
    cells: dict[str, list] = {}
    for cell in model.pathway:
        cells.setdefault(model.services[cell.service].area, []).append(cell)
    for area_id, area_cells in cells.items():
        add(f"pathway:{area_id}", _pathway_resource(model, model.areas[area_id], area_cells))
    bundle = {"resourceType": "Bundle", "id": stable_uuid("fhir", "bundle"),
              "type": "collection", "entry": entries}
    if model_needs_cleaning(model, strip=True):
        bundle = cleaned(bundle, strip=True)
    validate_fhir(_without_routes(bundle))
    report.hold("services", [f"{len(model.services)} HealthcareService resources (identifier = "
                             "carepath id, name, notes as comment, a narrative)"])
    report.hold("areas", [f"{len(model.areas)} Location resources (the services' "
                          "coverageArea)"])
    report.hold("organisations", [f"{sum(1 for k in refs if 'org:' in k)} Organization "
                                  "resources (recorded, else one stand-in per area)"])
    report.hold("eligibility", ["criteria as eligibility (code inclusion/exclusion, text in "
                                "comment)"])
    report.hold("tiers, levels, stages, concerns, professions, interventions", [
        "type, program and characteristic codings; aliases, stage texts, severities, concerns "
        "not addressed, tier notes, population need and response times as carepath "
        "extensions (StructureDefinitions: carepath export fhir --definitions)"])
    report.hold("access routes", ["every referral, signposting, hand-over and step into a "
                                  "service as a 'route' extension with its conditions; who "
                                  "refers in as referralMethod codings; the routes as "
                                  "extraDetails text with their evidence"])
    report.hold("other relations", ["advice, training, collaboration and referrals to "
                                    "professions as 'relation' extensions (both ends, every "
                                    "condition) of the service at one end; the service a "
                                    "service is part of as a 'part-of' extension"])
    report.hold("pathway cells", [f"{len(model.pathway)} stage x service x level cells as the "
                                  f"actions of {len(cells)} PlanDefinition resources (one per "
                                  "area, the shape of HL7 CPG-on-FHIR's pathway)"])
    report_common_losses(model, report)
    return Exported(bundle, report)


def _without_routes(bundle: dict[str, Any]) -> dict[str, Any]:
    """The Bundle without its ``route`` extensions, for the R4 models to check quickly.

    A route extension is made by one function from the model, always the same shape (its
    StructureDefinition; HAPI FHIR's validator checks it in the tests). There are many: a
    region's 2,400 services have 130,000 routes, and the models take minutes over them (about
    10 objects each) against seconds for the rest.
    """
    route = ext_url("route")
    entries = []
    for entry in bundle["entry"]:
        resource = entry["resource"]
        if "extension" in resource:
            resource = {**resource, "extension": [e for e in resource["extension"]
                                                  if e["url"] != route]}
            if not resource["extension"]:
                del resource["extension"]
        entries.append({**entry, "resource": resource})
    return {**bundle, "entry": entries}


def to_fhir_with_report(model: Model) -> tuple[dict[str, Any], ExportReport]:
    """The Bundle and its report (as :func:`to_fhir`, as a pair)."""
    done = to_fhir(model)
    return done.artifact, done.report


def validate_fhir(resource: dict[str, Any]) -> Any:
    """Validate a FHIR resource (dict) with the R4(B) models; returns the model object.

    Raises:
        DataValidationError: with the first problem.

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


def fhir_text(bundle: dict[str, Any], *, xml: bool = False) -> str:
    """A Bundle (as :func:`to_fhir` makes it) as FHIR JSON, or XML with ``xml``."""
    if not xml:
        return json.dumps(bundle, indent=2, ensure_ascii=False) + "\n"
    text = validate_fhir(bundle).model_dump_xml(pretty_print=True)
    return text.decode("utf-8") if isinstance(text, bytes) else text


def to_fhir_json(model: Model) -> str:
    """The Bundle as FHIR JSON text."""
    return fhir_text(to_fhir(model).artifact)


def to_fhir_xml(model: Model) -> str:
    """The Bundle as FHIR XML text."""
    return fhir_text(to_fhir(model).artifact, xml=True)


_URN = re.compile(r'"reference":"urn:uuid:([0-9a-f-]{36})"')


def to_ndjson(bundle: dict[str, Any]) -> dict[str, str]:
    """A Bundle's resources as FHIR Bulk Data NDJSON: resource type -> text, one resource a
    line, the Bundle's ``urn:uuid`` references made relative (``Organization/{id}``).

    >>> from carepath import load_reference
    >>> files = to_ndjson(to_fhir(load_reference()).artifact)
    >>> sorted(files)
    ['HealthcareService', 'Location', 'Organization', 'PlanDefinition']
    >>> '"reference":"Organization/' in files["HealthcareService"]
    True
    """
    relative = {e["fullUrl"].removeprefix("urn:uuid:"):
                f"{e['resource']['resourceType']}/{e['resource']['id']}"
                for e in bundle["entry"]}

    def local(match: re.Match[str]) -> str:
        return f'"reference":{json.dumps(relative.get(match.group(1), match.group(0)))}'

    lines: dict[str, list[str]] = {}
    for entry in bundle["entry"]:
        resource = entry["resource"]
        text = json.dumps(resource, ensure_ascii=False, separators=(",", ":"))
        lines.setdefault(resource["resourceType"], []).append(_URN.sub(local, text))
    return {kind: "\n".join(rows) + "\n" for kind, rows in lines.items()}


def bulk_manifest(files: dict[str, str], *, when: str | None = None) -> dict[str, Any]:
    """The FHIR Bulk Data manifest of NDJSON files (type -> text, as :func:`to_ndjson`
    makes): each file by its name beside the manifest, with its count of resources.

    >>> bulk_manifest({"Location": "{}\\n{}\\n"}, when="2026-01-01T00:00:00Z")["output"]
    [{'type': 'Location', 'url': 'Location.ndjson', 'count': 2}]
    """
    import datetime

    when = when or datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"transactionTime": when, "request": "carepath export fhir --ndjson",
            "requiresAccessToken": False,
            "output": [{"type": kind, "url": f"{kind}.ndjson", "count": text.count("\n")}
                       for kind, text in sorted(files.items())],
            "error": []}


def write_ndjson(bundle: dict[str, Any], folder: Path | str) -> Path:
    """Write a Bundle's resources into ``folder`` as FHIR Bulk Data NDJSON (one file per
    resource type, ``{type}.ndjson``, and the Bulk Data ``manifest.json``), atomically; a
    folder carepath did not write is refused. Returns the folder."""
    from carepath.writing import atomic_dir, check_target

    folder = Path(folder)
    check_target(folder)
    files = to_ndjson(bundle)
    with atomic_dir(folder) as tmp:
        for kind, text in files.items():
            (tmp / f"{kind}.ndjson").write_text(text, encoding="utf-8")
        (tmp / BULK_MANIFEST).write_text(json.dumps(bulk_manifest(files), indent=2) + "\n",
                                         encoding="utf-8")
    return folder


def write_fhir(model: Model, path: Path | str, *, definitions: Path | str | None = None,
               ndjson: Path | str | None = None) -> Exported[Path]:
    """Write the Bundle to ``path`` atomically (XML for ``.xml``, else JSON), converting the
    model once; with ``definitions``, also the extensions' StructureDefinitions and the code
    systems as a Bundle (JSON); with ``ndjson``, also the resources as FHIR Bulk Data NDJSON
    in that folder (:func:`write_ndjson`: what a validator or server reads resource by
    resource at region scale). Returns the path and the report."""
    path = Path(path)
    done = to_fhir(model)
    if ndjson is not None:
        write_ndjson(done.artifact, ndjson)
    text = fhir_text(done.artifact, xml=path.suffix.lower() == ".xml")
    if definitions is not None:
        write_atomic(Path(definitions), fhir_text(definitions_bundle(model)))
    return Exported(write_atomic(path, text), done.report)
