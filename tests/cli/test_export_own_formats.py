"""``carepath export yaml|csv|xlsx``, generated from the registry: a planner's data written in
carepath's own formats loads back, and what the spreadsheet format cannot hold is said."""

from __future__ import annotations

import pytest

import carepath
from carepath.standards import FORMATS

from .invoke import cli

TINY = "tests/data/tiny"


@pytest.mark.parametrize("name", [n for n, f in FORMATS.items() if f.loads])
def test_export_writes_data_that_loads_back(name, tmp_path):
    target = tmp_path / ("data.xlsx" if FORMATS[name].target == "FILE" else "data")
    ran = cli("export", name, str(target), "--data", TINY)
    assert ran.exit_code == 0, ran.stderr
    model = carepath.load(TINY)
    assert f"{len(model.services)} services" in ran.stdout
    assert carepath.load(target) == model
    assert cli("validate", str(target)).exit_code == 0


def test_export_csv_of_the_reference_lists_what_it_cannot_hold(tmp_path):
    ran = cli("export", "csv", str(tmp_path / "csv"), "--report", str(tmp_path / "lost.md"))
    assert ran.exit_code == 0, ran.stderr
    report = (tmp_path / "lost.md").read_text(encoding="utf-8")
    assert "pathway cells" in report and "carepath CSV folder" in report


def test_export_yaml_refuses_a_folder_of_other_files(tmp_path):
    (tmp_path / "mine.txt").write_text("a planner's notes", encoding="utf-8")
    ran = cli("export", "yaml", str(tmp_path))
    assert ran.exit_code != 0 and "mine.txt" not in ran.stdout
    assert (tmp_path / "mine.txt").read_text(encoding="utf-8") == "a planner's notes"
    assert len(ran.stderr.strip().splitlines()) == 1
