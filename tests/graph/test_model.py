from carepath import RelationKind
from carepath.graph.stages import Interval


def test_relation_kind_names_in_each_view():
    assert RelationKind.COLLABORATES_WITH.graph_type == "COLLABORATES_WITH"
    assert RelationKind.COLLABORATES_WITH.rdf_name == "collaboratesWith"


def test_service_windows_cover_canonical_stages(tiny):
    pmh = tiny.services["tiny-pmh"]
    assert pmh.span == Interval(-40, 104)
    assert tiny.stages_covered(pmh) == ["pregnancy", "weeks-0-6", "weeks-6-8", "months-2-6",
                                        "months-6-12", "years-1-2"]
    assert not pmh.covers(tiny.stages["years-2-3"].interval)


def test_addresses_concern_respects_severity(tiny):
    pmh = tiny.services["tiny-pmh"]
    assert pmh.addresses_concern("maternal-mental-health", "severe")
    assert not pmh.addresses_concern("maternal-mental-health", "mild")
    assert not pmh.addresses_concern("parent-infant-relationship")


def test_relation_conditions_restrict_only_when_stated(reference):
    hv_to_school = next(r for r in reference.relations
                        if r.source == "p05-health-visiting" and r.target == "p05-school-nursing"
                        and r.kind is RelationKind.HANDS_OVER_TO)
    assert hv_to_school.applies(week=200)
    assert not hv_to_school.applies(week=20)
    unconditional = next(r for r in reference.relations if r.source == "gp"
                         and r.target == "dorset-pmmhs")
    assert unconditional.applies(week=-30, concern="perinatal-loss-bereavement")


def test_node_kinds_and_names(reference):
    assert reference.node_kind("nowhere") is None
    assert reference.name_of("family") == "Family (self-referral)"
    assert reference.name_of("cm-iapt") == reference.services["cm-iapt"].name
