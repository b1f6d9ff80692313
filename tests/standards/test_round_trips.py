"""Golden round trips of the reference data: export to HSDS or FHIR, import, load. Every access
route into a service comes back with all its conditions, and so do what services deliver, who
staffs them, population need and response times; what does not come back is exactly what the
export's report lists as not held."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

import carepath
from carepath.graph.model import RelationKind
from carepath.standards.common import is_route, model_facts, relation_fact
from carepath.standards.fhir import import_fhir, write_fhir
from carepath.standards.hsds import import_hsds, write_hsds

WAYS = {
    "hsds": lambda model, folder: (write_hsds(model, folder / "pkg"), import_hsds),
    "fhir-json": lambda model, folder: (write_fhir(model, folder / "b.json"), import_fhir),
    "fhir-xml": lambda model, folder: (write_fhir(model, folder / "b.xml"), import_fhir),
}


@pytest.fixture(scope="module", params=sorted(WAYS))
def round_trip(request, reference, tmp_path_factory):
    folder: Path = tmp_path_factory.mktemp(request.param)
    done, importer = WAYS[request.param](reference, folder)
    result = importer(done.artifact, folder / "back")
    return done.report, carepath.load(folder / "back"), result


def test_every_access_route_comes_back_with_its_conditions(reference, round_trip):
    _, back, _ = round_trip
    routes = Counter(relation_fact(r) for r in reference.relations if is_route(reference, r))
    assert {RelationKind(f[1]) for f in routes} >= {
        RelationKind.REFERS_TO, RelationKind.SIGNPOSTS_TO, RelationKind.HANDS_OVER_TO}
    conditioned = [f for f in routes if f[4] or f[5] or f[6] or f[7] or f[9]]
    assert len(conditioned) > 20  # stages, concerns, severities, urgency, levels are checked
    back_routes = Counter(relation_fact(r) for r in back.relations)
    assert back_routes == routes  # each one, as often as the reference states it


def test_delivers_staffed_by_need_and_response_times_survive(reference, round_trip):
    _, back, _ = round_trip
    for sid, svc in reference.services.items():
        other = back.services[sid]
        assert (other.professions, other.interventions, other.need_min, other.need_max,
                other.need_note) == (svc.professions, svc.interventions, svc.need_min,
                                     svc.need_max, svc.need_note), sid
        assert [(r.urgency, r.within, r.hours) for r in other.response_times] == [
            (r.urgency, r.within, r.hours) for r in svc.response_times], sid
    assert sum(len(s.professions) for s in reference.services.values()) > 0
    assert sum(len(s.response_times) for s in reference.services.values()) > 0


def test_what_does_not_come_back_is_exactly_what_the_report_lists(reference, round_trip):
    report, back, result = round_trip
    before, after = model_facts(reference), model_facts(back)
    assert after - before == set()  # nothing invented
    assert before - after == report.facts
    kinds = Counter(f[0] for f in report.facts)
    assert set(kinds) == {"relation", "criterion-conditions", "overlap", "pathway"} | (
        {"area-births"} if any(a.births_per_year for a in reference.areas.values()) else set())
    assert not [p for p in result.warnings if p.code == "unknown-referrer"]


def test_the_report_names_each_relation_it_cannot_hold(reference, round_trip):
    report, _, _ = round_trip
    text = report.markdown()
    not_held = [r for r in reference.relations if not is_route(reference, r)]
    assert not_held and all(r.id in text for r in not_held)
