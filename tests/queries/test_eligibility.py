"""Eligibility: Dorset's criteria, and a hand-built town where every answer is known."""

from pathlib import Path

import pytest

import carepath
from carepath import QueryError
from carepath.queries.eligibility import COLUMNS, eligible

TOWN = Path(__file__).parents[1] / "data" / "analysis" / "eligibility-town.yaml"
UNDER_18 = ("Service Users under the age of 18 should be discussed with Child and Adolescent "
            "Mental Health Services in the first instance")


@pytest.fixture(scope="module")
def town():
    return carepath.load(TOWN)


def row(df, service):
    return df.set_index("service").loc[service]


# -- the reference documents ----------------------------------------------------------------

def test_a_dorset_parent_under_18_is_excluded_with_the_criterion(reference):
    out = eligible(reference, week=10, concern="maternal-mental-health", severity="moderate",
                   parent_age=17, area="dorset")
    assert list(out.columns) == COLUMNS
    assert set(out["area"]) == {"dorset"}
    pmmhs = row(out, "dorset-pmmhs")
    assert not pmmhs["accepts"]
    assert any(r.startswith("excluded: " + UNDER_18) for r in pmmhs["reasons"])
    assert "doc-002:11" in pmmhs["evidence"]


def test_a_dorset_parent_of_25_is_accepted_and_can_refer_herself(reference):
    out = eligible(reference, week=10, concern="maternal-mental-health", severity="moderate",
                   parent_age=25, area="dorset")
    pmmhs = row(out, "dorset-pmmhs")
    assert pmmhs["accepts"]
    assert "addresses Maternal (parental) mental health at moderate" in pmmhs["reasons"]
    assert any(r.startswith("meets: Service Users who develop complex/moderate and severe")
               for r in pmmhs["reasons"])
    assert pmmhs["route"] == ("Family (self-referral) -> "
                              "Perinatal and Maternal Mental Health Service")
    assert pmmhs["evidence"][0] == "doc-002:5" and "doc-002:31" in pmmhs["evidence"]


@pytest.mark.parametrize(("week", "accepts"), [
    pytest.param(-60, True, id="preconception-advice"),
    pytest.param(100, True, id="just-before-two-years"),
    pytest.param(120, False, id="after-two-years-postnatally"),
])
def test_dorset_perinatal_window(reference, week, accepts):
    pmmhs = row(eligible(reference, week=week, area="dorset"), "dorset-pmmhs")
    assert bool(pmmhs["accepts"]) is accepts
    if not accepts:
        assert pmmhs["reasons"][0] == ("outside its window at 120 weeks (Preconception; "
                                       "Pregnancy; up to two years postnatally)")


def test_iapt_states_it_does_not_address_the_parent_infant_relationship(reference):
    out = eligible(reference, week=20, concern="parent-infant-relationship",
                   area="cheshire-merseyside")
    iapt = row(out, "cm-iapt")
    assert not iapt["accepts"]
    assert "states it does not address Parent-infant relationship" in iapt["reasons"]
    assert row(out, "cm-pimhs")["accepts"]


def test_mild_need_is_below_the_dorset_perinatal_service(reference):
    out = eligible(reference, week=30, concern="maternal-mental-health", severity="mild",
                   area="dorset")
    assert ("does not address Maternal (parental) mental health at mild (only at moderate, "
            "severe)") in row(out, "dorset-pmmhs")["reasons"]


# -- the hand-built town --------------------------------------------------------------------

@pytest.mark.parametrize(("profile", "accepting"), [
    pytest.param({"week": 10, "concern": "maternal-mental-health", "severity": "moderate",
                  "parent_age": 17}, ["el-iapt"], id="moderate-parent-of-17"),
    pytest.param({"week": 10, "concern": "maternal-mental-health", "severity": "moderate",
                  "parent_age": 25}, ["el-iapt", "el-pmh"], id="moderate-parent-of-25"),
    pytest.param({"week": 10, "concern": "maternal-mental-health", "severity": "severe",
                  "parent_age": 25}, ["el-iapt", "el-pmh", "el-mbu"], id="severe-at-10-weeks"),
    pytest.param({"week": 60, "concern": "maternal-mental-health", "severity": "severe"},
                 ["el-iapt", "el-pmh"], id="severe-after-the-unit-window"),
    pytest.param({"week": 20, "concern": "parent-infant-relationship", "parent_age": 19},
                 ["el-teen"], id="young-parent-relationship"),
    pytest.param({"week": 20, "concern": "parent-infant-relationship", "parent_age": 22},
                 [], id="parent-too-old-for-the-young-parents-service"),
    pytest.param({"week": 10}, ["el-hv", "el-teen", "el-iapt", "el-pmh", "el-mbu"],
                 id="no-need-stated"),
])
def test_who_accepts(town, profile, accepting):
    out = eligible(town, **profile)
    assert out[out["accepts"]]["service"].tolist() == accepting
    assert len(out) == 5


def test_reasons_quote_the_criteria_and_cite_them(town):
    out = eligible(town, week=10, concern="maternal-mental-health", severity="moderate",
                   parent_age=17)
    pmh = row(out, "el-pmh")
    assert pmh["reasons"] == [
        "covers 10 weeks (Pregnancy; up to two years postnatally)",
        "addresses Maternal (parental) mental health at moderate",
        "meets: Moderate or severe illness in pregnancy or up to two years postnatally.",
        "excluded: Parents under 18 are seen by CAMHS.",
        "exclusion to check: Already under a care coordinator elsewhere.",
    ]
    assert pmh["evidence"] == ["eligibility-doc:2", "eligibility-doc:4", "eligibility-doc:3",
                               "eligibility-doc:7", "eligibility-doc:10"]
    assert row(out, "el-hv")["reasons"] == [
        "covers 10 weeks (Birth - 5 years)",
        "does not address Maternal (parental) mental health at moderate (only at mild)"]
    assert row(out, "el-iapt")["reasons"] == [
        "no age window stated", "addresses Maternal (parental) mental health"]


def test_unknown_parent_age_leaves_the_age_criterion_to_check(town):
    pmh = row(eligible(town, week=10, concern="maternal-mental-health", severity="severe"),
              "el-pmh")
    assert pmh["accepts"]
    assert "exclusion to check: Parents under 18 are seen by CAMHS." in pmh["reasons"]


def test_an_exclusion_by_concern(town):
    pmh = row(eligible(town, week=10, concern="substance-misuse", parent_age=30), "el-pmh")
    assert not pmh["accepts"]
    assert "excluded: Substance misuse as the primary need." in pmh["reasons"]
    assert "eligibility-doc:6" in pmh["evidence"]


def test_outside_the_window(town):
    mbu = row(eligible(town, week=60), "el-mbu")
    assert not mbu["accepts"]
    assert mbu["reasons"][0] == "outside its window at 60 weeks (Birth - 1 year)"


@pytest.mark.parametrize(("severity", "route"), [
    pytest.param("severe", "Health visiting -> Perinatal team -> Mother and baby unit",
                 id="severe-referral-to-the-unit"),
    pytest.param("moderate", "", id="no-route-below-severe"),
])
def test_route_to_the_unit_respects_the_referral_condition(town, severity, route):
    out = eligible(town, week=10, concern="maternal-mental-health", severity=severity)
    assert row(out, "el-mbu")["route"] == route


def test_routes_from_entry_points(town):
    out = eligible(town, week=10)
    assert row(out, "el-hv")["route"] == "Health visiting"  # itself a universal entry point
    assert row(out, "el-teen")["route"] == "General practitioner -> Young parents service"
    assert row(out, "el-iapt")["evidence"] == ["eligibility-doc:8", "eligibility-doc:11"]


@pytest.mark.parametrize(("options", "message"), [
    pytest.param({"week": None}, "needs a week", id="no-week"),
    pytest.param({"week": 10, "parent_age": "seventeen"}, "parent_age must be a number",
                 id="age-not-a-number"),
    pytest.param({"week": 10, "severity": "very"}, "unknown severity 'very'",
                 id="unknown-severity"),
    pytest.param({"week": 10, "area": "nowhere"}, "unknown area 'nowhere'", id="unknown-area"),
])
def test_bad_profiles(town, options, message):
    with pytest.raises(QueryError, match=message):
        eligible(town, **options)
