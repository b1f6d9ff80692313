"""One interface to every query engine: :class:`QueryEngine`, opened by :func:`connect`.

Four engines answer the same named queries: Oxigraph (SPARQL) and LadybugDB (Cypher)
embedded, from a build folder or from data; Neo4j over Bolt; any SPARQL 1.1 endpoint. Each
takes query text and typed parameters and gives rows (a DataFrame), runs user queries
read-only with a timeout, and says what it is in ``capabilities``.

>>> from carepath import load_reference
>>> with connect(load_reference(), language="cypher") as engine:
...     engine.capabilities.dialect, len(engine.run_named("who-refers-to",
...                                                       {"service": "dorset-pmmhs"})) > 0
('ladybug', True)
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from carepath.engines.base import DEFAULT_TIMEOUT, Capabilities, QueryEngine, with_timeout
from carepath.errors import QueryError
from carepath.graph.model import Model

if TYPE_CHECKING:
    from carepath.build import Build

__all__ = ["DEFAULT_TIMEOUT", "Capabilities", "QueryEngine", "connect", "with_timeout"]

LANGUAGES = ("sparql", "cypher")
BOLT_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


def connect(spec: Model | Build | Path | str | Sequence[Path | str], *,
            language: str | None = None,
            user: str | None = None, password: str | None = None, database: str | None = None,
            named_graph: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> QueryEngine:
    """The engine for ``spec``:

    - a build opened by :func:`carepath.cache.open_source` (or
      :func:`carepath.build.open_build`): its stores, nothing opened twice;
    - a build folder (``carepath build``): its stores, opened read-only;
    - data paths (a list of files and folders; ``[]`` for the bundled data): their cached
      build (:mod:`carepath.cache`);
    - a model: built in memory;
    - ``bolt://...``/``neo4j://...``: Neo4j (``user``, ``password``, ``database``);
    - ``http(s)://...``: a SPARQL 1.1 query endpoint (``named_graph``, ``user``,
      ``password``).

    ``language`` (``sparql`` or ``cypher``) chooses between the embedded engines; default
    SPARQL. ``timeout``: seconds a query may run (0: no limit).

    Raises:
        QueryError: an unknown language, or a language the server does not speak.
        BuildError: a build folder that cannot be opened.
    """
    if language is not None and language not in LANGUAGES:
        raise QueryError(f"unknown query language {language!r}; expected sparql or cypher")
    if isinstance(spec, str) and "://" in spec:
        scheme = spec.partition("://")[0].lower()
        if scheme in BOLT_SCHEMES:
            _speaks(language, "cypher", spec)
            from carepath.servers.neo4j import Neo4jEngine

            return Neo4jEngine(spec, user=user or "neo4j", password=password or "",
                               database=database, timeout=timeout)
        _speaks(language, "sparql", spec)
        from carepath.servers.sparql import RemoteSparqlEngine

        return RemoteSparqlEngine(spec, graph=named_graph, user=user, password=password,
                                  timeout=timeout)
    language = language or "sparql"
    from carepath.build import Build

    if isinstance(spec, Build):
        return _from_build(spec, language, timeout)
    if isinstance(spec, Model):
        if language == "sparql":
            from carepath.engines.oxigraph import SparqlEngine

            return SparqlEngine(spec, timeout=timeout)
        from carepath.engines.ladybug import CypherEngine

        return CypherEngine(spec, timeout=timeout)
    return _from_build(_open(spec), language, timeout)


def _speaks(language: str | None, speaks: str, where: str) -> None:
    if language not in (None, speaks):
        raise QueryError(f"{where} runs {speaks}, not {language}")


def _open(spec: Path | str | Sequence[Path | str]) -> Any:
    from carepath.cache import open_source

    return open_source([spec] if isinstance(spec, str | Path) else list(spec))


def _from_build(build: Any, language: str, timeout: float) -> QueryEngine:
    """The embedded engine for ``language`` over an opened build or cache entry (whose
    names resolve the named queries' ids)."""
    engine: QueryEngine
    if language == "sparql":
        from carepath.engines.oxigraph import SparqlEngine

        engine = SparqlEngine(store=build.oxigraph(), timeout=timeout)
    else:
        from carepath.engines.ladybug import CypherEngine

        engine = CypherEngine(connection=build.ladybug(), timeout=timeout)
    engine.names = build
    return engine
