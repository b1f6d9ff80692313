"""Gaps: the hand-built Gapton area (every kind present and known) and the reference areas."""

from pathlib import Path

import pytest

import carepath
from carepath.errors import QueryError
from carepath.queries.gaps import (
    GAP_KINDS,
    UNSTATED,
    UNTIERED,
    coverage_matrix,
    gap_summary,
    gaps,
)

ANALYSIS = Path(__file__).parents[1] / "data" / "analysis"
STAGES = ["preconception", "pregnancy", "weeks-0-6", "weeks-6-8", "months-2-6", "months-6-12",
          "years-1-2", "years-2-3", "years-3-5"]


@pytest.fixture(scope="module")
def gapton() -> carepath.Model:
    return carepath.load(ANALYSIS / "gaps-town.yaml")


def _rows(frame, kind):
    return frame[frame.kind == kind]


def _pairs(frame, kind, *cols):
    return {tuple(row) for row in _rows(frame, kind)[list(cols)].itertuples(index=False)}


# -- the hand-built area: every kind, known in advance ------------------------------------------

EXPECTED = {
    "stage-tier": ("tier", "stage", {
        ("universal", "preconception"),                      # midwifery starts at conception
        ("primary-care-mh", "preconception"),  # All Age Groups starts at conception (doc-001)
        ("specialist-perinatal", "years-2-3"), ("specialist-perinatal", "years-3-5"),
        ("specialist-parent-infant", "preconception"), ("specialist-parent-infant", "years-3-5"),
        ("inpatient", "preconception"), ("inpatient", "pregnancy"), ("inpatient", "years-1-2"),
        ("inpatient", "years-2-3"), ("inpatient", "years-3-5"),
    }),
    "missing-tier": ("tier", "stage", {(t, s) for t in ("targeted", "secondary-care-mh")
                                       for s in STAGES}),
    "stage-concern": ("concern", "stage", {("parent-infant-relationship", "preconception"),
                                           ("perinatal-loss-bereavement", "preconception")}),
    "unstated-window": ("subject", "tier", {("gt-iapt-digital", "primary-care-mh")}),
    "no-inbound-referral": ("subject", "tier", {("gt-mbu", "inpatient")}),
    "no-route-to-specialist": ("subject", "tier", {("gt-cc", "universal")}),
    "profession-no-route": ("subject", "tier", {("gp", "inpatient")}),
    "transition": ("subject", "stage", {("gt-pmh", "years-2-3")}),
}


@pytest.mark.parametrize("kind", list(EXPECTED), ids=list(EXPECTED))
def test_every_gap_kind_in_the_hand_built_area(gapton, kind):
    first, second, expected = EXPECTED[kind]
    found = gaps(gapton)
    assert _pairs(found, kind, first, second) == expected
    assert set(found.kind) == set(GAP_KINDS)


# the basis of each cell gap, worked out by hand in gaps-town.yaml's comments
NOT_STATED_CELLS = {
    ("stage-tier", "primary-care-mh", "preconception"),
    *(("stage-tier", "inpatient", s) for s in ("pregnancy", "years-1-2", "years-2-3",
                                                 "years-3-5")),
    ("stage-tier", "specialist-parent-infant", "years-3-5"),
    ("stage-tier", "specialist-perinatal", "years-2-3"),
    ("stage-tier", "specialist-perinatal", "years-3-5"),
    *(("missing-tier", t, s) for t in ("targeted", "secondary-care-mh") for s in STAGES[1:]),
    ("stage-concern", "parent-infant-relationship", "preconception"),
    ("stage-concern", "perinatal-loss-bereavement", "preconception"),
}


def test_each_gap_says_whether_it_is_absent_or_not_stated(gapton):
    found = gaps(gapton)
    # Gapton's source records no scope: nothing is outside it; concerns it never names are
    # reported as not mentioned
    assert set(found.basis) == {"absent", "not-stated", "not-mentioned"}
    assert set(found[found.basis == "not-mentioned"].kind) == {"unmentioned-concern"}
    cells = found[found.kind.isin(["stage-tier", "missing-tier", "stage-concern"])]
    got = {(r.kind, r.tier if r.kind != "stage-concern" else r.concern, r.stage)
           for r in cells.itertuples() if r.basis == "not-stated"}
    assert got == NOT_STATED_CELLS
    assert set(found[found.kind == "unstated-window"].basis) == {"not-stated"}
    route_kinds = ["no-inbound-referral", "no-route-to-specialist", "profession-no-route",
                   "transition"]
    routes = found[found.kind.isin(route_kinds)]
    # a service with no route onward at all: its routes are not stated, not "none" (issue 22)
    silent = routes.reason.str.contains("no recorded route onward at all")
    assert set(routes[~silent].basis) == {"absent"}
    assert routes[silent].subject.tolist() == ["gt-cc"]
    assert set(routes[silent].basis) == {"not-stated"}
    # the reason names what is not stated
    row = found[(found.kind == "stage-tier") & (found.tier == "inpatient")
                & (found.stage == "pregnancy")].iloc[0]
    assert row.reason.endswith("Not stated: the tier of Bereavement charity.")


@pytest.mark.parametrize("basis", ["absent", "not-stated", "not-mentioned"])
def test_basis_filter(gapton, basis):
    found = gaps(gapton, basis=basis)
    assert not found.empty and set(found.basis) == {basis}
    others = [b for b in ("absent", "not-stated", "outside-scope", "not-mentioned") if b != basis]
    assert len(found) + len(gaps(gapton, basis=others)) == len(gaps(gapton))


def test_gap_summary_counts_by_area_kind_and_basis(gapton):
    summary = gap_summary(gaps(gapton))
    counts = summary[summary.kind == "missing-tier"].set_index("basis")["gaps"].to_dict()
    assert counts == {"absent": 2, "not-stated": 16}
    assert summary["gaps"].sum() == len(gaps(gapton))


def test_perinatal_team_ending_at_two_years_is_a_transition_gap(gapton):
    # gt-pmh refers to health visiting only in pregnancy: that does not hand over at 2 years,
    # while the unit (hands over to gt-pmh) and the parent-infant team (hands over to the
    # children's centre at 3 years) and midwifery (to health visiting) are handed on.
    [row] = _rows(gaps(gapton, kinds=["transition"]), "transition").itertuples()
    assert row.reason == ("In Gapton, Perinatal mental health team ends at 2 years (week 104) "
                          "with no hand-over, referral or signposting to a service covering "
                          "2-3 years.")
    assert row.evidence == ["gaps-doc:15"]


def test_profession_reaches_parent_infant_team_through_other_services(gapton):
    # gp -> perinatal team -> health visiting -> parent-infant team: reached, so no gap there
    found = gaps(gapton, kinds=["profession-no-route"])
    assert "specialist-parent-infant" not in set(found.tier)
    [reason] = found.reason
    assert "Mother and baby unit" in reason and "Perinatal mental health team" in reason


def test_gaps_name_their_evidence(gapton):
    found = gaps(gapton)
    mbu = _rows(found, "no-inbound-referral").iloc[0]
    assert mbu.evidence == ["gaps-doc:17", "gaps-doc:33"]  # the unit, and its only link in
    assert "collaborates with (1)" in mbu.reason
    absent = _rows(found, "missing-tier").iloc[0]
    assert absent.evidence == ["gaps-doc"]  # an absence cites the document searched
    perinatal = found[(found.kind == "stage-tier") & (found.tier == "specialist-perinatal")]
    assert {tuple(e) for e in perinatal.evidence} == {("gaps-doc:15",)}


@pytest.mark.parametrize("kinds", [["transition"], ("missing-tier", "stage-tier"), "transition"],
                         ids=["list", "tuple", "one-kind-as-string"])
def test_kinds_filter(gapton, kinds):
    wanted = {kinds} if isinstance(kinds, str) else set(kinds)
    assert set(gaps(gapton, kinds=kinds).kind) == wanted


def test_rows_ordered_by_kind_then_stage(gapton):
    found = gaps(gapton)
    assert list(dict.fromkeys(found.kind)) == list(GAP_KINDS)
    stage_tier = _rows(found, "stage-tier")
    positions = [STAGES.index(s) for s in stage_tier.stage]
    assert positions == sorted(positions)
    assert list(found.columns) == ["area", "kind", "basis", "subject", "subject_name", "stage",
                                   "tier", "concern", "reason", "evidence"]


def test_coverage_matrix_of_the_hand_built_area(gapton):
    m = coverage_matrix(gapton, area="gapton")
    assert list(m.index) == [*STAGES, UNSTATED]
    assert list(m.columns) == ["universal", "targeted", "primary-care-mh", "secondary-care-mh",
                               "specialist-perinatal", "specialist-parent-infant", "inpatient",
                               UNTIERED]
    assert m.loc["pregnancy", "universal"] == ["Midwifery"]
    assert m.loc["weeks-0-6", "universal"] == ["Children's centre", "Health visiting",
                                               "Midwifery"]
    assert m.loc[UNSTATED, "primary-care-mh"] == ["Digital talking therapies"]
    assert m.loc["years-3-5", UNTIERED] == ["Bereavement charity"]
    assert m.loc["years-2-3", "specialist-perinatal"] == []


def test_coverage_matrix_by_concern(gapton):
    m = coverage_matrix(gapton, area="gapton", by="concern")
    # talking therapies' "All Age Groups" starts at conception
    assert m.loc["preconception", "maternal-mental-health"] == ["Perinatal mental health team"]
    assert m.loc["preconception", "parent-infant-relationship"] == []
    assert "infant-development" in m.columns


@pytest.mark.parametrize("call, message", [
    (lambda m: gaps(m, area="gaptown"), "unknown area 'gaptown'; expected one of: gapton"),
    (lambda m: gaps(m, kinds=["overlap"]), "unknown gap kind 'overlap'; expected one of: "),
    (lambda m: gaps(m, basis="missing"), "unknown gap basis 'missing'; expected one of: "
                                         "absent, not-stated, outside-scope, not-mentioned"),
    (lambda m: coverage_matrix(m, area="gapton", by="stage"), "cannot group the coverage"),
], ids=["unknown-area", "unknown-kind", "unknown-basis", "unknown-grouping"])
def test_bad_arguments_name_the_choices(gapton, call, message):
    with pytest.raises(QueryError, match=message.replace("(", r"\(")):
        call(gapton)


# -- the reference data ---------------------------------------------------------------------------

def test_no_specialist_parent_infant_service_covers_3_to_5_years_in_dorset(reference):
    # doc 002 specifies one service, the perinatal service (line 5), up to two years: Dorset's
    # parent-infant provision is outside what it describes, not absent
    found = gaps(reference, area="dorset")
    cell = found[(found.tier == "specialist-parent-infant") & (found.stage == "years-3-5")]
    assert cell.kind.tolist() == ["missing-tier"]
    assert cell.basis.tolist() == ["outside-scope"]
    assert cell.evidence.tolist() == [["doc-002:5"]]
    assert coverage_matrix(reference, area="dorset").loc["years-3-5",
                                                         "specialist-parent-infant"] == []


def test_dorset_24_month_hand_over_gap(reference):
    # doc 002: care "up to two years postnatally" (line 7), intervention "up until the infant is
    # 24 months" for existing clients (line 25, not a window); a discharge plan "may include
    # referral to other services" (line 40): a hand-over stated, its receivers not named.
    found = gaps(reference, area="dorset", kinds=["transition"])
    assert found[["subject", "stage", "tier", "basis"]].values.tolist() == [
        ["dorset-pmmhs", "years-2-3", "specialist-perinatal", "not-stated"]]
    assert "doc-002:40" in found.evidence[0]
    assert "ends at 2 years (week 104): hand-over stated, receivers not named" in found.reason[0]


def test_dorset_specialist_perinatal_care_stops_at_two_years(reference):
    found = _rows(gaps(reference, area="dorset"), "stage-tier")
    assert set(found[found.tier == "specialist-perinatal"].stage) == {"years-2-3", "years-3-5"}


def test_dorset_professions_have_no_route_to_the_mother_and_baby_unit(reference):
    # doc 002 lists GP, midwives and health visitors as referrers (lines 31-34) but says nothing
    # of how a family reaches the regional Mother and Baby Unit.
    found = gaps(reference, area="dorset")
    assert _pairs(found, "profession-no-route", "subject", "tier") == {
        ("gp", "inpatient"), ("midwife", "inpatient"), ("health-visitor", "inpatient")}
    assert ("dorset-mbu", "inpatient") in _pairs(found, "no-inbound-referral", "subject", "tier")


def test_cheshire_merseyside_universal_services_have_no_referral_route(reference):
    # doc 000 line 42: universal staff "work collaboratively alongside specialist services";
    # no referral from them is stated.
    # ... and doc 000 does not describe referral routes at all (line 10: how the services
    # work together; its care pathways are in supporting documents, lines 14-18): not stated
    found = gaps(reference, area="cheshire-merseyside", kinds=["no-route-to-specialist"])
    assert set(found.subject) == {"cm-universal", "family"}
    assert set(found.basis) == {"outside-scope"}
    family = found[found.subject == "family"].iloc[0]
    assert "not stated (outside the source's scope)" in family.reason


def test_cheshire_merseyside_states_no_age_windows(reference):
    found = gaps(reference, area="cheshire-merseyside", kinds=["unstated-window"])
    assert set(found.subject) == {"cm-universal", "cm-iapt", "cm-secondary-mh", "cm-pmhs",
                                  "cm-pimhs"}


def test_scottish_imh_team_ends_at_three_years(reference):
    found = gaps(reference, area="scotland", kinds=["transition"])
    assert found[["subject", "stage"]].values.tolist() == [["scot-imh-team", "years-3-5"]]


@pytest.mark.parametrize("area", ["cheshire-merseyside", "dorset", "pathway-0-5",
                                  "pmh-lead-area", "scotland"])
def test_cell_gaps_are_the_empty_cells_of_the_coverage_matrix(reference, area):
    m = coverage_matrix(reference, area=area).drop(index=UNSTATED, columns=UNTIERED)
    empty = {(s, t) for s in m.index for t in m.columns if not m.loc[s, t]}
    found = gaps(reference, area=area, kinds=["stage-tier", "missing-tier"])
    assert set(zip(found.stage, found.tier, strict=True)) == empty
    assert len(found) == len(empty)


def test_every_evidence_entry_names_a_known_source(reference):
    found = gaps(reference)
    for refs in found.evidence:
        assert refs
        for ref in refs:
            source, _, line = ref.partition(":")
            assert source in reference.sources
            assert line == "" or line.isdigit()


# -- the reference documents: the cases ----------------------------------------------

def test_dorset_universal_services_are_in_the_data(reference):
    # carepath places Dorset's GPs and midwifery at the universal tier, as in every area
    found = gaps(reference, area="dorset", kinds=["missing-tier"])
    assert "universal" not in set(found.tier)


def test_no_transition_gap_from_a_window_the_documents_do_not_give(reference):
    # doc-001 gives the Mother and Baby Unit no window: no "ends at 8 weeks" gap
    found = gaps(reference, kinds=["transition"])
    assert "p05-mother-and-baby-unit" not in set(found.subject)
    assert set(found.subject) <= {s.id for s in reference.services.values() if s.windows}


def test_gaps_resting_on_unstated_windows_are_marked_not_stated(reference):
    found = gaps(reference)
    unstated = found[found.reason.str.contains("no age window")]
    assert not unstated.empty and set(unstated.basis) == {"not-stated"}


# -- a hand-worked table of verdicts, per area, from the documents (issue 22) ----------------
# (area, kind, which row, expected basis, why - with the document's lines)
HAND_WORKED = [
    ("cheshire-merseyside", "missing-tier", {"tier": "inpatient"}, "outside-scope",
     "doc-000:10 covers how the specialist community PNMH service works with other MH and "
     "universal services; no inpatient unit is in the diagram"),
    ("cheshire-merseyside", "missing-tier", {"tier": "targeted"}, "outside-scope",
     "doc-000:10, the diagram's five tiers (lines 32-58) include no targeted step"),
    ("cheshire-merseyside", "stage-tier", {"tier": "specialist-perinatal", "stage": "pregnancy"},
     "not-stated", "doc-000:46 'During the PN Period': no window is stated"),
    ("cheshire-merseyside", "unmentioned-concern", {"concern": "fathers-partners-wellbeing"},
     "outside-scope", "doc-000:2 the diagram is by the mum's mental health symptoms and the "
     "parent-infant relationship"),
    ("cheshire-merseyside", "unmentioned-concern", {"concern": "perinatal-loss-bereavement"},
     "not-mentioned", "the mother's mental health is within doc-000:2, loss is never named"),
    ("cheshire-merseyside", "no-inbound-referral", {"subject": "cm-pmhs"}, "outside-scope",
     "doc-000 describes collaboration and advice, its care pathways are in supporting "
     "documents (lines 14-18, 66-70)"),
    ("dorset", "stage-tier", {"tier": "specialist-perinatal", "stage": "years-2-3"},
     "outside-scope", "doc-002:16 'throughout their pregnancy and the following 2 years'"),
    ("dorset", "stage-concern", {"concern": "birth-trauma-tokophobia", "stage": "months-2-6"},
     "not-stated", "doc-002:22 the MMHS states no window of its own"),
    ("dorset", "unmentioned-concern", {"concern": "substance-misuse"}, "not-mentioned",
     "doc-002 never names substance misuse"),
    ("dorset", "stage-concern", {"concern": "fathers-partners-wellbeing", "stage": "years-2-3"},
     "outside-scope", "doc-002:25 dads and partners, within the service's two years (line 16)"),
    ("dorset", "no-inbound-referral", {"subject": "dorset-mbu"}, "outside-scope",
     "doc-002:29 the MBU is commissioned by NHS England; the specification (line 5) does not "
     "describe referrals into it"),
    ("dorset", "no-inbound-referral", {"subject": "dorset-social-care"}, "not-stated",
     "doc-002:33 names social care only as a referral source and gives it no tier: if it is "
     "universal, families reach it without referral"),
    ("pathway-0-5", "stage-tier", {"tier": "universal", "stage": "preconception"},
     "outside-scope", "doc-001:11 a filtered extract; the Preconception row has no cells "
     "(lines 15-19)"),
    ("pathway-0-5", "missing-tier", {"tier": "targeted", "stage": "months-2-6"},
     "outside-scope", "doc-001 is the universal services' columns (lines 27-58)"),
    ("pathway-0-5", "unmentioned-concern", {"concern": "fathers-partners-wellbeing"},
     "not-mentioned", "doc-001 never names fathers or partners"),
    ("pathway-0-5", "no-inbound-referral", {"subject": "p05-pimh-specialist"}, "outside-scope",
     "doc-001:118 'Consultation with specialist PIMH service': a specialist tier the tool "
     "only names"),
    ("pmh-lead-area", "missing-tier", {"tier": "specialist-perinatal", "stage": "months-2-6"},
     "outside-scope", "doc-004:3 a summary of one role, not of an area's provision"),
    ("pmh-lead-area", "no-inbound-referral", {"subject": "pmhl-lead"}, "outside-scope",
     "doc-004:7 'A referral pathway has been introduced' - who refers is not described"),
    ("scotland", "transition", {"subject": "scot-imh-team"}, "outside-scope",
     "doc-003:79 conception to 3 years; care pathways are an aim (lines 18, 96)"),
    ("scotland", "stage-tier", {"tier": "universal", "stage": "months-2-6"}, "not-stated",
     "doc-003:18 universal services state no window"),
    ("scotland", "stage-tier", {"tier": "universal", "stage": "preconception"}, "outside-scope",
     "doc-003:79 'from conception to 3 years of age'"),
    ("scotland", "unmentioned-concern", {"concern": "safeguarding"}, "not-mentioned",
     "doc-003 never names safeguarding"),
]


@pytest.mark.parametrize("area, kind, where, basis, why", HAND_WORKED,
                         ids=[f"{a}-{k}-{'-'.join(w.values())}"
                              for a, k, w, _, _ in HAND_WORKED])
def test_hand_worked_gap_verdicts(reference, area, kind, where, basis, why):
    found = gaps(reference, area=area, kinds=[kind])
    for column, value in where.items():
        found = found[found[column] == value]
    assert not found.empty, why
    assert set(found.basis) == {basis}, why
    if basis == "outside-scope":
        assert all("not stated (outside the source's scope)" in r for r in found.reason)


def test_no_area_is_said_to_have_no_service_at_a_tier_its_sources_do_not_describe(reference):
    # the issue's example: "Cheshire & Merseyside has no service at the Inpatient (Mother and
    # Baby Unit) tier", basis absent
    found = gaps(reference, kinds=["missing-tier"])
    assert "absent" not in set(found.basis)
    assert not found.reason.str.contains("has no service at").any()


def _with_statement(model, statement):
    import copy

    changed = copy.copy(model)
    changed.statements = [*model.statements, statement]
    changed._relations = None
    return changed


def test_a_hand_over_to_unnamed_receivers_is_stated_not_absent(reference):
    # doc-002:40 "Every Service User discharged ... will have a discharge plan in place, which
    # may include referral to other services": a hand-over whose receivers are not named
    from carepath.graph.model import Provenance, RelationKind, Statement

    line_40 = Statement("t-discharge", RelationKind.REFERS_TO, "dorset-pmmhs", ("unnamed",),
                        Provenance("doc-002", 40, "which may include referral to other services"))
    found = gaps(_with_statement(reference, line_40), area="dorset", kinds=["transition"])
    assert found.basis.tolist() == ["not-stated"]
    assert "hand-over stated, receivers not named" in found.reason[0]
    assert "doc-002:40" in found.evidence[0]


def test_referrals_from_unnamed_referrers_are_stated_not_absent(reference):
    # doc-002:33 names social care only as a referrer; a fixture referral into it from
    # referrers not named makes "nobody refers to it" not stated, never absent
    from carepath.graph.model import Provenance, RelationKind, Statement

    into = Statement("t-into", RelationKind.REFERS_TO, "unnamed", ("dorset-social-care",),
                     Provenance("doc-002", 38))
    found = gaps(_with_statement(reference, into), area="dorset", kinds=["no-inbound-referral"])
    row = found[found.subject == "dorset-social-care"].iloc[0]
    assert row.basis == "not-stated" and "not named" in row.reason


def test_a_route_to_unnamed_services_makes_no_route_not_stated(reference):
    from carepath.graph.model import Provenance, RelationKind, Statement

    # doc-001:213: children's centres work "in partnership with" others; no route onward is
    # stated at all, so where they send families is not stated (never "absent")
    before = gaps(reference, area="pathway-0-5", kinds=["no-route-to-specialist"])
    cc = "p05-childrens-centres-eyfs"
    row = before[before.subject == cc]
    assert row.basis.tolist() == ["not-stated"]
    assert "no recorded route onward at all" in row.reason.iloc[0]
    out = Statement("t-out", RelationKind.SIGNPOSTS_TO, cc, ("unnamed",),
                    Provenance("doc-001", 213))
    found = gaps(_with_statement(reference, out), area="pathway-0-5",
                 kinds=["no-route-to-specialist"])
    row = found[found.subject == cc]
    assert row.basis.tolist() == ["not-stated"]
    assert "a route to services not named is stated" in row.reason.iloc[0]
