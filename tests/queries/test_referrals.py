"""Who refers to whom: the reference documents' referral lists, and a hand-built town."""

from pathlib import Path

import pytest

import carepath
from carepath import QueryError
from carepath.graph.model import RelationKind
from carepath.queries.referrals import COLUMNS, referrals, self_referrals

TOWN = Path(__file__).parents[1] / "data" / "analysis" / "referrals-town.yaml"


@pytest.fixture(scope="module")
def town():
    return carepath.load(TOWN)


# -- the reference documents ----------------------------------------------------------------

def test_who_can_refer_into_the_dorset_perinatal_service(reference):
    out = referrals(reference, target="dorset-pmmhs")
    assert list(out.columns) == COLUMNS
    assert out[["source", "source_kind", "evidence"]].values.tolist() == [
        ["dorset-cmht", "Service", "doc-002:32"],
        ["dorset-social-care", "Service", "doc-002:33"],
        ["gp", "Profession", "doc-002:31"],
        ["health-visitor", "Profession", "doc-002:34"],
        ["midwife", "Profession", "doc-002:34"],
        # doc-002:31 "Families": relatives or carers, not a self-referral (line 35)
        ["relatives", "Family", "doc-002:31"],
    ]
    assert set(out["target_name"]) == {"Perinatal and Maternal Mental Health Service"}
    # the open referral list states no stage, concern or urgency: nothing is invented
    assert out["stages"].map(len).sum() == 0 and set(out["urgency"]) == {""}


def test_the_mother_and_baby_unit_hands_over_to_the_dorset_perinatal_service(reference):
    out = referrals(reference, target="dorset-pmmhs", kinds=("hands_over_to",))
    assert out[["source", "kind"]].drop_duplicates().values.tolist() == [
        ["dorset-mbu", "hands_over_to"]]
    # entered once: line 29 is the lead professional's care co-ordination (a collaboration)
    assert out["evidence"].tolist() == ["doc-002:23"]


def test_self_referral_rows(reference):
    out = self_referrals(reference)
    # doc-002:27: 24/7 access "via" the crisis services is the family's own (issue 22)
    assert out[["source", "target", "evidence"]].values.tolist() == [
        ["family", "cm-universal", "doc-000:42"],
        ["family", "dorset-access-mental-health", "doc-002:27"],
        ["family", "dorset-connection-service", "doc-002:27"],
        ["family", "dorset-crht", "doc-002:27"],
        ["family", "dorset-psychiatric-liaison", "doc-002:27"],
        ["family", "p05-mental-health-team", "doc-001:178"],  # "Direct access", not a referral
    ]
    # doc-002:35: self-referral to the perinatal service "is being explored with a view for
    # future development": only the 24/7 crisis access is the family's own
    assert "dorset-pmmhs" not in set(self_referrals(reference, area="dorset")["target"])


def test_the_gp_profession_refers_only_where_a_document_says_so(reference):
    # doc-001's GP is the service p05-primary-care-gp; only doc-002 has the profession refer
    assert referrals(reference, source="gp")["target"].tolist() == ["dorset-pmmhs"]
    assert len(referrals(reference, source="p05-primary-care-gp")) == 13


@pytest.mark.parametrize(("stage", "present"), [
    pytest.param("years-3-5", True, id="school-nursing-handover-at-3-5-years"),
    pytest.param("years-1-2", False, id="no-handover-at-1-2-years"),
])
def test_health_visiting_hands_over_to_school_nursing_only_at_3_to_5(reference, stage, present):
    out = referrals(reference, source="p05-health-visiting", stage=stage,
                    kinds=("hands_over_to",))
    assert (out["target"].tolist() == ["p05-school-nursing"]) is present
    if present:
        assert out.loc[0, "stages"] == ["years-3-5"]
        assert out.loc[0, "evidence"] == "doc-001:312"


def test_week_and_concern_keep_what_applies(reference):
    at_4 = referrals(reference, source="p05-health-visiting",
                     target="p05-adult-mental-health-services", week=4)
    assert at_4["evidence"].tolist() == ["doc-001:68", "doc-001:112", "doc-001:174"]
    assert referrals(reference, source="p05-health-visiting",
                     target="p05-adult-mental-health-services", week=30).empty
    cruse = referrals(reference, source="p05-health-visiting", target="p05-cruse",
                      concern="maternal-mental-health")
    assert cruse.empty  # every referral to Cruse is for bereavement


# -- the hand-built town ------------------------------------------------------------------

def test_columns_carry_the_relation_conditions(town):
    out = referrals(town, source="rf-hv", target="rf-pmh")
    first = out.iloc[0].to_dict()
    assert first == {
        "source": "rf-hv", "source_name": "Town health visiting", "source_kind": "Service",
        "target": "rf-pmh", "target_name": "Town perinatal team", "kind": "refers_to",
        "open": "", "stages": ["weeks-0-6"], "stage_text": "Birth - 6 weeks",
        "target_window": "Pregnancy; up to two years postnatally",
        "concerns": ["maternal-mental-health"], "severity": ["moderate", "severe"],
        "urgency": "routine", "response_time": "28 days", "level": "universal-plus",
        "note": "early postnatal referral", "evidence": "referrals-doc:2",
    }
    assert out.loc[1, "stages"] == ["months-6-12", "years-1-2", "years-2-3", "years-3-5"]


@pytest.mark.parametrize(("conditions", "lines"), [
    pytest.param({}, [4, 2, 3], id="no-conditions"),
    pytest.param({"stage": "weeks-0-6"}, [4, 2], id="stage-overlapping-birth-to-6-weeks"),
    pytest.param({"stage": "weeks-6-8"}, [4], id="stage-between-the-windows"),
    pytest.param({"week": 5, "concern": "perinatal-loss-bereavement"}, [4],
                 id="concern-the-referral-does-not-state"),
    pytest.param({"week": 5, "severity": "mild"}, [4], id="severity-below-the-referral"),
    pytest.param({"urgency": "emergency"}, [4, 3], id="emergency-or-unstated-urgency"),
    pytest.param({"urgency": "routine"}, [2, 3], id="routine-or-unstated-urgency"),
])
def test_unstated_conditions_do_not_restrict(town, conditions, lines):
    out = referrals(town, target="rf-pmh", **conditions)
    assert out["evidence"].tolist() == [f"referrals-doc:{n}" for n in lines]


@pytest.mark.parametrize(("week", "rows"), [
    # line 4: no stage, the team's window holds week 5 -> yes; line 2: Birth - 6 weeks -> yes
    pytest.param(5, [(4, "yes"), (2, "yes")], id="week-5"),
    # line 3 says 6 months - 5 years, but the team ends at two years (week 104): closed
    pytest.param(150, [], id="week-150-after-the-team-ends"),
])
def test_an_age_is_open_only_where_relation_and_target_allow_it(town, week, rows):
    out = referrals(town, target="rf-pmh", week=week)
    assert [(int(e.split(":")[1]), o) for e, o in zip(out["evidence"], out["open"],
                                                     strict=True)] == rows


def test_kinds_and_self_referral(town):
    assert referrals(town, kinds=("signposts_to",))["evidence"].tolist() == ["referrals-doc:6"]
    both = referrals(town, source="rf-pmh", kinds=("refers_to", "signposts_to"))
    assert both[["target", "kind"]].values.tolist() == [["rf-hv", "signposts_to"],
                                                        ["rf-mbu", "refers_to"]]
    assert self_referrals(town)["target"].tolist() == ["rf-hv"]


def test_names_and_aliases_of_terms_are_accepted(town):
    by_alias = referrals(town, target="rf-pmh", week=2, severity="Moderate/Complex")
    assert by_alias["evidence"].tolist() == ["referrals-doc:4", "referrals-doc:2"]


@pytest.mark.parametrize(("options", "message"), [
    pytest.param({"target": "dorset-pmhs"}, "unknown target 'dorset-pmhs' (did you mean "
                 "dorset-pmmhs, dorset-mmhs, dorset-camhs?)", id="unknown-target"),
    pytest.param({"source": "nurse"}, "a profession: attachment-practitioner", id="unknown-source"),
    pytest.param({"stage": "infancy"}, "expected one of: months-2-6", id="unknown-stage"),
    pytest.param({"concern": "loneliness"}, "unknown concern 'loneliness'", id="unknown-concern"),
    pytest.param({"area": "dorest"}, "did you mean dorset?", id="unknown-area"),
    pytest.param({"kinds": ("refer",)}, "expected one of: advises", id="unknown-kind"),
    pytest.param({"week": "four"}, "week must be a number", id="week-not-a-number"),
])
def test_bad_arguments_name_the_valid_choices(reference, options, message):
    with pytest.raises(QueryError) as info:
        referrals(reference, **options)
    assert message in str(info.value)
    assert isinstance(info.value, ValueError)


def test_plain_rows_are_the_table_row_for_row(reference):
    """``referral_rows`` (the command line's, without pandas) gives the rows of
    ``referrals``, in its order, for every service, both directions, at an age and for every
    relation kind."""
    from carepath.queries.referrals import referral_rows, referrals

    every_kind = tuple(k.value for k in RelationKind)
    for service in [*reference.services, "gp", "family"]:
        for asked in ({"target": service}, {"source": service},
                      {"target": service, "week": 10.0}, {"source": service, "kinds": every_kind}):
            assert (referral_rows(reference, **asked).records()
                    == referrals(reference, **asked).to_dict("records")), (service, asked)
