"""The model by area (:mod:`carepath.parts`): a question about one area or one service asked of
that area's part answers with exactly the rows of the whole model, on the reference data and on
the region preset (every area; a sample of services), so the split cannot drift from what the
analyses read."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import carepath
from carepath.build import BuildError, build, open_build
from carepath.card import card
from carepath.directory import directory
from carepath.graph.stages import parse_age
from carepath.parts import INDEX, PARTS, Parts, read_parts, split, write_parts
from carepath.queries.eligibility import eligible
from carepath.queries.gaps import gaps
from carepath.queries.overlaps import overlaps
from carepath.queries.referrals import referrals
from carepath.queries.routes import routes_for_need
from carepath.synth import preset, synthesize, write_system

WEEK = parse_age("4m")  # the age the questions ask at


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[carepath.Model, Parts]:
    model = carepath.load_reference()
    folder = tmp_path_factory.mktemp("reference")
    write_parts(model, folder)
    return model, Parts(folder)


@pytest.fixture(scope="module")
def region(tmp_path_factory) -> tuple[carepath.Model, Parts]:
    size = preset("region")
    system = synthesize(areas=size.areas, services_per_area=size.services_per_area, seed=0)
    data = write_system(system, tmp_path_factory.mktemp("region") / "data", fmt="csv")
    model = carepath.load(data)
    folder = tmp_path_factory.mktemp("region-parts")
    write_parts(model, folder)
    return model, Parts(folder)


def _same(whole: pd.DataFrame, part: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(whole.reset_index(drop=True), part.reset_index(drop=True))


def _concerns(model: carepath.Model, area: str, most: int) -> list[str]:
    """Concerns the area's services address (the first ``most`` by id), else the first
    concern."""
    found = sorted({c for s in model.services_in(area) for c in s.concerns})
    return found[:most] or sorted(model.concerns)[:1]


def _area_questions(model: carepath.Model, parts: Parts, area: str, concerns: int = 2) -> None:
    one = parts.model([area])
    _same(directory(model, area=area), directory(one, area=area))
    _same(directory(model, area=area, search="birth trauma"),
          directory(one, area=area, search="birth trauma"))
    _same(gaps(model, area=area), gaps(one, area=area))
    _same(referrals(model, area=area), referrals(one, area=area))
    _same(overlaps(model, area=area), overlaps(one, area=area))
    for concern in _concerns(model, area, concerns):
        _same(routes_for_need(model, concern=concern, week=WEEK, area=area),
              routes_for_need(one, concern=concern, week=WEEK, area=area))
        _same(eligible(model, week=WEEK, concern=concern, area=area),
              eligible(one, week=WEEK, concern=concern, area=area))


def _service_questions(model: carepath.Model, one: carepath.Model, service: str) -> None:
    """``one``: the model of the service's area (:meth:`Parts.model`)."""
    _same(referrals(model, target=service), referrals(one, target=service))
    _same(referrals(model, source=service), referrals(one, source=service))
    every = [k.value for k in carepath.graph.model.RelationKind]
    _same(referrals(model, target=service, kinds=every),
          referrals(one, target=service, kinds=every))
    assert (card(model, "service", service, most=None).as_dict()
            == card(one, "service", service, most=None).as_dict())


def _sample(model: carepath.Model, every: int) -> list[str]:
    """Every ``every``-th service, the most referred-to, and each service with a relation
    statement into another area or a part of another (the cross-area ends)."""
    services = list(model.services)
    picked = set(services[::every])
    counts: dict[str, int] = {}
    for st in model.statements:
        for t in st.targets:
            counts[t] = counts.get(t, 0) + 1
        ends = [e for e in (st.source, *st.targets) if e in model.services]
        if len({model.services[e].area for e in ends}) > 1:
            picked.update(ends)
    picked.update(s.id for s in model.services.values() if s.part_of)
    picked.add(max((s for s in counts if s in model.services), key=counts.get))
    return sorted(picked)


def test_reference_every_area_same_rows(reference):
    model, parts = reference
    for area in model.areas:
        _area_questions(model, parts, area)


def test_reference_every_service_same_rows(reference):
    model, parts = reference
    _services_same_rows(model, parts, model.services)


def _services_same_rows(model: carepath.Model, parts: Parts, services) -> None:
    by_area: dict[str, carepath.Model] = {}
    for service in services:
        area = parts.area_of(service)
        if area not in by_area:
            by_area[area] = parts.model([area])
        _service_questions(model, by_area[area], service)


def test_region_every_area_same_rows(region):
    model, parts = region
    assert len(model.areas) == preset("region").areas
    for area in model.areas:
        _area_questions(model, parts, area, concerns=1)


def test_region_sample_of_services_same_rows(region):
    model, parts = region
    sample = _sample(model, every=97)
    assert len(sample) >= 25
    _services_same_rows(model, parts, sample)


def test_areas_read_together_are_the_model_in_order(reference):
    """Every area's part read together holds every service and every statement that names a
    service, once each and in the model's order."""
    model, parts = reference
    together = parts.model(model.areas)
    assert list(together.services) == list(model.services)
    named = [st for st in model.statements
             if any(e in model.services for e in (st.source, *st.targets))]
    assert together.statements == named
    assert parts.model(model.areas, rest=True).statements == model.statements
    assert together.areas == model.areas and together.concerns == model.concerns


def test_an_area_holds_the_other_ends_of_its_statements(region):
    """The region preset's odd areas refer to the Mother and Baby Unit of the area before
    them: that unit is in the referring area's part, its own area's statements are not."""
    model, _ = region
    parts, where = split(model)
    services = list(model.services.values())
    for held in parts.values():
        mine = {services[i].id for i in held["services"]}
        for j in held["statements"]:
            st = model.statements[j]
            assert {e for e in (st.source, *st.targets) if e in model.services} <= mine
    crossing = [area for area, held in parts.items()
                if any(where[services[i].id] != area for i in held["services"])]
    assert crossing, "the region preset has relations between areas"


@pytest.fixture(scope="module")
def reference_build(tmp_path_factory) -> Path:
    return build(out=tmp_path_factory.mktemp("build") / "out", shacl=False).out


def test_build_model_of_an_area_and_a_service(reference_build):
    opened = open_build(reference_build)
    dorset = opened.model_of(areas=["dorset"])
    assert "dorset-pmmhs" in dorset.services and "p05-cruse" not in dorset.services
    cruse = opened.model_of(services=["p05-cruse"])
    assert "p05-cruse" in cruse.services
    assert opened.model_of(areas=[]).services == {}  # the vocabularies and areas alone
    whole = opened.model
    assert opened.model_of(services=["no-such-service"]) is whole
    assert open_build(reference_build).model_of().services == whole.services


def test_build_refuses_a_changed_part(tmp_path, reference_build):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(reference_build, copy, symlinks=True)
    index = json.loads((copy / PARTS / INDEX).read_text(encoding="utf-8"))
    name = index["areas"]["dorset"][0]
    (copy / PARTS / name).write_text("[]\n", encoding="utf-8")
    with pytest.raises(BuildError, match=f"{PARTS}/{name} is not the file the build wrote"):
        open_build(copy).model_of(areas=["dorset"])


def test_read_parts_names_a_missing_folder(tmp_path):
    with pytest.raises(ValueError, match=f"cannot read {PARTS}/{INDEX}"):
        read_parts(tmp_path, areas=["dorset"])
