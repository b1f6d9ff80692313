"""The 0-5 pathway tool's cells (doc 001) as data: filters by service, age, stage and level."""

import pytest

from carepath import QueryError
from carepath.queries.pathway import COLUMNS, pathway_cells, resolve_service


def test_every_cell_is_there_in_timeline_order(reference):
    out = pathway_cells(reference)
    assert list(out.columns) == COLUMNS
    assert len(out) == len(reference.pathway) == 26
    assert out["start_week"].is_monotonic_increasing
    assert all(e.startswith("doc-001:") for e in out["evidence"])


def test_an_age_keeps_every_cell_whose_range_holds_it(reference):
    # the case: 7 weeks is in "1 week - 6/8 weeks", and also in "Birth - 8 weeks",
    # "Birth - 6 months" and "All Age Groups"
    stages = set(pathway_cells(reference, week=7)["stage_text"])
    assert {"1 week - 6/8 weeks", "Birth - 8 weeks", "Birth - 6 months",
            "All Age Groups"} <= stages
    assert "Birth - 6 weeks" not in stages and "8 weeks to 6 months" not in stages


@pytest.mark.parametrize("stage", ["weeks-6-8", "6-8 weeks", "1 week - 6/8 weeks"])
def test_a_stage_keeps_every_cell_whose_range_overlaps_it(reference, stage):
    out = pathway_cells(reference, stage=stage, service="p05-health-visiting")
    assert {"1 week - 6/8 weeks", "All Age Groups", "Birth - 6 months"} <= set(
        out["stage_text"])


@pytest.mark.parametrize("name", ["health visiting", "Health Visitor team", "HEALTH VISITING",
                                  "p05-health-visiting"])
def test_services_by_id_name_or_alias(reference, name):
    assert resolve_service(reference, name) == "p05-health-visiting"


def test_level_and_targets(reference):
    out = pathway_cells(reference, level="universal-partnership-plus",
                        service="maternal mental health", week=4)
    assert out["evidence"].tolist() == ["doc-001:72", "doc-001:114"]
    # doc-001:120 "May require access to a Mother and Baby Unit", on the line-114 cell's lines
    assert "p05-mother-and-baby-unit" in out.loc[1, "targets"]
    assert "Mother and Baby Unit" in out.loc[1, "target_names"]


def test_other_areas_have_no_cells(reference):
    assert pathway_cells(reference, area="dorset").empty


@pytest.mark.parametrize(("options", "message"), [
    pytest.param({"week": 7, "stage": "weeks-6-8"}, "not both", id="age-and-stage"),
    pytest.param({"service": "swimming"}, "unknown service 'swimming'", id="unknown-service"),
    pytest.param({"service": "health"}, "names several services", id="ambiguous"),
    pytest.param({"stage": "soon"}, "unknown stage 'soon'", id="unknown-stage"),
    pytest.param({"level": "gold"}, "unknown level 'gold'", id="unknown-level"),
])
def test_bad_filters_name_the_choices(reference, options, message):
    with pytest.raises(QueryError, match=message):
        pathway_cells(reference, **options)
