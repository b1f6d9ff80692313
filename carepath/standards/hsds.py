"""Open Referral HSDS 3 (and the Open Referral UK profile): import and export.

**Import** (:func:`read_hsds`, :func:`import_hsds`) reads a tabular data package (a folder of
CSV files, with or without ``datapackage.json``) or an API response (``service_full``,
``service_list``, ``organization_full``, ``organization_list`` with services,
``service_at_location_full``). Each service becomes a carepath service: its area from its first
``service_areas`` entry (the others are noted), its organisation as the first line of its notes
(the model has no organisation field), ``eligibility_description`` as criteria,
``minimum_age``/``maximum_age`` on the timeline or as a parent-age criterion (see
:mod:`carepath.standards.importing`), contacts, phones, links and the application process in
its notes, taxonomy terms in its notes and through the mapping file onto tier, concerns and
stages. Every fact cites the file and line it came from.

**Export** (:func:`to_hsds`, :func:`write_hsds`) writes a tabular data package: organizations
(one stand-in per area unless an import recorded the real one), services, service_areas,
and a ``carepath`` taxonomy whose terms classify services by tier, level, age stage, concern,
referral source, profession, intervention, population need and response time (attributes).
Access routes (referrals, signposting, hand-overs, steps into a service) are written as its
``application_process`` text, with their conditions and evidence, and as ``route`` attributes
holding carepath's relation record as JSON; a service's other relations (advice, training,
collaboration, referrals to professions) as ``relation`` attributes naming both ends, the
service it is part of as a ``part-of`` attribute, and its pathway cells (doc 001's stage x
service x level actions) as ``pathway-cell`` attributes: an import reads them all back (as it
reads back every attribute under the carepath taxonomy). What HSDS cannot hold is listed in
``carepath-report.md``.

>>> from carepath import load_reference
>>> package = to_hsds(load_reference()).artifact
>>> len(package.tables["services"]), len(package.tables["service_areas"])
(62, 62)
>>> package.tables["services"][0]["status"]
'active'
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from carepath import __version__
from carepath.errors import DataValidationError, ExportError, Problem, naming
from carepath.graph.model import Model, NodeKind, RelationKind
from carepath.graph.rdf import iri
from carepath.standards.common import (
    AREA_IRI,
    TAXONOMY_IRI,
    Exported,
    ExportReport,
    area_of_iri,
    clean_text,
    evidence,
    holder_of,
    is_route,
    notes_without_organisation,
    organisation_of,
    pathway_record,
    relation_record,
    report_common_losses,
    route_phrase,
    route_record,
    scalar_extras,
    scalar_record,
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
    add_routes,
    build_import,
    id_lines,
    read_mapping,
    write_import,
)
from carepath.writing import FORMULA_START, atomic_dir, check_target, spreadsheet_safe

REPORT_FILE = "carepath-report.md"
ALIAS_SEP = "; "  # aliases in alternate_name
CAREPATH_TAXONOMY = "carepath"
SCALAR_EXTRAS = ("self-referral", "hours", "window-kind", "valid-from", "valid-to")
# the HSDS 3.0 tables carepath writes, with their columns in the standard's order
COLUMNS: dict[str, list[str]] = {
    "organizations": ["id", "name", "alternate_name", "description", "email", "website",
                      "tax_status", "tax_id", "year_incorporated", "legal_status", "logo", "uri",
                      "parent_organization_id"],
    "services": ["id", "organization_id", "program_id", "name", "alternate_name", "description",
                 "url", "email", "status", "interpretation_services", "application_process",
                 "fees_description", "wait_time", "fees", "accreditations",
                 "eligibility_description", "minimum_age", "maximum_age", "assured_date",
                 "assurer_email", "licenses", "alert", "last_modified"],
    "service_areas": ["id", "service_id", "name", "description", "extent", "extent_type", "uri"],
    "taxonomies": ["id", "name", "description", "uri", "version"],
    "taxonomy_terms": ["id", "code", "name", "description", "parent_id", "taxonomy", "language",
                       "taxonomy_id", "term_uri"],
    "attributes": ["id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "value"],
    "metadata": ["id", "resource_id", "resource_type", "last_action_date", "last_action_type",
                 "field_name", "previous_value", "replacement_value", "updated_by"],
}
_NUMBERS = {"year_incorporated", "minimum_age", "maximum_age", "extension", "latitude",
            "longitude"}
_FOREIGN_KEYS = {
    "services": [("organization_id", "organizations")],
    "service_areas": [("service_id", "services")],
    "taxonomy_terms": [("taxonomy_id", "taxonomies")],
    "attributes": [("taxonomy_term_id", "taxonomy_terms")],
}
# the keys an import checks: a reference to nowhere here is an error, naming file and row
_CHECKED_KEYS = {
    "services": [("organization_id", "organizations")],
    "service_areas": [("service_id", "services")],
    "attributes": [("taxonomy_term_id", "taxonomy_terms")],
}
_CRITERION = re.compile(r"^(inclusion|exclusion):\s*(.+)$", re.IGNORECASE)


# ================================================================================================
# import
# ================================================================================================

@dataclass(slots=True)
class _Record:
    """A row or JSON object, with the file and line it came from."""

    data: dict[str, Any]
    file: str
    line: int | None

    @property
    def where(self) -> str:
        return self.file if self.line is None else f"{self.file}:{self.line}"


def _error(file: str, line: int | None, fieldname: str | None, msg: str) -> DataValidationError:
    return DataValidationError([Problem("error", "bad-hsds", file, line, fieldname, msg)])


def _unquoted(value: str) -> str:
    """A cell as written before spreadsheet_safe quoted it (``'=x`` is ``=x``)."""
    return value[1:] if value[:1] == "'" and value[1:].startswith(FORMULA_START) else value


def _read_csv(path: Path) -> list[_Record]:
    from carepath.loaders.yamlfile import read_text

    shown = str(path)
    reader = csv.DictReader(io.StringIO(read_text(path, shown), newline=""))
    try:
        header = reader.fieldnames or []
        rows = []
        while True:
            start = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            clean = {k.strip(): _unquoted(v.strip()) for k, v in row.items()
                     if k and isinstance(v, str) and v.strip()}
            rows.append(_Record(clean, shown, start))
    except csv.Error as exc:
        raise _error(shown, reader.line_num, None, f"not a readable CSV file: {exc}") from None
    if "id" not in [h.strip() for h in header]:
        raise _error(shown, 1, "id", "no 'id' column: not an HSDS 3 table")
    return rows


def _inside(path: Path, root: Path, shown: str, fieldname: str | None) -> Path:
    """``path`` with every link resolved; an error if that leaves the package folder ``root``
    (a symbolic link or a relative path to a file elsewhere is never read)."""
    real = path.resolve()
    if not real.is_relative_to(root.resolve()):
        raise _error(shown, None, fieldname,
                     f"{path.name} leads outside the package folder (to {real}); only files "
                     "inside the package are read")
    return real


def _package_files(folder: Path) -> tuple[dict[str, Path], list[Problem]]:
    """The tables of a package: from datapackage.json if it is readable, else by name."""
    warnings: list[Problem] = []
    files = {p.stem: _inside(p, folder, str(p), None) for p in sorted(folder.glob("*.csv"))}
    descriptor = folder / "datapackage.json"
    if not descriptor.is_file():
        return files, warnings
    _inside(descriptor, folder, str(descriptor), None)
    text = descriptor.read_text(encoding="utf-8-sig", errors="replace").strip()
    shown = str(descriptor)
    try:
        package = json.loads(text)
    except json.JSONDecodeError as exc:
        if "\n" not in text and text.endswith(".json") and "{" not in text:
            # a link placeholder (git's text for a symbolic link) is followed only inside the
            # package: a path to another package is not read
            target = (folder / text).resolve()
            if target.is_file() and target.is_relative_to(folder.resolve()):
                return _package_files_from(json.loads(target.read_text("utf-8")), target,
                                           files), warnings
            warnings.append(Problem(
                "warning", "link-placeholder", shown, 1, None,
                f"is a link placeholder ({text!r}) that does not resolve inside the package; "
                "the CSV files are read by their HSDS 3 names"))
            return files, warnings
        raise _error(shown, exc.lineno, None, f"not valid JSON ({exc.msg})") from None
    return _package_files_from(package, descriptor, files), warnings


def _package_files_from(package: Any, descriptor: Path,
                        files: dict[str, Path]) -> dict[str, Path]:
    shown = str(descriptor)
    if not isinstance(package, dict) or not isinstance(package.get("resources"), list):
        raise _error(shown, None, "resources", "not a data package: no 'resources' list")
    listed: dict[str, Path] = {}
    for n, resource in enumerate(package["resources"]):
        path = resource.get("path") if isinstance(resource, dict) else None
        if isinstance(path, list):
            path = path[0] if path else None
        if not isinstance(path, str):
            raise _error(shown, None, f"resources[{n}]", "resource without a 'path'")
        if "://" in path or Path(path).is_absolute() or ".." in Path(path).parts:
            raise _error(shown, None, f"resources[{n}]",
                         f"path {path!r} is not inside the package (remote, absolute or '..' "
                         "paths are not read)")
        file = _inside(descriptor.parent / path, descriptor.parent, shown, f"resources[{n}]")
        if not file.is_file():
            name = resource.get("name", path)
            raise _error(shown, None, f"resources[{n}]",
                         f"resource {name!r}: file {path!r} is missing from the package")
        listed[file.stem] = file
    return listed or files


def _check_keys(tables: dict[str, list[_Record]], files: dict[str, Path]) -> None:
    ids = {name: {r.data.get("id") for r in rows} for name, rows in tables.items()}
    for table, keys in _CHECKED_KEYS.items():
        for column, target in keys:
            for rec in tables.get(table, []):
                value = rec.data.get(column)
                if not value:
                    continue
                if target not in tables:
                    raise _error(rec.file, rec.line, column,
                                 f"refers to {target} {value!r}, but the package has no "
                                 f"{target}.csv")
                if value not in ids[target]:
                    raise _error(rec.file, rec.line, column,
                                 f"{value!r} matches no record in {files[target].name}")
    services = ids.get("services", set())
    for table in ("contacts", "phones"):
        for rec in tables.get(table, []):
            value = rec.data.get("service_id")
            if value and value not in services:
                raise _error(rec.file, rec.line, "service_id",
                             f"{value!r} matches no record in {files['services'].name}")
    for rec in tables.get("attributes", []):
        if rec.data.get("link_entity") == "service" and rec.data.get("link_id") not in services:
            raise _error(rec.file, rec.line, "link_id",
                         f"{rec.data.get('link_id')!r} matches no record in "
                         f"{files['services'].name}")


def _seen(seen: dict[str, str], rec: _Record) -> None:
    ident = rec.data.get("id")
    if not ident:
        raise _error(rec.file, rec.line, "id", "record without an id")
    if ident in seen:
        raise _error(rec.file, rec.line, "id", f"duplicate id {ident!r} (first at {seen[ident]})")
    seen[ident] = rec.where


def _assemble(folder: Path) -> tuple[list[_Record], list[Problem]]:
    """Services of a tabular package as nested records, like the API's service_full."""
    files, warnings = _package_files(folder)
    if "services" not in files:
        raise _error(str(folder), None, None,
                     "not an HSDS 3 package: no services.csv (and no datapackage.json "
                     "listing one)")
    wanted = ("services", "organizations", "service_areas", "contacts", "phones", "attributes",
              "taxonomy_terms", "taxonomies")
    tables = {name: _read_csv(files[name]) for name in wanted if name in files}
    for rows in tables.values():
        seen: dict[str, str] = {}
        for rec in rows:
            _seen(seen, rec)
    _check_keys(tables, files)
    by_id = {name: {r.data["id"]: r for r in rows} for name, rows in tables.items()}
    taxonomies = by_id.get("taxonomies", {})
    terms = by_id.get("taxonomy_terms", {})

    by_link: dict[str, list[_Record]] = {}  # attributes by what they describe, found once
    for rec in tables.get("attributes", []):
        by_link.setdefault(rec.data.get("link_id", ""), []).append(rec)

    def attributes_of(link: str) -> list[dict[str, Any]]:
        out = []
        for rec in by_link.get(link, []):
            term_rec = terms.get(rec.data.get("taxonomy_term_id", ""))
            term = dict(term_rec.data) if term_rec else {}
            if term and term.get("taxonomy_id") in taxonomies:
                term["taxonomy_detail"] = taxonomies[term["taxonomy_id"]].data
            out.append({**rec.data, "taxonomy_term": term, "_line": rec.line,
                        "_file": rec.file})
        return out

    for rec in tables.get("attributes", []):
        link = rec.data.get("link_id")
        if not any(link in ids for ids in by_id.values()):
            warnings.append(Problem("warning", "unlinked-attribute", rec.file, rec.line,
                                    "link_id", f"{link!r} matches no record this importer "
                                    "reads; attribute ignored"))
    services = []
    for rec in tables["services"]:
        svc = dict(rec.data)
        if not svc.get("name"):
            raise _error(rec.file, rec.line, "name", "service without a name")
        org = by_id.get("organizations", {}).get(svc.get("organization_id", ""))
        if org:
            svc["organization"] = {**org.data, "attributes": attributes_of(org.data["id"])}
        svc["service_areas"] = [{**a.data, "_line": a.line, "_file": a.file,
                                 "attributes": attributes_of(a.data["id"])}
                                for a in tables.get("service_areas", [])
                                if a.data.get("service_id") == svc["id"]]
        svc["contacts"] = [c.data for c in tables.get("contacts", [])
                           if c.data.get("service_id") == svc["id"]]
        svc["phones"] = [p.data for p in tables.get("phones", [])
                         if p.data.get("service_id") == svc["id"]]
        svc["attributes"] = attributes_of(svc["id"])
        for key in ("minimum_age", "maximum_age"):
            if key in svc:
                try:
                    svc[key] = float(svc[key])
                except ValueError:
                    raise _error(rec.file, rec.line, key,
                                 f"{svc[key]!r} is not a number of years") from None
        services.append(_Record(svc, rec.file, rec.line))
    return services, warnings


def _json_services(path: Path) -> list[_Record]:
    """Services of an API response, each with the line of its id in the file."""
    from carepath.loaders.yamlfile import read_text

    shown = str(path)
    text = read_text(path, shown)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _error(shown, exc.lineno, None, f"not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise _error(shown, None, None, "JSON nested too deeply to be an HSDS response "
                     "(over a thousand levels)") from None

    line_of = id_lines(text).get  # one pass over the text (a rescan per id was quadratic)

    if not isinstance(doc, dict):
        raise _error(shown, 1, None, "not an HSDS 3 response: expected a JSON object")
    if "resourceType" in doc:
        raise _error(shown, line_of(doc.get("id")), "resourceType",
                     f"this is a FHIR {doc['resourceType']}, not HSDS; use "
                     "`carepath import fhir`")
    if isinstance(doc.get("contents"), list):  # a paginated list
        items = [i for i in doc["contents"] if isinstance(i, dict)]
        services = [i for i in items if "status" in i or "organization" in i]
        for org in items:
            if "status" not in org and "organization" not in org:
                for svc in org.get("services") or []:
                    services.append({**svc, "organization": svc.get("organization") or org})
        if not services:
            raise _error(shown, None, "contents",
                         "the list holds no services (an organization_list or "
                         "taxonomy_term_list without services); export services instead")
    elif isinstance(doc.get("service"), dict):  # service_at_location_full
        services = [doc["service"]]
    elif "status" in doc or "service_areas" in doc or "eligibility_description" in doc:
        services = [doc]
    elif isinstance(doc.get("services"), list):  # organization_full
        org = {k: v for k, v in doc.items() if k != "services"}
        services = [{**s, "organization": s.get("organization") or org}
                    for s in doc["services"] if isinstance(s, dict)]
    else:
        raise _error(shown, 1, None,
                     "not an HSDS 3 response: expected a service (id, name, status), an "
                     "organization with services, a service_at_location or a list of them")
    out = []
    for n, svc in enumerate(services):
        missing = "id" if not svc.get("id") else "name" if not svc.get("name") else None
        if missing:
            raise _error(shown, line_of(svc.get("id")), f"services[{n}]",
                         f"service {svc.get('id') or n!r} has no {missing}")
        svc = dict(svc)
        for area in svc.get("service_areas") or []:
            if isinstance(area, dict):
                area["_line"], area["_file"] = line_of(area.get("id")), shown
        out.append(_Record(svc, shown, line_of(svc["id"])))
    return out


def _term(attr: dict[str, Any]) -> tuple[Term, bool, str]:
    term = attr.get("taxonomy_term") or {}
    detail = term.get("taxonomy_detail") or {}
    taxonomy = detail.get("name") or term.get("taxonomy") or ""
    ours = (detail.get("uri") == TAXONOMY_IRI or
            (taxonomy == CAREPATH_TAXONOMY and str(term.get("term_uri", "")).startswith(
                "https://w3id.org/carepath/")))
    name = term.get("name") or term.get("term") or term.get("code") or ""
    return Term(taxonomy, str(term.get("code") or ""), str(name)), ours, str(
        attr.get("value") or "")


def _criteria(text: str | None) -> list[tuple[str, str]]:
    """Eligibility text as criteria: ``inclusion: ...`` lines (as carepath writes), else one."""
    if not text or not text.strip():
        return []
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    matches = [_CRITERION.match(line) for line in lines]
    if all(matches):
        return [(m.group(1).lower(), m.group(2).strip()) for m in matches if m]
    return [("inclusion", text.strip())]


def _entry(rec: _Record, source: str, area_source: Callable[[str], str]) -> Entry:
    svc = rec.data
    ours: dict[str, list[str]] = {}
    lines: dict[str, list[int | None]] = {}
    terms: list[Term] = []
    for attr in svc.get("attributes") or []:
        term, is_ours, value = _term(attr)
        if is_ours:
            ours.setdefault(term.code, []).append(value)
            lines.setdefault(term.code, []).append(attr.get("_line") or rec.line)
        elif term.name:
            terms.append(term)
    org = svc.get("organization") or {}
    organisation = None
    if org.get("name") and not str(org.get("uri", "")).startswith(AREA_IRI):
        organisation = str(org["name"]).strip()
    areas = []
    for area in svc.get("service_areas") or []:
        if not isinstance(area, dict):
            continue
        name = area.get("name") or area.get("service_area") or area.get("description")
        if not name:
            continue
        ident = area_of_iri(area.get("uri"))
        country = None
        if ident and str(area.get("description", "")).startswith("Country: "):
            country = str(area["description"])[len("Country: "):].strip()
        areas.append(AreaRef(str(name).strip(), area_source(area.get("_file") or rec.file),
                             area.get("_line"), ident, country))
    entry = Entry(rec.where, source, rec.line, str(svc["name"]).strip(), organisation=organisation,
                  areas=areas, terms=terms, criteria=_criteria(svc.get("eligibility_description")),
                  minimum_age=_number(svc.get("minimum_age")),
                  maximum_age=_number(svc.get("maximum_age")))
    if svc.get("assured_date"):  # when the service's facts were last checked
        entry.extra["assured_date"] = str(svc["assured_date"]).strip()
    if "service-id" in ours:  # written by carepath: restore what its taxonomy holds
        _restore(entry, svc, ours, lines, rec)
        return entry
    if svc.get("alternate_name"):
        entry.aliases = [str(svc["alternate_name"]).strip()]
    entry.description = svc.get("description")
    details = []
    if svc.get("application_process"):
        details.append(f"How to access: {svc['application_process']}")
    for key, label in (("url", "Web"), ("email", "Email"), ("fees_description", "Fees"),
                       ("wait_time", "Wait time"), ("alert", "Alert")):
        if svc.get(key):
            details.append(f"{label}: {svc[key]}")
    for phone in svc.get("phones") or []:
        if phone.get("number"):
            details.append(f"Phone: {str(phone['number']).strip(chr(34))}")
    for contact in svc.get("contacts") or []:
        parts = [contact.get(k) for k in ("name", "title", "department", "email")]
        parts += [str(p.get("number", "")).strip('"') for p in contact.get("phones") or []]
        if any(parts):
            details.append("Contact: " + ", ".join(str(p) for p in parts if p))
    entry.details = details
    return entry


def _restore(entry: Entry, svc: dict[str, Any], ours: dict[str, list[str]],
             lines: dict[str, list[int | None]], rec: _Record) -> None:
    """A service carepath exported: its id, aliases, notes and what its attributes hold."""
    entry.carepath_id = ours["service-id"][0]
    entry.aliases = [a.strip() for a in str(svc.get("alternate_name") or "").split(ALIAS_SEP)
                     if a.strip()]
    entry.notes = svc.get("description") or None
    if "criteria" in ours:  # the criteria exactly as carepath holds them
        entry.criteria = [(c["type"], c["text"]) for c in _json(ours["criteria"][0], rec)]
    entry.stages = ours.get("stage-text", [])
    extra = entry.extra
    for code, values in ours.items():
        kind, _, ident = code.partition("/")
        if kind == "tier":
            entry.tier = ident
        elif kind == "level":
            entry.level = ident
        elif kind == "concern":
            entry.concerns[ident] = [s for s in values[0].split("|") if s]
        elif kind in ("profession", "intervention", "not-addressed"):
            key = {"profession": "professions", "intervention": "interventions",
                   "not-addressed": "not_addressed"}[kind]
            extra.setdefault(key, []).append(ident)
        elif kind == "response-time":
            extra.setdefault("response_times", []).extend(
                {"urgency": ident, "within": v} for v in values)
        elif kind == "population-need":
            extra["need"] = _json(values[0], rec)
        elif kind == "tier-note":
            extra["tier_note"] = values[0]
        elif kind in ("route", "relation"):
            entry.routes += [(_json(v, rec), line) for v, line in zip(values, lines[code],
                                                                       strict=True)]
        elif kind == "part-of":
            extra["part_of"] = {"service": values[0]}
        elif kind in SCALAR_EXTRAS:
            extra.update(scalar_record(kind.replace("-", "_"), values[0]))
        elif kind == "pathway-cell":
            entry.pathway += [(_json(v, rec), line) for v, line in zip(values, lines[code],
                                                                        strict=True)]
    entry.minimum_age = entry.maximum_age = None  # carepath writes none


def _json(value: str, rec: _Record) -> Any:
    try:
        return json.loads(value)
    except json.JSONDecodeError as exc:
        raise _error(rec.file, rec.line, "attributes", f"a carepath attribute's value is not "
                     f"the JSON carepath writes ({exc.msg}): {value[:60]!r}") from None


def _number(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


@dataclass(slots=True)
class HsdsRead:
    """What :func:`read_hsds` found: service entries, their sources, relations, warnings."""

    entries: list[Entry]
    sources: list[SourceInfo]
    warnings: list[Problem]


def read_hsds(path: Path | str, *, prefix: str = "hsds") -> HsdsRead:
    """Read an HSDS 3 package folder, its ``datapackage.json`` or an API response ``.json``.

    Raises:
        DataValidationError: naming the file and record, for input that is not HSDS, a
            package with a missing file, or a foreign key to nowhere.

    >>> import json, pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "service.json"
    >>> _ = f.write_text(json.dumps({"id": "s1", "name": "Baby clinic", "status": "active"}))
    >>> read_hsds(f).entries[0].name
    'Baby clinic'
    """
    path = Path(path)
    shown = str(path)
    if not path.exists():
        raise _error(shown, None, None, "no such file or folder")
    sources: dict[str, SourceInfo] = {}
    warnings: list[Problem] = []

    def source_for(file: str) -> str:
        if file not in sources:
            stem = slug(Path(file).stem, max_length=40)
            ident = f"{prefix}-{stem}" if not stem.startswith(prefix) else stem
            sources[file] = SourceInfo(ident, f"Open Referral HSDS 3: {Path(file).name} "
                                       f"({Path(file).parent.name or '.'})", file)
        return sources[file].id

    if path.is_dir() or path.name == "datapackage.json" or path.suffix.lower() == ".csv":
        folder = path if path.is_dir() else path.parent
        records, warnings = _assemble(folder)
    elif path.suffix.lower() == ".json":
        records = _json_services(path)
    else:
        raise _error(shown, None, None, "not HSDS: expected a folder of HSDS CSV files, a "
                     "datapackage.json or an API response .json")
    entries = [_entry(rec, source_for(rec.file), source_for) for rec in records]
    return HsdsRead(entries, list(sources.values()), warnings)


def import_hsds(path: Path | str, out: Path | str, *, prefix: str = "hsds",
                mapping: Path | str | None = None, area_name: str | None = None,
                force: bool = False, together: Sequence[Path | str] = ()) -> Imported:
    """Import HSDS 3 data into a carepath data folder ``out``; returns what was imported.

    Nothing is written if the input is bad or the result would not load (alone, or beside
    the data folders ``together``).
    """
    read = read_hsds(path, prefix=prefix)
    rows: list[MapRow] = read_mapping(mapping) if mapping else []
    result = build_import(read.entries, read.sources, standard="Open Referral HSDS 3",
                          origin=str(path), prefix=prefix, mapping=rows, area_name=area_name,
                          warnings=read.warnings)
    add_routes(result)
    write_import(result, out, force=force, together=together)
    return result


# ================================================================================================
# export
# ================================================================================================

@dataclass(slots=True)
class HsdsPackage:
    """An HSDS 3 tabular data package in memory: rows per table, and the export report."""

    tables: dict[str, list[dict[str, Any]]]
    report: ExportReport

    def descriptor(self) -> dict[str, Any]:
        """The ``datapackage.json`` of the package (Frictionless tabular data package)."""
        resources = []
        for table, columns in COLUMNS.items():
            if table not in self.tables:
                continue
            fields = [{"name": c, "type": "number" if c in _NUMBERS else "string"}
                      for c in columns]
            schema: dict[str, Any] = {"fields": fields, "primaryKey": "id"}
            keys = [{"fields": col, "reference": {"resource": target, "fields": "id"}}
                    for col, target in _FOREIGN_KEYS.get(table, []) if target in self.tables]
            if keys:
                schema["foreignKeys"] = keys
            resources.append({"name": table, "path": f"{table}.csv",
                              "profile": "tabular-data-resource", "format": "csv",
                              "mediatype": "text/csv", "encoding": "utf-8", "schema": schema})
        return {"name": "carepath-hsds", "title": "carepath services as Open Referral HSDS 3",
                "profile": "tabular-data-package", "version": __version__,
                "resources": resources}

    def csv_text(self, table: str) -> str:
        """The table as CSV; formula-like text neutralised, for a person who opens it in a
        spreadsheet (carepath.writing.spreadsheet_safe; read back by ``import hsds``)."""
        buffer = io.StringIO(newline="")
        writer = csv.DictWriter(buffer, fieldnames=COLUMNS[table], lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: spreadsheet_safe(v) for k, v in row.items()}
                         for row in self.tables[table])
        return buffer.getvalue()


def to_hsds(model: Model, *, changes: ChangeLog | None = None) -> Exported[HsdsPackage]:
    """The model as HSDS 3 tables, and a report of what HSDS cannot hold. Text HSDS readers
    may choke on (control characters) is removed. With ``changes`` (see :class:`ChangeLog`),
    the services' changes since an earlier version are Open Referral ``metadata`` rows."""
    report = ExportReport("Open Referral HSDS 3")
    taxonomy_id = stable_uuid("taxonomy", CAREPATH_TAXONOMY)
    tables: dict[str, list[dict[str, Any]]] = {name: [] for name in COLUMNS}
    tables["taxonomies"].append({
        "id": taxonomy_id, "name": CAREPATH_TAXONOMY,
        "description": "carepath's classification of perinatal and infant mental health "
                       "services: stepped-care tier, health-visiting level, age stage, concern, "
                       "and who refers into the service", "uri": TAXONOMY_IRI,
        "version": __version__})
    terms: dict[str, str] = {}

    def term(code: str, name: str, description: str, uri: str | None = None) -> str:
        if code not in terms:
            terms[code] = stable_uuid("term", code)
            tables["taxonomy_terms"].append({
                "id": terms[code], "code": code, "name": name, "description": description,
                "taxonomy": CAREPATH_TAXONOMY, "taxonomy_id": taxonomy_id,
                **({"term_uri": uri} if uri else {})})
        return terms[code]

    def attribute(service_uuid: str, code: str, name: str, description: str, link_type: str,
                  value: str = "", uri: str | None = None) -> None:
        term_id = term(code, name, description, uri)
        n = counts[service_uuid] = counts.get(service_uuid, 0) + 1
        tables["attributes"].append({
            "id": stable_uuid("attribute", service_uuid, code, value, str(n)),
            "link_id": service_uuid, "taxonomy_term_id": term_id, "link_type": link_type,
            "link_entity": "service", **({"value": value} if value else {})})

    counts: dict[str, int] = {}
    referrals: dict[str, list] = {}
    routes: dict[str, list] = {}
    others: dict[str, list] = {}  # the service's other relations (advice, training...)
    for rel in model.relations:
        if is_route(model, rel):
            routes.setdefault(rel.target, []).append(rel)
            if rel.kind is RelationKind.REFERS_TO:
                referrals.setdefault(rel.target, []).append(rel)
        else:
            holder = holder_of(model, rel)
            if holder is not None:
                others.setdefault(holder, []).append(rel)
    cells: dict[str, list] = {}
    for cell in model.pathway:
        cells.setdefault(cell.service, []).append(cell)
    organisations: dict[str, str] = {}
    for svc in model.services.values():
        area = model.areas[svc.area]
        area_iri = iri(NodeKind.AREA, area.id).value
        name = organisation_of(svc)
        key = f"org:{name}" if name else f"area:{area.id}"
        if key not in organisations:
            organisations[key] = stable_uuid("organization", key)
            tables["organizations"].append({
                "id": organisations[key], "name": name or area.name,
                "description": name or (f"Stand-in for the organisations providing services in "
                                        f"the carepath area {area.name!r}: the sources do not "
                                        "name them"),
                **({} if name else {"uri": area_iri})})
        service_uuid = stable_uuid("service", svc.id)
        eligibility = "\n".join(f"{c.type}: {' '.join(c.text.split())}"
                                for c in svc.eligibility)
        tables["services"].append({
            "id": service_uuid, "organization_id": organisations[key], "name": svc.name,
            "alternate_name": ALIAS_SEP.join(svc.aliases) or None,
            "description": notes_without_organisation(svc.notes), "status": "active",
            "application_process": "\n".join(route_phrase(model, r)
                                              for r in routes.get(svc.id, [])) or None,
            "eligibility_description": eligibility or None,
            "assured_date": svc.assured_date})
        tables["service_areas"].append({
            "id": stable_uuid("service_area", svc.id, area.id), "service_id": service_uuid,
            "name": area.name, "uri": area_iri,
            **({"description": f"Country: {area.country}"} if area.country else {})})
        attribute(service_uuid, "service-id", "carepath service id",
                  "The service's id in carepath (the attribute's value).", "identifier",
                  svc.id)
        if svc.tier:
            tier = model.tiers[svc.tier]
            attribute(service_uuid, f"tier/{tier.id}", tier.name,
                      f"Stepped-care tier {tier.rank}: {tier.description or tier.name}",
                      "tier", uri=iri(NodeKind.TIER, tier.id).value)
        if svc.level:
            level = model.levels[svc.level]
            attribute(service_uuid, f"level/{level.id}", level.name,
                      f"Health-visiting level: {level.description or level.name}", "level",
                      uri=iri("level", level.id).value)
        for stage_id in model.stages_covered(svc):
            stage = model.stages[stage_id]
            attribute(service_uuid, f"stage/{stage.id}", stage.name,
                      f"Age stage {stage.interval} (weeks relative to birth)", "stage",
                      uri=iri(NodeKind.AGE_STAGE, stage.id).value)
        for text in svc.stage_texts:
            attribute(service_uuid, "stage-text", "age range as written",
                      "An age range of the service as its source writes it (the value).",
                      "stage", text)
        for need in svc.addresses:
            concern = model.concerns[need.concern]
            attribute(service_uuid, f"concern/{concern.id}", concern.name,
                      f"Concern addressed: {concern.description or concern.name}; the value "
                      "lists the severities, if stated", "concern",
                      "|".join(sorted(need.severities)), iri(NodeKind.CONCERN, concern.id).value)
        for rel in referrals.get(svc.id, []):
            kind = model.node_kind(rel.source)
            attribute(service_uuid, f"referral-source/{rel.source}",
                      f"referred by {model.name_of(rel.source)}",
                      f"Who refers into the service: a {kind.value.lower()} (the value is "
                      "the evidence in carepath)", "referral_source", evidence(rel),
                      iri(kind, rel.source).value)
        for rel in routes.get(svc.id, []):
            attribute(service_uuid, f"route/{rel.kind.value}", f"route: {rel.kind.label}",
                      f"An access route into the service ({rel.kind.label}): the value is "
                      "carepath's relation record as JSON (from, stages, concerns, severity, "
                      "urgency, response_time, level, note)", "route",
                      json.dumps(route_record(rel), ensure_ascii=False, sort_keys=True))
        for rel in others.get(svc.id, []):
            attribute(service_uuid, f"relation/{rel.kind.value}", f"relation: {rel.kind.label}",
                      f"A relation of the service that is not an access route into it "
                      f"({rel.kind.label}): the value is carepath's relation record as JSON "
                      "(kind, from, to, stages, concerns, severity, urgency, response_time, "
                      "level, note)", "relation",
                      json.dumps(relation_record(rel), ensure_ascii=False, sort_keys=True))
        for name, value in scalar_extras(svc).items():
            attribute(service_uuid, name.replace("_", "-"), name.replace("_", " "),
                      f"The service's {name.replace('_', ' ')} as carepath holds it (the "
                      "value)", name, value)
        if svc.part_of is not None:
            attribute(service_uuid, "part-of", "part of",
                      "The service this service is part of: the value is its carepath id",
                      "part_of", svc.part_of)
        for cell in cells.get(svc.id, []):
            attribute(service_uuid, "pathway-cell", "pathway cell",
                      "What the service does at a stage of the pathway (stage x service x "
                      "level): the value is carepath's pathway record as JSON (stage, level, "
                      "heading, rationale, actions)", "pathway",
                      json.dumps(pathway_record(cell), ensure_ascii=False, sort_keys=True))
        if svc.eligibility:
            attribute(service_uuid, "criteria", "eligibility criteria",
                      "The service's criteria exactly as carepath holds them: the value is a "
                      "JSON list of {type, text}", "eligibility",
                      json.dumps([{"type": c.type, "text": c.text} for c in svc.eligibility],
                                 ensure_ascii=False))
        for prof in svc.professions:
            attribute(service_uuid, f"profession/{prof}", model.name_of(prof),
                      "A profession that staffs the service", "staffed_by",
                      uri=iri(NodeKind.PROFESSION, prof).value)
        for ident in svc.interventions:
            attribute(service_uuid, f"intervention/{ident}", model.name_of(ident),
                      "An intervention the service delivers", "delivers",
                      uri=iri(NodeKind.INTERVENTION, ident).value)
        for concern in svc.not_addressed:
            attribute(service_uuid, f"not-addressed/{concern}", model.name_of(concern),
                      "A concern a source says the service does not address",
                      "does_not_address", uri=iri(NodeKind.CONCERN, concern).value)
        for resp in svc.response_times:
            attribute(service_uuid, f"response-time/{resp.urgency}",
                      f"response time: {resp.urgency}",
                      "How soon the service responds at this urgency (the value, as written)",
                      "response_time", resp.within)
        if svc.need_min is not None or svc.need_max is not None or svc.need_note:
            need = {k: v for k, v in (("min", svc.need_min), ("max", svc.need_max),
                                      ("note", svc.need_note)) if v is not None}
            attribute(service_uuid, "population-need", "population need",
                      "The share of the population that needs the service, in %: the value "
                      "is JSON {min, max, note}", "population_need",
                      json.dumps(need, ensure_ascii=False, sort_keys=True))
        if svc.tier_note:
            attribute(service_uuid, "tier-note", "tier note",
                      "Why the service sits at its tier (the value)", "tier", svc.tier_note)
    for table in list(tables):
        tables[table] = [{k: clean_text(v) if isinstance(v, str) else v
                          for k, v in row.items() if v not in (None, "")}
                         for row in tables[table]]
    if changes is not None:  # previous and replacement values are required, even if empty
        tables["metadata"] = [{k: clean_text(v) for k, v in row.items()}
                              for row in metadata_rows(changes)]
    n = len(model.services)
    report.hold("services", [f"{n} services (name, aliases as alternate_name, notes as "
                             "description, status active)"])
    report.hold("areas", [f"{len(model.areas)} areas as service_areas (name; uri = the carepath "
                          "area IRI; country in the description)"])
    report.hold("organisations", [f"{len(tables['organizations'])} organizations: those an "
                                  "import recorded, else one stand-in per area (uri = the area "
                                  "IRI)"])
    report.hold("eligibility", ["criteria texts as eligibility_description, one "
                                "'inclusion: ...' / 'exclusion: ...' line each"])
    report.hold("tiers, levels, stages, concerns, referral sources",
                [f"{len(tables['attributes'])} attributes under the carepath taxonomy "
                 f"({len(tables['taxonomy_terms'])} terms)"])
    report.hold("access routes", ["referrals, signposting, hand-overs and steps into a service "
                                  "as its application_process text, with conditions and "
                                  "evidence, and as 'route' attributes (JSON) that an import "
                                  "reads back"])
    report.hold("other relations", [
        "advice, training, collaboration and referrals to professions as 'relation' "
        "attributes (JSON, both ends) of the service at one end; the service a service is "
        "part of as a 'part-of' attribute"])
    report.hold("pathway cells", [f"{len(model.pathway)} stage x service x level cells as "
                                  "'pathway-cell' attributes (JSON) of their service"])
    report.hold("professions, interventions, need, response times", [
        "staffed by, delivers, population need, response times, concerns not addressed and "
        "tier notes as attributes under the carepath taxonomy"])
    report_common_losses(model, report)
    return Exported(HsdsPackage({k: v for k, v in tables.items() if v}, report), report)


@dataclass(frozen=True, slots=True)
class ChangeLog:
    """Changes since an earlier version, for the ``metadata`` table: the rows of
    :func:`carepath.queries.changes.changes`, the date they took effect (the new version's
    ``valid_from``) and who or what recorded them."""

    rows: list[dict[str, Any]]
    date: str
    updated_by: str


_ACTIONS = {"added": "create", "removed": "delete"}
# a value that is not there (the columns are required: an empty cell reads as missing)
_EMPTY = {False: "not stated", True: "(no service)"}


def metadata_rows(log: ChangeLog) -> list[dict[str, Any]]:
    """Open Referral ``metadata`` rows, one per service field that changed: the resource is
    the service, ``field_name`` carepath's field (``name`` for a rename, ``service`` for a
    service added or removed), the previous and replacement values as text (``not stated``
    where the version states none, ``(no service)`` before a service is added or after it
    is removed).

    >>> rows = metadata_rows(ChangeLog([{"section": "tier", "subject": "cm-iapt",
    ...     "change": "changed", "field": "tier", "old": "primary-care-mh", "new": None}],
    ...     "2024-08-01", "carepath history"))
    >>> [(r["field_name"], r["previous_value"], r["last_action_type"]) for r in rows]
    [('tier', 'primary-care-mh', 'update')]
    >>> rows[0]["replacement_value"]
    'not stated'
    """
    out = []
    for i, row in enumerate(log.rows):
        if row["section"] in ("reachability", "gaps", "relations", "pathway") or \
                not row.get("subject"):
            continue
        if row["section"] == "re-cited" and row["field"] != "service":
            continue
        field = row["field"] or "service"
        out.append({
            "id": stable_uuid("metadata", log.date, str(i), row["subject"], field),
            "resource_id": stable_uuid("service", row["subject"]), "resource_type": "service",
            "last_action_date": log.date,
            "last_action_type": _ACTIONS.get(row["change"], "update"),
            "field_name": field,
            "previous_value": row["old"] or _EMPTY[row["change"] == "added"],
            "replacement_value": row["new"] or _EMPTY[row["change"] == "removed"],
            "updated_by": log.updated_by})
    return out


def change_log(model: Model, earlier: Path | str, *, date: str | None = None) -> ChangeLog:
    """The changes from an earlier version of the data to ``model``, as a :class:`ChangeLog`.

    ``earlier`` is a saved version's folder (:mod:`carepath.history`) or any data folder or
    file; ``date`` (default today) is when the changes are recorded as made.
    """
    import datetime

    from carepath.cache import open_data
    from carepath.history import VERSION_FILE, _read
    from carepath.queries.changes import changes

    earlier = Path(earlier)
    label = str(earlier)
    if (earlier / VERSION_FILE).is_file():
        version = _read(earlier)
        earlier, label = version.data, f"version {version.label}"
    if not earlier.exists():
        raise naming(ExportError(f"`changes_since` {earlier}: no such version or data folder"),
                     "changes_since")
    old = open_data([earlier]).model
    rows = changes(old, model).to_dict("records")
    return ChangeLog(rows, date or datetime.date.today().isoformat(),
                     f"carepath (changes since {label})")


def write_hsds(model: Model, folder: Path | str, *, schemas: Path | str | None = None,
               force: bool = False, changes: ChangeLog | None = None,
               changes_since: Path | str | None = None) -> Exported[Path]:
    """Write the model as an HSDS 3 data package into ``folder`` (replaced atomically).

    With ``schemas`` (the folder of HSDS 3 JSON Schemas), the package is validated first and
    nothing is written if it fails. With ``changes_since`` (an earlier version: see
    :func:`change_log`) or ``changes``, the services' changes are ``metadata`` rows. A
    folder that exists, is not empty and is not a data package is replaced only with
    ``force``.
    """
    folder = Path(folder)
    check_target(folder, force=force)
    if changes_since is not None and changes is None:
        changes = change_log(model, changes_since)
    package = to_hsds(model, changes=changes).artifact
    with atomic_dir(folder, force=force) as tmp:
        for table in package.tables:
            (tmp / f"{table}.csv").write_text(package.csv_text(table), encoding="utf-8")
        (tmp / "datapackage.json").write_text(
            json.dumps(package.descriptor(), indent=2, ensure_ascii=False) + "\n",
            encoding="utf-8")
        (tmp / REPORT_FILE).write_text(package.report.markdown(), encoding="utf-8")
        if schemas is not None:
            errors = validate_hsds(tmp, schemas=schemas)
            if errors:
                raise ExportError(f"the HSDS export does not validate: {errors[0]} "
                                  f"({len(errors)} problem(s)); nothing written")
    return Exported(folder, package.report)


# ================================================================================================
# validation against the HSDS 3 JSON Schemas
# ================================================================================================

def _validator_factory(schemas: Path) -> tuple[dict[str, Any], Callable[[str], Any]]:
    from jsonschema import Draft202012Validator, FormatChecker
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    docs = {p.name: json.loads(p.read_text(encoding="utf-8"))
            for p in sorted(schemas.glob("*.json")) if p.name != "openapi.json"}
    if "service.json" not in docs:
        raise FileNotFoundError(f"{schemas}: no service.json; give the folder of the HSDS 3 "
                                "JSON Schemas")
    registry = Registry().with_resources(
        (name, Resource.from_contents(doc, default_specification=DRAFT202012))
        for name, doc in docs.items())

    def validator(name: str) -> Any:
        return Draft202012Validator(docs[name], registry=registry,
                                    format_checker=FormatChecker())

    return docs, validator


def _typed(row: dict[str, str], properties: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        if value == "":
            continue
        kind = properties.get(key, {}).get("type")
        if kind in ("number", "integer"):
            try:
                number = float(value)
                out[key] = int(number) if number.is_integer() else number
            except ValueError:
                out[key] = value  # left as text: the schema reports it
        elif kind == "boolean":
            out[key] = value.lower() in ("true", "1", "yes")
        else:
            out[key] = value
    return out


def validate_hsds(folder: Path | str, *, schemas: Path | str) -> list[str]:
    """Check every row of an HSDS tabular package against the HSDS 3 JSON Schemas.

    Each CSV file whose name a schema claims (``"path": "services.csv"``) is read, its values
    typed as the schema says, and each row validated; services are also validated nested, as
    the API's ``service_full`` (with organization, service_areas and attributes). Returns the
    problems as ``file:line: field: message`` (empty when valid).
    """
    folder, schemas = Path(folder), Path(schemas)
    docs, validator = _validator_factory(schemas)
    problems: list[str] = []
    rows: dict[str, list[dict[str, Any]]] = {}
    for name, doc in docs.items():
        file = folder / str(doc.get("path", ""))
        if not doc.get("path") or not file.is_file():
            continue
        check = validator(name)
        for rec in _read_csv(file):
            typed = _typed(rec.data, doc.get("properties", {}))
            rows.setdefault(file.stem, []).append(typed)
            for err in check.iter_errors(typed):
                where = ".".join(str(p) for p in err.absolute_path) or "(row)"
                problems.append(f"{file.name}:{rec.line}: {where}: {err.message}")
    try:
        for rec in _assemble(folder)[0]:
            nested = {k: v for k, v in rec.data.items() if k not in ("organization_id",)}
            nested = _strip_private(nested)
            nested = _typed_nested(nested, docs)
            for err in validator("service.json").iter_errors(nested):
                where = ".".join(str(p) for p in err.absolute_path) or "(service)"
                problems.append(f"{rec.where}: nested service {where}: {err.message}")
    except DataValidationError as exc:
        problems += [str(p) for p in exc.problems]
    return problems


def _strip_private(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_private(v) for k, v in value.items() if not k.startswith("_")
                and k not in ("link_id", "taxonomy_term_id", "service_id", "taxonomy_id")}
    if isinstance(value, list):
        return [_strip_private(v) for v in value]
    return value


def _typed_nested(service: dict[str, Any], docs: dict[str, Any]) -> dict[str, Any]:
    """A nested service with every value typed by the schema of the object holding it."""
    def walk(obj: Any, schema: dict[str, Any]) -> Any:
        if not isinstance(obj, dict):
            return obj
        props = schema.get("properties", {})
        out = _typed({k: v for k, v in obj.items() if isinstance(v, str)}, props)
        for key, value in obj.items():
            if isinstance(value, str):
                continue
            spec = props.get(key, {})
            ref = spec.get("$ref") or spec.get("items", {}).get("$ref")
            sub = docs.get(ref, {}) if ref else {}
            if isinstance(value, list):
                out[key] = [walk(v, sub) for v in value]
            elif isinstance(value, dict):
                out[key] = walk(value, sub)
            else:
                out[key] = value
        return out

    return walk(service, docs["service.json"])
