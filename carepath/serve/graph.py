"""The one place ``carepath serve`` gets its graph from: the model and the two query engines.

The server needs three things: the typed model (for the pages), an Oxigraph store (for
``/sparql``) and a LadybugDB database (for ``/cypher``), all read-only. Today they are made from
``--data`` paths with the build's own functions; the instant-answers issue (a ``--graph`` build
folder, a per-user cache and a ``connect(spec)`` factory) will replace :func:`open_graph`'s body,
and nothing else in :mod:`carepath.serve` needs to change.

When that lands, :func:`open_graph` takes ``graph=DIR`` too and becomes, in outline:
``build = open_build(DIR) if DIR else open_data(paths)`` (``carepath.build``,
``carepath.cache``), then ``build.model``, ``build.oxigraph()`` and a read-only
``ladybug.Database`` on the build's database (one connection per thread, as below).

Today the Cypher database is written to a temporary folder and opened again with
``read_only=True``, so the engine itself refuses every write; each thread asks
:meth:`Graph.cypher` for its own connection (LadybugDB connections are not shared between
threads).

>>> graph = open_graph()
>>> graph.model.services["dorset-pmmhs"].name, len(graph.store) > 1000
('Perinatal and Maternal Mental Health Service', True)
>>> graph.cypher().execute("MATCH (s:Service {id: $id}) RETURN s.name", {"id": "dorset-mbu"}
...                        ).get_next()
['Mother and Baby Unit']
>>> graph.close()
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from carepath.errors import CarepathError, Problem
from carepath.graph.model import Model

__all__ = ["Graph", "open_graph"]


@dataclass
class Graph:
    """A loaded graph: the model, an Oxigraph store, a read-only LadybugDB database.

    ``label`` says where it came from (shown on every page); ``warnings`` are the loader's.
    """

    model: Model
    store: ox.Store
    database: Any  # ladybug.Database, opened read-only
    label: str
    warnings: list[Problem] = field(default_factory=list)
    _folder: tempfile.TemporaryDirectory | None = None
    _local: threading.local = field(default_factory=threading.local)
    _connections: list[Any] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def cypher(self) -> Any:
        """This thread's LadybugDB connection (made on first use)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            import ladybug

            conn = ladybug.Connection(self.database)
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    def close(self) -> None:
        """Close the connections and the database, and remove the temporary folder."""
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self.database.close()
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None


def open_graph(data: Sequence[Path | str] = (), *, model: Model | None = None) -> Graph:
    """Load ``data`` (default: the bundled reference data), or take ``model`` as it is, and
    build the engines the server queries.

    Raises
    ------
    DataValidationError : the data has problems (every one of them listed).
    CarepathError : an engine could not be built.
    """
    import ladybug

    from carepath.graph.cypher import to_ladybug
    from carepath.graph.rdf import to_store
    from carepath.loaders import load_with_warnings

    warnings: list[Problem] = []
    if model is None:
        model, warnings = load_with_warnings(*data)
    label = ", ".join(str(p) for p in data) or "the bundled reference data"
    folder = tempfile.TemporaryDirectory(prefix="carepath-serve-")
    try:
        path = Path(folder.name) / "graph.lbdb"
        to_ladybug(model, path).close()
        database = ladybug.Database(str(path), read_only=True)
        store = to_store(model)
    except Exception as exc:  # pragma: no cover - an engine failing to build
        folder.cleanup()
        raise CarepathError(f"could not build the query engines: {exc}") from exc
    return Graph(model, store, database, label, warnings, folder)
