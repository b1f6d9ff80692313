"""`carepath gaps` filters (--concern, --stage, --tier, --basis), in this process: ids, names
or aliases as the other options take them, the summary first, 80 columns."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from typer.testing import CliRunner

from carepath.cli import app
from carepath.errors import NameLookupError
from carepath.queries.gaps import gaps


def _gaps(*args: str, columns: int = 200):
    return CliRunner().invoke(app, ["gaps", *args], env={"COLUMNS": str(columns)})


def _csv(*args: str) -> pd.DataFrame:
    result = _gaps(*args, "--format", "csv")
    assert result.exit_code == 0, result.output
    return pd.read_csv(io.StringIO(result.stdout))


@pytest.mark.parametrize("option, values, column, want", [
    ("--concern", ["fathers-partners-wellbeing", "dads and partners",
                   "Fathers' and partners' wellbeing"], "concern", "fathers-partners-wellbeing"),
    ("--stage", ["years-1-2", "1-2 years"], "stage", "years-1-2"),
    ("--tier", ["inpatient", "MBU", "Inpatient (Mother and Baby Unit)"], "tier", "inpatient"),
], ids=["concern", "stage", "tier"])
def test_filter_takes_an_id_a_name_or_an_alias(reference, option, values, column, want):
    expected = gaps(reference, **{column: want})
    for value in values:
        found = _csv(option, value)
        assert len(found) == len(expected) > 0, value
        if column == "stage":  # rows at the stage, and those that hold at every stage
            assert set(found[column].dropna()) == {want}
            assert found[column].isna().any()
        else:
            assert set(found[column]) == {want}


def test_basis_is_repeatable(reference):
    found = _csv("--basis", "outside-scope", "--basis", "not-mentioned")
    assert set(found.basis) == {"outside-scope", "not-mentioned"}
    assert len(found) == len(gaps(reference, basis=["outside-scope", "not-mentioned"]))


def test_filters_combine(reference):
    found = _csv("--area", "dorset", "--stage", "2-3 years", "--tier", "specialist-perinatal",
                 "--basis", "outside-scope")
    # doc 002 specifies the perinatal service up to two years (lines 7, 16): after that its
    # silence is outside its scope, not "no service"
    assert found[["kind", "stage", "tier", "basis"]].values.tolist() == [
        ["stage-tier", "years-2-3", "specialist-perinatal", "outside-scope"]]


def test_the_fathers_question_answers_for_every_area(reference):
    # issue 22 s.2: "where are the gaps for fathers?" named only Dorset, the one area whose
    # document provides for them (doc-002:11 "Dads and partners wellbeing practitioner")
    found = _csv("--concern", "dads and partners")
    assert set(found.area) == set(reference.areas)
    others = found[found.area != "dorset"]
    assert set(others.kind) == {"unmentioned-concern"}
    assert set(others.basis) <= {"not-mentioned", "outside-scope"}


def test_table_at_80_columns_starts_with_the_summary(reference):
    result = _gaps("--area", "cheshire-merseyside", "--tier", "inpatient", columns=80)
    assert result.exit_code == 0, result.output
    out = result.stdout
    summary, rows = out.split("\ngaps\n")
    assert "gaps by area, kind and basis" in summary
    assert f"outside-scope   {len(reference.stages)}" in summary  # one row per stage
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "outside-scope" in rows and "absent" not in rows


@pytest.mark.parametrize("option, value", [("--concern", "unicorns"), ("--stage", "teenage"),
                                           ("--tier", "tier-9")],
                         ids=["concern", "stage", "tier"])
def test_unknown_filter_value_is_a_usage_error(option, value):
    result = _gaps(option, value)
    assert result.exit_code != 0
    assert isinstance(result.exception, NameLookupError)
    assert option.lstrip("-") in str(result.exception)
