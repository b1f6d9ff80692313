"""SPARQL on Oxigraph: the embedded store (in memory, or a build's on-disk store opened
read-only), and the shared logic of every SPARQL engine.

>>> from carepath import load_reference
>>> engine = SparqlEngine(load_reference())
>>> df = engine.run_named("who-refers-to", {"service": "dorset-pmmhs"})
>>> sorted(set(df["source"]))
['dorset-cmht', 'dorset-social-care', 'gp', 'health-visitor', 'midwife', 'relatives']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from carepath.engines.base import DEFAULT_TIMEOUT, Capabilities, EngineBase, with_timeout
from carepath.engines.binding import NODE_KINDS, rdf_terms, with_values
from carepath.engines.sandbox import check_sparql, check_unused, sparql_variables
from carepath.errors import QueryError
from carepath.graph.model import NodeKind

if TYPE_CHECKING:
    import pandas as pd

    from carepath.graph.model import Model


def plain_term(term: Any) -> Any:
    """An RDF term as a plain value: a carepath IRI as its id, numbers as numbers."""
    from carepath.graph.rdf import ID

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        value = term.value
        return value.rsplit("/", 1)[-1] if value.startswith(ID) else value
    if isinstance(term, ox.Literal):
        dt = term.datatype.value if term.datatype else ""
        if dt.endswith(("#integer", "#int", "#long")):
            return int(term.value)
        if dt.endswith(("#decimal", "#double", "#float")):
            return float(term.value)
        return term.value
    return str(term)


def frame(result: Any) -> pd.DataFrame:
    """A SELECT's rows, an ASK's one row ``result``, or a graph's (subject, predicate,
    object) rows."""
    import pandas as pd

    if isinstance(result, ox.QueryBoolean):
        return pd.DataFrame({"result": [bool(result)]})
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        rows = [[plain_term(sol[name]) for name in names] for sol in result]
        return pd.DataFrame(rows, columns=names)
    rows = [[plain_term(t.subject), plain_term(t.predicate), plain_term(t.object)]
            for t in result]
    return pd.DataFrame(rows, columns=["subject", "predicate", "object"])


class SparqlBase(EngineBase):
    """SPARQL with typed parameters bound by a VALUES block; subclasses give ``_execute``."""

    def node_kind(self, node: str) -> NodeKind | None:
        """Whether ``node`` is a service, a profession or the family in this graph."""
        raise NotImplementedError

    def _execute(self, text: str) -> pd.DataFrame:
        raise NotImplementedError

    def _run(self, text: str, params: dict[str, Any], types: dict[str, str], *,
             trusted: bool) -> pd.DataFrame:
        if not trusted:
            check_sparql(text)
            check_unused(params, sparql_variables(text), "SPARQL")
        terms = rdf_terms(params, types, self.node_kind)
        df = self._execute(with_values(text, terms))
        if trusted:  # library queries project their parameters
            df = df.drop(columns=[name for name in params if name in df.columns])
        return df


class SparqlEngine(SparqlBase):
    """SPARQL over the model's RDF in an embedded Oxigraph store.

    ``store``: an open store (e.g. a build's, read-only); else one is built in memory from
    ``model``.
    """

    def __init__(self, model: Model | None = None, store: ox.Store | None = None, *,
                 timeout: float = DEFAULT_TIMEOUT, read_only: bool = False) -> None:
        from carepath.graph.rdf import to_store

        if store is None and model is None:
            raise ValueError("SparqlEngine needs a model or a store")
        self.model = model
        self.store = store if store is not None else to_store(model)
        self.capabilities = Capabilities("sparql", "oxigraph", True, timeout)

    def node_kind(self, node: str) -> NodeKind | None:
        from carepath.graph.rdf import iri

        for kind in NODE_KINDS:
            if next(iter(self.store.quads_for_pattern(iri(kind, node), None, None)), None):
                return kind
        return None

    def rows(self, text: str, values: dict[str, Any] | None = None, *, limit: int,
             timeout: float | None = None) -> Any:
        """A user's query's rows (:class:`carepath.engines.rows.Rows`), at most ``limit``
        (see :meth:`EngineBase.rows`); ``values`` bound as strings by a VALUES block."""
        from carepath.engines.rows import sparql_rows

        values = {k: str(v) for k, v in (values or {}).items()}
        check_sparql(text)
        check_unused(values, sparql_variables(text), "SPARQL")
        text = with_values(text, rdf_terms(values, {}, self.node_kind))
        seconds = self.capabilities.timeout if timeout is None else timeout
        # given up at the limit, though Oxigraph runs on in its thread: the server runs
        # queries in worker processes instead (carepath.engines.rows.SparqlWorkers)
        return with_timeout(seconds, lambda: sparql_rows(
            self.store, text, limit=limit, timeout=seconds or float("inf")))

    def _execute(self, text: str) -> pd.DataFrame:
        def work() -> pd.DataFrame:
            try:
                return frame(self.store.query(text))
            except SyntaxError as exc:
                raise QueryError(f"SPARQL syntax error: {str(exc).splitlines()[0]}") from None
            except OSError as exc:
                raise QueryError(f"SPARQL query failed: {str(exc).splitlines()[0]}") from None

        return with_timeout(self.capabilities.timeout, work)
