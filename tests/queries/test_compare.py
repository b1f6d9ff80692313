"""Compare two areas, diff two versions of one area, and what-if a service is removed."""

from pathlib import Path

import pytest

import carepath
from carepath.errors import QueryError
from carepath.queries.compare import compare_areas, diff, whatif_remove
from carepath.queries.gaps import UNSTATED, UNTIERED

ANALYSIS = Path(__file__).parents[1] / "data" / "analysis"


# -- compare two areas ------------------------------------------------------------------------

def test_compare_covers_every_stage_and_tier_cell(reference):
    table = compare_areas(reference, "dorset", "cheshire-merseyside")
    # every stage and tier, plus a row and a column for services stating no window or tier
    assert len(table) == (len(reference.stages) + 1) * (len(reference.tiers) + 1)
    assert {UNSTATED, UNTIERED} <= set(table.stage) | set(table.tier)
    assert set(table.difference) <= {"both", "neither", "only dorset",
                                     "only cheshire-merseyside"}


def test_dorset_perinatal_service_against_cheshire_merseyside(reference):
    table = compare_areas(reference, "dorset", "cheshire-merseyside").set_index(["stage", "tier"])
    cell = table.loc[("pregnancy", "specialist-perinatal")]
    assert "Perinatal and Maternal Mental Health Service" in cell.services_a
    # Cheshire & Merseyside's document states no age windows, so it covers no stage cell
    assert cell.services_b == [] and cell.difference == "only dorset"
    assert any(ev.startswith("doc-002:") for ev in cell.evidence)


def test_compare_an_area_with_itself_differs_nowhere(reference):
    table = compare_areas(reference, "dorset", "dorset")
    assert set(table.difference) <= {"both", "neither"}


def test_compare_unknown_area(reference):
    with pytest.raises(QueryError, match="unknown area 'atlantis'"):
        compare_areas(reference, "dorset", "atlantis")


# -- diff two versions ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def changes() -> "carepath.pd.DataFrame":
    return diff(carepath.load(ANALYSIS / "compare-old.yaml"),
                carepath.load(ANALYSIS / "compare-new.yaml"))


def test_diff_lists_each_change_once(changes):
    found = {(r.change, r.kind, r.id, r.field if isinstance(r.field, str) else None)
             for r in changes.itertuples()}
    assert {(c, k, i) for c, k, i, _ in found} >= {
        ("added", "service", "cp-pimh"), ("removed", "service", "cp-helpline"),
        ("added", "overlap", "cp-pimh + cp-pmh")}
    assert ("changed", "service", "cp-iapt", "tier") in found
    assert ("changed", "service", "cp-iapt", "need_max") in found
    assert ("changed", "area", "compton", "births_per_year") in found
    assert len(changes) == len(found)


def test_diff_relations_by_meaning_not_line(changes):
    relations = changes[changes.kind == "relation"]
    assert sorted(zip(relations.change, relations.old.fillna(""), relations.new.fillna(""),
                      strict=True)) == [
        ("added", "", "cp-hv refers to cp-pimh"),
        ("removed", "cp-hv refers to cp-helpline", ""),
    ]  # the advice relation that only moved line is not a change


def test_diff_of_identical_data_is_empty(reference):
    assert diff(reference, reference).empty


# -- what if a service is removed -------------------------------------------------------------

@pytest.fixture(scope="module")
def routeham() -> carepath.Model:
    return carepath.load(ANALYSIS / "compare-routes.yaml")


def test_removing_the_triage_hub_breaks_the_routes_through_it(routeham):
    after = whatif_remove(routeham, ["rh-triage"])
    broken = set(zip(*after[after.kind == "broken-route"][["subject", "target"]].T.values,
                     strict=True))
    assert broken == {("rh-hv", "rh-pmh"), ("rh-hv", "rh-pimh"), ("midwife", "rh-pmh"),
                      ("midwife", "rh-pimh"), ("gp", "rh-pimh")}
    # the GP's direct referral to the perinatal team survives
    assert ("gp", "rh-pmh") not in broken
    new_gaps = after[after.kind != "broken-route"]
    assert ("no-inbound-referral", "rh-pimh") in set(zip(new_gaps.kind, new_gaps.subject,
                                                         strict=True))


def test_broken_routes_cite_the_lost_relations(routeham):
    after = whatif_remove(routeham, ["rh-triage"])
    row = after[(after.subject == "midwife") & (after.target == "rh-pmh")].iloc[0]
    assert set(row.evidence) == {"routes-doc:21", "routes-doc:22"}


def test_removing_nothing_changes_nothing(routeham):
    assert whatif_remove(routeham, []).empty


def test_removing_dorsets_perinatal_service(reference):
    after = whatif_remove(reference, ["dorset-pmmhs"])
    broken = after[after.kind == "broken-route"]
    # the general practices and midwifery services answer as the GPs and midwives working in
    # them (doc-002:31, 34; issue 22)
    assert set(broken.subject) == {"relatives", "gp", "health-visitor", "midwife",
                                   "dorset-general-practice", "dorset-midwifery"}
    assert set(after.area) == {"dorset"}


def test_whatif_unknown_service(routeham):
    with pytest.raises(QueryError, match="unknown service 'rh-nothing'"):
        whatif_remove(routeham, ["rh-nothing"])


def test_whatif_rows_carry_the_basis_of_each_gap(reference):
    after = whatif_remove(reference, ["dorset-pmmhs"])
    assert set(after[after.kind == "broken-route"].basis) == {"absent"}
    assert set(after.basis) <= {"absent", "not-stated", "outside-scope", "not-mentioned"}
    gaps_only = after[after.kind != "broken-route"]
    # a stage-tier gap that an untiered, windowless Dorset service might fill is not-stated
    assert "not-stated" in set(gaps_only.basis)
