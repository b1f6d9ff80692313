"""The route searches over the route graph of arrays give the same rows as the networkx search
they replaced (tests/queries/networkx_routes.py), on the reference data, the routes town and
the region preset, read from memory and from a build folder; and the build's route graph
part is read-only, its own, and refused when damaged."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

import carepath
from carepath.build import ROUTES, BuildError, build, open_build, write_routes
from carepath.graph.routegraph import RouteGraph, make_route_graph, route_graph_of
from carepath.queries.routes import referral_routes, routes_for_need, shortest_route
from carepath.synth import synthesize, write_system

from . import networkx_routes as before

ANALYSIS = Path(__file__).parents[1] / "data" / "analysis"
ALL_KINDS = ("refers_to", "signposts_to", "hands_over_to", "collaborates_with", "advises",
             "steps_up_to")


def same(model, source, target, **options):
    """The rows of both searches, all routes and the shortest, compared whole."""
    for shortest in (False, True):
        old = before.routes(model, source, target, shortest=shortest, **options)
        find = shortest_route if shortest else referral_routes
        new = find(model, source, target, **options)
        pd.testing.assert_frame_equal(new, old, check_dtype=False)
    return len(old)


SITUATIONS = [
    pytest.param({}, id="anyone"),
    pytest.param({"week": 4}, id="4-weeks"),
    pytest.param({"week": 17, "concern": "maternal-mental-health", "severity": "moderate"},
                 id="4-months-moderate-maternal-mental-health"),
    pytest.param({"week": 130}, id="30-months-by-discussion"),
    pytest.param({"week": -20, "concern": "anxiety"}, id="pregnancy-anxiety"),
    pytest.param({"severity": "severe", "max_hops": 3}, id="severe-3-hops"),
    pytest.param({"kinds": ALL_KINDS, "max_hops": 3}, id="every-kind"),
    pytest.param({"week": 4, "births": 2000}, id="small-board"),
]


# -- the reference data -------------------------------------------------------------------------

@pytest.mark.parametrize("options", SITUATIONS)
@pytest.mark.parametrize(("source", "target"), [
    pytest.param("health-visitor", "dorset-pmmhs", id="profession-to-service"),
    pytest.param("gp", "dorset-pmmhs", id="gp-to-dorset"),
    pytest.param("family", "inpatient", id="family-to-every-mbu"),
    pytest.param("p05-health-visiting", "p05-adult-mental-health-services",
                 id="service-to-service"),
    pytest.param("p05-maternal-mental-health", "inpatient", id="service-to-tier"),
    pytest.param("midwife", "specialist perinatal", id="words"),
    pytest.param("dorset-general-practice", "gp", id="service-to-its-staff"),
    pytest.param("relatives", "dorset-mmhs", id="into-a-part"),
    pytest.param("scot-imh-team", "inpatient", id="board-size"),
])
def test_reference_routes_as_before(reference, source, target, options):
    same(reference, source, target, **options)


@pytest.mark.parametrize(("concern", "severity", "week", "area"), [
    pytest.param("maternal-mental-health", "moderate", 17, "dorset", id="dorset-4-months"),
    pytest.param("maternal-mental-health", None, 4, None, id="every-area-4-weeks"),
    pytest.param("parent-infant-relationship", None, 26, None, id="relationship-6-months"),
])
def test_reference_routes_for_need_as_before(reference, concern, severity, week, area):
    old = before.routes_for_need(reference, concern=concern, severity=severity, week=week,
                                 area=area)
    new = routes_for_need(reference, concern=concern, severity=severity, week=week, area=area)
    assert len(new) > 0
    pd.testing.assert_frame_equal(new, old, check_dtype=False)


@pytest.fixture(scope="module")
def town():
    return carepath.load(ANALYSIS / "routes-town.yaml", ANALYSIS / "routes-other.yaml")


@pytest.mark.parametrize("options", SITUATIONS)
def test_town_routes_as_before(town, options):
    for source in ("health-visitor", "gp", "family"):
        for target in sorted(town.services)[:3] + ["specialist-perinatal"]:
            same(town, source, target, **options)


# -- the region preset --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def region(tmp_path_factory):
    preset = carepath.synth.preset("region")
    system = synthesize(areas=preset.areas, services_per_area=preset.services_per_area, seed=0)
    return carepath.load(write_system(system, tmp_path_factory.mktemp("region"), fmt="csv"))


@pytest.mark.parametrize(("source", "target", "options"), [
    pytest.param("synth-01-gp-002", "synth-01-mbu-001", {"max_hops": 3}, id="gp-practice-to-mbu"),
    pytest.param("family", "inpatient", {"max_hops": 3, "week": 17,
                                         "concern": "maternal-mental-health"},
                 id="family-to-every-mbu-at-4-months"),
    pytest.param("synth-02-hv-001", "specialist-perinatal",
                 {"max_hops": 3, "week": 4, "concern": "maternal-mental-health",
                  "severity": "severe"}, id="health-visiting-severe"),
    pytest.param("synth-03-gp-001", "gp", {"max_hops": 2}, id="practice-to-its-staff"),
    pytest.param("synth-05-gp-003", "synth-05-mbu-001", {"max_hops": 3, "kinds": ALL_KINDS},
                 id="every-kind"),
])
def test_region_routes_as_before(region, source, target, options):
    assert same(region, source, target, **options) > 0


def test_region_routes_for_need_as_before(region):
    old = before.routes_for_need(region, concern="birth-trauma-tokophobia", week=17,
                                 area="synth-02", max_hops=3)
    new = routes_for_need(region, concern="birth-trauma-tokophobia", week=17, area="synth-02",
                          max_hops=3)
    assert len(new) > 0
    pd.testing.assert_frame_equal(new, old, check_dtype=False)


# -- the build's part -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build(out=tmp_path_factory.mktemp("build") / "out", shacl=False).out


def test_the_build_writes_the_route_graph_and_routes_read_it(built, reference):
    opened = open_build(built)
    graph = opened.route_graph()
    made = make_route_graph(reference)
    assert graph.nodes == made.nodes and graph.edge_count == made.edge_count
    assert graph.edge_count == reference.relation_count + sum(
        1 for s in reference.services.values() if s.part_of) + sum(
        1 for s in reference.services.values() for p in s.professions
        if p in reference.professions)
    assert not graph.dst.flags.writeable  # memory-mapped read-only
    for model in (opened.model, open_build(built).names):  # the names need no relations
        for source, target in (("gp", "dorset-pmmhs"), ("family", "inpatient"),
                               ("relatives", "dorset-mmhs")):
            for week in (None, 4, 130):
                for find in (referral_routes, shortest_route):
                    pd.testing.assert_frame_equal(
                        find(model, source, target, week=week),
                        find(reference, source, target, week=week), check_dtype=False)
        assert isinstance(model._route_graph, RouteGraph)


def test_another_builds_route_graph_is_refused(built, tmp_path, tiny):
    copy = tmp_path / "copy"
    shutil.copytree(built, copy)
    shutil.rmtree(copy / ROUTES)
    write_routes(tiny, copy, {"content_hash": "another", "carepath": "0", "model_schema": "x"})
    with pytest.raises(BuildError, match="made for another build"):
        open_build(copy).route_graph()


def test_a_damaged_route_graph_is_refused(built, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(built, copy)
    (copy / ROUTES / "dst.npy").write_bytes(b"not an array")
    with pytest.raises(BuildError, match=r"routes cannot be used .*build it again"):
        open_build(copy).route_graph()


def test_a_linked_route_graph_is_refused(built, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(built, copy)
    shutil.rmtree(copy / ROUTES)
    (copy / ROUTES).symlink_to(built / ROUTES)
    with pytest.raises(BuildError, match="is a link"):
        open_build(copy).route_graph()


def test_a_build_without_the_part_makes_the_graph_from_its_model(built, tmp_path, reference):
    copy = tmp_path / "copy"
    shutil.copytree(built, copy)
    shutil.rmtree(copy / ROUTES)
    model = open_build(copy).model
    assert route_graph_of(model).edge_count == make_route_graph(reference).edge_count
    assert referral_routes(model, "gp", "dorset-pmmhs")["names"].tolist() == \
        referral_routes(reference, "gp", "dorset-pmmhs")["names"].tolist()


def test_the_cache_writes_the_route_graph_on_first_use(tmp_path, monkeypatch):
    from carepath.cache import open_data

    monkeypatch.setenv("CAREPATH_CACHE_DIR", str(tmp_path))
    entry = open_data([ANALYSIS / "routes-town.yaml", ANALYSIS / "routes-other.yaml"])
    assert not (entry.folder / ROUTES).exists()
    rows = referral_routes(entry.model, "health-visitor", "specialist-perinatal")
    assert (entry.folder / ROUTES).is_dir()
    again = open_data([ANALYSIS / "routes-town.yaml", ANALYSIS / "routes-other.yaml"])
    assert again.hit
    pd.testing.assert_frame_equal(
        referral_routes(again.names, "health-visitor", "specialist-perinatal"), rows)


def test_the_command_line_reads_names_and_the_route_graph_for_routes(built, reference):
    from carepath.cli._common import load_routes

    model = load_routes(None, built)
    assert not model.statements  # the million relations are not read
    pd.testing.assert_frame_equal(shortest_route(model, "family", "inpatient", week=4),
                                  shortest_route(reference, "family", "inpatient", week=4))
