"""Overlaps: the hand-built Overton area (every kind present, every score worked out by hand)
and the overlap Cheshire & Merseyside's document marks as deliberate."""

from pathlib import Path

import pytest

import carepath
from carepath.errors import QueryError
from carepath.queries.overlaps import OVERLAP_KINDS, overlaps, similarity

ANALYSIS = Path(__file__).parents[1] / "data" / "analysis"


@pytest.fixture(scope="module")
def overton() -> carepath.Model:
    return carepath.load(ANALYSIS / "overlaps-town.yaml")


@pytest.fixture(scope="module")
def found(overton):
    return overlaps(overton)


def _row(frame, kind, *services):
    rows = frame[(frame.kind == kind) & frame.services.map(lambda s: sorted(s) == sorted(services))]
    assert len(rows) == 1, f"expected one {kind} row for {services}, got {len(rows)}"
    return rows.iloc[0]


def test_every_kind_is_found(found):
    assert set(found.kind) == set(OVERLAP_KINDS)


# Jaccard over concerns, (stage, concern) cells, professions and interventions.
# Health visiting: 2 concerns + 7 stages x 2 concerns + health-visitor + listening-visits = 18.
# Children's centre: 1 concern + 4 stages (birth - 1 year) + family-support-worker = 6.
# Shared: parent-infant-relationship and its 4 stage cells = 5; union 18 + 6 - 5 = 19.
def test_same_cell_pair_shares_stages_and_scores_by_hand(found):
    row = _row(found, "same-cell", "ov-hv", "ov-cc")
    assert row.stages == ["weeks-0-6", "weeks-6-8", "months-2-6", "months-6-12"]
    assert row.concerns == ["parent-infant-relationship"]
    assert row.tier == "universal"
    assert row.similarity == pytest.approx(5 / 19)
    assert not row.deliberate


def test_services_at_different_tiers_do_not_overlap(found):
    pairs = {tuple(sorted(s)) for s in found.services}
    assert ("ov-iapt", "ov-pmh") not in pairs  # same concern, different tiers
    assert ("ov-nursery", "ov-cc") not in pairs  # same tier and concern, windows apart


def test_same_concern_when_a_window_is_unstated(found, overton):
    # Perinatal team: 1 concern + 6 stage cells + 2 professions + cbt = 10;
    # maternal mental health service: the concern, psychologist, cbt = 3, all shared.
    row = _row(found, "same-concern", "ov-pmh", "ov-mmhs")
    assert row.stages == []
    assert row.similarity == pytest.approx(3 / 10)
    assert similarity(overton, ["ov-mmhs", "ov-pmh"]) == pytest.approx(3 / 10)


def test_duplicate_routes_cite_every_statement(found):
    gp = _row(found, "duplicate-route", "gp", "ov-pmh")
    assert gp.evidence == ["overlaps-doc:20", "overlaps-doc:30"]
    assert "stated 2 times" in gp.note
    # advice twice is not a route: only referral, signposting and hand-over routes count
    assert not ((found.kind == "duplicate-route")
                & found.services.map(lambda s: s == ["ov-pmh", "ov-hv"])).any()


def test_deliberate_overlaps_keep_the_sources_words(found):
    computed = _row(found, "same-cell", "ov-iapt", "ov-iapt-pregnancy")
    assert computed.deliberate
    assert "alongside the main service on purpose" in computed.note
    marked_only = _row(found, "deliberate", "ov-pmh", "ov-pimh")
    assert "one does not replace the need for the other" in marked_only.note
    assert "overlaps-doc:60" in marked_only.evidence
    assert set(found[found.deliberate].services.map(tuple)) == {
        ("ov-iapt", "ov-iapt-pregnancy"), ("ov-pmh", "ov-pimh")}


def test_similarity_of_identical_and_unrelated_services(overton):
    assert similarity(overton, ["ov-hv", "ov-hv"]) == 1.0
    assert similarity(overton, ["ov-nursery", "ov-iapt"]) == 0.0


def test_cheshire_merseyside_marks_its_specialist_services_deliberate(reference):
    found = overlaps(reference, area="cheshire-merseyside")
    row = _row(found, "deliberate", "cm-pmhs", "cm-pimhs")
    assert row.evidence[0].startswith("doc-000:")
    assert "separate services" in row.note


def test_pathway_tool_restates_health_visiting_referrals(reference):
    # Document 001 restates the health visitor's referrals stage by stage.
    found = overlaps(reference, area="pathway-0-5")
    routes = found[found.kind == "duplicate-route"]
    assert (routes.services.str[0] == "p05-health-visiting").any()
    assert all(len(ev) >= 2 for ev in routes.evidence)


def test_unknown_area_is_an_error(overton):
    with pytest.raises(QueryError, match="unknown area 'nowhere'"):
        overlaps(overton, area="nowhere")


def test_an_overlap_is_stated_or_not_stated(reference):
    found = overlaps(reference)
    assert set(found.basis) == {"stated", "not-stated"}
    # same-concern: a service states no window, so whether the stages overlap is not stated
    assert (found.kind == "same-concern").equals(found.basis == "not-stated")
