"""Rows with a limit, a time limit and a truncation flag: the primitive the server's
``/sparql`` and ``/cypher`` answer from, and SPARQL run where a query past its time limit can
be stopped (:class:`SparqlWorkers`).

pyoxigraph checks no time limit while it evaluates, and a thread cannot be stopped: a query
given up at the limit went on computing in its thread (four timed-out aggregates kept four
threads busy). A query run by :class:`SparqlWorkers` runs in a worker process over the
store on disk (opened read-only there); at the limit the process is killed, so the work
stops with it, and a new worker takes its place when one is next needed. A worker that
crashes takes nothing else down either.

>>> import pyoxigraph as ox
>>> store = ox.Store()
>>> store.add(ox.Quad(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p"), ox.Literal("x")))
>>> r = sparql_rows(store, "SELECT ?o WHERE { ?s ?p ?o }", limit=10, timeout=5)
>>> r.variables, [str(t) for t in r.rows[0]], r.truncated
(['o'], ['"x"'], False)
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from carepath.engines.sandbox import check_sparql
from carepath.errors import CarepathError, QueryError, TimedOut

__all__ = ["Rows", "SparqlWorkers", "sparql_rows"]


@dataclass
class Rows:
    """What a query gave: ``kind`` is 'boolean', 'solutions' or 'graph'; ``rows`` are
    solutions (lists of RDF terms, None where unbound) or triples; ``truncated``: more
    rows were left out at the limit."""

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[Any] = field(default_factory=list)
    boolean: bool = False
    truncated: bool = False


def sparql_rows(store: Any, query: str, *, limit: int, timeout: float,
                default_graph: list[str] | None = None,
                named_graphs: list[str] | None = None) -> Rows:
    """Check (:func:`carepath.engines.sandbox.check_sparql`) and run ``query`` on an Oxigraph
    ``store`` in this thread, keeping at most ``limit`` rows and stopping after ``timeout``
    seconds of reading them (checked between rows: use :class:`SparqlWorkers` to stop the
    evaluation itself).

    Raises:
        QueryRefused: an update, SERVICE, or a query too deep or too long.
        QueryError: a syntax or evaluation error.
        TimedOut: past the time limit while reading rows.
    """
    import pyoxigraph as ox

    check_sparql(query)
    options: dict[str, Any] = {}
    if default_graph:
        options["default_graph"] = [ox.NamedNode(g) for g in default_graph]
    if named_graphs:
        options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
    deadline = time.monotonic() + timeout
    try:
        result = store.query(query, **options)
    except (SyntaxError, ValueError) as exc:
        raise QueryError(f"SPARQL syntax error: {str(exc).splitlines()[0]}") from None
    except OSError as exc:
        raise QueryError(f"SPARQL error: {str(exc).splitlines()[0]}") from None
    if isinstance(result, ox.QueryBoolean):
        return Rows("boolean", boolean=bool(result))
    is_solutions = isinstance(result, ox.QuerySolutions)
    out = Rows("solutions" if is_solutions else "graph",
               [v.value for v in result.variables] if is_solutions else [])
    try:
        for i, item in enumerate(result):
            if i >= limit:
                out.truncated = True
                break
            if i % 1000 == 999 and time.monotonic() > deadline:
                raise TimedOut(f"the query ran past the time limit ({timeout:g} s)")
            out.rows.append([item[v] for v in out.variables] if is_solutions else item)
    except TimedOut:
        raise
    except (OSError, RuntimeError) as exc:  # an evaluation error found while reading
        raise QueryError(f"SPARQL error: {str(exc).splitlines()[0]}") from None
    return out


def _serve(conn: Any, path: str) -> None:
    """A worker process: open the store at ``path`` read-only and answer jobs until told to
    stop (None) or the pipe closes."""
    import pyoxigraph as ox

    store = ox.Store.read_only(path)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        query, options = job
        try:
            answer: tuple[str, Any] = ("ok", sparql_rows(store, query, **options))
        except CarepathError as exc:
            answer = ("error", exc)
        except Exception as exc:  # noqa: BLE001 - any failure goes back as a query error
            answer = ("error", QueryError(f"SPARQL error: {str(exc).splitlines()[0]}"))
        conn.send(answer)


class _Worker:
    def __init__(self, context: Any, path: str) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, path), daemon=True,
                                       name="carepath-sparql")
        self.process.start()
        child.close()

    def stop(self, *, kill: bool) -> None:
        if kill:
            self.process.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                self.process.kill()
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5)
        self.conn.close()


class SparqlWorkers:
    """SPARQL over the Oxigraph store at ``path`` (opened read-only), run in worker
    processes (at most ``size`` at once, started as needed and kept for the next query); a
    query past its time limit is stopped by killing its process.

    >>> import tempfile, pathlib
    >>> from carepath.build import build
    >>> folder = build(out=pathlib.Path(tempfile.mkdtemp()) / "b", shacl=False).out
    >>> workers = SparqlWorkers(folder / "rdf.oxigraph")
    >>> workers.run("ASK { ?s ?p ?o }", limit=10, timeout=30).boolean
    True
    >>> workers.close()
    """

    def __init__(self, path: Path | str, *, size: int = 4) -> None:
        import multiprocessing

        self.path = str(path)
        self.size = size
        self._context = multiprocessing.get_context("spawn")  # no fork of a threaded server
        self._idle: list[_Worker] = []
        self._busy: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self._idle.append(_Worker(self._context, self.path))  # ready for the first query

    def _take(self) -> _Worker:
        with self._lock:
            if self._closed:
                raise QueryError("the SPARQL workers are closed")
            worker = self._idle.pop() if self._idle else None
            if worker is None:
                worker = _Worker(self._context, self.path)
            self._busy.add(worker)
            return worker

    def _give_back(self, worker: _Worker, *, kill: bool = False) -> None:
        with self._lock:
            self._busy.discard(worker)
            keep = not kill and not self._closed and len(self._idle) < self.size
            if keep:
                self._idle.append(worker)
        if not keep:
            worker.stop(kill=kill)
        if kill:  # a fresh worker starts now, so the next query does not wait for it
            with self._lock:
                if not self._closed and not self._idle:
                    self._idle.append(_Worker(self._context, self.path))

    def run(self, query: str, *, limit: int, timeout: float,
            default_graph: list[str] | None = None,
            named_graphs: list[str] | None = None) -> Rows:
        """:func:`sparql_rows` in a worker process; past ``timeout`` seconds the process is
        killed and :class:`TimedOut` raised.

        Raises:
            QueryRefused, QueryError, TimedOut: as :func:`sparql_rows`; QueryError too if
                the worker process died (it is replaced).
        """
        check_sparql(query)  # refused here, before a process is asked
        options = {"limit": limit, "timeout": timeout, "default_graph": default_graph,
                   "named_graphs": named_graphs}
        worker = self._take()
        try:
            worker.conn.send((query, options))
            if not worker.conn.poll(timeout):
                self._give_back(worker, kill=True)
                raise TimedOut(f"the query ran past the time limit ({timeout:g} s); it was "
                               "stopped")
            status, value = worker.conn.recv()
        except (EOFError, OSError):
            self._give_back(worker, kill=True)
            raise QueryError("the SPARQL worker stopped while running the query "
                             f"(exit code {worker.process.exitcode})") from None
        self._give_back(worker)
        if status == "error":
            raise value
        return value

    def close(self) -> None:
        """Stop every worker (a busy one is killed)."""
        with self._lock:
            self._closed = True
            idle, busy = list(self._idle), list(self._busy)
            self._idle.clear()
        for worker in idle:
            worker.stop(kill=False)
        for worker in busy:
            worker.process.kill()
