"""User queries are read-only and sandboxed on every engine, checked by parsing."""

from __future__ import annotations

import pytest

from carepath.build import build
from carepath.engines import connect
from carepath.engines.sandbox import check_sparql
from carepath.errors import QueryError

from ..servers.conftest import wipe


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build(out=tmp_path_factory.mktemp("sandbox") / "b", shacl=False).out


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE<http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE#c\n<http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { service silent <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "SELECT * WHERE { ?x ?y ?z OPTIONAL { SERVICE ?where { ?s ?p ?o } } }",
    "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    # an escaped '#' in a name is not a comment (Oxigraph runs this query's SERVICE)
    "PREFIX ex: <http://e/> SELECT * WHERE { ?s ?p ex:a\\# . "
    "SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
])
def test_service_is_refused_however_it_is_spelt(text):
    with pytest.raises(QueryError, match="SERVICE patterns are refused"):
        check_sparql(text)


@pytest.mark.parametrize("text", ["INSERT DATA { <http://a> <http://b> <http://c> }",
                                  "DROP ALL", "LOAD <http://127.0.0.1:9/x.ttl>"])
def test_updates_are_refused(text):
    with pytest.raises(QueryError, match="not a query"):
        check_sparql(text)


def test_a_string_that_mentions_service_is_data(built):
    with connect(built, language="sparql") as engine:
        df = engine.query('SELECT ?s WHERE { VALUES ?s { "SERVICE <http://x/> { }" } }')
    assert list(df["s"]) == ["SERVICE <http://x/> { }"]


@pytest.mark.parametrize("text", [
    "COPY (MATCH (s:Service) RETURN s.id) TO 'OUT/leak.csv'",
    "LOAD FROM '/etc/passwd' (file_format='csv', header=false) RETURN *",
    "INSTALL httpfs",
    "MATCH (s:Service) SET s.name = 'x' RETURN s.id",
    "CREATE (:Area {id: 'x', name: 'x', country: 'x'})",
    "CALL threads=1",
    "EXPORT DATABASE 'OUT/export'",
    "// comment first\nCOPY (MATCH (s:Service) RETURN s.id) TO 'OUT/after-comment.csv'",
    "MATCH (s:Service) RETURN s.id; COPY (RETURN 1) TO 'OUT/second.csv'",
])
def test_ladybug_queries_cannot_write_read_files_or_install(built, tmp_path, text):
    with connect(built, language="cypher") as engine, pytest.raises(QueryError):
        engine.query(text.replace("OUT", str(tmp_path)))
    assert list(tmp_path.iterdir()) == []


def test_ladybug_reads_as_before(built):
    with connect(built, language="cypher") as engine:
        df = engine.query("MATCH (s:Service) WHERE s.area = $a RETURN count(*) AS n",
                          {"a": "dorset"})
    assert df["n"][0] > 0


def test_a_query_past_its_timeout_is_given_up(reference):
    with connect(reference, language="sparql", timeout=0.2) as engine, \
            pytest.raises(QueryError, match="longer than 0.2 s"):
        engine.query("SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?o . ?b ?q ?o . ?c ?r ?o }")
    with connect(reference, language="cypher", timeout=0.2) as engine, \
            pytest.raises(QueryError, match="longer than 0.2 s"):
        engine.query("MATCH (a)-[*1..6]-(b) RETURN count(*)")


def test_neo4j_refuses_writes_files_and_procedures(neo4j_server, reference):
    from carepath.servers.neo4j import write_neo4j

    wipe(neo4j_server)
    write_neo4j(reference, neo4j_server.uri, user=neo4j_server.user,
                 password=neo4j_server.password)
    with connect(neo4j_server.uri, user=neo4j_server.user,
                 password=neo4j_server.password) as engine:
        for text in ("MATCH (s:Service) SET s.name = 'x' RETURN count(*)",
                     "CREATE (:Area {id: 'x'})",
                     "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row LIMIT 1",
                     "CALL db.labels() YIELD label RETURN label"):
            with pytest.raises(QueryError, match="refused|Cypher error"):
                engine.query(text)
        assert engine.query("MATCH (s:Service) RETURN count(*) AS n")["n"][0] == len(
            reference.services)
        names = engine.query("MATCH (s:Service {id: 'dorset-pmmhs'}) RETURN s.name AS n")
    assert names["n"][0] == reference.services["dorset-pmmhs"].name


def test_a_sparql_endpoint_gets_no_service_or_update(fuseki, reference):
    with connect(f"{fuseki.url}/query") as engine:
        for text in ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
                     "DROP ALL"):
            with pytest.raises(QueryError):
                engine.query(text)
