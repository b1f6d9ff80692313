"""Eligibility: Dorset's criteria, and a hand-built town where every answer is known."""

from pathlib import Path

import pytest

import carepath
from carepath import QueryError
from carepath.queries.eligibility import COLUMNS, PARTS, eligible

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
    assert pmmhs["accepts"] == "no"
    assert pmmhs["parent_age"].startswith("no: excluded: " + UNDER_18)
    assert "doc-002:11" in pmmhs["evidence"]
    # doc-002 line 11: "discussed with Child and Adolescent Mental Health Services in the
    # first instance" - a route for the young parent, not only an exclusion text
    assert pmmhs["route"] == ("instead: discuss with Child and Adolescent Mental Health "
                              "Services")


def test_a_dorset_parent_of_25_is_accepted_through_a_listed_referrer(reference):
    out = eligible(reference, week=10, concern="maternal-mental-health", severity="moderate",
                   parent_age=25, area="dorset")
    pmmhs = row(out, "dorset-pmmhs")
    assert pmmhs["accepts"] == "yes"
    assert pmmhs["need"] == "yes: addresses Maternal (parental) mental health at moderate"
    assert pmmhs["parent_age"].startswith("yes: not excluded by: " + UNDER_18)
    assert any(r.startswith("meets: Pregnant or postnatal Service Users who develop a "
                            "complex/moderate or severe mental illness") for r in pmmhs["reasons"])
    # self-referral "is being explored" (doc-002:35): the route is not the family's own
    assert pmmhs["route"] == ("General practitioner -> "
                              "Perinatal and Maternal Mental Health Service")
    assert pmmhs["evidence"][0] == "doc-002:5" and "doc-002:31" in pmmhs["evidence"]


def test_unstated_windows_and_concerns_are_unknown_not_yes(reference):
    """The issue's case: at 4 months, moderate maternal mental health, Dorset. CAMHS, the GP,
    social care and the Mother and Baby Unit state no window and no concern: unknown."""
    out = eligible(reference, week=17, concern="maternal-mental-health", severity="moderate",
                   area="dorset")
    for service in ("dorset-camhs", "dorset-general-practice", "dorset-social-care",
                    "dorset-mbu"):
        r = row(out, service)
        assert r["accepts"] == "unknown", service
        assert r["age_window"] == "unknown: no age window stated"
        assert r["need"] == "unknown: concerns addressed not stated"
    assert out["accepts"].tolist()[0] == "yes"
    assert out[out["accepts"] == "yes"]["service"].tolist() == ["dorset-pmmhs"]
    # doc-002 line 22 limits the Maternal Mental Health Service to loss, trauma, tokophobia
    assert row(out, "dorset-mmhs")["accepts"] == "no"


@pytest.mark.parametrize(("week", "accepts"), [
    pytest.param(-60, "yes", id="preconception-advice"),
    pytest.param(100, "yes", id="just-before-two-years"),
    # doc-002:7: "Service Users referred outside this timeframe will be discussed on an
    # individual basis": beyond the window is its own verdict, not "no"
    pytest.param(120, "by discussion", id="after-two-years-postnatally"),
])
def test_dorset_perinatal_window(reference, week, accepts):
    pmmhs = row(eligible(reference, week=week, area="dorset"), "dorset-pmmhs")
    assert pmmhs["accepts"] == accepts
    if accepts == "by discussion":
        assert pmmhs["age_window"] == (
            "by discussion: outside its window at 120 weeks (Preconception; Pregnancy; up to "
            "two years postnatally); \"Service Users referred outside this timeframe will be "
            "discussed on an individual basis.\"")
        assert "doc-002:7" in pmmhs["evidence"]


def test_iapt_states_it_does_not_address_the_parent_infant_relationship(reference):
    out = eligible(reference, week=20, concern="parent-infant-relationship",
                   area="cheshire-merseyside")
    iapt = row(out, "cm-iapt")
    assert iapt["accepts"] == "no"
    assert "states it does not address Parent-infant relationship" in iapt["reasons"]
    # the PIMH service addresses it, but states no age window (and doc-000 line 58 is a
    # description, not a criterion: its criteria are in a supporting document, line 70)
    pimhs = row(out, "cm-pimhs")
    assert pimhs["accepts"] == "unknown"
    assert pimhs["need"].startswith("yes: ") and pimhs["criteria"] == ""


def test_mild_need_is_below_the_dorset_perinatal_service(reference):
    out = eligible(reference, week=30, concern="maternal-mental-health", severity="mild",
                   area="dorset")
    assert ("does not address Maternal (parental) mental health at mild (only at moderate, "
            "severe)") in row(out, "dorset-pmmhs")["reasons"]


# -- the hand-built town --------------------------------------------------------------------

# the verdicts are worked out by hand in the fixture's comments (eligibility-town.yaml)
@pytest.mark.parametrize(("profile", "yes", "unknown"), [
    pytest.param({"week": 10, "concern": "maternal-mental-health", "severity": "moderate",
                  "parent_age": 17}, [], ["el-iapt"], id="moderate-parent-of-17"),
    pytest.param({"week": 10, "concern": "maternal-mental-health", "severity": "moderate",
                  "parent_age": 25}, ["el-pmh"], ["el-iapt"], id="moderate-parent-of-25"),
    pytest.param({"week": 10, "concern": "maternal-mental-health", "severity": "severe",
                  "parent_age": 25}, ["el-pmh", "el-mbu"], ["el-iapt"],
                 id="severe-at-10-weeks"),
    pytest.param({"week": 60, "concern": "maternal-mental-health", "severity": "severe"},
                 ["el-pmh"], ["el-iapt"], id="severe-after-the-unit-window"),
    pytest.param({"week": 20, "concern": "parent-infant-relationship", "parent_age": 19},
                 [], ["el-hv", "el-teen", "el-pmh", "el-mbu"], id="young-parent-relationship"),
    pytest.param({"week": 20, "concern": "parent-infant-relationship", "parent_age": 22},
                 [], ["el-hv", "el-pmh", "el-mbu"],
                 id="parent-too-old-for-the-young-parents-service"),
    pytest.param({"week": 10}, ["el-hv", "el-pmh", "el-mbu"], ["el-teen", "el-iapt"],
                 id="no-need-stated"),
])
def test_who_accepts(town, profile, yes, unknown):
    out = eligible(town, **profile)
    assert out[out["accepts"] == "yes"]["service"].tolist() == yes
    assert out[out["accepts"] == "unknown"]["service"].tolist() == unknown
    assert set(out["accepts"]) <= {"yes", "no", "unknown"}  # no margins in the town
    assert len(out) == 5
    # yes first, then no, then unknown
    order = {"yes": 0, "no": 1, "unknown": 2}
    assert out["accepts"].map(order).is_monotonic_increasing


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
        "no age window stated",
        "addresses Maternal (parental) mental health; severities not stated"]
    assert row(out, "el-iapt")["accepts"] == "unknown"


def test_every_part_has_its_own_verdict(town):
    out = eligible(town, week=10, concern="maternal-mental-health", severity="moderate",
                   parent_age=17)
    pmh = row(out, "el-pmh")
    assert [pmh[p].split(":")[0] for p in PARTS] == ["yes", "yes", "yes", "no", ""]
    iapt = row(out, "el-iapt")
    assert [iapt[p].split(":")[0] for p in PARTS] == ["unknown", "unknown", "", "", ""]


def test_unknown_parent_age_leaves_the_age_criterion_to_check(town):
    pmh = row(eligible(town, week=10, concern="maternal-mental-health", severity="severe"),
              "el-pmh")
    assert pmh["accepts"] == "yes"
    assert pmh["parent_age"] == ("not asked: give the parent's age to check: Parents under 18 "
                                 "are seen by CAMHS.")


def test_an_exclusion_by_concern(town):
    pmh = row(eligible(town, week=10, concern="substance-misuse", parent_age=30), "el-pmh")
    assert pmh["accepts"] == "no"
    assert "excluded: Substance misuse as the primary need." in pmh["reasons"]
    assert "eligibility-doc:6" in pmh["evidence"]


def test_outside_the_window(town):
    mbu = row(eligible(town, week=60), "el-mbu")
    assert mbu["accepts"] == "no"
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


def test_the_24_month_continuation_is_for_existing_clients_only(reference):
    # doc-002 lines 25-26: "continue to provide intervention and support up until the infant
    # is 24 months for existing clients": no way in for a new family at 20 months
    out = eligible(reference, week=90, concern="parent-infant-relationship", area="dorset")
    pmmhs = row(out, "dorset-pmmhs")
    assert pmmhs["criteria"].startswith("unknown: criteria for a person to check")
    assert "for existing clients" in pmmhs["criteria"]
    assert pmmhs["accepts"] == "unknown"


@pytest.mark.parametrize(("week", "concern", "met", "not_met"), [
    pytest.param(60, "maternal-mental-health",
                 "Pregnant or postnatal Service Users who develop", None, id="14-months"),
    pytest.param(90, "maternal-mental-health", None,
                 "Pregnant or postnatal Service Users who develop", id="21-months-general"),
    pytest.param(90, "maternity-related-mental-health",
                 "directly arising from, or related to, the maternity experience", None,
                 id="21-months-maternity-related"),
])
def test_the_19_and_24_month_limits_can_be_asked(reference, week, concern, met, not_met):
    # doc-002 line 7: "within 19 months of childbirth with any of the above illness or within
    # 24 months for Service Users experiencing mental health difficulties directly arising
    # from, or related to, the maternity experience"
    criteria = row(eligible(reference, week=week, concern=concern, severity="moderate",
                            area="dorset"), "dorset-pmmhs")["criteria"]
    if met:
        assert criteria.startswith("yes: ") and met in criteria
    if not_met:
        assert not_met not in criteria
