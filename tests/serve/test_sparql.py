"""``/sparql`` as analysts' tools reach it: rdflib's SPARQLStore, plain HTTP in each result
format, GET and both POST forms; read-only, no SERVICE, bounded."""

from __future__ import annotations

import csv
import io
from urllib.parse import quote, urlencode

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.stores.sparqlstore import SPARQLStore

from carepath.errors import QueryError
from carepath.serve import sparql

from .conftest import ROW_LIMIT

PREFIXES = """PREFIX cp: <https://w3id.org/carepath/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
WHO_REFERS = PREFIXES + """SELECT ?source ?name ?line WHERE {
  ?r a cp:Referral ; cp:target <https://w3id.org/carepath/id/service/dorset-pmmhs> ;
     cp:source ?source .
  OPTIONAL { ?r cp:line ?line }
  ?source rdfs:label ?name .
} ORDER BY ?source ?line"""
FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}


def _expected(graph, query: str) -> list[tuple]:
    return [tuple(sol[v] for v in ("source", "name", "line"))
            for sol in graph.store.query(query)]


def test_rdflib_sparqlstore_gets_what_the_store_answers(server, graph, reference):
    remote = rdflib.Graph(SPARQLStore(server.url + "sparql", returnFormat="xml"))
    rows = [(str(r.source), str(r.name), int(r.line) if r.line is not None else None)
            for r in remote.query(WHO_REFERS)]
    direct = [(s.value, n.value, int(line.value) if line else None)
              for s, n, line in _expected(graph, WHO_REFERS)]
    assert rows == direct
    # and the referrers are the ones the model states
    stated = {r.source for r in reference.relations
              if r.target == "dorset-pmmhs" and r.kind.value == "refers_to"}
    assert {s.rsplit("/", 1)[1] for s, _, _ in rows} == stated


@pytest.mark.parametrize("media", list(FORMATS))
def test_each_result_format_by_content_negotiation(server, graph, media):
    answer = server.request("/sparql?query=" + quote(WHO_REFERS), headers={"Accept": media})
    assert answer.status == 200
    assert answer.headers["Content-Type"].split(";")[0] == media
    if media == "text/csv":  # lossy, so Oxigraph reads no CSV: compare with Oxigraph's own
        own = graph.store.query(WHO_REFERS).serialize(format=ox.QueryResultsFormat.CSV)
        got = list(csv.reader(io.StringIO(answer.text)))
        assert got == list(csv.reader(io.StringIO(own.decode()))) and len(got) > 1
        return
    parsed = ox.parse_query_results(answer.body, FORMATS[media])
    got = [tuple(sol[v] for v in ("source", "name", "line")) for sol in parsed]
    assert got == _expected(graph, WHO_REFERS) and len(got) > 0


def test_post_form_and_post_query_answer_as_get(server):
    get = server.request("/sparql?query=" + quote(WHO_REFERS))
    form = server.request("/sparql", data=urlencode({"query": WHO_REFERS}).encode(),
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
    direct = server.request("/sparql", data=WHO_REFERS.encode(),
                            headers={"Content-Type": "application/sparql-query"})
    assert get.status == form.status == direct.status == 200
    assert get.json() == form.json() == direct.json()
    assert get.json()["head"]["vars"] == ["source", "name", "line"]


def test_ask_and_construct(server, graph):
    ask = server.request("/sparql?query=" + quote(PREFIXES + "ASK { ?s a cp:Service }"))
    assert ask.json() == {"head": {}, "boolean": True}
    construct = PREFIXES + ("CONSTRUCT { ?s rdfs:label ?n } "
                            "WHERE { ?s a cp:Service ; rdfs:label ?n }")
    answer = server.request("/sparql?query=" + quote(construct),
                            headers={"Accept": "text/turtle"})
    assert answer.status == 200 and answer.headers["Content-Type"].startswith("text/turtle")
    parsed = rdflib.Graph().parse(io.BytesIO(answer.body), format="turtle")
    assert len(parsed) == len(list(graph.store.query(construct))) > 0


def test_the_row_limit_cuts_and_says_so(server, graph):
    assert len(graph.store) > ROW_LIMIT
    answer = server.request("/sparql?query=" + quote("SELECT * WHERE { ?s ?p ?o }"))
    assert answer.status == 200
    assert answer.headers["X-Carepath-Truncated"] == "true"
    assert len(answer.json()["results"]["bindings"]) == ROW_LIMIT


UPDATE = "INSERT DATA { <http://example.org/a> <http://example.org/b> 1 }"
REFUSED = {
    "update-parameter": ("GET", "/sparql?update=" + quote(UPDATE), None, {}),
    "update-form": ("POST", "/sparql", urlencode({"update": UPDATE}).encode(),
                    {"Content-Type": "application/x-www-form-urlencoded"}),
    "update-body": ("POST", "/sparql", UPDATE.encode(),
                    {"Content-Type": "application/sparql-update"}),
    "update-as-query": ("GET", "/sparql?query=" + quote(UPDATE), None, {}),
    "service": ("GET", "/sparql?query=" + quote(
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"), None, {}),
    "service-no-space": ("GET", "/sparql?query=" + quote(
        "SELECT * WHERE { SERVICE<http://127.0.0.1:9/sparql> { ?s ?p ?o } }"), None, {}),
    "service-comment": ("GET", "/sparql?query=" + quote(
        "SELECT * WHERE { SERVICE#c\n<http://127.0.0.1:9/sparql> { ?s ?p ?o } }"), None, {}),
    "service-after-escaped-hash": ("GET", "/sparql?query=" + quote(
        "PREFIX ex: <http://e/> SELECT * WHERE { ?s ?p ex:a\\# . "
        "SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"), None, {}),
    "service-silent-lower": ("POST", "/sparql", b"select * { service silent ?x { ?s ?p ?o } }",
                             {"Content-Type": "application/sparql-query"}),
}


@pytest.mark.parametrize("method,path,body,headers", list(REFUSED.values()), ids=list(REFUSED))
def test_updates_and_service_are_refused(server, graph, method, path, body, headers):
    before = len(graph.store)
    answer = server.request(path, data=body, method=method, headers=headers)
    assert answer.status == 403, answer.text
    assert "refused" in answer.text
    assert len(graph.store) == before


def test_a_string_or_a_name_saying_service_is_not_a_clause(server):
    query = 'SELECT ?x WHERE { BIND("SERVICE <http://x>" AS ?x) }'
    answer = server.request("/sparql?query=" + quote(query))
    assert answer.status == 200
    assert answer.json()["results"]["bindings"] == [
        {"x": {"type": "literal", "value": "SERVICE <http://x>"}}]


def _has_service(query: str) -> bool:
    def walk(node) -> bool:
        if isinstance(node, CompValue):
            return node.name == "ServiceGraphPattern" or any(walk(v) for v in node.values())
        if isinstance(node, (list, tuple)) or type(node).__name__ == "ParseResults":
            return any(walk(v) for v in node)
        return False

    return walk(parseQuery(query))


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE<http://x/> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE#c\n<http://x/> { ?s ?p ?o } }",
    "SELECT * WHERE { OPTIONAL { SERVICE SILENT ?e { ?s ?p ?o } } }",
    'SELECT * WHERE { ?s ?p "SERVICE <http://x/> { }" }',
    "PREFIX SERVICE: <http://e/> SELECT * WHERE { ?s SERVICE:p ?SERVICE }",
    "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://x/> { }",
], ids=["no-space", "comment", "silent-variable", "in-a-string", "as-names", "in-a-comment"])
def test_the_lexer_finds_service_where_rdflibs_parser_does(query):
    assert ("SERVICE" in sparql.keywords(query)) == _has_service(query)


@pytest.mark.parametrize("path,status", [  # GET without a query: tests/serve/test_clients.py
    ("/sparql?query=" + quote("SELECT ?s WHERE { ?s ?p }"), 400),
    ("/sparql?query=" + quote("SELECT * WHERE { ?s ?p ?o }") + "&format=pdf", 406),
], ids=["syntax-error", "unknown-format"])
def test_bad_requests_get_a_clear_4xx(server, path, status):
    answer = server.request(path)
    assert answer.status == status
    assert answer.text.strip() and "Traceback" not in answer.text


def test_the_time_limit_stops_a_long_read(graph):
    with pytest.raises(sparql.TimedOut):
        sparql.run(graph.store, "SELECT * WHERE { ?s ?p ?o }", limit=10**9, timeout=0)
    with pytest.raises(QueryError):
        sparql.run(graph.store, "   # nothing\n", limit=1, timeout=1)
