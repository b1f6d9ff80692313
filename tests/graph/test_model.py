import typing

import pytest

from carepath import RelationKind
from carepath.graph import model as model_module
from carepath.graph.stages import Interval
from carepath.loaders import records


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


@pytest.mark.parametrize("record, field, model_type", [
    pytest.param("ServiceRec", "window_kind", "WindowKind", id="window-kind"),
    pytest.param("SelfReferralRec", "status", "SelfReferral", id="self-referral"),
    pytest.param("CriterionRec", "type", "CriterionType", id="criterion-type"),
])
def test_the_loader_accepts_exactly_the_models_literal_values(record, field, model_type):
    annotation = getattr(records, record).model_fields[field].annotation
    assert typing.get_args(annotation) == typing.get_args(getattr(model_module, model_type))
