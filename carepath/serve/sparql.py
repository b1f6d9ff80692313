"""The read-only SPARQL 1.1 Protocol endpoint: checking, running and writing results.

A query is checked by its tokens, not by a pattern over its text, with the engines' sandbox
(:func:`carepath.engines.sandbox.check_sparql`): :func:`keywords` reads the query as SPARQL's
lexer does (codepoint escapes expanded; comments, strings, IRIs, variables, language tags and
prefixed names skipped), so ``SERVICE<http://x>`` and ``SERVICE#c`` + newline are found, while
``"SERVICE <x>"`` in a string or ``ex:SERVICE`` as a name are not. (rdflib's full parser finds
the same clauses, the tests check it, but takes 50-200 ms a query; the lexer about 0.1 ms.)
Oxigraph's query parser accepts no update, and the store is opened read-only, so an update
is refused three times over; ``update=`` and ``application/sparql-update`` are refused at the
door.

Results are written here, not by the engine, so that a row limit can stop a query early:
SELECT and ASK as SPARQL JSON, XML, CSV or TSV, CONSTRUCT and DESCRIBE as Turtle, N-Triples or
RDF/XML.

>>> keywords('SELECT ?s WHERE { ?s ?p "SERVICE <x>" } # SERVICE')
['SELECT', 'WHERE']
>>> check_query("SELECT * WHERE { SERVICE<http://example.org/sparql> { ?s ?p ?o } }")
Traceback (most recent call last):
...
carepath.errors.QueryRefused: SERVICE patterns are refused: they make the engine fetch remote data
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from carepath.engines.rows import Rows, sparql_rows
from carepath.engines.sandbox import check_sparql, sparql_keywords
from carepath.errors import QueryRefused, TimedOut

__all__ = ["GRAPH_FORMATS", "RESULT_FORMATS", "Refused", "Result", "TimedOut", "check_query",
           "keywords", "run", "write"]


Refused = QueryRefused
"""A request the read-only endpoint will not run (HTTP 403)."""

keywords = sparql_keywords
# a query's rows with a row limit and a time limit, in this thread: the engines' primitive
# (carepath.engines.rows.sparql_rows); the server runs it in worker processes
# (carepath.engines.rows.SparqlWorkers), which a query past its limit cannot outlive
Result = Rows
run = sparql_rows


def check_query(query: str) -> None:
    """Refuse a query the endpoint must not run: SERVICE (it would fetch from the network),
    an update (the endpoint is read-only), or a query too deep or too long to parse safely.
    The check is the engines' own (:func:`carepath.engines.sandbox.check_sparql`): one
    sandbox for ``carepath query`` and the server.

    Raises:
        Refused: SERVICE, an update, or a query too deep or too long.
        QueryError: an empty query.

    >>> check_query('SELECT ?s WHERE { ?s ?p "SERVICE <x>" }')  # a string is not a clause
    >>> check_query("INSERT DATA { <http://e/a> <http://e/b> 1 }")
    Traceback (most recent call last):
    ...
    carepath.errors.QueryRefused: SPARQL Update (INSERT) is refused: not a query; ...
    """
    check_sparql(query)


# -- writing results --------------------------------------------------------------------------

RESULT_FORMATS = {  # media type -> format name, for SELECT and ASK
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_FORMATS = {  # for CONSTRUCT and DESCRIBE
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}
RESULT_NAMES = {"json": "application/sparql-results+json", "srj": "application/sparql-results+json",
                "xml": "application/sparql-results+xml", "srx": "application/sparql-results+xml",
                "csv": "text/csv", "tsv": "text/tab-separated-values"}
"""``format=`` names for SELECT and ASK results."""
GRAPH_NAMES = {"turtle": "text/turtle", "ttl": "text/turtle", "n3": "text/turtle",
               "nt": "application/n-triples", "ntriples": "application/n-triples",
               "n-triples": "application/n-triples", "rdfxml": "application/rdf+xml",
               "rdf+xml": "application/rdf+xml", "rdf": "application/rdf+xml",
               "xml": "application/rdf+xml", "json": "application/ld+json",
               "jsonld": "application/ld+json", "json-ld": "application/ld+json"}
"""``format=`` names for CONSTRUCT and DESCRIBE graphs: SPARQLWrapper sends ``format=xml``
(its default), ``json``, ``turtle``, ``n3`` or ``json-ld`` whatever the query's form, so
``xml`` is RDF/XML and ``json`` JSON-LD for a graph, as Virtuoso and Fuseki answer."""
SHORT_NAMES = {**GRAPH_NAMES, **RESULT_NAMES}


def _json_term(term: Any) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype and term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


def _xml_term(term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    attrs = ""
    if term.language:
        attrs = f" xml:lang={quoteattr(term.language)}"
    elif term.datatype and term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        attrs = f" datatype={quoteattr(term.datatype.value)}"
    return f"<literal{attrs}>{escape(term.value)}</literal>"


def _csv_cell(term: Any) -> str:
    if term is None:
        return ""
    value = f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value
    if any(c in value for c in ',"\r\n'):
        value = '"' + value.replace('"', '""') + '"'
    return value


def _tsv_cell(term: Any) -> str:
    return "" if term is None else str(term)  # N-Triples syntax; tabs and newlines escaped


def _solutions(result: Result, fmt: str) -> Iterator[str]:
    names = result.variables
    if fmt == "json":
        if result.kind == "boolean":
            yield json.dumps({"head": {}, "boolean": result.boolean})
            return
        yield json.dumps({"head": {"vars": names}})[:-1] + ', "results": {"bindings": ['
        for i, row in enumerate(result.rows):
            binding = {n: _json_term(t) for n, t in zip(names, row, strict=True) if t is not None}
            yield ("" if i == 0 else ", ") + json.dumps(binding, ensure_ascii=False)
        yield "]}}"
    elif fmt == "xml":
        yield ('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
               "<head>")
        yield "".join(f"<variable name={quoteattr(n)}/>" for n in names) + "</head>"
        if result.kind == "boolean":
            yield f"<boolean>{'true' if result.boolean else 'false'}</boolean></sparql>\n"
            return
        yield "<results>"
        for row in result.rows:
            yield "<result>" + "".join(
                f"<binding name={quoteattr(n)}>{_xml_term(t)}</binding>"
                for n, t in zip(names, row, strict=True) if t is not None) + "</result>"
        yield "</results></sparql>\n"
    elif result.kind == "boolean":  # CSV/TSV of an ASK: one column named as Jena names it
        value = "true" if result.boolean else "false"
        yield f"_askResult\r\n{value}\r\n" if fmt == "csv" else f"?_askResult\n{value}\n"
    elif fmt == "csv":
        yield ",".join(names) + "\r\n"
        for row in result.rows:
            yield ",".join(_csv_cell(t) for t in row) + "\r\n"
    else:
        yield "\t".join(f"?{n}" for n in names) + "\n"
        for row in result.rows:
            yield "\t".join(_tsv_cell(t) for t in row) + "\n"


def write(result: Result, media_type: str) -> bytes:
    """``result`` in ``media_type`` (a key of :data:`RESULT_FORMATS` or
    :data:`GRAPH_FORMATS`, matching the result's kind).

    >>> r = Result("solutions", ["s"], [[ox.NamedNode("http://e/a")], [None]])
    >>> write(r, "text/csv")
    b's\\r\\nhttp://e/a\\r\\n\\r\\n'
    """
    if result.kind == "graph":
        buffer = io.BytesIO()
        ox.serialize(result.rows, buffer, GRAPH_FORMATS[media_type])
        return buffer.getvalue()
    return "".join(_solutions(result, RESULT_FORMATS[media_type])).encode("utf-8")


def negotiate(accept: str, kind: str, asked: str | None = None) -> str | None:
    """The media type to answer with: ``asked`` (a ``format=`` short name or media type) if
    given, else the best of the ``Accept`` header the result kind supports; None if none.

    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", "solutions")
    'application/sparql-results+xml'
    >>> negotiate("*/*", "graph"), negotiate("text/html", "solutions")
    ('text/turtle', None)
    >>> negotiate("", "graph", "xml"), negotiate("", "solutions", "xml")  # SPARQLWrapper's
    ('application/rdf+xml', 'application/sparql-results+xml')
    """
    offered = list(GRAPH_FORMATS if kind == "graph" else RESULT_FORMATS)
    if asked:
        names = GRAPH_NAMES if kind == "graph" else RESULT_NAMES
        asked = names.get(asked.lower(), asked.lower())
        return asked if asked in offered else None
    best, best_q = None, 0.0
    for position, part in enumerate((accept or "*/*").split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for p in params:
            if p.startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        if media in ("*/*", "application/*", "text/*"):
            prefix = media[:-1]
            match = next((o for o in offered if media == "*/*" or o.startswith(prefix)), None)
            q -= 0.0001  # an exact type wins over a wildcard of the same weight
        else:
            match = media.lower() if media.lower() in offered else None
        q -= position * 1e-6  # earlier wins ties
        if match and q > best_q:
            best, best_q = match, q
    return best


# -- the service description ------------------------------------------------------------------

_SD = "http://www.w3.org/ns/sparql-service-description#"
_FORMATS = "http://www.w3.org/ns/formats/"
_RESULT_FORMAT_IRIS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
                       "SPARQL_Results_TSV", "Turtle", "N-Triples", "RDF_XML", "JSON-LD")


def service_description(endpoint: str, media_type: str = "text/turtle") -> bytes:
    """The SPARQL 1.1 Service Description of the endpoint at ``endpoint`` (its address),
    in ``media_type`` (a key of :data:`GRAPH_FORMATS`): what ``GET /sparql`` without a
    query answers, as the protocol says.

    >>> text = service_description("http://127.0.0.1:8000/sparql").decode()
    >>> "sd:supportedLanguage sd:SPARQL11Query" in text
    True
    """
    sd = lambda name: ox.NamedNode(_SD + name)  # noqa: E731 - a local shorthand
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    try:
        service = ox.NamedNode(endpoint)
    except ValueError:  # an address that is no IRI (an odd Host header): a blank node
        service = ox.BlankNode()
    dataset, graph = ox.BlankNode(), ox.BlankNode()
    triples = [
        ox.Triple(service, rdf_type, sd("Service")),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(dataset, rdf_type, sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), graph),
        ox.Triple(graph, rdf_type, sd("Graph")),
        *(ox.Triple(service, sd("resultFormat"), ox.NamedNode(_FORMATS + name))
          for name in _RESULT_FORMAT_IRIS),
    ]
    if isinstance(service, ox.NamedNode):
        triples.append(ox.Triple(service, sd("endpoint"), service))
    buffer = io.BytesIO()
    ox.serialize(triples, buffer, GRAPH_FORMATS[media_type],
                 prefixes={"sd": _SD, "formats": _FORMATS})
    return buffer.getvalue()
