"""The Cypher library on a real Neo4j gives the same rows as on the embedded LadybugDB."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from carepath import QueryError
from carepath.cli import app
from carepath.errors import UsageError
from carepath.printing import records
from carepath.queries.named import CypherEngine, load_library
from carepath.servers.neo4j import Neo4jEngine, neo4j_library, write_neo4j

from ..conftest import cli
from .conftest import wipe

LIBRARY = load_library()
CYPHER = sorted(name for name, language in LIBRARY.queries if language == "cypher")


@pytest.fixture(scope="module")
def on_neo4j(neo4j_server, reference):
    """The reference graph exported once for this module, and an engine on it."""
    wipe(neo4j_server)
    write_neo4j(reference, neo4j_server.uri, user=neo4j_server.user,
                 password=neo4j_server.password)
    with Neo4jEngine(neo4j_server.uri, user=neo4j_server.user,
                     password=neo4j_server.password) as engine:
        yield engine


@pytest.fixture(scope="module")
def embedded(reference):
    return CypherEngine(reference)


def test_neo4j_variants_keep_the_library_header():
    """A Neo4j variant answers the same question with the same parameters."""
    variants = {key: q for key, q in neo4j_library().queries.items()
                if (q.dialect or "").startswith("neo4j")}
    # only variable-length routes need one: LadybugDB writes them `* ACYCLIC`, Neo4j cannot
    assert sorted(name for name, _ in variants) == ["referral-routes"]
    for key, variant in variants.items():
        original = LIBRARY.queries[key]
        assert (variant.title, variant.answers, variant.params) == \
            (original.title, original.answers, original.params)


def test_parameters_are_bound_not_pasted(on_neo4j):
    hostile = "dorset-pmmhs' OR 1=1 //"
    df = on_neo4j.query("MATCH (s:Service) WHERE s.id = $id RETURN s.id AS id", {"id": hostile})
    assert df.empty
    with pytest.raises(QueryError, match="needs parameter 'id'"):
        on_neo4j.query("MATCH (s:Service {id: $id}) RETURN s")
    with pytest.raises(QueryError, match="not an id|needs parameter"):
        on_neo4j.run_named("who-refers-to", {})


def test_a_cypher_error_on_neo4j_is_a_query_error(on_neo4j):
    with pytest.raises(QueryError, match=r"Cypher error on Neo4j: .*SyntaxError"):
        on_neo4j.query("MATCH (n RETURN n")


def test_query_cli_runs_on_neo4j(on_neo4j, neo4j_server, embedded):
    env = {"NEO4J_PASSWORD": neo4j_server.password}
    remote = cli("query", "run", "who-refers-to", "--param", "service=dorset-pmmhs",
                 "--neo4j-uri", neo4j_server.uri, "--format", "json", env=env)
    assert remote.returncode == 0, remote.stderr
    local = records(embedded.run_named("who-refers-to", {"service": "dorset-pmmhs"}))
    assert sorted(map(json.dumps, json.loads(remote.stdout))) == \
        sorted(json.dumps(r, ensure_ascii=False) for r in local)

    cypher = cli("query", "cypher", "MATCH (s:Service)-[:IN_AREA]->(a:Area {id: $area}) "
                 "RETURN count(s) AS services", "--param", "area=dorset",
                 "--neo4j-uri", neo4j_server.uri, "--format", "csv", env=env)
    assert cypher.returncode == 0, cypher.stderr
    assert cypher.stdout.splitlines() == ["services", "13"]

    wrong = CliRunner().invoke(app, ["query", "run", "who-refers-to", "--param",
                                     "service=dorset-pmmhs", "--neo4j-uri", neo4j_server.uri,
                                     "--engine", "sparql"], env=env)
    assert isinstance(wrong.exception, UsageError)
    assert "--neo4j-uri runs Cypher, not sparql" in str(wrong.exception)
