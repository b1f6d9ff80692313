"""Referral routes: the 0-5 pathway and Dorset, and a hand-built town where every route is known."""

from pathlib import Path

import pytest

import carepath
from carepath import QueryError
from carepath.queries.routes import (
    COLUMNS,
    NEED_COLUMNS,
    entry_points,
    referral_routes,
    resolve_targets,
    routes_for_need,
    shortest_route,
)

ANALYSIS = Path(__file__).parents[1] / "data" / "analysis"
ROUTE_KINDS = ("refers_to", "signposts_to", "hands_over_to", "collaborates_with", "advises")


@pytest.fixture(scope="module")
def town():
    return carepath.load(ANALYSIS / "routes-town.yaml", ANALYSIS / "routes-other.yaml")


def paths(df):
    return [" ".join(p) for p in df["path"]]


# -- the reference documents ----------------------------------------------------------------

@pytest.mark.parametrize(("week", "evidence"), [
    pytest.param(4, "doc-001:68, doc-001:80, doc-001:112, doc-001:155, doc-001:174",
                 id="4-weeks-every-early-referral"),
    pytest.param(30, "doc-001:155, doc-001:246", id="30-weeks-all-ages-and-6-months-to-5-years"),
])
def test_health_visiting_to_perinatal_services_by_week(reference, week, evidence):
    out = referral_routes(reference, "p05-health-visiting",
                          "p05-perinatal-mental-health-services", week=week)
    assert list(out.columns) == COLUMNS
    assert out["names"].tolist() == ["Health Visiting -> Perinatal Mental Health Services"]
    assert out.loc[0, "evidence"] == [evidence]


@pytest.mark.parametrize(("week", "routes"), [
    pytest.param(4, 1, id="inside-birth-to-6-months"),
    pytest.param(30, 0, id="after-6-months"),
    pytest.param(-10, 0, id="in-pregnancy"),
])
def test_route_to_adult_mental_health_respects_the_stage_windows(reference, week, routes):
    out = referral_routes(reference, "p05-health-visiting", "p05-adult-mental-health-services",
                          week=week)
    assert len(out) == routes


def test_mother_and_baby_unit_only_from_the_maternal_mental_health_column_at_1_to_8_weeks(
        reference):
    at_4 = referral_routes(reference, "p05-maternal-mental-health", "inpatient", week=4)
    assert at_4["path"].tolist() == [["p05-maternal-mental-health", "p05-mother-and-baby-unit"]]
    assert at_4.loc[0, "evidence"] == ["doc-001:120"]
    assert referral_routes(reference, "p05-maternal-mental-health", "inpatient", week=10).empty


def test_health_visiting_has_no_route_to_the_mother_and_baby_unit(reference):
    # doc-001 has only the Maternal Mental Health column refer to the unit, and nobody refers
    # into that column: a gap, whatever relation kinds count as a hop
    assert referral_routes(reference, "p05-health-visiting", "p05-mother-and-baby-unit",
                           kinds=ROUTE_KINDS).empty


DORSET_WINDOW = "Preconception; Pregnancy; up to two years postnatally"


@pytest.mark.parametrize("entry", ["relatives", "gp", "midwife", "health-visitor"])
def test_first_contacts_reach_the_dorset_perinatal_service_in_one_hop(reference, entry):
    out = shortest_route(reference, entry, "dorset-pmmhs")
    assert out["path"].tolist() == [[entry, "dorset-pmmhs"]]
    # the referral states no stage, the service's window is stated: said on the hop
    assert out.loc[0, "conditions"] == [f"no stage stated (target window: {DORSET_WINDOW})"]
    assert out.loc[0, "open"] == ""  # no age asked


def test_the_family_cannot_refer_itself_to_the_dorset_service(reference):
    # doc-002:35 "Receiving referrals from service users is being explored": not yet a route;
    # line 31's "Families" are relatives or carers referring (the `relatives` source)
    assert shortest_route(reference, "family", "dorset-pmmhs").empty
    assert reference.services["dorset-pmmhs"].self_referral == "not-yet"


@pytest.mark.parametrize(("at", "expected"), [
    pytest.param(52, "yes", id="one-year-inside-the-window"),
    # beyond the window, doc-002:7's margin: "discussed on an individual basis" (issue 22)
    pytest.param(156, "by discussion", id="three-years-after-the-window-ends"),
])
def test_a_route_is_open_only_inside_the_targets_window(reference, at, expected):
    """The issue's case: `routes gp dorset-pmmhs --at '3 years'` was offered as 'any stage'
    although the service ends at 2 years (doc-002:7 'up to two years postnatally'); past it
    the route is open only "by discussion" (issue 22), and need says the same."""
    out = referral_routes(reference, "gp", "dorset-pmmhs", week=at)
    need = routes_for_need(reference, concern="maternal-mental-health",
                           severity="moderate", week=at, area="dorset")
    assert set(need[need.entry == "gp"]["open"]) == {expected}  # need and routes agree
    if expected is None:
        assert out.empty
    else:
        assert out["open"].tolist() == [expected]
        assert out.loc[0, "hops_open"] == [expected]


def test_the_maternal_mental_health_service_is_reached_through_its_parent(reference):
    # doc-002:14 "Expansion of this service to include Maternal Mental Health": part of the
    # combined service, whose referral sources (lines 30-34) are its own
    out = shortest_route(reference, "midwife", "dorset-mmhs", week=17)
    assert out.loc[0, "path"] == ["midwife", "dorset-pmmhs", "dorset-mmhs"]
    assert out.loc[0, "evidence"] == ["doc-002:34", "doc-002:14"]
    assert out.loc[0, "conditions"][1] == ("part of Perinatal and Maternal Mental Health "
                                           "Service (target window: not stated)")
    # its own window is not stated, so the last hop (and the route) is unknown
    assert out.loc[0, "hops_open"] == ["yes", "unknown"]
    assert out.loc[0, "open"] == "unknown"


def test_routes_for_moderate_maternal_anxiety_at_4_months(reference):
    out = routes_for_need(reference, concern="maternal-mental-health", severity="moderate",
                          week=17)
    assert list(out.columns) == NEED_COLUMNS
    assert out["route"].tolist() == list(range(1, len(out) + 1))
    got = set(zip(out["entry"], out["target"], strict=True))
    assert got == {
        ("relatives", "dorset-pmmhs"), ("gp", "dorset-pmmhs"),
        ("health-visitor", "dorset-pmmhs"),
        ("midwife", "dorset-pmmhs"),
        ("p05-health-visiting", "p05-adult-mental-health-services"),
        ("p05-primary-care-gp", "p05-adult-mental-health-services"),
        ("p05-health-visiting", "p05-caf-tac"),
        # doc-001:178 direct access for those with a previous mental health history; the
        # Maternal Mental Health column is a pathway column (universal) since issue 22
        ("family", "p05-mental-health-team"),
        ("p05-maternal-mental-health", "p05-caf-tac"),
        ("p05-health-visiting", "p05-perinatal-mental-health-services"),
        ("p05-primary-care-gp", "p05-perinatal-mental-health-services"),
        ("p05-health-visiting", "p05-specialist-mental-health-service"),
        ("scot-universal", "scot-imh-team"),
        # issue 22: the services answer as the GPs and midwives in them (doc-002:31, 34), and
        # the family's own 24/7 access reaches the crisis services (doc-002:27)
        ("dorset-general-practice", "dorset-pmmhs"), ("dorset-midwifery", "dorset-pmmhs"),
        ("family", "dorset-access-mental-health"), ("family", "dorset-connection-service"),
        ("family", "dorset-crht"), ("family", "dorset-psychiatric-liaison"),
    }
    # the stand-alone IMH team is for boards of over 3000 births (doc-003:77): no births given
    imh = out[out.target == "scot-imh-team"].iloc[0]
    assert imh["open"] == "unknown" and "depends on board size" in imh["conditions"][-1]
    # Cheshire & Merseyside's diagram names no referral between its services
    assert "cheshire-merseyside" not in set(out["area"])


def test_entry_points_of_an_area(reference):
    assert entry_points(reference, area="dorset") == [
        "dorset-general-practice", "dorset-midwifery", "family", "gp", "health-visitor",
        "midwife", "relatives"]


@pytest.mark.parametrize(("target", "expected"), [
    pytest.param("dorset-pmmhs", ["dorset-pmmhs"], id="service-id"),
    pytest.param("perinatal-psychiatrist", ["perinatal-psychiatrist"], id="profession-id"),
    pytest.param("MBU", ["dorset-mbu", "p05-mother-and-baby-unit", "scot-mbu"], id="tier-alias"),
    pytest.param("Cruse", ["p05-cruse"], id="name-word"),
    pytest.param("CRUISE", ["p05-cruse"], id="document-spelling"),
])
def test_resolve_targets(reference, target, expected):
    assert resolve_targets(reference, target) == expected


@pytest.mark.parametrize(("source", "target", "message"), [
    pytest.param("nurse", "inpatient", "unknown source 'nurse'; expected a service id, 'family', "
                 "or a profession: attachment-practitioner", id="unknown-source"),
    pytest.param("gp", "psychiatry ward", "a tier (inpatient, primary-care-mh",
                 id="unknown-target"),
    pytest.param("p05-helth-visiting", "inpatient", "(did you mean p05-health-visiting, ",
                 id="misspelt-source"),
])
def test_unknown_source_or_target(reference, source, target, message):
    with pytest.raises(QueryError) as info:
        referral_routes(reference, source, target)
    assert message in str(info.value)


# -- the hand-built town (see the diagram in routes-town.yaml) ------------------------------

@pytest.mark.parametrize(("options", "expected"), [
    pytest.param({}, ["rt-hv rt-pmh", "rt-hv rt-iapt rt-cmht rt-pmh"], id="every-route"),
    pytest.param({"week": 4}, ["rt-hv rt-pmh", "rt-hv rt-iapt rt-cmht rt-pmh"],
                 id="week-4-direct-referral-open"),
    pytest.param({"week": 20}, ["rt-hv rt-iapt rt-cmht rt-pmh"], id="week-20-direct-closed"),
    pytest.param({"week": 4, "severity": "mild"}, ["rt-hv rt-pmh"],
                 id="mild-cannot-step-up-from-talking-therapies"),
    pytest.param({"max_hops": 2}, ["rt-hv rt-pmh"], id="at-most-2-hops"),
])
def test_routes_from_health_visiting_to_the_perinatal_team(town, options, expected):
    assert paths(referral_routes(town, "rt-hv", "rt-pmh", **options)) == expected


def test_route_rows_carry_conditions_and_evidence_per_hop(town):
    out = referral_routes(town, "rt-hv", "rt-pmh")
    assert out["route"].tolist() == [1, 2]
    assert out["hops"].tolist() == [1, 3]
    long = out.iloc[1]
    assert long["names"] == ("Health visiting -> Talking therapies -> "
                             "Community mental health team -> Perinatal team")
    assert long["conditions"] == [
        "no stage stated (target window: not stated)",
        "no stage stated, at moderate or severe (target window: not stated)",
        "no stage stated (target window: Pregnancy; up to two years postnatally)"]
    assert long["evidence"] == ["routes-doc:3", "routes-doc:5", "routes-doc:6"]


# worked out by hand in routes-town.yaml's comments
@pytest.mark.parametrize(("week", "expected"), [
    pytest.param(4, [("rt-hv rt-pmh", "yes", ["yes"]),
                     ("rt-hv rt-iapt rt-cmht rt-pmh", "unknown",
                      ["unknown", "unknown", "yes"])], id="week-4"),
    pytest.param(20, [("rt-hv rt-iapt rt-cmht rt-pmh", "unknown",
                       ["unknown", "unknown", "yes"])], id="week-20"),
    pytest.param(110, [], id="week-110-after-the-team-ends"),
])
def test_each_hop_says_whether_it_is_open(town, week, expected):
    out = referral_routes(town, "rt-hv", "rt-pmh", week=week)
    assert list(zip(paths(out), out["open"], out["hops_open"], strict=True)) == expected


@pytest.mark.parametrize(("options", "expected"), [
    pytest.param({}, ["rt-hv rt-pmh rt-mbu", "rt-hv rt-iapt rt-cmht rt-mbu",
                      "rt-hv rt-iapt rt-cmht rt-pmh rt-mbu"], id="every-route"),
    pytest.param({"max_hops": 3}, ["rt-hv rt-pmh rt-mbu", "rt-hv rt-iapt rt-cmht rt-mbu"],
                 id="at-most-3-hops"),
    pytest.param({"severity": "moderate"}, [], id="the-unit-takes-severe-only"),
    pytest.param({"week": 20, "severity": "severe"},
                 ["rt-hv rt-iapt rt-cmht rt-mbu", "rt-hv rt-iapt rt-cmht rt-pmh rt-mbu"],
                 id="severe-at-20-weeks"),
])
def test_routes_to_a_tier(town, options, expected):
    assert paths(referral_routes(town, "rt-hv", "inpatient", **options)) == expected


def test_a_route_ends_at_the_first_target(town):
    # "team" names rt-cmht and rt-pmh (and the other town's teams, which the family reaches
    # there); the route on to rt-pmh passes through rt-cmht, so it is not listed
    assert resolve_targets(town, "team") == ["ot-a", "ot-b", "rt-cmht", "rt-pmh"]
    assert paths(referral_routes(town, "family", "team")) == [
        "family ot-a", "family ot-b", "family rt-gp rt-cmht"]
    both = routes_for_need(town, concern="maternal-mental-health", severity="severe", week=4,
                           area="routes-town")
    # rt-cmht, rt-pmh and rt-mbu all meet the need; no listed route passes through one of them
    assert [(e, " ".join(p)) for e, p in zip(both["entry"], both["path"], strict=True)] == [
        ("rt-gp", "rt-gp rt-cmht"),
        ("family", "family rt-gp rt-cmht"),
        ("rt-hv", "rt-hv rt-iapt rt-cmht"),
        ("rt-hv", "rt-hv rt-pmh"),
    ]


def test_concern_conditions_apply_on_every_hop(town):
    assert paths(referral_routes(town, "family", "rt-mbu")) == [
        "family rt-gp rt-cmht rt-mbu", "family rt-gp rt-cmht rt-pmh rt-mbu"]
    assert referral_routes(town, "family", "rt-mbu", concern="perinatal-loss-bereavement").empty


def test_routes_stay_within_one_area(town):
    # the psychiatrist refers to the other town's unit; health visiting here refers to the
    # psychiatrist, but that is no route to a unit in another area
    assert referral_routes(town, "rt-hv", "ot-mbu").empty
    assert paths(referral_routes(town, "perinatal-psychiatrist", "inpatient")) == [
        "perinatal-psychiatrist ot-mbu"]
    assert paths(referral_routes(town, "rt-hv", "perinatal-psychiatrist")) == [
        "rt-hv perinatal-psychiatrist"]


def test_other_kinds_open_other_routes(town):
    assert referral_routes(town, "rt-pmh", "rt-iapt").empty
    handed = referral_routes(town, "rt-pmh", "rt-iapt", kinds=("refers_to", "hands_over_to"))
    assert paths(handed) == ["rt-pmh rt-hv rt-iapt"]
    assert handed.loc[0, "conditions"] == [
        "hands over to, 1 - 5 years (target window: Birth - 5 years)",
        "no stage stated (target window: not stated)"]
    assert referral_routes(town, "rt-pmh", "rt-iapt", kinds=("refers_to", "hands_over_to"),
                           week=10).empty


@pytest.mark.parametrize(("source", "target", "expected"), [
    pytest.param("rt-hv", "inpatient", ["rt-hv rt-pmh rt-mbu"], id="two-hops-beat-three"),
    pytest.param("rt-hv", "rt-cmht", ["rt-hv rt-iapt rt-cmht"], id="only-route"),
    pytest.param("rt-gp", "rt-hv", [], id="no-route"),
])
def test_shortest_route(town, source, target, expected):
    out = shortest_route(town, source, target)
    assert list(out.columns) == COLUMNS
    assert paths(out) == expected
    assert out["route"].tolist() == [1] * len(expected)


def test_shortest_route_breaks_ties_by_id(town):
    # two 2-hop routes to the other town's unit, the one via ot-b written first
    assert paths(referral_routes(town, "family", "ot-mbu")) == ["family ot-a ot-mbu",
                                                                "family ot-b ot-mbu"]
    assert paths(shortest_route(town, "family", "ot-mbu")) == ["family ot-a ot-mbu"]
    # across areas: the other town's 2 hops beat routes-town's 3
    assert paths(shortest_route(town, "family", "inpatient")) == ["family ot-a ot-mbu"]


def test_routes_for_need_from_a_chosen_entry(town):
    out = routes_for_need(town, concern="maternal-mental-health", severity="severe", week=20,
                          entry="rt-hv")
    assert [" ".join(p) for p in out["path"]] == ["rt-hv rt-iapt rt-cmht"]
    assert out.loc[0, ["target", "target_name", "area"]].tolist() == [
        "rt-cmht", "Community mental health team", "routes-town"]


def test_routes_for_need_requires_a_week_and_known_terms(town):
    with pytest.raises(QueryError, match="unknown concern 'sadness'"):
        routes_for_need(town, concern="sadness", week=4)
    with pytest.raises(QueryError, match="needs a week"):
        routes_for_need(town, concern="maternal-mental-health", week=None)
    with pytest.raises(QueryError, match="max_hops"):
        referral_routes(town, "rt-hv", "rt-pmh", max_hops=0)
