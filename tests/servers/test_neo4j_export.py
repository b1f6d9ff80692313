"""carepath export neo4j against a real Neo4j 5.26: counts, idempotence, --replace-area, a failed
batch, wrong password, unreachable and stopped servers."""

from __future__ import annotations

import dataclasses

import pytest
from neo4j import GraphDatabase
from typer.testing import CliRunner

from carepath import ExportError, QueryError
from carepath.cli import app
from carepath.errors import UsageError
from carepath.servers.neo4j import Neo4jEngine, graph_counts, model_counts, write_neo4j

from ..conftest import run_cli
from ..support.servers import free_port


def _counts(server) -> dict[str, int]:
    return graph_counts(server.uri, user=server.user, password=server.password)


def _export(model, server, **options):
    return write_neo4j(model, server.uri, user=server.user, password=server.password, **options)


def _one_line_error(result, code: int = 2) -> str:
    assert result.returncode == code, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def test_export_gives_the_models_counts_and_twice_changes_nothing(neo4j, reference):
    env = {"NEO4J_PASSWORD": neo4j.password}
    first = run_cli("export", "neo4j", "--uri", neo4j.uri, "--user", neo4j.user,
                    "--batch-size", "50", env=env)
    assert first.returncode == 0, first.stderr
    expected = model_counts(reference)
    nodes = sum(n for label, n in expected.items() if not label.isupper())
    relationships = sum(n for kind, n in expected.items() if kind.isupper())
    assert f"{nodes} nodes, {relationships} relationships" in first.stdout
    assert _counts(neo4j) == expected
    assert expected["Service"] == len(reference.services)

    again = _export(reference, neo4j, batch_size=7)  # other batch boundaries, same graph
    assert (again.nodes, again.relationships) == (nodes, relationships)
    assert _counts(neo4j) == expected
    with GraphDatabase.driver(neo4j.uri, auth=(neo4j.user, neo4j.password)) as driver:
        names = {r["name"] for r in driver.execute_query("SHOW CONSTRAINTS YIELD name").records}
        svc = driver.execute_query("MATCH (s:Service {id: $id}) RETURN s",
                                   id="dorset-pmmhs").records[0]["s"]
    assert {"carepath_service_id", "carepath_profession_id", "carepath_family_id"} <= names
    assert svc["tier"] == "specialist-perinatal" and svc["end_week"] == 104
    assert svc["source"] == "doc-002" and svc["line"] == reference.services["dorset-pmmhs"] \
        .provenance.line


def _dorset_changed(reference):
    """Dorset without its mother and baby unit, one referral and one profession/intervention."""
    services = {k: v for k, v in reference.services.items() if k != "dorset-mbu"}
    pmmhs = services["dorset-pmmhs"]
    services["dorset-pmmhs"] = dataclasses.replace(
        pmmhs, professions=tuple(p for p in pmmhs.professions if p != "psychiatrist"),
        interventions=tuple(i for i in pmmhs.interventions if i != "cbt"))
    dropped = next(r for r in reference.relations
                   if r.source == "gp" and r.target == "dorset-pmmhs")
    statements = []
    for st in reference.statements:
        if st.source == "dorset-mbu":
            continue
        targets = tuple(t for t in st.targets
                        if t != "dorset-mbu" and st.relation_id(t) != dropped.id)
        if targets:
            statements.append(dataclasses.replace(st, targets=targets))
    changed = dataclasses.replace(reference, services=services, statements=statements)
    assert len(changed.relations) == len(reference.relations) - 1 - sum(
        1 for r in reference.relations if "dorset-mbu" in (r.source, r.target))
    return changed


def test_replace_area_removes_what_the_area_no_longer_has(neo4j, reference):
    _export(reference, neo4j)
    changed = _dorset_changed(reference)
    _export(changed, neo4j)  # merging alone keeps what dorset no longer has
    assert _counts(neo4j) != model_counts(changed)

    result = _export(changed, neo4j, replace_area="dorset")
    assert result.removed == 4  # the unit (detached), gp's referral, psychiatrist, cbt
    assert _counts(neo4j) == model_counts(changed)
    with GraphDatabase.driver(neo4j.uri, auth=(neo4j.user, neo4j.password)) as driver:
        staff = driver.execute_query(
            "MATCH (:Service {id: 'dorset-pmmhs'})-[:STAFFED_BY]->(p) RETURN collect(p.id) AS p"
        ).records[0]["p"]
        others = driver.execute_query(
            "MATCH (s:Service) WHERE s.area <> 'dorset' RETURN count(s) AS n").records[0]["n"]
    assert "psychiatrist" not in staff and "psychologist" in staff
    assert others == len(reference.services) - len(reference.services_in("dorset"))

    _export(reference, neo4j, replace_area="dorset")  # and back
    assert _counts(neo4j) == model_counts(reference)


def _in_process(*args: str, stdin: str = ""):
    """The CLI in this process (no one-line error mapping: that is main()'s, tested above)."""
    return CliRunner().invoke(app, list(args), input=stdin, env={"NEO4J_PASSWORD": ""})


def test_unknown_replace_area_is_refused_before_anything_is_written(neo4j, reference):
    with pytest.raises(ValueError, match="unknown area 'dorsett'"):
        _export(reference, neo4j, replace_area="dorsett")
    result = _in_process("export", "neo4j", "--uri", neo4j.uri, "--replace-area", "dorsett")
    assert isinstance(result.exception, UsageError)
    assert "expected one of: cheshire-merseyside" in str(result.exception)
    assert _counts(neo4j) == {}


def test_a_failing_batch_rolls_back_names_the_batch_and_a_rerun_completes(neo4j, reference):
    services = list(reference.services.values())
    clash = services[29].name  # the 30th service: in batch 2 of 20-row batches
    assert sum(s.name == clash for s in services) == 1
    with GraphDatabase.driver(neo4j.uri, auth=(neo4j.user, neo4j.password)) as driver:
        driver.execute_query("CREATE CONSTRAINT planted FOR (n:Service) REQUIRE n.name IS UNIQUE")
        driver.execute_query("CREATE (:Service {id: 'planted', name: $name})", name=clash)

        with pytest.raises(ExportError) as failure:
            _export(reference, neo4j, batch_size=20)
        message = str(failure.value)
        assert "batch 2 of " in message and "(Service nodes 21-40)" in message
        assert "rolled back" in message and "ConstraintValidationFailed" in message
        assert "run the export again" in message and "\n" not in message

        ids = set(driver.execute_query("MATCH (s:Service) RETURN collect(s.id) AS ids")
                  .records[0]["ids"])
        assert ids == {s.id for s in services[:20]} | {"planted"}  # nothing of batch 2

        driver.execute_query("MATCH (s:Service {id: 'planted'}) DELETE s")
        driver.execute_query("DROP CONSTRAINT planted")
    _export(reference, neo4j, batch_size=20)
    assert _counts(neo4j) == model_counts(reference)


def test_a_wrong_password_is_a_one_line_error(neo4j):
    result = run_cli("export", "neo4j", "--uri", neo4j.uri, "--user", neo4j.user,
                     env={"NEO4J_PASSWORD": "not-the-password"})
    line = _one_line_error(result)
    assert f"Neo4j at {neo4j.uri} refused the credentials of user 'neo4j'" in line
    assert "not-the-password" not in result.stdout + result.stderr


def test_an_unreachable_server_is_a_one_line_error():
    uri = f"bolt://127.0.0.1:{free_port()}"
    result = run_cli("export", "neo4j", "--uri", uri, env={"NEO4J_PASSWORD": "x"})
    assert _one_line_error(result) == f"error: cannot reach Neo4j at {uri}: Connection refused"
    with pytest.raises(QueryError, match=f"cannot reach Neo4j at {uri}: Connection refused"):
        Neo4jEngine(uri, user="neo4j", password="x")


def test_the_password_can_come_from_the_prompt(neo4j):
    result = run_cli("export", "neo4j", "--uri", neo4j.uri, env={"NEO4J_PASSWORD": ""},
                     input=neo4j.password + "\n")
    assert result.returncode == 0, result.stderr
    assert neo4j.password not in result.stdout + result.stderr
    missing = _in_process("export", "neo4j", "--uri", neo4j.uri, stdin="")
    assert isinstance(missing.exception, UsageError)
    assert "no password: set NEO4J_PASSWORD" in str(missing.exception)


def test_server_stopped_mid_export_is_one_error_and_a_rerun_completes(neo4j, reference):
    def stop_at_batch_5(batch):
        if batch.number == 5:
            neo4j.stop()

    with pytest.raises(ExportError) as failure:
        _export(reference, neo4j, batch_size=10, progress=stop_at_batch_5)
    message = str(failure.value)
    assert "batch 6 of " in message and "cannot reach Neo4j" in message
    assert "run the export again" in message and "\n" not in message

    neo4j.start()  # same home, same port
    assert sum(_counts(neo4j).values()) == 5 * 10  # batches 1-5 were committed
    _export(reference, neo4j, batch_size=10)
    assert _counts(neo4j) == model_counts(reference)
