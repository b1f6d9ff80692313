"""Build folders and the per-user cache: hits, invalidation, damage, other versions."""

from __future__ import annotations

import json
import shutil

import pytest

from carepath.build import MANIFEST, SNAPSHOT, build, open_build
from carepath.cache import clear, open_data
from carepath.errors import BuildError

from .conftest import FIXTURES, cli, run_cli


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("CAREPATH_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def data(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(FIXTURES / "tiny", folder)
    return folder


def test_the_second_question_is_a_cache_hit_with_the_same_model(cache, data):
    first = open_data([data])
    again = open_data([data])
    assert (first.hit, again.hit) == (False, True)
    assert again.model.services == first.model.services
    assert again.model.statements == first.model.statements


def test_a_changed_file_is_another_entry(cache, data):
    before = open_data([data])
    yaml_file = next(data.rglob("*.yaml"))
    yaml_file.write_text(yaml_file.read_text() + "\n# changed\n")
    after = open_data([data])
    assert not after.hit
    assert after.folder != before.folder


def test_a_damaged_snapshot_is_rebuilt_not_trusted(cache, data):
    entry = open_data([data])
    snapshot = entry.folder / SNAPSHOT
    snapshot.write_bytes(snapshot.read_bytes()[: len(snapshot.read_bytes()) // 2])
    again = open_data([data])
    assert again.model.services == entry.model.services
    assert not again.hit  # found damaged when read, and built again
    assert open_data([data]).hit  # and written whole again


def test_a_half_written_entry_is_rebuilt(cache, data):
    entry = open_data([data])
    (entry.folder / MANIFEST).unlink()  # as if the process died before the manifest
    assert not open_data([data]).hit
    assert open_data([data]).hit


def test_a_damaged_store_is_rebuilt(cache, data):
    entry = open_data([data])
    conn = entry.ladybug()
    n = conn.execute("MATCH (s:Service) RETURN count(*) AS n").get_as_df()["n"][0]
    conn.close()
    db = entry.folder / "graph.lbdb"
    db.write_bytes(b"not a database")
    conn = open_data([data]).ladybug()
    assert conn.execute("MATCH (s:Service) RETURN count(*) AS n").get_as_df()["n"][0] == n


def test_the_least_recently_used_entries_go_beyond_the_limit(cache, data, monkeypatch):
    monkeypatch.setenv("CAREPATH_CACHE_ENTRIES", "2")
    yaml_file = next(data.rglob("*.yaml"))
    text = yaml_file.read_text()
    entries = []
    for n in range(3):
        yaml_file.write_text(text + f"\n# version {n}\n")
        entries.append(open_data([data]).folder)
        if n == 1:  # the first is asked again: now the second is the least recently used
            yaml_file.write_text(text + "\n# version 0\n")
            assert open_data([data]).hit
    assert [e.exists() for e in entries] == [True, False, True]


def test_cache_clear_removes_the_entries(cache, data):
    open_data([data])
    result = cli("cache", "clear", env={"CAREPATH_CACHE_DIR": str(cache)})
    assert result.returncode == 0, result.stderr
    assert "removed 1 cached build" in result.stdout
    assert clear() == 0


def test_a_build_from_another_version_is_refused_with_the_reason(tmp_path):
    out = build(out=tmp_path / "b", shacl=False).out
    manifest = json.loads((out / MANIFEST).read_text())
    (out / MANIFEST).write_text(json.dumps({**manifest, "carepath": "0.0.1"}))
    with pytest.raises(BuildError, match="made by carepath 0.0.1 .* build it again"):
        open_build(out)
    result = run_cli("gaps", "--graph", str(out))
    assert result.returncode == 2
    assert "made by carepath 0.0.1" in result.stderr and "Traceback" not in result.stderr


def test_a_folder_that_is_not_a_build_is_refused(tmp_path):
    result = cli("info", "--graph", str(tmp_path))
    assert result.returncode == 2
    assert "is not a carepath build folder" in result.stderr


def test_commands_answer_the_same_from_a_build_folder(tmp_path):
    out = build(out=tmp_path / "b", shacl=False).out
    for args in (["gaps", "--area", "dorset"], ["refers", "--to", "dorset-pmmhs"],
                 ["query", "run", "who-refers-to", "--param", "service=dorset-pmmhs"],
                 ["query", "cypher", "MATCH (s:Service) RETURN count(*) AS n"]):
        from_sources = cli(*args, "--format", "csv")
        from_build = cli(*args, "--graph", str(out), "--format", "csv")
        assert from_sources.returncode == 0, from_sources.stderr
        assert from_build.returncode == 0, from_build.stderr
        assert from_build.stdout == from_sources.stdout
        assert from_build.stdout.strip()


def test_graph_and_data_together_are_refused(tmp_path):
    result = cli("info", "--graph", str(tmp_path), "--data", str(FIXTURES / "tiny"))
    assert result.returncode == 2
    assert "not both" in result.stderr


def test_a_build_folder_given_as_data_is_opened(tmp_path):
    out = build(out=tmp_path / "b", shacl=False).out
    by_data = cli("refers", "--to", "dorset-pmmhs", "--data", str(out), "--format", "csv")
    by_graph = cli("refers", "--to", "dorset-pmmhs", "--graph", str(out), "--format", "csv")
    assert by_data.returncode == 0, by_data.stderr
    assert by_data.stdout == by_graph.stdout and "dorset-pmmhs" in by_data.stdout


def test_typed_user_parameters_on_the_command_line():
    text = ("PREFIX cp: <https://w3id.org/carepath/ontology#> "
            "SELECT ?a WHERE { ?s cp:inArea ?a }")
    typed = cli("query", "sparql", text, "--param", "s:service=dorset-pmmhs",
                "--format", "csv")
    assert typed.returncode == 0, typed.stderr
    assert typed.stdout.split() == ["a", "dorset"]
    plain = cli("query", "sparql", text, "--param", "s=dorset-pmmhs", "--format", "csv")
    assert plain.stdout.split() == ["a"]  # a string is not the service
    bad = cli("query", "sparql", text, "--param", "s:place=x")
    assert bad.returncode == 2 and "unknown type 'place'" in bad.stderr
