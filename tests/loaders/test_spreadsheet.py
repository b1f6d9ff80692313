"""The spreadsheet format (CSV folder, .xlsx workbook) loads into the same model as YAML."""

from pathlib import Path

import pytest
from openpyxl import load_workbook

import carepath
from carepath.loaders.spreadsheet import SHEETS
from carepath.loaders.template import write_template

FIXTURES = Path(__file__).parents[1] / "data"


def _facts(model: carepath.Model):
    services = {s.id: (s.name, s.tier, s.windows, s.addresses, s.professions, s.interventions,
                       s.need_min, s.need_max, tuple(r.hours for r in s.response_times),
                       tuple(c.parent_age_below for c in s.eligibility))
                for s in model.services.values()}
    relations = sorted((r.kind.value, r.source, r.target) for r in model.relations)
    return services, relations, sorted(model.areas)


def test_csv_folder_loads_like_yaml(tiny):
    assert _facts(carepath.load(FIXTURES / "tiny-csv")) == _facts(tiny)


def test_template_filled_in_loads_like_yaml(tmp_path: Path, tiny):
    book = write_template(tmp_path / "my-area.xlsx")
    wb = load_workbook(book)
    for sheet in ("sources", "areas", "services", "relations"):
        csv_rows = (FIXTURES / "tiny-csv" / f"{sheet}.csv").read_text().splitlines()
        header = csv_rows[0].split(",")
        columns = SHEETS[sheet]
        for line in csv_rows[1:]:
            values = dict(zip(header, line.split(","), strict=True))
            wb[sheet].append([values.get(col) or None for col in columns])
    wb.save(book)
    assert _facts(carepath.load(book)) == _facts(tiny)


def test_template_lists_valid_vocabulary(tmp_path: Path, reference):
    wb = load_workbook(write_template(tmp_path / "t.xlsx"))
    tier_ids = [row[0] for row in wb["list tiers"].iter_rows(min_row=2, values_only=True)]
    assert sorted(tier_ids) == sorted(reference.tiers)


def test_csv_template_has_every_sheet(tmp_path: Path):
    folder = write_template(tmp_path / "csv-template")
    assert sorted(p.stem for p in folder.glob("*.csv")) == sorted(SHEETS)


def test_spreadsheet_errors_name_the_row(tmp_path: Path):
    for name in ("sources", "areas", "relations"):
        (tmp_path / f"{name}.csv").write_text(
            (FIXTURES / "tiny-csv" / f"{name}.csv").read_text())
    services = (FIXTURES / "tiny-csv" / "services.csv").read_text().replace(
        "specialist-perinatal", "specialist")
    (tmp_path / "services.csv").write_text(services)
    with pytest.raises(carepath.DataValidationError) as info:
        carepath.load(tmp_path)
    [problem] = info.value.problems
    assert (problem.file, problem.line, problem.field) == (str(tmp_path / "services.csv"), 3,
                                                           "tier")


def test_unknown_column_is_reported(tmp_path: Path):
    (tmp_path / "services.csv").write_text("id,name,teir\nx,X,universal\n")
    with pytest.raises(carepath.DataValidationError, match="unknown column 'teir'"):
        carepath.load(tmp_path)


def test_not_a_workbook_is_a_clear_error(tmp_path: Path):
    fake = tmp_path / "area.xlsx"
    fake.write_text("this is not a workbook")
    with pytest.raises(carepath.DataValidationError, match="not a readable .xlsx workbook"):
        carepath.load(fake)


def test_open_world_columns_load_like_their_yaml(tmp_path: Path):
    """Issue 22's readings in the spreadsheet format: each cell is its passage, on the row's
    own source line; the verdicts read them as they read the YAML."""
    for name in ("sources", "areas"):
        (tmp_path / f"{name}.csv").write_text(
            (FIXTURES / "tiny-csv" / f"{name}.csv").read_text())
    (tmp_path / "services.csv").write_text(
        "id,name,area,stages,window_kind,addresses,addresses_closed,by_discussion,"
        "births_over,commitments,source,line\n"
        "tiny-seen,Seen,tiny,Birth - 6 weeks,seen-at,,,,,,tiny-doc,4\n"
        "tiny-team,Team,tiny,Birth - 1 year,,maternal-mental-health,Only for mothers.,"
        "Others are discussed.,3000,Timely care; Safe care,tiny-doc,5\n")
    (tmp_path / "relations.csv").write_text(
        "kind,from,to,source,line\nhands_over_to,tiny-team,services-not-named,tiny-doc,6\n")
    model = carepath.load(tmp_path)
    seen, team = model.services["tiny-seen"], model.services["tiny-team"]
    assert seen.window_kind == "seen-at" and seen.open_at(30) == "unknown"
    assert team.open_at(60) == "by discussion"
    assert team.by_discussion.ref == "tiny-doc:5"
    assert team.addresses_closed.passage == "Only for mothers."
    assert [(c.births_over, c.holds(2000)) for c in team.conditions] == [(3000, "no")]
    assert [c.text for c in team.commitments] == ["Timely care", "Safe care"]
    assert model.relations[0].target == "services-not-named"
