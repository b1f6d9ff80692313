"""carepath export neo4j-csv: the files really load, with neo4j-admin and with load.cypher."""

from __future__ import annotations

import copy
import csv
import dataclasses
import io
import re

from neo4j import GraphDatabase

from carepath.servers.neo4j import graph_counts, model_counts
from carepath.servers.neo4j_csv import neo4j_csv_files, write_neo4j_csv

from ..conftest import cli
from .conftest import import_from_csv, library_mismatches


def _counts(server):
    return graph_counts(server.uri, user=server.user, password=server.password)


def _statements(script: str) -> list[str]:
    """A cypher-shell script's statements, without comments and :param lines."""
    out = []
    for chunk in re.split(r";\s*\n", script):
        lines = [ln for ln in chunk.splitlines() if not ln.startswith(("//", ":"))]
        if "".join(lines).strip():
            out.append("\n".join(lines))
    return out


def _run_script(server, script: str, **params) -> None:
    with GraphDatabase.driver(server.uri, auth=(server.user, server.password)) as driver, \
            driver.session() as session:
        for statement in _statements(script):
            session.run(statement, **params).consume()  # auto-commit: CALL IN TRANSACTIONS


def test_neo4j_admin_import_loads_the_csv_files(neo4j_server, reference):
    """The session's Neo4j started on the database neo4j-admin-import.sh made (redone here if
    another test already emptied it)."""
    server = neo4j_server
    if not server.pristine:
        server.stop()
        import_from_csv(server, reference)
        server.start()
    result = server.admin_import_result
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "IMPORT DONE" in result.stdout
    assert _counts(server) == model_counts(reference)
    assert library_mismatches(server, reference) == []

    _run_script(server, (server.import_dir / "constraints.cypher").read_text(encoding="utf-8"))
    with GraphDatabase.driver(server.uri, auth=(server.user, server.password)) as driver:
        names = {r["name"] for r in driver.execute_query("SHOW CONSTRAINTS YIELD name").records}
    assert len([n for n in names if n.startswith("carepath_")]) == 11  # PathwayCell, Unnamed
    server.pristine = False


def test_load_cypher_loads_a_running_neo4j_and_can_run_again(neo4j, reference):
    write_neo4j_csv(reference, neo4j.import_dir)
    script = (neo4j.import_dir / "load.cypher").read_text(encoding="utf-8")
    assert ":param base => 'file:///'" in script
    _run_script(neo4j, script, base="file:///")
    assert _counts(neo4j) == model_counts(reference)
    _run_script(neo4j, script, base="file:///")  # merged on keys: nothing doubles
    assert _counts(neo4j) == model_counts(reference)
    assert library_mismatches(neo4j, reference) == []
    with GraphDatabase.driver(neo4j.uri, auth=(neo4j.user, neo4j.password)) as driver:
        record = driver.execute_query(
            "MATCH (s:Service {id: 'cm-universal'}) RETURN s.concerns AS c, s.start_week AS w, "
            "s.need_min AS n, s.level AS level").records[0]
    assert (record["c"], record["w"], record["n"], record["level"]) == ([], None, 100.0, "")


def test_csv_fields_survive_quotes_commas_and_newlines(reference):
    model = copy.copy(reference)
    tricky = 'Parent "and" baby, together\nsecond line'
    svc = model.services["dorset-pmmhs"]
    model.services = {**reference.services,
                      svc.id: dataclasses.replace(svc, name=tricky, aliases=("a|b", "c"))}
    files = neo4j_csv_files(model)
    table = list(csv.DictReader(io.StringIO(files["nodes-Service.csv"])))
    row = next(r for r in table if r["id:ID(Service)"] == "dorset-pmmhs")
    assert row["name"] == tricky
    # '|' is now in the data, and ';' already was (doc-001's pathway cell actions list names
    # with '; '): the next free delimiter is used
    assert "--array-delimiter='^'" in files["neo4j-admin-import.sh"]
    assert row["aliases:string[]"] == "a|b^c"
    assert "split(row.`aliases:string[]`, '^')" in files["load.cypher"]


def test_neo4j_csv_cli_writes_the_folder(tmp_path):
    result = cli("export", "neo4j-csv", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert {"load.cypher", "constraints.cypher", "neo4j-admin-import.sh",
            "nodes-Service.csv", "relationships-REFERS_TO-Family-Service.csv"} <= set(names)
    header = (tmp_path / "out" / "relationships-REFERS_TO-Service-Service.csv").read_text(
        encoding="utf-8").splitlines()[0]
    assert header.startswith(":START_ID(Service),:END_ID(Service),rel_id,stages:string[],")
    assert header.endswith(",line:long,passage,:TYPE")
