"""Staleness: services whose facts were assured, or whose document is dated, too long ago;
and the dates services can carry (valid_from, valid_to, assured_date) through every view."""

from __future__ import annotations

import datetime

import pytest
from typer.testing import CliRunner

import carepath
from carepath.cli import app
from carepath.errors import DataValidationError
from carepath.graph.properties import service_properties
from carepath.graph.rdf import to_turtle
from carepath.queries.staleness import cutoff, stale

from ..support import versions

TODAY = datetime.date(2026, 12, 6)


def test_services_of_a_dated_document_are_stale_after_24_months(reference):
    found, undated = stale(reference, older_than="24m", today=TODAY)
    # only doc-002 states its version's date (line 6: "v4 (from 01 August 2024)")
    assert set(found.area) == {"dorset"}
    assert set(found.service) == {s.id for s in reference.services_in("dorset")}
    assert set(found.basis) == {"document dated"} and set(found.months) == {28}
    assert found.evidence.iloc[0] == ["doc-002:6"]
    assert undated == len(reference.services) - len(found)
    assert stale(reference, older_than="3y", today=TODAY)[0].empty


def test_an_assured_date_overrides_the_document_date(tmp_path):
    data = versions.copy_reference(tmp_path / "data")
    dorset = data / "areas" / "dorset.yaml"
    text = dorset.read_text(encoding="utf-8")
    dorset.write_text(text.replace("  - id: dorset-cmht\n", "  - id: dorset-cmht\n"
                                   "    assured_date: 2026-06-01\n"
                                   "    valid_from: 2025-04-01\n    valid_to: 2027-03-31\n"),
                      encoding="utf-8")
    model = carepath.load(data)
    cmht = model.services["dorset-cmht"]
    assert (cmht.assured_date, cmht.valid_from, cmht.valid_to) == (
        "2026-06-01", "2025-04-01", "2027-03-31")
    found, _ = stale(model, older_than="24m", today=TODAY)
    assert "dorset-cmht" not in set(found.service)
    assert service_properties(model, cmht)["valid_to"] == "2027-03-31"
    turtle = to_turtle(model)
    assert 'cp:assuredDate "2026-06-01"' in turtle and 'cp:validFrom "2025-04-01"' in turtle
    card = CliRunner().invoke(app, ["show", "dorset-cmht", "--data", str(data)])
    assert "Last assured     2026-06-01" in card.stdout


@pytest.mark.parametrize(("field", "value", "message"), [
    pytest.param("assured_date", "June 2026", "is not a date", id="date-in-words"),
    pytest.param("valid_to", "2020-01-01", "valid_to 2020-01-01 is before valid_from",
                 id="ends-before-it-starts"),
])
def test_bad_dates_are_data_errors(tmp_path, field, value, message):
    data = versions.copy_reference(tmp_path / "data")
    dorset = data / "areas" / "dorset.yaml"
    text = dorset.read_text(encoding="utf-8")
    dorset.write_text(text.replace("  - id: dorset-cmht\n", "  - id: dorset-cmht\n"
                                   f"    valid_from: 2025-04-01\n    {field}: {value}\n"),
                      encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        carepath.load(data)
    assert any(message in str(p) for p in info.value.problems)


def test_cutoff_counts_months_and_days():
    assert cutoff("24m", TODAY) == datetime.date(2024, 12, 6)
    assert cutoff("1m", datetime.date(2026, 3, 31)) == datetime.date(2026, 2, 28)
    assert cutoff("2y", TODAY) == cutoff("24 months", TODAY)


def test_stale_cli_refuses_an_unreadable_age():
    result = CliRunner().invoke(app, ["stale", "--older-than", "soon"])
    assert "cannot read age 'soon'" in str(result.exception)
