"""The graph in any SPARQL 1.1 store: Graph Store Protocol upload, queries on a remote endpoint.

:func:`write_sparql` replaces one graph of the store (the default graph, or a named graph)
with the model's RDF, the same triples the embedded Oxigraph store holds (ontology included),
with one HTTP ``PUT`` as the SPARQL 1.1 Graph Store HTTP Protocol says: uploading twice leaves
the same graph. :class:`RemoteSparqlEngine` runs SPARQL and the named query library on an
endpoint with the SPARQL 1.1 Protocol.

The protocol has no parameter binding. Parameters become RDF terms first (ids checked, then
made IRIs; other values literals) and reach the endpoint as a ``VALUES`` block at the start of
the query's ``WHERE`` group, written by Oxigraph's term serialiser: never pasted as text.

>>> import pyoxigraph as ox
>>> with_values("SELECT ?s WHERE { ?s ?p ?o }", {ox.Variable("o"): ox.Literal('say "hi"')})
'SELECT ?s WHERE { VALUES (?o) { ("say \\\\"hi\\\\"") } ?s ?p ?o }'
"""

from __future__ import annotations

import base64
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO

import pyoxigraph as ox

from carepath.engines.base import DEFAULT_TIMEOUT, Capabilities, with_timeout
from carepath.engines.binding import NODE_KINDS, with_values  # noqa: F401 - in the doctest
from carepath.engines.oxigraph import SparqlBase, frame
from carepath.errors import ExportError, QueryError
from carepath.graph.model import Model, NodeKind
from carepath.graph.rdf import iri, to_store
from carepath.redact import redact, split_credentials
from carepath.standards.common import Exported, ExportReport

_RESULTS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
_GRAPHS = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
_ACCEPT = ("application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8, "
           "application/sparql-results+xml;q=0.5")


@dataclass(frozen=True, slots=True)
class SparqlUpload:
    """What an upload sent: the target URL, the graph (None: default graph), triples, bytes."""

    url: str
    graph: str | None
    triples: int
    bytes: int


def _check_http(url: str, what: str, error: type[Exception]) -> None:
    scheme = urllib.parse.urlsplit(url).scheme
    if scheme not in ("http", "https"):
        raise error(f"bad {what} {redact(url)!r}: expected an http:// or https:// URL, "
                    "e.g. http://localhost:3030/ds")


def _check_graph(graph: str | None, error: type[Exception]) -> None:
    if graph is None:
        return
    try:
        ox.NamedNode(graph)
    except ValueError:
        raise error(f"bad graph IRI {graph!r}: expected an absolute IRI, "
                    "e.g. https://w3id.org/carepath/graph") from None
    if not urllib.parse.urlsplit(graph).scheme:
        raise error(f"bad graph IRI {graph!r}: expected an absolute IRI, "
                    "e.g. https://w3id.org/carepath/graph")


def _auth_header(user: str | None, password: str | None) -> dict[str, str]:
    if user is None:
        return {}
    token = base64.b64encode(f"{user}:{password or ''}".encode()).decode("ascii")
    return {"Authorization": f"Basic {token}"}


def _http_reason(exc: urllib.error.HTTPError) -> str:
    try:
        body = exc.read(2000).decode("utf-8", "replace")
    except OSError:
        body = ""
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    detail = next((line for line in lines if not line.startswith("<")), "")
    return f"HTTP {exc.code} {exc.reason}" + (f": {detail[:300]}" if detail else "")


class _Reader:
    """A file-like body that reports how many bytes have been sent."""

    def __init__(self, data: bytes, progress: Callable[[int, int], None] | None) -> None:
        self.data, self.sent, self.progress = data, 0, progress

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size is None or size < 0 else self.sent + size
        chunk = self.data[self.sent:end]
        self.sent += len(chunk)
        if self.progress is not None and chunk:
            self.progress(self.sent, len(self.data))
        return chunk


def graph_store_url(endpoint: str, graph: str | None = None) -> str:
    """The Graph Store Protocol URL of a graph: ``?default``, or ``?graph=`` the IRI.

    >>> graph_store_url("http://localhost:3030/ds/data", "https://w3id.org/carepath/graph")
    'http://localhost:3030/ds/data?graph=https%3A%2F%2Fw3id.org%2Fcarepath%2Fgraph'
    """
    query = "default" if graph is None else urllib.parse.urlencode({"graph": graph})
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


def to_sparql(model: Model, *, with_ontology: bool = True) -> Exported[bytes]:
    """What :func:`write_sparql` sends: the model's RDF (and the ontology, as the embedded
    store holds it) as N-Triples, one triple a line; the report (nothing is left out).

    >>> from carepath import load_reference
    >>> to_sparql(load_reference()).artifact.count(b"\\n") > 1000
    True
    """
    store = to_store(model, with_ontology=with_ontology)
    data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    return Exported(data, ExportReport("SPARQL 1.1 Graph Store (N-Triples)"))


def write_sparql(
    model: Model,
    endpoint: str,
    *,
    graph: str | None = None,
    with_ontology: bool = True,
    user: str | None = None,
    password: str | None = None,
    timeout: float = 120,
    progress: Callable[[int, int], None] | None = None,
) -> SparqlUpload:
    """Replace a graph of the store at ``endpoint`` (its Graph Store Protocol URL, e.g.
    Fuseki's ``http://HOST:3030/ds/data``) with the model's RDF, as N-Triples.

    ``graph`` None replaces the default graph, otherwise the named graph with that IRI.
    ``with_ontology`` also sends the ontology, as the embedded store holds it. ``user`` and
    ``password`` are sent with HTTP basic authentication. ``progress(sent, total)`` follows
    the bytes sent.

    Raises:
        ExportError: a bad URL or graph IRI, an unreachable endpoint, or a refused upload.
    """
    _check_http(endpoint, "SPARQL Graph Store endpoint", ExportError)
    _check_graph(graph, ExportError)
    endpoint, url_user, url_password = split_credentials(endpoint)  # never in a message
    user, password = user or url_user, password or url_password
    data = to_sparql(model, with_ontology=with_ontology).artifact
    url = graph_store_url(endpoint, graph)
    auth = _auth_header(user, password)
    # a server may refuse a large body before reading it (401) and close the connection, which
    # the client only sees as a broken pipe: ask first, with an empty request
    _put(endpoint, urllib.request.Request(url, method="HEAD", headers=auth), timeout,
         accept=frozenset({404, 405, 501}))
    body: BinaryIO = _Reader(data, progress)  # type: ignore[assignment]
    _put(endpoint, urllib.request.Request(url, data=body, method="PUT", headers={
        "Content-Type": "application/n-triples; charset=utf-8",
        "Content-Length": str(len(data)), **auth}), timeout)
    return SparqlUpload(url, graph, data.count(b"\n"), len(data))  # a triple a line


def _put(endpoint: str, request: urllib.request.Request, timeout: float,
         accept: frozenset[int] = frozenset()) -> None:
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        if exc.code in accept:  # e.g. HEAD on a named graph that does not exist yet
            return
        raise ExportError(f"SPARQL endpoint {endpoint} refused the upload, nothing replaced: "
                          f"{_http_reason(exc)}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        if request.method == "HEAD":
            raise ExportError(f"cannot reach SPARQL endpoint {endpoint}: {reason}; "
                              "run the export again once it is up") from None
        raise ExportError(f"the upload to SPARQL endpoint {endpoint} broke off: {reason}; "
                          "run the export again") from None


class _RemoteStore:
    """What :class:`SparqlEngine` needs of a store (``query``), over the SPARQL 1.1 Protocol."""

    def __init__(self, endpoint: str, graph: str | None, headers: dict[str, str],
                 timeout: float) -> None:
        self.endpoint, self.graph, self.headers, self.timeout = endpoint, graph, headers, timeout

    def query(self, text: str) -> Any:
        fields = {"query": text}
        if self.graph is not None:
            fields["default-graph-uri"] = self.graph
        request = urllib.request.Request(
            self.endpoint, data=urllib.parse.urlencode(fields).encode("utf-8"), method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": _ACCEPT,
                     **self.headers})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                kind = response.headers.get_content_type()
                body = response.read()
        except urllib.error.HTTPError as exc:
            raise QueryError(f"SPARQL endpoint {self.endpoint} rejected the query: "
                             f"{_http_reason(exc)}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError):  # reached, but no answer in time
                raise QueryError(f"SPARQL endpoint {self.endpoint} gave no answer within the "
                                 f"time limit ({self.timeout:g} s); the query was given up") \
                    from None
            raise QueryError(f"cannot reach SPARQL endpoint {self.endpoint}: {reason}") from None
        try:
            if kind in _RESULTS:
                return ox.parse_query_results(body, format=_RESULTS[kind])
            if kind in _GRAPHS:
                return list(ox.parse(body, format=_GRAPHS[kind]))
        except SyntaxError as exc:
            raise QueryError(f"SPARQL endpoint {self.endpoint} sent unreadable {kind}: "
                             f"{str(exc).splitlines()[0]}") from None
        raise QueryError(f"SPARQL endpoint {self.endpoint} answered with {kind or 'no type'}; "
                         "expected SPARQL results (JSON or XML) or N-Triples/Turtle")


class RemoteSparqlEngine(SparqlBase):
    """SPARQL and the named query library on any SPARQL 1.1 query endpoint.

    Same interface and the same rows as the embedded engine. ``graph`` queries that named
    graph as the default graph (``default-graph-uri``). User queries are checked as on the
    embedded engine (no SERVICE, no updates); ``timeout`` bounds each request.

    Raises:
        QueryError: a bad URL, an unreachable endpoint, or a rejected query.
    """

    def __init__(self, endpoint: str, *, model: Model | None = None, graph: str | None = None,
                 user: str | None = None, password: str | None = None,
                 timeout: float = DEFAULT_TIMEOUT) -> None:
        _check_http(endpoint, "SPARQL endpoint", QueryError)
        _check_graph(graph, QueryError)
        endpoint, url_user, url_password = split_credentials(endpoint)  # never in a message
        user, password = user or url_user, password or url_password
        self.model = model
        self.store = _RemoteStore(endpoint, graph, _auth_header(user, password), timeout)
        self.capabilities = Capabilities("sparql", "sparql-endpoint", True, timeout)

    def node_kind(self, node: str) -> NodeKind | None:
        if self.model is not None:
            return self.model.node_kind(node)
        candidates = {iri(kind, node): kind for kind in NODE_KINDS}
        found = self.store.query(f"SELECT DISTINCT ?s WHERE {{ VALUES ?s {{ "
                                 f"{' '.join(map(str, candidates))} }} ?s ?p ?o }}")
        kinds = {candidates[sol["s"]] for sol in found if sol["s"] in candidates}
        return next((kind for kind in NODE_KINDS if kind in kinds), None)

    def _execute(self, text: str) -> Any:
        return with_timeout(self.capabilities.timeout, lambda: frame(self.store.query(text)))

