"""Curated facts checked against what the source documents say."""

import re

import pytest

from carepath import RelationKind
from carepath.graph.model import FAMILY, RELATIVES


def _sources_into(model, target, kind=RelationKind.REFERS_TO):
    return {r.source for r in model.relations if r.target == target and r.kind is kind}


def test_dorset_referral_sources_are_those_listed_in_the_specification(reference):
    # doc 002 lines 30-34: GP, Families, Community MH Teams, Social Care services, Midwives,
    # Health visitors. Self-referral by service users is only "being explored" (line 35), so
    # "Families" are relatives or carers referring (RELATIVES), not the family itself.
    assert _sources_into(reference, "dorset-pmmhs") == {
        "gp", RELATIVES, "dorset-cmht", "dorset-social-care", "midwife", "health-visitor"}
    rels = [r for r in reference.relations if r.target == "dorset-pmmhs"
            and r.kind is RelationKind.REFERS_TO]
    assert {r.provenance.line for r in rels} <= set(range(30, 35))


def test_dorset_response_times(reference):
    pmmhs = reference.services["dorset-pmmhs"]
    times = {r.urgency: (r.within, r.hours) for r in pmmhs.response_times}
    assert times == {"emergency": ("4 hours", 4.0), "routine": ("28 days", 672.0)}
    assert {r.provenance.line for r in pmmhs.response_times} == {39}


def test_dorset_excludes_parents_under_18_and_covers_two_years_postnatally(reference):
    pmmhs = reference.services["dorset-pmmhs"]
    exclusions = [c for c in pmmhs.eligibility if c.type == "exclusion"]
    assert [c.parent_age_below for c in exclusions] == [18]
    assert "Child and Adolescent Mental Health" in exclusions[0].text
    assert pmmhs.span.end == 104  # up to two years postnatally
    assert reference.stages_covered(pmmhs)[-1] == "years-1-2"


def test_dorset_team_and_interventions(reference):
    pmmhs = reference.services["dorset-pmmhs"]
    assert {"psychiatrist", "psychologist", "parent-infant-psychotherapist", "nursery-nurse",
            "occupational-therapist", "social-worker", "attachment-practitioner",
            "dads-partners-wellbeing-practitioner", "care-coordinator"} <= set(pmmhs.professions)
    assert {"medication-advice", "cbt", "ipt", "dbt", "trauma-focused-therapy",
            "compassion-focused-therapy", "family-work", "occupational-therapy", "cat", "act",
            "emdr"} <= set(pmmhs.interventions)


def test_cheshire_merseyside_tiers_and_population_need(reference):
    # doc 000: Universal 100%, IAPT 12-17%, Secondary care MH 3-4%, PMHS 3-5%, PIMHS 20%
    got = {s.tier: (s.need_min, s.need_max)
           for s in reference.services_in("cheshire-merseyside")}
    assert got == {
        "universal": (100, 100),
        "primary-care-mh": (12, 17),
        "secondary-care-mh": (3, 4),
        "specialist-perinatal": (3, 5),
        "specialist-parent-infant": (20, 20),
    }


def test_iapt_and_secondary_care_do_not_work_on_the_parent_infant_relationship(reference):
    for sid in ("cm-iapt", "cm-secondary-mh"):
        assert "parent-infant-relationship" in reference.services[sid].not_addressed


def test_specialist_services_advise_and_train_the_other_tiers(reference):
    for kind in (RelationKind.ADVISES, RelationKind.TRAINS):
        for target in ("cm-universal", "cm-iapt", "cm-secondary-mh"):
            assert {"cm-pmhs", "cm-pimhs"} <= _sources_into(reference, target, kind)


def test_perinatal_and_parent_infant_overlap_is_marked_deliberate(reference):
    [overlap] = [o for o in reference.overlaps if "cm-pmhs" in o.services]
    assert set(overlap.services) == {"cm-pmhs", "cm-pimhs"}
    assert "one does not replace the need for the other" in overlap.note


def test_health_visiting_referral_targets_in_the_0_5_pathway(reference):
    # doc 001 lines 68, 112, 152-164, 174, 246: every target the health visitor refers to
    targets = {reference.name_of(r.target) for r in reference.relations
               if r.source == "p05-health-visiting" and r.kind is RelationKind.REFERS_TO}
    assert targets == {
        "Adult Mental Health Services", "Third sector (voluntary) organisations",
        "Mental health link worker", "Perinatal Mental Health Services",
        "Cruse Bereavement Support", "Team Around the Child (TAC) via the Common Assessment "
        "Framework (CAF)", "Children's Social Care", "Specialist mental health service",
        "CBT groups facilitated by the Mental Health Team", "Substance misuse teams",
        "Community drug and alcohol team (DAT)", "Parent-infant psychotherapy service",
        "Women's Aid", "Primary Infant Mental Health Services",
    }


def test_health_visiting_hands_over_to_school_nursing_at_3_to_5(reference):
    [handover] = [r for r in reference.relations if r.kind is RelationKind.HANDS_OVER_TO
                  and r.source == "p05-health-visiting"]
    assert handover.target == "p05-school-nursing"
    assert handover.stage_texts == ("3 - 5 years",)


def test_every_referral_target_named_in_the_0_5_pathway_is_present(reference):
    named = {"Adult Mental Health Services", "Mental health link worker",
             "Cruse Bereavement Support",
             "Sands (stillbirth and neonatal death charity)", "Mother and Baby Unit",
             "Perinatal psychiatrist (immediate access)",  # line 116, a service since issue 22
             "Named nurse for safeguarding", "Women's Aid",
             "Parent-infant psychotherapy service", "School Nursing Service"}
    targets = {reference.name_of(r.target) for r in reference.relations
               if r.provenance.source == "doc-001"}
    assert named <= targets


def test_perinatal_mental_health_lead_trains_the_workforce(reference):
    trained = {r.target for r in reference.relations
               if r.source == "pmhl-lead" and r.kind is RelationKind.TRAINS}
    assert {"midwife", "health-visitor", "gp", "mental-health-practitioner",
            "family-support-worker", "pmhl-social-care"} <= trained
    assert {"vig", "watch-wait-wonder"} <= set(reference.services["pmhl-lead"].interventions)


def test_scottish_imh_team_covers_conception_to_three(reference):
    imh = reference.services["scot-imh-team"]
    assert imh.span.start == -40 and imh.span.end == 156


# -- corrections of issue 13, each pinned to its passage ---------------------------------------

def _line(seeds, reference, source, line):
    return re.sub(r"\s+", " ", (seeds / reference.sources[source].file)
                  .read_text(encoding="utf-8").splitlines()[line - 1])


def test_dorset_self_referral_is_not_yet_a_route(reference, seeds):
    pmmhs = reference.services["dorset-pmmhs"]
    assert pmmhs.self_referral == "not-yet"
    assert pmmhs.self_referral_provenance.line == 35
    assert "is being explored with a view for future development" in _line(
        seeds, reference, "doc-002", 35)
    assert FAMILY not in _sources_into(reference, "dorset-pmmhs")
    assert "Families" in _line(seeds, reference, "doc-002", 31)


def test_the_maternal_mental_health_service_is_part_of_the_combined_service(reference, seeds):
    mmhs = reference.services["dorset-mmhs"]
    assert mmhs.part_of == "dorset-pmmhs" and mmhs.part_of_provenance.line == 14
    assert "Expansion of this service to include Maternal Mental Health" in _line(
        seeds, reference, "doc-002", 14)
    # the combined service's response times (line 39) apply to it through the parent
    assert [r.within for r in reference.response_times_of(mmhs)] == ["4 hours", "28 days"]
    # line 22: loss, trauma and tokophobia (including the parent-infant relationship) - not
    # maternal mental health in general
    assert "associated with loss, trauma and tokophobia" in _line(seeds, reference, "doc-002", 22)
    assert mmhs.concerns == {"perinatal-loss-bereavement", "birth-trauma-tokophobia",
                             "parent-infant-relationship"}
    assert mmhs.windows == ()  # the document states none
    assert any("not be well met in other services" in c.text for c in mmhs.eligibility)


def test_under_18s_are_discussed_with_camhs_first(reference, seeds):
    [under_18] = [c for c in reference.services["dorset-pmmhs"].eligibility
                  if c.type == "exclusion"]
    assert under_18.discuss_with == ("dorset-camhs",) and under_18.provenance.line == 11
    assert "discussed with Child and Adolescent Mental Health Services in the first instance" \
        in _line(seeds, reference, "doc-002", 11)


def test_the_24_7_crisis_routes_are_relations_for_emergencies(reference, seeds):
    rels = [r for r in reference.relations if r.provenance.source == "doc-002"
            and r.provenance.line == 27]
    assert {r.target for r in rels} == {"dorset-connection-service",
                                        "dorset-access-mental-health",
                                        "dorset-psychiatric-liaison", "dorset-crht"}
    # issue 22: the family's own way in ("via" these services, no referrer named), so route
    # searches from the family reach them
    assert {(r.source, r.kind, r.urgency) for r in rels} == {
        ("family", RelationKind.REFERS_TO, "emergency")}
    assert all("out of hours" in r.note.lower() for r in rels)
    assert "24 hours per day and 7 days per week" in _line(seeds, reference, "doc-002", 27)


def test_the_mbu_hand_over_is_entered_once(reference):
    hand_overs = [r for r in reference.relations if r.kind is RelationKind.HANDS_OVER_TO
                  and (r.source, r.target) == ("dorset-mbu", "dorset-pmmhs")]
    assert [r.provenance.line for r in hand_overs] == [23]


def test_doc_001_gives_no_window_to_services_it_only_names_in_a_cell(reference):
    # the stage of "refer to the Mother and Baby Unit" (doc-001:120) belongs to the relation
    columns = {c.service for c in reference.pathway}
    for service in ("p05-mother-and-baby-unit", "p05-pimh-specialist", "p05-sands",
                    "p05-bereavement-group", "p05-adult-mental-health-services",
                    "p05-school-nursing"):
        assert service not in columns
        assert reference.services[service].windows == (), service
    to_mbu = [r for r in reference.relations if r.target == "p05-mother-and-baby-unit"]
    assert to_mbu and all(r.stage_texts == ("1 week - 6/8 weeks",) for r in to_mbu)


def test_one_tier_policy_for_universal_services_in_every_area(reference):
    # GPs and midwifery are universal wherever carepath places them, marked as its own call
    for sid in ("dorset-general-practice", "dorset-midwifery"):
        svc = reference.services[sid]
        assert svc.tier == "universal"
        assert svc.tier_note.startswith("carepath's classification")
    for sid in ("p05-primary-care-gp", "p05-midwifery"):
        svc = reference.services[sid]
        assert svc.tier == "universal"
        assert svc.tier_note.startswith("carepath's classification")


# -- issue 22 s.3: the second audit, each pinned to its passage ----------------------------------

def test_dorset_duty_hours_are_data(reference):
    # doc-002:23 "The duty system to operate Monday to Friday 8 hours a day"
    svc = reference.services["dorset-pmmhs"]
    assert "Monday to Friday, 8 hours a day" in svc.hours
    assert svc.hours_provenance.ref == "doc-002:23"


def test_universal_partnership_plus_is_a_level_not_the_targeted_tier(reference):
    # doc-001 lines 62, 106: a health-visiting level
    assert "Universal Partnership Plus" not in reference.tiers["targeted"].aliases
    assert reference.levels["universal-partnership-plus"].name == "Universal Partnership Plus"


def test_direct_access_is_the_familys_own_route_with_its_condition(reference):
    # doc-001:178 "Direct access to mental health services psychology therapy for those with
    # previous mental health history if identified as necessary"
    [rel] = [r for r in reference.relations
             if r.provenance.source == "doc-001" and r.provenance.line == 178]
    assert (rel.source, rel.target) == ("family", "p05-mental-health-team")
    assert "previous mental health history" in rel.note


def test_pmh_lead_does_not_address_maternal_mental_health_on_an_evaluation_outcome(reference):
    # doc-004:11: the mother's mental health is an outcome of an evaluation, not a remit
    assert reference.services["pmhl-lead"].concerns == {"parent-infant-relationship"}


def test_preconception_counselling_for_the_well_at_high_risk(reference):
    # doc-002:23 "... and those who are well but at high risk of a postpartum condition"
    texts = [c.text for c in reference.services["dorset-pmmhs"].eligibility
             if c.provenance.line == 23]
    assert any("well but at high risk of a postpartum condition" in t for t in texts)


@pytest.mark.parametrize("source, line, kinds", [
    ("doc-000", 52, {RelationKind.ADVISES, RelationKind.TRAINS}),
    ("doc-000", 58, {RelationKind.ADVISES, RelationKind.TRAINS}),
    ("doc-003", 69, set(RelationKind)),
], ids=["doc-000-52-workforce", "doc-000-58-workforce", "doc-003-69-other-services"])
def test_unnamed_recipients_are_not_copied_from_other_lines(reference, source, line, kinds):
    # "the workforce", "other services": no recipient named, none copied from lines 34-42 / 79
    assert [r for r in reference.relations if r.kind in kinds
            and (r.provenance.source, r.provenance.line) == (source, line)] == []


@pytest.mark.parametrize("node, name", [("p05-sarac", "SARAC (sexual exploitation)"),
                                        ("p05-marac", "MARAC"), ("consultant", "Consultant")])
def test_names_keep_the_documents_words(reference, node, name):
    # doc-001:238 "SARAC - sexual exploitation", :237 "MARAC", :92 "Referral to Consultant"
    assert reference.name_of(node) == name


def test_immediate_access_to_a_perinatal_psychiatrist_surfaces_in_need(reference):
    # doc-001:116, in the Maternal Mental Health column (1 week - 6/8 weeks)
    from carepath.queries.routes import routes_for_need

    out = routes_for_need(reference, concern="maternal-mental-health", week=3,
                          area="pathway-0-5")
    row = out[out.target == "p05-perinatal-psychiatrist"]
    assert row.entry.tolist() == ["p05-maternal-mental-health"]
    assert "doc-001:116" in row.evidence.iloc[0]
