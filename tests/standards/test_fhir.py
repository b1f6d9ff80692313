"""FHIR R4 HealthcareService: the NHS UK Core example, a Bundle, export validated by the
fhir.resources R4(B) models, round trips, and bad input."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle

import carepath
from carepath.errors import DataValidationError
from carepath.standards.common import organisation_of
from carepath.standards.fhir import import_fhir, read_fhir, to_fhir_with_report, write_fhir

from ..conftest import cli, run_cli
from .conftest import DATA, UKCORE


def _facts(model: carepath.Model) -> dict[str, tuple]:
    return {s.id: (s.name, s.area, model.areas[s.area].name, organisation_of(s),
                   [(c.type, c.text) for c in s.eligibility])
            for s in model.services.values()}


# -- import ---------------------------------------------------------------------------------------

def test_nhs_uk_core_example_imports_and_loads(thirdparty, tmp_path):
    result = import_fhir(UKCORE, tmp_path / "out", area_name="Leeds")
    model = carepath.load(tmp_path / "out")
    (svc,) = model.services.values()
    assert svc.name == "Orthopaedic Trauma Services"
    assert organisation_of(svc) == "St James' University Hospital, Leeds"
    assert "Referral methods: Phone, Secure Messaging, Secure Email" in svc.notes
    assert "Phone: 0113 3926991" in svc.notes
    assert "Trauma and Orthopaedics (110)" in svc.notes  # specialty kept as a term
    assert model.areas[svc.area].name == "Leeds"
    assert any(p.code == "no-area" for p in result.warnings)  # no coverageArea in the example
    line = UKCORE.read_text(encoding="utf-8").splitlines()[svc.provenance.line - 1]
    assert "<HealthcareService" in line


def test_bundle_with_organization_location_and_eligibility(tmp_path):
    result = import_fhir(DATA / "perinatal-bundle.json", tmp_path / "out",
                         mapping=DATA / "taxonomy-map.csv", prefix="north")
    model = carepath.load(tmp_path / "out")
    svc = model.services["north-northtown-perinatal-mental-health-service"]
    assert organisation_of(svc) == "Northtown Mental Health NHS Trust"
    assert model.areas[svc.area].name == "Northtown"
    assert [(c.type, c.text) for c in svc.eligibility] == [
        ("inclusion", "Women who are pregnant or up to 24 months postnatal"),
        ("exclusion", "Mild anxiety without other concerns")]
    assert svc.tier == "specialist-perinatal"  # type "Perinatal mental health" via the map
    assert svc.stage_texts == ("Pregnancy",)
    assert [p.field for p in result.warnings if p.code == "other-resource"] == [
        "Endpoint/northtown-endpoint"]


def test_the_same_bundle_as_xml_reads_the_same(tmp_path):
    bundle = Bundle.model_validate(json.loads((DATA / "perinatal-bundle.json").read_text()))
    xml = tmp_path / "perinatal-bundle.xml"
    xml.write_bytes(bundle.model_dump_xml())
    as_json = read_fhir(DATA / "perinatal-bundle.json").entries
    as_xml = read_fhir(xml).entries
    strip = [(e.name, e.organisation, [a.name for a in e.areas], e.criteria, e.details)
             for e in as_json]
    assert strip == [(e.name, e.organisation, [a.name for a in e.areas], e.criteria, e.details)
                     for e in as_xml]


# -- export ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def bundle_and_report(reference):
    return to_fhir_with_report(reference)


def test_export_is_a_valid_r4_bundle(reference, bundle_and_report, tmp_path):
    path = write_fhir(reference, tmp_path / "bundle.json").artifact
    bundle = Bundle.model_validate_json(path.read_text(encoding="utf-8"))
    kinds = [e.resource.get_resource_type() for e in bundle.entry]
    assert kinds.count("HealthcareService") == 62
    assert kinds.count("Location") == 5 and kinds.count("Organization") == 5
    urls = {e.fullUrl for e in bundle.entry}
    for entry in bundle.entry:  # every reference resolves inside the Bundle
        resource = entry.resource
        if resource.get_resource_type() == "HealthcareService":
            assert resource.providedBy.reference in urls
            assert all(ref.reference in urls for ref in resource.coverageArea)


def test_export_carries_referral_routes(bundle_and_report):
    bundle, _ = bundle_and_report
    services = {e["resource"]["name"]: e["resource"] for e in bundle["entry"]
                if e["resource"]["resourceType"] == "HealthcareService"}
    pmmhs = services["Perinatal and Maternal Mental Health Service"]
    sources = {c["coding"][0]["code"] for c in pmmhs["referralMethod"]}
    # doc-002:31 "Families": relatives or carers; self-referral is only explored (line 35)
    assert sources == {"gp", "relatives", "dorset-cmht", "dorset-social-care", "midwife",
                       "health-visitor"}
    assert "Referred by Midwife: Open referral process (line 30). [doc-002:34]" \
        in pmmhs["extraDetails"]
    assert pmmhs["type"][0]["coding"][0]["code"] == "specialist-perinatal"
    assert {e["comment"] for e in pmmhs["eligibility"]} >= {
        "Service Uses registered with a GP in Dorset."}


def test_xml_export_parses_back(reference, tmp_path):
    path = write_fhir(reference, tmp_path / "bundle.xml").artifact
    bundle = Bundle.model_validate_xml(path.read_bytes())
    assert sum(1 for e in bundle.entry
               if e.resource.get_resource_type() == "HealthcareService") == 62


def test_report_lists_what_fhir_cannot_hold(reference, bundle_and_report):
    _, report = bundle_and_report
    text = report.markdown()
    assert not [rel.id for rel in reference.relations if rel.id in text]
    assert "deliberate overlaps" in report.not_held
    assert report.lost > 0


@pytest.mark.parametrize("suffix", [".json", ".xml"], ids=["json", "xml"])
def test_round_trip_keeps_what_fhir_holds(reference, tmp_path, suffix):
    path = write_fhir(reference, tmp_path / f"bundle{suffix}").artifact
    result = import_fhir(path, tmp_path / "back")
    back = carepath.load(tmp_path / "back")
    assert _facts(back) == _facts(reference)
    for sid, svc in reference.services.items():
        other = back.services[sid]
        assert (other.tier, other.level, other.stage_texts, other.aliases, other.notes,
                other.addresses) == (svc.tier, svc.level, svc.stage_texts, svc.aliases,
                                     svc.notes, svc.addresses)
    # the relations that come back, and the exact list of what does not: test_round_trips
    assert not result.warnings


def test_round_trip_of_the_uk_core_example_keeps_its_organisation(thirdparty, tmp_path):
    import_fhir(UKCORE, tmp_path / "first", area_name="Leeds")
    first = carepath.load(tmp_path / "first")
    import_fhir(write_fhir(first, tmp_path / "b.json").artifact, tmp_path / "second")
    assert _facts(carepath.load(tmp_path / "second")) == _facts(first)


# -- bad input ------------------------------------------------------------------------------------

def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("name", "text", "expected"), [
    pytest.param("patient.json", (DATA / "patient.json").read_text(),
                 "patient.json:1: Patient/example-patient: a FHIR Patient, not a "
                 "HealthcareService", id="resource-of-another-type"),
    pytest.param("patient.xml", '<Patient xmlns="http://hl7.org/fhir"><id value="p1"/></Patient>',
                 "patient.xml:1: Patient/p1: a FHIR Patient", id="xml-resource-of-another-type"),
    pytest.param("hs.json", json.dumps({"resourceType": "HealthcareService", "id": "h1",
                                        "name": 5}),
                 "hs.json:1: HealthcareService/h1: not valid FHIR R4: name", id="invalid-r4"),
    pytest.param("service.json", (DATA / "not-a-standard.json").read_text(),
                 "service.json:1: not a FHIR resource: no resourceType", id="json-not-fhir"),
    pytest.param("page.xml", "<html><body>hi</body></html>",
                 "page.xml:1: not FHIR: root element <html>", id="xml-not-fhir"),
    pytest.param("doctype.xml", '<!DOCTYPE x [<!ENTITY e "boom">]>\n'
                 '<HealthcareService xmlns="http://hl7.org/fhir"><name value="&e;"/>'
                 '</HealthcareService>', "doctype.xml:1: FHIR XML may not contain a DOCTYPE",
                 id="xml-with-doctype"),
    pytest.param("empty-bundle.json", json.dumps({"resourceType": "Bundle", "type": "collection",
                                                  "entry": [{"resource": {
                                                      "resourceType": "Organization",
                                                      "name": "X"}}]}),
                 "empty-bundle.json: no HealthcareService resources", id="bundle-without-service"),
    pytest.param("noname.json", json.dumps({"resourceType": "HealthcareService", "id": "h2"}),
                 "noname.json:1: HealthcareService/h2: a HealthcareService without a name",
                 id="service-without-name"),

    pytest.param("hs.ndjson", json.dumps({"resourceType": "HealthcareService", "id": "h3",
                                          "name": "A"}) + "\n{not json\n",
                 "hs.ndjson:2: not an NDJSON line of FHIR JSON", id="ndjson-bad-line"),
    pytest.param("hs.ndjson", "\n" + json.dumps({"resourceType": "HealthcareService",
                                                 "id": "h4", "name": 5}) + "\n",
                 "hs.ndjson:2: HealthcareService/h4: not valid FHIR R4: name",
                 id="ndjson-invalid-r4"),
    pytest.param("hs.ndjson", json.dumps({
        "resourceType": "HealthcareService", "id": "h5", "name": "A",
        "identifier": [{"system": "https://w3id.org/carepath/id/service", "value": "a"}],
        "extension": [{"url": "https://w3id.org/carepath/fhir/StructureDefinition/route",
                       "extension": [{"url": "kind", "valueCoding": {"code": "refers_to"}}]}]}),
                 "hs.ndjson:1: HealthcareService/h5: a carepath route extension has no 'from'",
                 id="route-extension-without-its-source"),
    pytest.param("manifest.json", json.dumps({"transactionTime": "2026-01-01T00:00:00Z",
                                              "output": [{"type": "HealthcareService",
                                                          "url": "../elsewhere.ndjson"}]}),
                 "manifest.json: output[0]: url '../elsewhere.ndjson' is not a file beside",
                 id="manifest-pointing-outside"),
])
def test_bad_input_is_one_clear_error_and_nothing_written(tmp_path, name, text, expected):
    path = _write(tmp_path, name, text)
    with pytest.raises(DataValidationError) as exc:
        import_fhir(path, tmp_path / "out")
    assert str(exc.value).startswith(f"{tmp_path}/{expected}"), str(exc.value)
    assert not (tmp_path / "out").exists()


def test_cli_import_and_export(thirdparty, tmp_path):
    result = run_cli("import", "fhir", str(UKCORE), "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    export = cli("export", "fhir", str(tmp_path / "b.json"), "--data", str(tmp_path / "out"),
                 "--report", str(tmp_path / "report.md"))
    assert export.returncode == 0, export.stderr
    assert Bundle.model_validate_json((tmp_path / "b.json").read_text()).type == "collection"
    assert "# What FHIR R4 holds" in (tmp_path / "report.md").read_text()


def test_cli_export_ndjson_and_import_it_back(reference, tmp_path):
    export = cli("export", "fhir", str(tmp_path / "b.json"), "--ndjson", str(tmp_path / "nd"))
    assert export.returncode == 0, export.stderr
    assert (tmp_path / "nd" / "manifest.json").is_file()
    for source in (tmp_path / "nd", tmp_path / "nd" / "manifest.json"):
        out = tmp_path / f"back-{source.name}"
        result = run_cli("import", "fhir", str(source), "-o", str(out))
        assert result.returncode == 0, result.stderr
        back = carepath.load(out)
        assert (len(back.services), len(back.relations), len(back.pathway)) == (
            len(reference.services), len(reference.relations), len(reference.pathway))


def test_ndjson_refuses_a_folder_it_did_not_write_and_writes_nothing(reference, tmp_path):
    from carepath.errors import OutputExistsError
    from carepath.standards.fhir import write_fhir

    (tmp_path / "nd").mkdir()
    (tmp_path / "nd" / "thesis.docx").write_text("mine")
    with pytest.raises(OutputExistsError):
        write_fhir(reference, tmp_path / "b.json", ndjson=tmp_path / "nd")
    assert not (tmp_path / "b.json").exists()
    assert sorted(p.name for p in (tmp_path / "nd").iterdir()) == ["thesis.docx"]


def test_cli_refuses_a_patient_in_one_line(tmp_path):
    result = run_cli("import", "fhir", str(DATA / "patient.json"), "-o", str(tmp_path / "out"))
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Patient/example-patient" in lines[0]
    assert not (tmp_path / "out").exists()


# -- HAPI FHIR's validator, narratives, definitions ----------------------------------------------

@pytest.mark.parametrize("name", [
    "reference.json", "reference.xml", "dirty.json", "dirty.xml",
    *(f"ndjson/{kind}.ndjson" for kind in ("HealthcareService", "Location", "Organization",
                                          "PlanDefinition"))])
def test_hapi_fhir_validator_finds_no_error_and_no_warning(hapi, name):
    serious = [m for m in hapi[name] if m[0] in ("ERROR", "FATAL", "WARNING")]
    assert serious == [], serious[:5]
    assert not [m for m in hapi[name] if "Unknown extension" in m[2]]


def test_ndjson_is_one_resource_a_line_one_file_a_type_with_a_manifest(fhir_exports,
                                                                       bundle_and_report):
    bundle, _ = bundle_and_report
    folder = fhir_exports["ndjson/Location.ndjson"].parent
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    kinds = Counter(e["resource"]["resourceType"] for e in bundle["entry"])
    assert {o["type"]: o["count"] for o in manifest["output"]} == kinds
    ids = set()
    for out in manifest["output"]:
        lines = (folder / out["url"]).read_text(encoding="utf-8").splitlines()
        resources = [json.loads(line) for line in lines]
        assert {r["resourceType"] for r in resources} == {out["type"]}
        ids |= {f"{r['resourceType']}/{r['id']}" for r in resources}
    text = "".join(p.read_text(encoding="utf-8") for p in folder.glob("*.ndjson"))
    references = set(re.findall(r'"reference":"([^"]+)"', text))
    assert references and references <= ids  # relative, and every one resolves
    assert "urn:uuid" not in text


def test_pathway_is_a_plan_definition_per_area(reference, bundle_and_report):
    bundle, _ = bundle_and_report
    plans = [e["resource"] for e in bundle["entry"]
             if e["resource"]["resourceType"] == "PlanDefinition"]
    areas = {reference.services[c.service].area for c in reference.pathway}
    assert len(plans) == len(areas)
    assert sum(len(p["action"]) for p in plans) == len(reference.pathway)
    assert {p["type"]["coding"][0]["code"] for p in plans} == {"clinical-protocol"}
    first, cell = plans[0]["action"][0], reference.pathway[0]
    assert (first["title"], first["description"], [a["description"] for a in first["action"]]
            ) == (cell.heading, cell.rationale, list(cell.actions))


def test_every_resource_has_a_narrative(bundle_and_report):
    bundle, _ = bundle_and_report
    for entry in bundle["entry"]:
        text = entry["resource"]["text"]
        assert text["status"] == "generated"
        assert text["div"].startswith('<div xmlns="http://www.w3.org/1999/xhtml">')
    pmmhs = next(e["resource"] for e in bundle["entry"]
                 if e["resource"].get("name") == "Perinatal and Maternal Mental Health Service")
    assert "Referred by Midwife" in pmmhs["text"]["div"]


def test_extensions_are_defined_and_the_shipped_definitions_are_current(bundle_and_report):
    from carepath.standards.fhir_definitions import (
        EXT_BASE,
        extension_definitions,
        shipped_definitions,
    )

    assert shipped_definitions() == extension_definitions()
    defined = {sd["url"] for sd in shipped_definitions()}
    bundle, _ = bundle_and_report
    used = {ext["url"] for e in bundle["entry"] for ext in e["resource"].get("extension", [])}
    assert used and used <= defined
    assert all(url.startswith(EXT_BASE) for url in used)


def test_definitions_hold_a_code_system_for_every_coding(reference, fhir_exports,
                                                         bundle_and_report):
    definitions = json.loads(fhir_exports["definitions"].read_text(encoding="utf-8"))
    codes = {(r["url"], c["code"]) for e in definitions["entry"]
             for r in [e["resource"]] if r["resourceType"] == "CodeSystem"
             for c in r["concept"]}
    bundle, _ = bundle_and_report

    def codings(value):
        if isinstance(value, dict):
            if "system" in value and "code" in value:
                yield value["system"], value["code"]
            for v in value.values():
                yield from codings(v)
        elif isinstance(value, list):
            for v in value:
                yield from codings(v)

    ours = {c for c in codings(bundle) if c[0].startswith("https://w3id.org/carepath/")}
    assert ours and ours <= codes
