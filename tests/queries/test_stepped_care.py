"""The stepped-care model: the hand-built Stepton area (need sized for 3,000 births, one flow
of each kind) and Cheshire & Merseyside's tiers and need ranges from document 000."""

from pathlib import Path

import pytest

import carepath
from carepath.errors import QueryError
from carepath.queries.stepped_care import stepped_care, tier_flows

ANALYSIS = Path(__file__).parents[1] / "data" / "analysis"


@pytest.fixture(scope="module")
def stepton() -> carepath.Model:
    return carepath.load(ANALYSIS / "stepped_care-town.yaml")


def _by_tier(frame):
    return frame.set_index("tier")


def test_tiers_come_in_rank_order_with_empty_ones_kept(stepton):
    steps = stepped_care(stepton)
    tiered = steps[steps.tier != "untiered"]
    assert tiered["rank"].tolist() == sorted(tiered["rank"])
    assert len(tiered) == len(stepton.tiers)
    assert _by_tier(steps).loc["secondary-care-mh", "services"] == []
    # services whose tier is not stated are on no step, but not left out: the last row
    untiered = sorted(s.id for s in stepton.services.values() if not s.tier)
    assert untiered and steps.iloc[-1]["tier"] == "untiered"
    assert steps.iloc[-1]["services"] == untiered


def test_families_in_need_use_the_areas_births_by_default(stepton):
    steps = _by_tier(stepped_care(stepton))
    assert steps.loc["primary-care-mh", ["families_min", "families_max"]].tolist() == [360, 510]
    # two targeted services: the tier's range runs from the lowest to the highest figure
    assert steps.loc["targeted", ["need_min", "need_max"]].tolist() == [5, 15]
    assert steps.loc["targeted", ["families_min", "families_max"]].tolist() == [150, 450]
    assert "steps-doc:13" in steps.loc["targeted", "evidence"]


def test_births_option_overrides_the_area(stepton):
    steps = _by_tier(stepped_care(stepton, births=10_000))
    perinatal = steps.loc["specialist-perinatal"]
    assert [perinatal.families_min, perinatal.families_max] == [300, 500]


def test_parallel_tiers(stepton):
    steps = _by_tier(stepped_care(stepton))
    assert steps.loc["specialist-perinatal", "parallel_with"] == ["specialist-parent-infant"]
    assert steps.loc["universal", "parallel_with"] == []


FLOWS = [
    ("universal", "primary-care-mh", "refers_to", "step up"),
    ("specialist-perinatal", "inpatient", "refers_to", "step up"),
    ("inpatient", "specialist-perinatal", "hands_over_to", "step down"),
    ("specialist-perinatal", "primary-care-mh", "steps_down_to", "step down"),
    ("specialist-perinatal", "specialist-parent-infant", "refers_to", "parallel"),
    ("targeted", "targeted", "signposts_to", "same step"),
    ("specialist-perinatal", "universal", "advises", "advice"),
    ("specialist-parent-infant", "universal", "trains", "training"),
    ("specialist-perinatal", "specialist-parent-infant", "collaborates_with", "collaboration"),
]


@pytest.mark.parametrize(("source", "target", "kind", "flow"), FLOWS,
                         ids=[f[3].replace(" ", "-") + ":" + f[0] for f in FLOWS])
def test_each_flow_between_tiers(stepton, source, target, kind, flow):
    flows = tier_flows(stepton)
    row = flows[(flows.source_tier == source) & (flows.target_tier == target)
                & (flows.kind == kind)]
    assert row.flow.tolist() == [flow]


def test_flows_count_statements_and_skip_what_is_not_on_a_tier(stepton):
    flows = tier_flows(stepton)
    advice = flows[flows.flow == "advice"].iloc[0]
    assert advice["count"] == 2 and advice.evidence == ["steps-doc:27", "steps-doc:28"]
    # the GP, the family and the untiered charity are not tiers
    assert flows["count"].sum() == 11


def test_cheshire_merseyside_tiers_and_need_ranges(reference):
    steps = _by_tier(stepped_care(reference, area="cheshire-merseyside"))
    stated = steps[steps.services.map(len) > 0]
    assert stated[["need_min", "need_max"]].to_dict("index") == {
        "universal": {"need_min": 100, "need_max": 100},
        "primary-care-mh": {"need_min": 12, "need_max": 17},
        "secondary-care-mh": {"need_min": 3, "need_max": 4},
        "specialist-perinatal": {"need_min": 3, "need_max": 5},
        "specialist-parent-infant": {"need_min": 20, "need_max": 20},
    }
    assert all(ev.startswith("doc-000:") for evs in stated.evidence for ev in evs)


def test_expected_families_for_ten_thousand_births(reference):
    steps = _by_tier(stepped_care(reference, area="cheshire-merseyside", births=10_000))
    assert steps.loc["primary-care-mh", ["families_min", "families_max"]].tolist() == [1200, 1700]
    assert steps.loc["specialist-parent-infant", "families_max"] == 2000


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"area": "atlantis"}, "unknown area 'atlantis'"),
    ({"births": -1}, "births must be zero or more"),
], ids=["unknown-area", "negative-births"])
def test_bad_arguments(stepton, kwargs, message):
    with pytest.raises(QueryError, match=message):
        stepped_care(stepton, **kwargs)
