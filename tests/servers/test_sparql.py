"""carepath export sparql and remote SPARQL against a real Apache Jena Fuseki: every library
query gives the rows it gives on the embedded Oxigraph store."""

from __future__ import annotations

import json

import pytest

from carepath import ExportError, QueryError
from carepath.graph.rdf import to_store
from carepath.queries.named import SparqlEngine, load_library
from carepath.servers.sparql import RemoteSparqlEngine, write_sparql

from ..conftest import cli, run_cli
from ..support.servers import free_port
from .conftest import rows

LIBRARY = load_library()
SPARQL = sorted(name for name, language in LIBRARY.queries if language == "sparql")
GRAPH = "https://w3id.org/carepath/graph/tests"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def uploaded(fuseki, reference):
    """The reference graph uploaded once, by the CLI, into Fuseki's default graph."""
    result = run_cli("export", "sparql", "--endpoint", f"{fuseki.url}/data")  # exit 0: a process
    assert result.returncode == 0, result.stderr
    assert "to the default graph" in result.stdout
    return RemoteSparqlEngine(f"{fuseki.url}/query", model=reference)


@pytest.fixture(scope="module")
def embedded(reference):
    return SparqlEngine(reference)


def test_uploading_twice_leaves_the_same_graph(uploaded, fuseki, reference):
    triples = len(to_store(reference))
    assert uploaded.query(COUNT)["n"][0] == triples
    result = write_sparql(reference, f"{fuseki.url}/data")
    assert (result.triples, result.graph) == (triples, None)
    assert uploaded.query(COUNT)["n"][0] == triples


def test_a_named_graph_upload_is_queried_with_graph(uploaded, fuseki, reference):
    write_sparql(reference, f"{fuseki.url}/data", graph=GRAPH, with_ontology=False)
    in_graph = RemoteSparqlEngine(f"{fuseki.url}/query", model=reference, graph=GRAPH)
    assert in_graph.query(COUNT)["n"][0] == len(to_store(reference, with_ontology=False))
    params = {"service": "dorset-pmmhs"}
    assert rows(in_graph.run_named("who-refers-to", params)) == \
        rows(uploaded.run_named("who-refers-to", params))

    answer = cli("query", "run", "who-refers-to", "--param", "service=dorset-pmmhs",
                 "--endpoint", f"{fuseki.url}/query", "--named-graph", GRAPH, "--format", "json")
    assert answer.returncode == 0, answer.stderr
    assert sorted(r["source"] for r in json.loads(answer.stdout)) == \
        ["dorset-cmht", "dorset-social-care", "gp", "health-visitor", "midwife", "relatives"]


def test_parameters_are_bound_not_pasted(uploaded):
    hostile = 'Health visitor" } ?s ?p ?o . FILTER(true) } #'
    text = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
            "SELECT ?s ?name WHERE { ?s rdfs:label ?name }")
    assert uploaded.query(text, {"name": hostile}).empty
    found = uploaded.query(text, {"name": "Health visitor"})
    assert list(found["s"]) == ["health-visitor"]

    answer = cli("query", "sparql", text, "--param", "name=Health visitor", "--endpoint",
                 uploaded.store.endpoint, "--format", "csv")
    assert answer.returncode == 0, answer.stderr
    assert answer.stdout.splitlines() == ["s,name", "health-visitor,Health visitor"]


def test_a_bad_query_is_one_line_from_the_endpoint(uploaded):
    with pytest.raises(QueryError, match=r"rejected the query: HTTP 400 .*") as bad:
        uploaded.query("SELECT ?s WHERE { ?s nope:p ?o }")  # parses; the prefix is unknown
    assert "\n" not in str(bad.value)


def test_an_unreachable_endpoint_is_one_line_error(reference):
    url = f"http://127.0.0.1:{free_port()}/ds/data"
    result = run_cli("export", "sparql", "--endpoint", url)  # exit 2: a process
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip() == (f"error: cannot reach SPARQL endpoint {url}: [Errno 111] "
                                     "Connection refused; run the export again once it is up")
    with pytest.raises(ExportError, match="bad SPARQL Graph Store endpoint 'ftp://x'"):
        write_sparql(reference, "ftp://x")
    with pytest.raises(ExportError, match="bad graph IRI 'not an iri'"):
        write_sparql(reference, url, graph="not an iri")


def test_basic_authentication(fuseki_with_auth, reference):
    data, query = f"{fuseki_with_auth.url}/data", f"{fuseki_with_auth.url}/query"
    with pytest.raises(ExportError, match="refused the upload.*HTTP 401"):
        write_sparql(reference, data)
    with pytest.raises(ExportError, match="refused the upload.*HTTP 401"):
        write_sparql(reference, data, user="carer", password="wrong")

    done = run_cli("export", "sparql", "--endpoint", data, "--user", "carer",  # all it prints
                   env={"SPARQL_PASSWORD": "s3cret-for-tests"})
    assert done.returncode == 0, done.stderr
    remote = RemoteSparqlEngine(query, model=reference, user="carer",
                                password="s3cret-for-tests")
    assert remote.query(COUNT)["n"][0] == len(to_store(reference))
    assert "s3cret-for-tests" not in done.stdout + done.stderr
