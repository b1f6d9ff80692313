"""``/sparql`` (the SPARQL 1.1 Protocol, read-only) and ``/cypher`` for analysts' own tools.

``/sparql`` takes ``GET ?query=``, a form-encoded ``POST`` and a ``POST`` of
``application/sparql-query``; ``default-graph-uri`` and ``named-graph-uri`` as the protocol
says; results by content negotiation (or ``format=json|xml|csv|tsv|turtle|nt|rdfxml``).
``update=`` and ``application/sparql-update`` get 403. ``/cypher`` takes ``query`` and
``params`` (a JSON object) by GET, form or a JSON body, and answers with a JSON array of row
objects, as ``carepath query cypher --format json`` prints. Both keep at most the row limit
(``X-Carepath-Truncated: true`` says rows were left out) and stop at the time limit (503).
A browser that asks for HTML without a query gets a form.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import Response

from carepath.errors import BadRequest, TooLarge
from carepath.serve import cypher, sparql
from carepath.serve.pages import Site

__all__ = ["MAX_BODY", "Endpoints"]

MAX_BODY = 1_000_000
"""The largest request body read, in bytes (a 413 above it)."""

SPARQL_EXAMPLE = """PREFIX cp: <https://w3id.org/carepath/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX service: <https://w3id.org/carepath/id/service/>
SELECT ?source ?name WHERE {
  ?r a cp:Referral ; cp:source ?source ; cp:target service:dorset-pmmhs .
  ?source rdfs:label ?name .
} ORDER BY ?source"""
CYPHER_EXAMPLE = ("MATCH (a)-[r:REFERS_TO]->(s:Service {id: $service})\n"
                  "RETURN a.id AS source, a.name AS name, r.source AS evidence_source, "
                  "r.line AS evidence_line\nORDER BY source")


async def _body(request: Request) -> bytes:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise TooLarge(f"the request body is over {MAX_BODY:,} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _form(body: bytes) -> dict[str, list[str]]:
    try:
        return parse_qs(body.decode("utf-8"), keep_blank_values=True)
    except UnicodeDecodeError:
        raise BadRequest("the form is not UTF-8 text") from None


def _wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "")


class Endpoints:
    """The two query endpoints over a :class:`Site`'s graph."""

    def __init__(self, site: Site, *, row_limit: int) -> None:
        self.site = site
        self.row_limit = row_limit

    def _limits(self) -> str:
        return (f"at most {self.row_limit:,} rows and {self.site.timeout:g} s a query; "
                "no updates, no SERVICE, no file or network access.")

    # -- SPARQL ----------------------------------------------------------------------------

    async def sparql(self, request: Request) -> Response:
        params: dict[str, list[str]] = {}
        for key in request.query_params:
            params[key] = request.query_params.getlist(key)
        query = None
        if request.method == "POST":
            ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if ctype == "application/sparql-update":
                raise sparql.Refused("SPARQL Update is refused: this endpoint is read-only")
            body = await _body(request)
            if ctype == "application/x-www-form-urlencoded":
                for key, values in _form(body).items():
                    params.setdefault(key, []).extend(values)
            elif ctype == "application/sparql-query":
                try:
                    query = body.decode("utf-8")
                except UnicodeDecodeError:
                    raise BadRequest("the query is not UTF-8 text") from None
            else:
                raise BadRequest(f"unsupported content type {ctype or 'none'!r}; send "
                                 "application/sparql-query or a form "
                                 "(application/x-www-form-urlencoded)")
        if "update" in params:
            raise sparql.Refused("SPARQL Update is refused: this endpoint is read-only")
        if query is None:
            queries = params.get("query", [])
            if len(queries) > 1:
                raise BadRequest("give one query= parameter, not several")
            query = queries[0] if queries else None
        if query is None:
            if request.method == "GET" and _wants_html(request):
                return self.site.render(
                    "query.html.j2", title="SPARQL", current="/sparql", action="/sparql",
                    language="sparql", example=SPARQL_EXAMPLE, limits=self._limits(),
                    intro="The SPARQL 1.1 Protocol: point rdflib's SPARQLStore, SPARQLWrapper, "
                          "YASGUI or curl at this address.")
            if request.method == "GET":  # the protocol: the service description
                media = sparql.negotiate(request.headers.get("accept", ""), "graph") \
                    or "text/turtle"
                endpoint = str(request.url.replace(query="", fragment=""))
                return Response(sparql.service_description(endpoint, media),
                                headers={"Vary": "Accept"},
                                media_type=media + ("" if media == "application/n-triples"
                                                    else "; charset=utf-8"))
            raise BadRequest("give a query: POST it as application/sparql-query or as a "
                             "form with query=...")
        fmt = (params.get("format") or [None])[0]
        default_graph = params.get("default-graph-uri")
        named_graphs = params.get("named-graph-uri")
        try:
            result = await self.site.call(lambda: self.site.graph.sparql(
                query, limit=self.row_limit, timeout=self.site.timeout,
                default_graph=default_graph, named_graphs=named_graphs))
        except ValueError as exc:
            if isinstance(exc, BadRequest | sparql.Refused):
                raise
            raise BadRequest(str(exc)) from None
        media = sparql.negotiate(request.headers.get("accept", ""), result.kind, fmt)
        if media is None and not fmt:  # e.g. a browser's text/html: the default format
            media = sparql.negotiate("*/*", result.kind)
        if media is None:
            offered = sparql.GRAPH_FORMATS if result.kind == "graph" else sparql.RESULT_FORMATS
            return Response(f"cannot answer in {fmt or request.headers.get('accept')}; "
                            f"this result can be: {', '.join(offered)}\n", status_code=406,
                            media_type="text/plain")
        headers = {"Vary": "Accept"}
        if result.truncated:
            headers["X-Carepath-Truncated"] = "true"
        charset = "" if media == "application/n-triples" else "; charset=utf-8"
        return Response(sparql.write(result, media), headers=headers,
                        media_type=media + charset)

    # -- Cypher ----------------------------------------------------------------------------

    async def cypher(self, request: Request) -> Response:
        fields: dict[str, Any] = dict(request.query_params)
        if request.method == "POST":
            ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
            body = await _body(request)
            if ctype == "application/json":
                try:
                    sent = json.loads(body or b"{}")
                except (ValueError, UnicodeDecodeError):
                    raise BadRequest("the body is not valid JSON") from None
                if not isinstance(sent, dict):
                    raise BadRequest('send a JSON object: {"query": "...", "params": {...}}')
                fields.update(sent)
            elif ctype == "application/x-www-form-urlencoded":
                fields.update({k: v[-1] for k, v in _form(body).items()})
            else:
                raise BadRequest(f"unsupported content type {ctype or 'none'!r}; send "
                                 "application/json or a form")
        query = fields.get("query")
        if not query:
            if request.method == "GET" and _wants_html(request):
                return self.site.render(
                    "query.html.j2", title="Cypher", current="/cypher", action="/cypher",
                    language="cypher", example=CYPHER_EXAMPLE, limits=self._limits(),
                    intro="Cypher on the embedded LadybugDB graph. Parameters are bound, "
                          "never pasted into the query.")
            raise BadRequest("give a query: GET /cypher?query=..., or POST "
                             '{"query": "...", "params": {...}}')
        if not isinstance(query, str):
            raise BadRequest("query must be a string")
        params = fields.get("params") or {}
        if isinstance(params, str):
            try:
                params = json.loads(params)
            except ValueError:
                raise BadRequest("params is not valid JSON; give an object, e.g. "
                                 '{"service": "dorset-pmmhs"}') from None
        rows, truncated = await self.site.call(lambda: cypher.run(
            self.site.graph.cypher(), query, params, limit=self.row_limit,
            timeout=self.site.timeout))
        headers = {"X-Carepath-Truncated": "true"} if truncated else {}
        return Response(json.dumps(rows, default=str, ensure_ascii=False), headers=headers,
                        media_type="application/json")
