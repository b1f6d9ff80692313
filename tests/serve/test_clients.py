"""``/sparql`` and ``/cypher`` as real clients expect them (issue 24): SPARQLWrapper with its
default and named formats for every query form, rdflib's SPARQLStore for CONSTRUCT, the
service description at ``GET /sparql``, ASK as CSV as Jena writes and reads it, and Cypher
nodes and relationships shaped as Neo4j's HTTP API and driver give them."""

from __future__ import annotations

import csv
import io
from urllib.parse import quote

import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore

SPARQLWrapper = pytest.importorskip("SPARQLWrapper")

PREFIXES = ("PREFIX cp: <https://w3id.org/carepath/ontology#> "
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> ")
MBU = "<https://w3id.org/carepath/id/service/dorset-mbu>"
CONSTRUCT = PREFIXES + f"CONSTRUCT {{ {MBU} rdfs:label ?name }} WHERE {{ {MBU} rdfs:label ?name }}"
DESCRIBE = f"DESCRIBE {MBU}"
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")


def _wrapper(server, query: str, fmt: str | None = None):
    client = SPARQLWrapper.SPARQLWrapper(server.url + "sparql")
    client.setQuery(query)
    if fmt is not None:
        client.setReturnFormat(fmt)
    return client.query()


@pytest.mark.parametrize("fmt", [None, "xml", "json", "turtle", "n3", "rdf+xml", "json-ld"],
                         ids=["default", "xml", "json", "turtle", "n3", "rdf-xml", "json-ld"])
@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE], ids=["construct", "describe"])
def test_sparqlwrapper_gets_a_graph_in_every_format_it_asks_for(server, graph, query, fmt):
    result = _wrapper(server, query, fmt)
    assert result.response.status == 200
    converted = result.convert()
    if isinstance(converted, bytes):  # turtle and n3: SPARQLWrapper hands the text over
        converted = rdflib.Graph().parse(data=converted, format="turtle")
    labels = {str(o) for o in converted.objects(rdflib.URIRef(MBU[1:-1]), rdflib.RDFS.label)}
    assert labels == {"Mother and Baby Unit"}


@pytest.mark.parametrize("fmt", [None, "json", "xml", "csv", "tsv"])
def test_sparqlwrapper_select_and_ask(server, fmt):
    select = _wrapper(server, PREFIXES + f"SELECT ?name WHERE {{ {MBU} rdfs:label ?name }}",
                      fmt)
    assert select.response.status == 200
    ask = _wrapper(server, f"ASK {{ {MBU} ?p ?o }}", fmt)
    assert ask.response.status == 200
    if fmt in (None, "xml", "json"):
        converted = ask.convert()
        value = converted["boolean"] if fmt == "json" else \
            converted.getElementsByTagName("boolean")[0].firstChild.data == "true"
        assert value is True


def test_rdflib_sparqlstore_constructs(server):
    remote = rdflib.Graph(SPARQLStore(server.url + "sparql"))
    got = remote.query(CONSTRUCT).graph
    assert {str(o) for o in got.objects()} == {"Mother and Baby Unit"}


def test_get_without_a_query_is_the_service_description(server):
    answer = server.request("/sparql", headers={"Accept": "text/turtle"})
    assert answer.status == 200 and answer.headers["Content-Type"].startswith("text/turtle")
    described = rdflib.Graph().parse(data=answer.text, format="turtle")
    endpoint = rdflib.URIRef(server.url + "sparql")
    assert (endpoint, rdflib.RDF.type, SD.Service) in described
    assert (endpoint, SD.supportedLanguage, SD.SPARQL11Query) in described
    assert (endpoint, SD.endpoint, endpoint) in described
    plain = server.request("/sparql")  # curl's */*: Turtle too
    assert plain.status == 200 and "sd:Service" in plain.text
    posted = server.request("/sparql", data=b"format=json", headers={
        "Content-Type": "application/x-www-form-urlencoded"})
    assert posted.status == 400 and "give a query" in posted.text


@pytest.mark.parametrize(("fmt", "expected"), [
    ("csv", [["_askResult"], ["true"]]), ("tsv", [["?_askResult"], ["true"]])])
def test_ask_as_csv_and_tsv_is_what_jena_writes(server, fmt, expected):
    answer = server.request(f"/sparql?format={fmt}&query=" + quote(f"ASK {{ {MBU} ?p ?o }}"))
    assert answer.status == 200
    rows = list(csv.reader(io.StringIO(answer.text), delimiter="," if fmt == "csv" else "\t"))
    assert rows == expected


def _cypher(server, query: str) -> list[dict]:
    answer = server.request("/cypher?query=" + quote(query))
    assert answer.status == 200, answer.text
    return answer.json()


def test_cypher_nodes_are_shaped_as_neo4j_gives_them(server):
    # the neo4j driver's Node: element_id, labels, properties (dict(node)); the HTTP Query
    # API writes the same as elementId, labels, properties
    [row] = _cypher(server, "MATCH (s:Service {id: 'dorset-mbu'}) RETURN s")
    node = row["s"]
    assert set(node) == {"elementId", "labels", "properties"}
    assert node["labels"] == ["Service"]
    assert node["properties"]["id"] == "dorset-mbu"
    assert node["properties"]["name"] == "Mother and Baby Unit"
    assert None not in node["properties"].values()
    assert not any(key.startswith("_") for key in node["properties"])


def test_cypher_relationships_join_their_nodes_by_element_id(server):
    rows = _cypher(server, "MATCH (a)-[r:REFERS_TO]->(b:Service {id: 'dorset-pmmhs'}) "
                           "RETURN a, r, b LIMIT 3")
    assert rows
    for row in rows:
        rel = row["r"]
        assert set(rel) == {"elementId", "type", "startNodeElementId", "endNodeElementId",
                            "properties"}
        assert rel["type"] == "REFERS_TO"
        assert rel["startNodeElementId"] == row["a"]["elementId"]
        assert rel["endNodeElementId"] == row["b"]["elementId"]


def test_cypher_paths_list_their_nodes_and_relationships(server):
    [row] = _cypher(server, "MATCH p = (a)-[:REFERS_TO]->(b:Service {id: 'dorset-pmmhs'}) "
                            "RETURN p LIMIT 1")
    path = row["p"]
    assert [n["labels"] for n in path["nodes"]][-1] == ["Service"]
    assert [r["type"] for r in path["relationships"]] == ["REFERS_TO"]
