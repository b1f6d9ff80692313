"""Hubs and single points of failure: the reference areas, and a hand-built town whose cut
vertices and lost routes are worked out in advance (see structure-town.yaml)."""

from pathlib import Path

import pytest

import carepath
from carepath import QueryError
from carepath.queries.structure import COLUMNS, structure

ANALYSIS = Path(__file__).parents[1] / "data" / "analysis"


@pytest.fixture(scope="module")
def town():
    return carepath.load(ANALYSIS / "structure-town.yaml", ANALYSIS / "structure-other.yaml")


@pytest.fixture(scope="module")
def town_table(town):
    return structure(town, area="structure-town").set_index("service")


# -- the reference documents ----------------------------------------------------------------

def test_the_dorset_perinatal_service_is_the_hub_of_its_area(reference):
    out = structure(reference, area="dorset")
    assert list(out.columns) == COLUMNS
    top = out.iloc[0]
    assert top["service"] == "dorset-pmmhs"
    # in: 5 referrers and relatives (lines 31-34) + the MBU's hand-over (line 23); out: carers
    # signposting (line 25), its part, the MMHS (line 14), and the services its referrals and
    # discharge plans go to, which the document does not name (lines 37, 38, 40: one node).
    # The four 24/7 routes of line 27 are the family's own access (issue 22), not its.
    assert (top["in_degree"], top["out_degree"]) == (7, 3)
    assert top["cut_vertex"] and top["betweenness"] > 0
    assert {"doc-002:31", "doc-002:23", "doc-002:25"} <= set(top["evidence"])
    assert out[out["cut_vertex"]]["service"].tolist() == ["dorset-pmmhs"]


@pytest.mark.parametrize(("area", "cut"), [
    # the family's direct access (doc-001:178) passes only through the mental health team
    pytest.param("pathway-0-5", ["p05-health-visiting", "p05-maternal-mental-health",
                                 "p05-mental-health-team", "p05-midwifery",
                                 "p05-primary-care-gp"], id="0-5-pathway"),
    pytest.param("scotland", ["scot-universal"], id="scotland"),
    pytest.param("cheshire-merseyside", [], id="cheshire-merseyside-has-no-service-referrals"),
])
def test_cut_vertices_of_each_area(reference, area, cut):
    out = structure(reference, area=area)
    assert sorted(out[out["cut_vertex"]]["service"]) == cut


def test_no_single_service_cuts_an_entry_from_specialist_help_in_the_documents(reference):
    # every documented route from a first contact to a specialist team is a single hop
    out = structure(reference)
    assert len(out) == len(reference.services)
    assert out["disconnects"].map(len).sum() == 0


# -- the hand-built town --------------------------------------------------------------------

def test_order_is_by_disconnects_then_betweenness(town):
    out = structure(town)
    assert out["service"].tolist()[:4] == ["st-triage", "st-pmh", "st-front", "st-iapt"]
    assert out["disconnects"].map(len).tolist()[:4] == [6, 3, 3, 2]


@pytest.mark.parametrize(("service", "lost"), [
    pytest.param("st-triage", ["family -> st-mbu", "family -> st-pimh", "family -> st-pmh",
                               "st-front -> st-mbu", "st-front -> st-pimh",
                               "st-front -> st-pmh"], id="triage-is-the-only-way-in"),
    pytest.param("st-front", ["family -> st-mbu", "family -> st-pimh", "family -> st-pmh"],
                 id="front-door-for-families"),
    pytest.param("st-pmh", ["family -> st-mbu", "gp -> st-mbu", "st-front -> st-mbu"],
                 id="perinatal-team-before-the-unit"),
    pytest.param("st-iapt", ["gp -> st-mbu", "gp -> st-pmh"], id="talking-therapies-for-gps"),
    pytest.param("st-mbu", [], id="the-unit-leads-nowhere"),
    pytest.param("st-leaf", [], id="signposted-leaf"),
])
def test_disconnects(town_table, service, lost):
    assert town_table.loc[service, "disconnects"] == lost


@pytest.mark.parametrize(("service", "cut"), [
    ("st-front", True), ("st-triage", True), ("st-pmh", True), ("st-iapt", True),
    ("st-pimh", False), ("st-mbu", False), ("st-leaf", False), ("st-alone", False),
])
def test_cut_vertices(town_table, service, cut):
    assert bool(town_table.loc[service, "cut_vertex"]) is cut


@pytest.mark.parametrize(("service", "paths_through"), [
    ("st-pmh", 10), ("st-triage", 8), ("st-front", 5), ("st-iapt", 3), ("st-mbu", 0),
])
def test_betweenness(town_table, service, paths_through):
    # 10 nodes: 8 services, the family and the GP; normalised by (n - 1)(n - 2)
    assert town_table.loc[service, "betweenness"] == pytest.approx(paths_through / 72)


def test_degrees_merge_parallel_relations_and_ignore_advice(town_table):
    # triage refers to the perinatal team twice (lines 3 and 4); the team's advice to the
    # front door (line 10) is not a route
    assert town_table.loc["st-pmh", ["in_degree", "out_degree"]].tolist() == [2, 2]
    assert town_table.loc["st-front", ["in_degree", "out_degree"]].tolist() == [1, 1]
    assert town_table.loc["st-triage", "evidence"] == [
        "structure-doc:2", "structure-doc:3", "structure-doc:4", "structure-doc:5"]
    alone = town_table.loc["st-alone"]
    assert (alone["in_degree"], alone["out_degree"], alone["evidence"]) == (0, 0, [])


def test_areas_are_analysed_apart(town):
    # the GP also refers in the other town; that must not change structure town's numbers
    whole = structure(town).set_index("service")
    one = structure(town, area="structure-town").set_index("service")
    assert whole.loc["st-iapt", "betweenness"] == one.loc["st-iapt", "betweenness"]
    assert whole.loc["so-pmh", ["area", "in_degree", "disconnects"]].tolist() == [
        "structure-other", 1, []]


def test_kinds_change_the_network(town):
    referrals_only = structure(town, area="structure-town",
                               kinds=("refers_to",)).set_index("service")
    # without the hand-over the unit is unreachable, so nothing is lost on the way to it
    assert referrals_only.loc["st-pmh", "disconnects"] == []
    assert referrals_only.loc["st-mbu", "in_degree"] == 0


def test_unknown_area(town):
    with pytest.raises(QueryError, match="unknown area 'structure'"):
        structure(town, area="structure")
