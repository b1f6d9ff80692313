"""Hostile or careless exchange files: nothing outside the package is read, deep nesting and
large responses end in a clear error or finish in linear time (issue 19)."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from carepath import DataValidationError
from carepath.standards.fhir import read_fhir
from carepath.standards.hsds import read_hsds
from tests.conftest import FIXTURES, cli, run_cli


@pytest.fixture
def package(tmp_path) -> Path:
    folder = tmp_path / "pkg"
    assert cli("export", "hsds", str(folder), "--data", str(FIXTURES / "tiny")).returncode == 0
    return folder


def test_a_symlinked_table_leading_outside_is_refused(package, tmp_path):
    secret = tmp_path / "elsewhere.csv"
    secret.write_text("id,name,status\nsecret-1,Someone else's data,active\n", encoding="utf-8")
    (package / "services.csv").unlink()
    (package / "services.csv").symlink_to(secret)
    with pytest.raises(DataValidationError, match="leads outside the package folder"):
        read_hsds(package)
    result = cli("import", "hsds", str(package), "-o", str(tmp_path / "out"))
    assert result.returncode == 1 and "outside the package" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_datapackage_link_to_another_package_is_not_followed(package, tmp_path):
    other = tmp_path / "other"
    shutil.copytree(package, other)
    services = other / "services.csv"
    services.write_text(services.read_text(encoding="utf-8").replace(
        "Health visiting", "Someone else's service"), encoding="utf-8")
    (package / "datapackage.json").write_text("../other/datapackage.json")
    read = read_hsds(package)
    assert "Health visiting" in [e.name for e in read.entries]
    assert "Someone else's service" not in [e.name for e in read.entries]
    assert [w.code for w in read.warnings] == ["link-placeholder"]


def test_a_resource_path_through_a_symlinked_folder_is_refused(package, tmp_path):
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "services.csv").write_text(
        (package / "services.csv").read_text(encoding="utf-8"), encoding="utf-8")
    (package / "sub").symlink_to(tmp_path / "outside")
    descriptor = json.loads((package / "datapackage.json").read_text())
    for resource in descriptor["resources"]:
        if resource.get("path") == "services.csv":
            resource["path"] = "sub/services.csv"
    (package / "datapackage.json").write_text(json.dumps(descriptor))
    with pytest.raises(DataValidationError, match="leads outside the package folder"):
        read_hsds(package)


def _deep(levels: int) -> str:
    return '{"id": "x", "status": "active", "a": ' + "[" * levels + "]" * levels + "}"


def test_deep_json_is_a_clear_error(tmp_path):
    hsds = tmp_path / "deep.json"
    hsds.write_text(_deep(100_000), encoding="utf-8")
    with pytest.raises(DataValidationError, match="nested too deeply"):
        read_hsds(hsds)
    fhir = tmp_path / "deep-fhir.json"
    fhir.write_text('{"resourceType": "HealthcareService", "id": "x", "extension": '
                    + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    with pytest.raises(DataValidationError, match="nested too deeply"):
        read_fhir(fhir)
    for standard, path in (("hsds", hsds), ("fhir", fhir)):
        result = run_cli("import", standard, str(path), "-o", str(tmp_path / f"o-{standard}"))
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr


def test_a_60000_service_response_reads_in_linear_time(tmp_path):
    # line_of rescanned the text per service: past 300 s for this size
    n = 60_000
    doc = {"total_items": n, "contents": [
        {"id": f"svc-{i:06d}", "name": f"Baby clinic {i}", "status": "active"}
        for i in range(n)]}
    path = tmp_path / "big.json"
    path.write_text(json.dumps(doc, indent=1), encoding="utf-8")
    start = time.monotonic()
    read = read_hsds(path)
    assert time.monotonic() - start < 60
    assert len(read.entries) == n
    text = path.read_text(encoding="utf-8")
    # the line of the last service is still right
    last = text[: text.index('"svc-059999"')].count("\n") + 1
    assert read.entries[-1].line == last

