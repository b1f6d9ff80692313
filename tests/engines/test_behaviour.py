"""The compliance suite's behaviour half (issue 24): the same hostile and mistaken queries on
every engine (embedded in memory and from a build folder, Fuseki, Neo4j) and on both HTTP
endpoints of ``carepath serve``, each answered the same way: updates, SERVICE and file access
refused; deep nesting and oversize refused; the time limit stops the query; an unknown
parameter and an unknown id are errors; the row limit truncates and says so."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest

from carepath.build import build
from carepath.engines import connect
from carepath.errors import NameLookupError, QueryError, QueryRefused, TimedOut
from carepath.serve.app import create_app
from carepath.serve.backend import open_graph

from ..serve.conftest import start
from ..servers.conftest import wipe

LIMIT = 5  # rows a door keeps
TIMEOUT = 2.0  # seconds a query may run
EMBEDDED = ["oxigraph", "ladybug", "oxigraph-build", "ladybug-build"]
ENDPOINTS = ["http-sparql", "http-cypher"]
SERVERS = ["fuseki", "neo4j"]
HEAVY = {  # seconds of work past the limit (an in-process Oxigraph given up at the limit
    # runs it to the end in its thread: a query of minutes would burn the rest of the session)
    "sparql": "PREFIX cp: <https://w3id.org/carepath/ontology#> SELECT (COUNT(*) AS ?n) "
              "WHERE { ?a ?b ?c . ?d ?e ?f . ?x a cp:Tier }",  # 96 M solutions: 13 s here
    "cypher": "UNWIND range(1, 2000000000) AS x WITH x WHERE x % 7 = 3 RETURN count(x) AS n",
}
ladybug_heavy = "MATCH (a)-[*1..10]-(b) RETURN count(*) AS n"


@dataclass
class Door:
    """One way in: an engine or an HTTP endpoint, answering ``rows(text, params)`` with
    (rows, truncated), or raising QueryRefused (HTTP 403), QueryError (400) or TimedOut
    (503)."""

    kind: str
    language: str
    engine: Any = None
    server: Any = None

    def rows(self, text: str, params: dict | None = None) -> tuple[list, bool]:
        if self.engine is not None:
            got = self.engine.rows(text, params, limit=LIMIT, timeout=TIMEOUT)
            return got.rows, got.truncated
        if self.language == "sparql":
            assert not params, "the SPARQL protocol has no parameters"
            answer = self.server.request("/sparql?format=json&query=" + quote(text))
        else:
            answer = self.server.request("/cypher", data=json.dumps(
                {"query": text, "params": params or {}}).encode(),
                headers={"Content-Type": "application/json"})
        if answer.status == 200:
            body = answer.json()
            rows = body["results"]["bindings"] if self.language == "sparql" else body
            return rows, answer.headers.get("X-Carepath-Truncated") == "true"
        message = answer.text
        raise {403: QueryRefused, 400: QueryError, 503: TimedOut}[answer.status](message)


@pytest.fixture(scope="module")
def reference_build(tmp_path_factory):
    return build(out=tmp_path_factory.mktemp("behaviour") / "out", shacl=False).out


@pytest.fixture(scope="module")
def http(reference):
    graph = open_graph(model=reference)
    running = start(create_app(graph, timeout=TIMEOUT, row_limit=LIMIT))
    yield running
    running.stop()
    graph.close()


@pytest.fixture(scope="module", params=EMBEDDED + ENDPOINTS + SERVERS)
def door(request, reference, reference_build):
    kind = request.param
    language = "sparql" if kind in ("oxigraph", "oxigraph-build", "fuseki", "http-sparql") \
        else "cypher"
    if kind in ENDPOINTS:
        yield Door(kind, language, server=request.getfixturevalue("http"))
        return
    if kind == "fuseki":
        from carepath.servers.sparql import write_sparql

        server = request.getfixturevalue("fuseki")
        write_sparql(reference, f"{server.url}/data")
        engine = connect(f"{server.url}/query", timeout=TIMEOUT)
    elif kind == "neo4j":
        from carepath.servers.neo4j import write_neo4j

        server = request.getfixturevalue("neo4j_server")
        wipe(server)
        write_neo4j(reference, server.uri, user=server.user, password=server.password)
        engine = connect(server.uri, user=server.user, password=server.password,
                         timeout=TIMEOUT)
    else:
        spec = reference_build if kind.endswith("-build") else reference
        engine = connect(spec, language=language, timeout=TIMEOUT)
    if engine.names is None and getattr(engine, "model", None) is None:
        engine.names = reference  # as `carepath query run` gives a remote engine its build
    with engine:
        yield Door(kind, language, engine=engine)


UPDATES = {"sparql": "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }",
           "cypher": "CREATE (s:Service {id: 'x', name: 'x'})"}
FILES = {"sparql": "LOAD <file:///etc/passwd>",
         "cypher": "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line"}


def test_updates_are_refused(door):
    with pytest.raises(QueryRefused):
        door.rows(UPDATES[door.language])


def test_file_access_is_refused(door):
    text = FILES[door.language]
    if door.kind not in ("neo4j",) and door.language == "cypher":
        text = "LOAD FROM '/etc/passwd' RETURN *"  # LadybugDB's spelling
    with pytest.raises(QueryRefused):
        door.rows(text)


@pytest.mark.doors("oxigraph", "oxigraph-build", "fuseki", "http-sparql")  # SPARQL's
def test_service_is_refused(door):
    with pytest.raises(QueryRefused, match="SERVICE"):
        door.rows("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")


def test_deep_nesting_is_refused(door):
    text = ("SELECT * WHERE " + "{" * 5000 + "}" * 5000 if door.language == "sparql"
            else "RETURN " + "[" * 1000 + "1" + "]" * 1000)
    with pytest.raises(QueryRefused, match="nests more than"):
        door.rows(text)


def test_oversize_is_refused(door):
    text = ("SELECT * WHERE { FILTER(1" + "+1" * 8000 + ") }" if door.language == "sparql"
            else "RETURN 1" + "+1" * 8000 + " AS n")
    with pytest.raises(QueryRefused, match="too long"):
        door.rows(text)


def test_the_time_limit_stops_the_query(door):
    text = HEAVY[door.language]
    if door.kind in ("ladybug", "ladybug-build", "http-cypher"):
        text = ladybug_heavy
    started = time.monotonic()
    with pytest.raises((TimedOut, QueryError), match="(?i)time limit|ran longer|timeout|"
                                                     "terminated"):
        door.rows(text)
    assert time.monotonic() - started < TIMEOUT + 15
    # and the door goes on (a server's killed SPARQL worker is replaced: give it a moment)
    trivial = "SELECT * WHERE { }" if door.language == "sparql" else "RETURN 1 AS one"
    deadline = time.monotonic() + 30
    while True:
        try:
            door.rows(trivial)
            break
        except TimedOut:
            assert time.monotonic() < deadline, "the door did not answer again"


@pytest.mark.doors(*EMBEDDED, *SERVERS, "http-cypher")  # the SPARQL protocol has no params
def test_an_unknown_parameter_is_an_error(door):
    text = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
            "SELECT ?s WHERE { ?s rdfs:label ?name }" if door.language == "sparql"
            else "MATCH (s:Service) WHERE s.name = $name RETURN s.id AS s")
    with pytest.raises(QueryError, match="'nmae' is not used"):
        door.rows(text, {"nmae": "Mother and Baby Unit"})


@pytest.mark.doors(*EMBEDDED, *SERVERS)  # the endpoints run no named queries
def test_an_unknown_id_is_an_error(door):
    with pytest.raises(NameLookupError, match="did you mean dorset-pmmhs"):
        door.engine.run_named("who-refers-to", {"service": "dorset-pmhs"})


def test_the_row_limit_truncates_and_says_so(door):
    text = ("PREFIX cp: <https://w3id.org/carepath/ontology#> "
            "SELECT ?s WHERE { ?s a cp:Service }" if door.language == "sparql"
            else "MATCH (s:Service) RETURN s.id AS s")
    rows, truncated = door.rows(text)
    assert (len(rows), truncated) == (LIMIT, True)
    text += " LIMIT 3"
    rows, truncated = door.rows(text)
    assert (len(rows), truncated) == (3, False)
