"""Open Referral HSDS 3 / UK: import of the published examples, export checked by Open
Referral's own JSON Schemas, round trips, and bad input."""

from __future__ import annotations

import csv
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker

import carepath
from carepath.errors import DataValidationError
from carepath.standards.common import is_route, organisation_of
from carepath.standards.hsds import REPORT_FILE, import_hsds, to_hsds, validate_hsds, write_hsds
from carepath.standards.importing import Entry, age_subject, map_ages

from ..conftest import FIXTURES, cli, run_cli
from .conftest import DATA, HSDS3, ORUK, SCHEMAS

EXAMPLES = [
    pytest.param(HSDS3 / "csv", id="hsds3-csv-package"),
    pytest.param(HSDS3 / "json" / "service_full.json", id="hsds3-service-full"),
    pytest.param(HSDS3 / "json" / "service_list.json", id="hsds3-service-list"),
    pytest.param(HSDS3 / "json" / "organization_full.json", id="hsds3-organization-full"),
    pytest.param(HSDS3 / "json" / "service_at_location_full.json",
                 id="hsds3-service-at-location-full"),
    pytest.param(ORUK / "json" / "service_full.json", id="oruk-service-full"),
    pytest.param(ORUK / "json" / "service_list.json", id="oruk-service-list"),
    pytest.param(ORUK / "json" / "organization_full.json", id="oruk-organization-full"),
    pytest.param(ORUK / "json" / "service_at_location_full.json",
                 id="oruk-service-at-location-full"),
]


def _facts(model: carepath.Model) -> dict[str, tuple]:
    return {s.id: (s.name, s.area, model.areas[s.area].name, organisation_of(s),
                   [(c.type, c.text) for c in s.eligibility])
            for s in model.services.values()}


# -- import of the published examples -------------------------------------------------------------

@pytest.mark.parametrize("source", EXAMPLES)
def test_published_example_imports_and_loads(thirdparty, source, tmp_path):
    result = import_hsds(source, tmp_path / "out")
    model = carepath.load(tmp_path / "out")
    (svc,) = model.services.values()
    assert svc.name == "Community Counselling"
    # every fact cites the file it came from, at the line of the record
    cited = Path(model.sources[svc.provenance.source].file)
    line = cited.read_text(encoding="utf-8").splitlines()[svc.provenance.line - 1]
    assert "ac148810-d857-441c-9679-408f346de14b" in line
    if source.name != "service_at_location_full.json":  # this response has no organization
        assert organisation_of(svc) == "Example Organization Inc."
    # the minimum/maximum age (12-100) is read as the parent's, with a warning to confirm
    assert any(p.code == "ages" and "parent's" in p.message for p in result.warnings)
    assert any(c.parent_age_from == 12 and c.parent_age_below == 101 for c in svc.eligibility)
    assert not svc.windows and svc.tier is None
    assert (tmp_path / "out" / "IMPORT-REPORT.md").read_text().count(svc.id) == 1


@pytest.mark.parametrize(("source", "has_eligibility"), [
    pytest.param(HSDS3 / "csv", True, id="hsds3-csv-package"),
    pytest.param(HSDS3 / "json" / "service_full.json", True, id="hsds3-service-full"),
    pytest.param(ORUK / "json" / "service_full.json", False, id="oruk-service-full"),
])
def test_service_area_and_eligibility_text_are_kept(thirdparty, source, has_eligibility,
                                                     tmp_path):
    import_hsds(source, tmp_path / "out")
    model = carepath.load(tmp_path / "out")
    (svc,) = model.services.values()
    assert model.areas[svc.area].name.startswith(
        "The service is available to all residents of the MyCity area")
    texts = [c.text for c in svc.eligibility]
    assert any(t.startswith("This service is intended for all people aged 12") for t in texts) \
        == has_eligibility


def test_csv_package_contacts_and_links_go_into_the_notes(thirdparty, tmp_path):
    import_hsds(HSDS3 / "csv", tmp_path / "out")
    (svc,) = carepath.load(tmp_path / "out").services.values()
    assert "Contact: Ann Persona, Reception Manager, Reception, email@example.com" in svc.notes
    assert "Phone: +44 1234 234567" in svc.notes
    assert "How to access: If you are an NHS patient please ask your GP" in svc.notes


def test_link_placeholder_datapackage_is_reported_not_fatal(thirdparty, tmp_path):
    result = import_hsds(HSDS3 / "csv", tmp_path / "out")
    codes = {p.code for p in result.warnings}
    assert "link-placeholder" in codes  # the published datapackage.json is a git symlink stub
    assert "unlinked-attribute" in codes  # its attribute links to no record


@pytest.mark.parametrize("source", [HSDS3 / "json" / "organization_list.json",
                                    HSDS3 / "json" / "taxonomy_term_list.json"],
                         ids=["organization-list-without-services", "taxonomy-term-list"])
def test_lists_without_services_are_refused(thirdparty, source, tmp_path):
    with pytest.raises(DataValidationError, match="holds no services"):
        import_hsds(source, tmp_path / "out")
    assert not (tmp_path / "out").exists()


# -- ages, taxonomy mapping, areas ---------------------------------------------------------------

@pytest.mark.parametrize(("text", "low", "high", "expected"), [
    pytest.param("For babies and toddlers", 0, 2, "stages", id="children-in-the-text"),
    pytest.param("For young mothers", 16, 25, "parent", id="parents-in-the-text"),
    pytest.param("People in the area", 0, 4, "stages", id="neither-but-no-parent-is-4"),
    pytest.param("People in the area", 18, 65, "parent", id="neither-but-beyond-the-timeline"),
    pytest.param("Parents of children", 3, 30, "undecided", id="both-and-numbers-undecided"),
])
def test_ages_are_placed_by_the_text_or_left_for_the_planner(text, low, high, expected):
    entry = Entry("f:1", "s", 1, "Group", criteria=[("inclusion", text)], minimum_age=low,
                  maximum_age=high)
    mapped, warning = map_ages(entry)
    assert warning and "confirm" in warning
    if expected == "stages":
        assert carepath.parse_range(mapped["stages"][0]).start == low * 52
    elif expected == "parent":
        assert mapped["criterion"]["parent_age_from"] == low
        assert mapped["criterion"]["parent_age_below"] == high + 1
    else:
        assert "not stated" in mapped["criterion"]["text"]
        assert "parent_age_from" not in mapped["criterion"]


def test_age_subject_says_why():
    assert age_subject("Support for fathers") == ("parent",
                                                 "the text speaks of parents ('fathers')")


def test_mapping_file_sets_tier_and_concerns_and_ages_go_on_the_timeline(tmp_path):
    result = import_hsds(DATA / "perinatal-service.json", tmp_path / "out",
                         mapping=DATA / "taxonomy-map.csv", prefix="north")
    svc = carepath.load(tmp_path / "out").services["north-baby-bonding-group"]
    assert svc.tier == "targeted"
    assert svc.addresses_concern("parent-infant-relationship", "moderate")
    assert svc.stage_texts == ("0 - 2 years",) and svc.span == carepath.Interval(0, 104)
    assert svc.area == "north-northtown" and "Also available in: Southtown" in svc.notes
    assert any(p.code == "more-areas" for p in result.warnings)
    written = list(csv.DictReader((tmp_path / "out" / "taxonomy-map.csv").open()))
    assert written == [{"taxonomy": "Northtown directory", "code": "PIR-01",
                        "term": "Parent-infant relationship support", "tier": "targeted",
                        "concerns": "parent-infant-relationship:mild|moderate", "stages": ""}]


def test_bad_mapping_names_file_row_and_field(tmp_path):
    with pytest.raises(DataValidationError) as exc:
        import_hsds(DATA / "perinatal-service.json", tmp_path / "out", mapping=DATA / "bad-map.csv")
    assert str(exc.value).startswith(f"{DATA / 'bad-map.csv'}:2: tier: unknown tier 'specialst'")
    assert not (tmp_path / "out").exists()


def test_import_refuses_ids_that_clash_with_other_data(tmp_path, reference):
    hsds = tmp_path / "hsds"
    write_hsds(reference, hsds)
    with pytest.raises(DataValidationError, match="duplicate id"):
        import_hsds(hsds, tmp_path / "out", together=[carepath.loaders.bundled_data_dir()])
    assert not (tmp_path / "out").exists()


# -- export, validated by Open Referral's schemas -------------------------------------------------

@pytest.fixture(scope="module")
def exported(reference, tmp_path_factory) -> Path:
    return write_hsds(reference, tmp_path_factory.mktemp("hsds") / "package").artifact


def test_export_validates_against_the_hsds3_schemas(thirdparty, exported):
    assert validate_hsds(exported, schemas=SCHEMAS) == []


def test_each_services_row_is_valid_by_jsonschema_directly(thirdparty, exported):
    schema = json.loads((SCHEMAS / "service.json").read_text())
    check = Draft202012Validator(schema, format_checker=FormatChecker())
    rows = list(csv.DictReader((exported / "services.csv").open(encoding="utf-8")))
    assert len(rows) == 62
    for row in rows:
        check.validate({k: v for k, v in row.items() if v})


def test_validator_catches_a_broken_row(thirdparty, exported, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(exported, broken)
    text = (broken / "services.csv").read_text(encoding="utf-8")
    (broken / "services.csv").write_text(text.replace(",active,", ",open,", 1), encoding="utf-8")
    problems = validate_hsds(broken, schemas=SCHEMAS)
    assert problems and problems[0].startswith("services.csv:2: status: 'open' is not one of")


def test_the_published_example_package_passes_the_same_validator(thirdparty):
    assert validate_hsds(HSDS3 / "csv", schemas=SCHEMAS) == []


def test_datapackage_lists_every_table_written(exported):
    package = json.loads((exported / "datapackage.json").read_text())
    listed = {r["path"] for r in package["resources"]}
    assert listed == {p.name for p in exported.glob("*.csv")}
    assert package["profile"] == "tabular-data-package"


def test_routes_and_carepath_taxonomy(exported, reference):
    services = {r["name"]: r for r in csv.DictReader((exported / "services.csv").open())}
    pmmhs = services["Perinatal and Maternal Mental Health Service"]
    routes = pmmhs["application_process"].splitlines()
    assert routes[0] == ("Referred by General practitioner: Open referral process (line 30). "
                         "[doc-002:31]")
    assert any(r.startswith("Referred by Family members or carers (referring for the "
                            "family): Families are listed") for r in routes)
    assert routes[-1].startswith("Handed over from Mother and Baby Unit: ")
    terms = {r["code"] for r in csv.DictReader((exported / "taxonomy_terms.csv").open())}
    assert {"tier/specialist-perinatal", "stage/pregnancy", "referral-source/relatives",
            "service-id"} <= terms


def test_report_holds_every_relation_and_the_pathway(exported, reference):
    report = (exported / REPORT_FILE).read_text(encoding="utf-8")
    assert not [rel.id for rel in reference.relations if rel.id in report]
    assert "advice, training, collaboration" in report
    assert f"{len(reference.pathway)} stage x service x level cells" in report
    assert "professions" not in report or "staffed by" in report


def test_other_relations_part_of_and_pathway_cells_are_carepath_attributes(exported,
                                                                          reference):
    terms = {r["id"]: r["code"] for r in csv.DictReader(
        (exported / "taxonomy_terms.csv").open(encoding="utf-8"))}
    codes = Counter(terms[r["taxonomy_term_id"]].partition("/")[0] for r in csv.DictReader(
        (exported / "attributes.csv").open(encoding="utf-8")))
    routes = sum(1 for r in reference.relations if is_route(reference, r))
    assert codes["route"] == routes
    assert codes["relation"] == len(reference.relations) - routes
    assert codes["part-of"] == sum(1 for s in reference.services.values() if s.part_of)
    assert codes["pathway-cell"] == len(reference.pathway)


# -- round trips ----------------------------------------------------------------------------------

def test_round_trip_keeps_services_areas_organisations_and_eligibility(reference, exported,
                                                                       tmp_path):
    result = import_hsds(exported, tmp_path / "back")
    back = carepath.load(tmp_path / "back")
    assert _facts(back) == _facts(reference)
    assert {a.id: (a.name, a.country) for a in back.areas.values()} == {
        a.id: (a.name, a.country) for a in reference.areas.values()}
    for sid, svc in reference.services.items():  # and what the carepath taxonomy carries
        other = back.services[sid]
        assert (other.tier, other.level, other.stage_texts, other.aliases, other.notes,
                other.addresses) == (svc.tier, svc.level, svc.stage_texts, svc.aliases,
                                     svc.notes, svc.addresses)
    # the relations that come back, and the exact list of what does not: test_round_trips
    assert not result.warnings


def test_round_trip_of_a_published_example_keeps_its_organisation(thirdparty, tmp_path):
    import_hsds(HSDS3 / "csv", tmp_path / "first")
    first = carepath.load(tmp_path / "first")
    write_hsds(first, tmp_path / "hsds", schemas=SCHEMAS)
    organizations = list(csv.DictReader((tmp_path / "hsds" / "organizations.csv").open()))
    assert [o["name"] for o in organizations] == ["Example Organization Inc."]
    import_hsds(tmp_path / "hsds", tmp_path / "second")
    assert _facts(carepath.load(tmp_path / "second")) == _facts(first)


# -- bad input: one line naming file and record, nothing written ---------------------------------

def _package(tmp_path: Path) -> Path:
    folder = tmp_path / "pkg"
    folder.mkdir()
    for file in (HSDS3 / "csv").glob("*.csv"):
        shutil.copy(file, folder / file.name)
    return folder


def _missing_organizations(folder: Path) -> str:
    (folder / "organizations.csv").unlink()
    return f"{folder / 'services.csv'}:2: organization_id: refers to organizations"


def _service_area_to_nowhere(folder: Path) -> str:
    path = folder / "service_areas.csv"
    path.write_text(path.read_text().replace("ac148810-d857", "ac148810-0000"))
    return (f"{path}:2: service_id: 'ac148810-0000-441c-9679-408f346de14b' matches no record "
            "in services.csv")


def _datapackage_lists_missing_file(folder: Path) -> str:
    (folder / "datapackage.json").write_text(json.dumps({"resources": [
        {"name": "services", "path": "services.csv"},
        {"name": "locations", "path": "locations-2024.csv"}]}))
    return f"{folder / 'datapackage.json'}: resources[1]: resource 'locations': file"


def _service_without_name(folder: Path) -> str:
    path = folder / "services.csv"
    path.write_text(path.read_text().replace(",Community Counselling,", ",,"))
    return f"{path}:2: name: service without a name"


def _csv_that_is_not_hsds(folder: Path) -> str:
    for file in folder.iterdir():
        file.unlink()
    (folder / "services.csv").write_text("service,phone\nBaby clinic,0123\n")
    return f"{folder / 'services.csv'}:1: id: no 'id' column: not an HSDS 3 table"


@pytest.mark.parametrize("breakage", [
    pytest.param(_missing_organizations, id="missing-organizations-file"),
    pytest.param(_service_area_to_nowhere, id="service-area-foreign-key-to-nowhere"),
    pytest.param(_datapackage_lists_missing_file, id="datapackage-lists-missing-file"),
    pytest.param(_service_without_name, id="service-without-name"),
    pytest.param(_csv_that_is_not_hsds, id="csv-that-is-not-hsds"),
])
def test_broken_package_is_one_clear_error_and_nothing_written(thirdparty, tmp_path, breakage):
    folder = _package(tmp_path)
    expected = breakage(folder)
    with pytest.raises(DataValidationError) as exc:
        import_hsds(folder, tmp_path / "out")
    assert str(exc.value).startswith(expected), str(exc.value)
    assert len(exc.value.problems) == 1
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("source", "message"), [
    pytest.param(DATA / "not-a-standard.json", "not an HSDS 3 response", id="json-not-hsds"),
    pytest.param(DATA / "patient.json", "this is a FHIR Patient, not HSDS", id="fhir-not-hsds"),
    pytest.param(DATA / "taxonomy-map.csv", "no 'id' column", id="csv-file-not-a-package"),
])
def test_files_that_are_not_hsds_are_refused(tmp_path, source, message):
    if source.suffix == ".csv":  # a lone CSV file: its folder is read as the package
        shutil.copy(source, tmp_path / "services.csv")
        source = tmp_path / "services.csv"
    with pytest.raises(DataValidationError, match=message) as exc:
        import_hsds(source, tmp_path / "out")
    assert str(source) in str(exc.value)
    assert not (tmp_path / "out").exists()


# -- the command line -----------------------------------------------------------------------------

def test_cli_import_then_validate(thirdparty, tmp_path):
    result = run_cli("import", "hsds", str(ORUK / "json" / "organization_full.json"),
                     "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert "imported 1 services" in result.stdout
    assert "warning:" in result.stderr and "parent's" in result.stderr
    check = cli("validate", str(tmp_path / "out"), "--no-shacl")
    assert check.returncode == 0, check.stderr


def test_cli_bad_input_is_one_line_exit_1(tmp_path):
    result = run_cli("import", "hsds", str(DATA / "patient.json"), "-o", str(tmp_path / "out"))
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and errors[0].startswith("error: ") and "patient.json" in errors[0]
    assert not (tmp_path / "out").exists()


def test_cli_will_not_overwrite_a_folder_without_force(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "mine.txt").write_text("keep me")
    args = ("import", "hsds", str(DATA / "perinatal-service.json"), "-o", str(tmp_path / "out"))
    result = cli(*args)
    assert result.returncode == 2 and "--force" in result.stderr
    assert (tmp_path / "out" / "mine.txt").read_text() == "keep me"
    assert cli(*args, "--force").returncode == 0
    # --force writes beside the user's file: it is kept (issue 19)
    assert (tmp_path / "out" / "mine.txt").read_text() == "keep me"


def test_cli_export_validates_with_the_schemas(thirdparty, tmp_path):
    result = cli("export", "hsds", str(tmp_path / "pkg"), "--schemas", str(SCHEMAS),
                 "--data", str(Path(carepath.loaders.bundled_data_dir())))
    assert result.returncode == 0, result.stderr
    assert "validated" in result.stdout and REPORT_FILE in result.stdout
    assert len(to_hsds(carepath.load_reference()).artifact.tables["services"]) == 62


def test_cli_export_will_not_replace_a_folder_that_is_not_a_package(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    result = cli("export", "hsds", str(tmp_path), "--data", str(FIXTURES / "tiny"))
    assert result.returncode == 2 and "--force" in result.stderr
    assert (tmp_path / "notes.txt").read_text() == "mine"
