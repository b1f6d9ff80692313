"""The synthetic system: deterministic, loadable in both formats, and its planted gaps and
overlaps found by the analyses. Small sizes only (the national preset is for benchmarks/)."""

from __future__ import annotations

from pathlib import Path

import pytest

import carepath
from carepath.synth import PLANTED_FILE, preset, synthesize, write_system
from tests.conftest import cli, run_cli

SMALL = preset("small")


@pytest.fixture(scope="module")
def small_system() -> carepath.synth.SyntheticSystem:
    return synthesize(areas=SMALL.areas, services_per_area=SMALL.services_per_area, seed=0)


@pytest.fixture(scope="module")
def small_yaml(tmp_path_factory, small_system) -> Path:
    return write_system(small_system, tmp_path_factory.mktemp("synth") / "yaml", fmt="yaml")


@pytest.fixture(scope="module")
def small_model(small_yaml) -> carepath.Model:
    return carepath.load(small_yaml)


@pytest.fixture(scope="module")
def many_areas(tmp_path_factory) -> tuple[carepath.synth.SyntheticSystem, carepath.Model]:
    """Seven small areas: enough for the plants that only some areas get (no parent-infant
    team, a perinatal team that starts late and stops early)."""
    system = synthesize(areas=7, services_per_area=40, seed=1)
    folder = write_system(system, tmp_path_factory.mktemp("synth") / "seven", fmt="csv")
    return system, carepath.load(folder)


# -- determinism ------------------------------------------------------------------------------

def test_same_seed_same_system():
    a = synthesize(areas=2, services_per_area=60, seed=11)
    b = synthesize(areas=2, services_per_area=60, seed=11)
    assert (a.services, a.relations, a.overlaps, a.planted) == (
        b.services, b.relations, b.overlaps, b.planted)


def test_other_seed_other_system():
    a = synthesize(areas=2, services_per_area=60, seed=11)
    b = synthesize(areas=2, services_per_area=60, seed=12)
    assert a.relations != b.relations


def test_same_seed_same_files(tmp_path, small_system, small_yaml):
    again = write_system(synthesize(areas=1, services_per_area=200, seed=0), tmp_path / "again")
    for name in ("sources.yaml", "areas/synth-01.yaml", PLANTED_FILE):
        assert (again / name).read_bytes() == (small_yaml / name).read_bytes(), name


# -- shape ------------------------------------------------------------------------------------

def test_small_preset_size(small_system):
    counts = small_system.counts()
    assert counts["areas"] == 1 and counts["services"] == 200
    assert counts["referrals"] > 20 * counts["services"]  # referrals dominate, as nationally


def test_real_vocabulary_and_every_tier(small_model):
    tiers = {s.tier for s in small_model.services.values()}
    assert set(small_model.tiers) <= tiers
    assert {r.source for r in small_model.relations} >= {"gp", "midwife", "health-visitor",
                                                         "family"}


def test_referrals_go_up_the_tiers(small_model):
    rank = {t.id: t.rank for t in small_model.tiers.values()}
    up = down = 0
    for rel in small_model.relations:
        a = small_model.services.get(rel.source)
        b = small_model.services.get(rel.target)
        if rel.kind.value == "refers_to" and a and b and a.tier and b.tier:
            if rank[b.tier] > rank[a.tier]:
                up += 1
            elif rank[b.tier] < rank[a.tier]:
                down += 1
    assert up > 10 * down


def test_mother_and_baby_units_are_regional(many_areas):
    _, model = many_areas
    crossing = [r for r in model.relations
                if r.source in model.services and r.target in model.services
                and model.services[r.source].area != model.services[r.target].area]
    assert crossing
    assert all(model.services[r.target].tier in ("inpatient", "specialist-perinatal")
               for r in crossing)
    assert len({s.area for s in model.services.values() if s.tier == "inpatient"}) < len(
        model.areas)


def test_every_fact_cites_the_synthetic_source(small_model):
    assert list(small_model.sources) == ["synthetic"]
    source = small_model.sources["synthetic"]
    assert "not a real document" in source.title
    provenances = [s.provenance for s in small_model.services.values()]
    provenances += [r.provenance for r in small_model.relations]
    assert all(p.source == "synthetic" and p.line for p in provenances)


# -- loading -------------------------------------------------------------------------------

def test_small_preset_loads_validates_and_builds(tmp_path, small_yaml, small_system):
    from carepath.build import build

    result = build([small_yaml], out=tmp_path / "build", shacl=True)
    counts = result.model.counts()
    assert counts["services"] == small_system.counts()["services"]
    assert counts["relations"] == small_system.counts()["relations"]
    assert result.warnings == []
    assert result.triples > 2 * counts["relations"]  # a direct edge and a cp:target each
    assert (tmp_path / "build" / "graph.lbdb").exists()


def test_csv_and_yaml_load_to_the_same_model(tmp_path, small_system, small_model):
    csv_model = carepath.load(write_system(small_system, tmp_path / "csv", fmt="csv"))
    assert csv_model.counts() == small_model.counts()
    assert sorted(r.id for r in csv_model.relations) == sorted(
        r.id for r in small_model.relations)
    assert csv_model.services == small_model.services


# -- planted gaps and overlaps ---------------------------------------------------------------

def _found(model: carepath.Model, plant: dict) -> bool:
    if plant["analysis"] == "gaps":
        from carepath.queries.gaps import gaps

        rows = gaps(model, area=plant["area"], kinds=[plant["kind"]])
        rows = rows[rows.subject == plant["subject"]]
        for column in ("stage", "tier"):
            if column in plant:
                rows = rows[rows[column] == plant[column]]
        return not rows.empty
    from carepath.queries.overlaps import overlaps

    rows = overlaps(model, area=plant["area"])
    return any(kind == plant["kind"] and set(services) == set(plant["subject"])
               for kind, services in zip(rows.kind, rows.services, strict=True))


PLANT_KINDS = ["no-route-to-specialist", "no-inbound-referral", "unstated-window", "transition",
               "stage-tier", "missing-tier", "same-cell", "duplicate-route", "deliberate"]


@pytest.mark.parametrize("kind", PLANT_KINDS)
def test_planted_found(kind, small_system, small_model, many_areas):
    cases = [(small_model, p) for p in small_system.planted if p["kind"] == kind]
    cases += [(many_areas[1], p) for p in many_areas[0].planted if p["kind"] == kind]
    assert cases, f"nothing of kind {kind} was planted"
    missed = [p for model, p in cases if not _found(model, p)]
    assert not missed


def test_deliberate_pair_is_marked(small_system, small_model):
    from carepath.queries.overlaps import overlaps

    [pair] = [p["subject"] for p in small_system.planted if p["kind"] == "same-cell"]
    rows = overlaps(small_model, area="synth-01")
    row = rows[rows.services.map(lambda s: s == pair)].iloc[0]
    assert row.kind == "same-cell" and row.deliberate


def test_planted_file_lists_the_plants(small_yaml, small_system):
    import json

    assert json.loads((small_yaml / PLANTED_FILE).read_text("utf-8")) == small_system.planted


# -- the command ---------------------------------------------------------------------------

def test_cli_writes_a_folder_it_can_replace(tmp_path):
    out = tmp_path / "small"
    for _ in range(2):  # the second run replaces its own earlier output
        proc = run_cli("synth", "--areas", "1", "--services-per-area", "40", "--seed", "3",
                       "--format", "csv", "-o", str(out))
        assert proc.returncode == 0, proc.stderr
    assert (out / "relations.csv").exists()
    assert carepath.load(out).counts()["services"] == 40


@pytest.mark.parametrize("args, message", [
    pytest.param(["--preset", "huge"], "unknown preset 'huge'", id="unknown-preset"),
    pytest.param(["--areas", "0", "--services-per-area", "40"], "--areas must be between",
                 id="no-areas"),
    pytest.param(["--areas", "2", "--services-per-area", "5"],
                 "--services-per-area must be between", id="too-few-services"),
    pytest.param(["--preset", "small", "--format", "xml"], "unknown --format 'xml'",
                 id="unknown-format"),
    pytest.param([], "give --preset", id="no-size"),
])
def test_cli_bad_arguments(tmp_path, args, message):
    proc = cli("synth", *args, "-o", str(tmp_path / "out"))
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("error:")
    assert message in proc.stderr
    assert not (tmp_path / "out").exists()


def test_cli_refuses_a_folder_of_other_files(tmp_path):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    proc = cli("synth", "--preset", "small", "-o", str(tmp_path))
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1
    assert "not written by carepath" in proc.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
