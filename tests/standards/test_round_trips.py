"""Golden round trips: export to HSDS, FHIR (JSON, XML, Bulk Data NDJSON), import, load. Every
relation comes back with all its conditions (access routes into a service, and advice,
training, collaboration and referrals to professions through carepath's attributes and
extensions), so do the services a service is part of, the pathway cells, what services
deliver, who staffs them, population need and response times; what does not come back is
exactly what the export's report lists as not held."""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path

import pytest

import carepath
from carepath.graph.model import Provenance, RelationKind, Statement
from carepath.standards.common import (
    holder_of,
    is_route,
    model_facts,
    pathway_fact,
    relation_fact,
)
from carepath.standards.fhir import import_fhir, to_fhir, write_fhir, write_ndjson
from carepath.standards.hsds import import_hsds, to_hsds, write_hsds

WAYS = {
    "hsds": lambda model, folder: (write_hsds(model, folder / "pkg"), import_hsds),
    "fhir-json": lambda model, folder: (write_fhir(model, folder / "b.json"), import_fhir),
    "fhir-xml": lambda model, folder: (write_fhir(model, folder / "b.xml"), import_fhir),
    "fhir-ndjson": lambda model, folder: (_ndjson(model, folder / "nd"), import_fhir),
}


def _ndjson(model, folder: Path):
    """The model as Bulk Data NDJSON alone (the Bundle's text takes a minute at region scale;
    ``write_fhir(..., ndjson=)`` writes both: tests/standards/test_fhir.py)."""
    done = to_fhir(model)
    return dataclasses.replace(done, artifact=write_ndjson(done.artifact, folder))


def _round_trip(model, folder: Path, way: str):
    done, importer = WAYS[way](model, folder)
    result = importer(done.artifact, folder / "back")
    return done.report, carepath.load(folder / "back"), result


def statements(model) -> Counter:
    """Every relation, and every service's part_of, as comparable facts."""
    out = Counter(relation_fact(r) for r in model.relations)
    out.update(("part_of", s.id, s.part_of) for s in model.services.values() if s.part_of)
    return out


@pytest.fixture(scope="module", params=sorted(WAYS))
def round_trip(request, reference, tmp_path_factory):
    return _round_trip(reference, tmp_path_factory.mktemp(request.param), request.param)


def test_every_relation_comes_back_with_its_conditions(reference, round_trip):
    _, back, _ = round_trip
    before = statements(reference)
    kinds = {RelationKind(f[1]) for f in before if f[0] == "relation"}
    assert kinds >= {RelationKind.REFERS_TO, RelationKind.SIGNPOSTS_TO,
                     RelationKind.HANDS_OVER_TO, RelationKind.ADVISES, RelationKind.TRAINS,
                     RelationKind.COLLABORATES_WITH}
    assert any(not is_route(reference, r) for r in reference.relations)
    assert any(f[0] == "part_of" for f in before)
    conditioned = [f for f in before if f[0] == "relation" and (f[4] or f[5] or f[6] or f[7]
                                                                 or f[9])]
    assert len(conditioned) > 20  # stages, concerns, severities, urgency, levels are checked
    assert statements(back) == before  # each one, as often as the reference states it


def test_pathway_cells_come_back(reference, round_trip):
    _, back, _ = round_trip
    assert reference.pathway
    assert Counter(map(pathway_fact, back.pathway)) == Counter(map(pathway_fact,
                                                                   reference.pathway))
    assert Counter((pathway_fact(c), c.window) for c in back.pathway) == Counter(
        (pathway_fact(c), c.window) for c in reference.pathway)


def test_self_referral_hours_and_seen_at_windows_survive(reference, round_trip):
    _, back, _ = round_trip
    fields = ("self_referral", "hours", "window_kind", "valid_from", "valid_to")
    for sid, svc in reference.services.items():
        other = back.services[sid]
        assert [getattr(other, f) for f in fields] == [getattr(svc, f) for f in fields], sid
    assert any(s.window_kind == "seen-at" for s in reference.services.values())
    assert any(s.self_referral for s in reference.services.values())


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
    assert set(kinds) == {"criterion-conditions", "overlap", "service-condition",
                          "service-commitment", "service-flag", "criterion-discuss-with"} | (
        {"area-births"} if any(a.births_per_year for a in reference.areas.values()) else set())
    assert not [p for p in result.warnings if p.code in ("unknown-referrer", "unknown-parent")]


def _with_relation_between_professions(model):
    """The model with a relation no directory record can carry: between two professions
    (made in code; the reference has none)."""
    st = Statement("s-test-advice", RelationKind.ADVISES, "gp", ("health-visitor",),
                   Provenance("doc-002", 31))
    return dataclasses.replace(model, statements=[*model.statements, st])


@pytest.mark.parametrize("convert", [to_hsds, to_fhir], ids=["hsds", "fhir"])
def test_the_report_names_each_relation_it_cannot_hold_and_no_other(reference, convert):
    assert all(holder_of(reference, r) for r in reference.relations)
    assert "relations:" not in " ".join(convert(reference).report.not_held)
    model = _with_relation_between_professions(reference)
    report = convert(model).report
    assert [k for k in report.not_held if k.startswith("relations")] == ["relations: advises"]
    assert "s-test-advice/health-visitor" in report.markdown()
    assert sum(1 for f in report.facts if f[0] == "relation") == 1


# -- the region preset --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def region(tmp_path_factory) -> carepath.Model:
    """``carepath synth --preset region``: about 2,400 services and 130,000 relations."""
    from carepath.synth import preset, synthesize, write_system

    size = preset("region")
    system = synthesize(areas=size.areas, services_per_area=size.services_per_area, seed=0)
    return carepath.load(write_system(system, tmp_path_factory.mktemp("region") / "data",
                                      fmt="csv"))


@pytest.mark.parametrize("way", ["hsds", "fhir-ndjson"])
def test_region_round_trip_brings_every_relation_back(region, tmp_path, way):
    report, back, _ = _round_trip(region, tmp_path, way)
    assert len(region.relations) > 100_000
    assert any(not is_route(region, r) for r in region.relations)
    assert statements(back) == statements(region)
    assert Counter(map(pathway_fact, back.pathway)) == Counter(map(pathway_fact,
                                                                   region.pathway))
    assert model_facts(region) - model_facts(back) == report.facts
