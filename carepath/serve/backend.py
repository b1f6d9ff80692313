"""The one place ``carepath serve`` gets its graph from: the model and the two query engines.

The server needs three things: the typed model (for the pages), an Oxigraph store (for
``/sparql``) and a LadybugDB database (for ``/cypher``), all read-only. They come from a
build, as for every other command: a ``--graph`` build folder (:func:`carepath.build.open_build`)
or the per-user cached build of the ``--data`` files (:func:`carepath.cache.open_data`), so a
second ``carepath serve`` on the same data reads the model snapshot and opens the stores on
disk instead of loading and building everything again. The build's ``oxigraph()`` is opened
read-only, and its LadybugDB database too, so each engine refuses every write itself; each
thread asks :meth:`Graph.cypher` for its own connection to that one database (LadybugDB
connections are not shared between threads).

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

__all__ = ["Graph", "build_label", "open_graph", "source_label"]


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
    store_path: Path | None = None  # the store on disk, for the SPARQL worker processes
    _workers: Any = None
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

    def sparql(self, query: str, *, limit: int, timeout: float,
               default_graph: list[str] | None = None,
               named_graphs: list[str] | None = None) -> Any:
        """``query``'s rows (:class:`carepath.engines.rows.Rows`), at most ``limit``, run in a
        worker process that is killed at ``timeout`` seconds (the work stops with it); a
        store with no folder on disk is queried in this thread."""
        from carepath.engines.rows import SparqlWorkers, sparql_rows

        options = {"limit": limit, "timeout": timeout, "default_graph": default_graph,
                   "named_graphs": named_graphs}
        if self.store_path is None:
            return sparql_rows(self.store, query, **options)
        with self._lock:
            if self._workers is None:
                self._workers = SparqlWorkers(self.store_path)
            workers = self._workers
        return workers.run(query, **options)

    def start_workers(self) -> None:
        """Start the first SPARQL worker now, so the first query does not wait for it."""
        from carepath.engines.rows import SparqlWorkers

        with self._lock:
            if self._workers is None and self.store_path is not None:
                self._workers = SparqlWorkers(self.store_path)

    def close(self) -> None:
        """Stop the SPARQL workers, close the connections and the database, and remove the
        temporary folder."""
        with self._lock:
            if self._workers is not None:
                self._workers.close()
                self._workers = None
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self.database.close()
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None


def open_graph(data: Sequence[Path | str] = (), *, graph: Path | str | None = None,
               model: Model | None = None) -> Graph:
    """The graph the server answers from, through the build interface every command uses:

    - ``graph``: a build folder (``carepath build -o DIR``), its stores opened read-only;
    - ``data`` (default: the bundled reference data): one build folder given as data is
      opened as one; otherwise the data's cached build (:mod:`carepath.cache`), made on
      first use and reused by every later command;
    - ``model``: taken as it is, its engines built in a temporary folder (for tests and
      hostile fixtures that are not on disk).

    Raises:
        BuildError: a build folder that cannot be opened (missing, damaged, another carepath).
        DataValidationError: the data has problems (every one of them listed).
        CarepathError: an engine could not be built.
    """
    if model is not None:
        return _from_model(model, ", ".join(str(p) for p in data)
                           or "the bundled reference data")
    from carepath.cache import open_source

    build = open_source(list(data), graph=graph)
    label = source_label(data, graph=graph)
    model = build.model
    store = build.oxigraph()  # read-only: Oxigraph refuses every update itself
    first = build.ladybug()  # a connection to the database, opened read-only
    from carepath.build import OXIGRAPH

    on_disk = build.folder / OXIGRAPH
    the_graph = Graph(model, store, first.database, label, list(build.warnings),
                      store_path=on_disk if on_disk.is_dir() else None)
    the_graph._local.conn = first
    the_graph._connections.append(first)
    return the_graph


def source_label(data: Sequence[Path | str] = (), *, graph: Path | str | None = None) -> str:
    """How the pages name what :func:`open_graph` opens from ``data`` or ``graph``.

    >>> source_label(), source_label(["a", "b"]), source_label(graph="build")
    ('the bundled reference data', 'a, b', 'the graph built in build/')
    """
    from carepath.build import is_build

    if graph is not None or (len(data) == 1 and is_build(data[0])):
        return build_label(graph if graph is not None else data[0])
    return ", ".join(str(p) for p in data) or "the bundled reference data"


def build_label(folder: Path | str) -> str:
    """How a page names a build folder: where it is, not "the build build".

    >>> build_label("build"), build_label("out/carepath-build/")
    ('the graph built in build/', 'the graph built in out/carepath-build/')
    """
    return f"the graph built in {str(folder).rstrip('/')}/"


def _from_model(model: Model, label: str) -> Graph:
    """The engines of ``model``, written to a temporary folder and opened again read-only."""
    import ladybug

    from carepath.build import write_ladybug, write_oxigraph

    folder = tempfile.TemporaryDirectory(prefix="carepath-serve-")
    try:
        path = Path(folder.name) / "graph.lbdb"
        write_ladybug(model, path)
        database = ladybug.Database(str(path), read_only=True)
        rdf = Path(folder.name) / "rdf.oxigraph"
        write_oxigraph(model, rdf)  # closed at once: the workers open it read-only
        store = ox.Store.read_only(str(rdf))
    except Exception as exc:  # pragma: no cover - an engine failing to build
        folder.cleanup()
        raise CarepathError(f"could not build the query engines: {exc}") from exc
    return Graph(model, store, database, label, [], folder, store_path=rdf)
