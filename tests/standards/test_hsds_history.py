"""Open Referral HSDS 3 and the history: changes since an earlier version as ``metadata``
rows, and ``assured_date`` kept in both directions - checked by the HSDS schemas."""

from __future__ import annotations

import csv

import carepath
from carepath.history import save_version
from carepath.standards.hsds import import_hsds, stable_uuid, validate_hsds, write_hsds

from ..support import versions
from .conftest import SCHEMAS


def test_changes_since_a_version_are_metadata_rows_that_validate(thirdparty, tmp_path):
    data = versions.copy_reference(tmp_path / "data")
    old = save_version(data, label="2023-v3", valid_from="2023-04-01")
    versions.drop_response_times(data)
    versions.rename_cmht(data)
    versions.remove_midwife_route(data)  # a route: no field of a service, no metadata row
    package = write_hsds(carepath.load(data), tmp_path / "hsds", changes_since=old.folder).artifact
    assert validate_hsds(package, schemas=SCHEMAS) == []
    with (package / "metadata.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["resource_id"], r["field_name"], r["previous_value"], r["replacement_value"])
            for r in rows] == [
        (stable_uuid("service", "dorset-pmmhs"), "response_times",
         "emergency: 4 hours; routine: 28 days", "not stated"),
        (stable_uuid("service", "dorset-cmht"), "name",
         "Community Mental Health Teams (secondary care mental health)",
         "Community Mental Health Services")]
    assert {r["updated_by"] for r in rows} == {"carepath (changes since version 2023-v3)"}
    assert {r["last_action_type"] for r in rows} == {"update"}
    with (package / "services.csv").open(encoding="utf-8") as fh:
        ids = {r["id"] for r in csv.DictReader(fh)}
    assert {r["resource_id"] for r in rows} <= ids


def test_no_history_no_metadata_table(tmp_path, reference):
    assert not (write_hsds(reference, tmp_path / "hsds").artifact / "metadata.csv").exists()


def test_assured_date_goes_out_and_comes_back(thirdparty, tmp_path):
    data = versions.copy_reference(tmp_path / "data")
    dorset = data / "areas" / "dorset.yaml"
    dorset.write_text(dorset.read_text(encoding="utf-8").replace(
        "  - id: dorset-cmht\n", "  - id: dorset-cmht\n    assured_date: 2026-06-01\n"),
        encoding="utf-8")
    package = write_hsds(carepath.load(data), tmp_path / "hsds").artifact
    assert validate_hsds(package, schemas=SCHEMAS) == []
    with (package / "services.csv").open(encoding="utf-8") as fh:
        dated = {r["name"]: r["assured_date"] for r in csv.DictReader(fh) if r["assured_date"]}
    assert dated == {"Community Mental Health Teams (secondary care mental health)":
                     "2026-06-01"}
    import_hsds(package, tmp_path / "back")
    back = carepath.load(tmp_path / "back")
    assert {s.id: s.assured_date for s in back.services.values() if s.assured_date} == {
        "dorset-cmht": "2026-06-01"}
