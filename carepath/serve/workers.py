"""Serving with several worker processes over one read-only build.

One Python process answers on one core: its pages are Python, and under load the requests
queue behind one another (at national, 8 clients: p50 577 ms, 10 requests a second). With
``carepath serve --workers N`` the command binds the address, makes sure the build is whole
(the cached build of ``--data`` gets its stores), and starts N worker processes. Each opens
the build folder itself (the model snapshot, the Oxigraph store and the LadybugDB database,
both read-only, so each engine refuses every write) and answers on the one listening socket
it was given: the kernel hands each new connection to one of them. The address line is
printed when every worker answers; a worker that stops is started again; Ctrl-C or SIGTERM
stops them all, each finishing the requests under way.

Workers are processes started fresh (``spawn``), not forked, so nothing of the command's
state is copied into them, and the same code runs on every platform.

>>> import socket, urllib.request
>>> from carepath.serve.server import bind, address
>>> sock = bind("127.0.0.1", 0)
>>> spec = WorkerSpec(folder=None, label="the bundled reference data")
>>> with Workers(spec, sock, count=2) as running:
...     body = urllib.request.urlopen(address(sock) + "service/dorset-mbu").read()
...     len(running.pids)
2
>>> b"Mother and Baby Unit" in body
True
>>> sock.close()
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import sys
import threading
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any

from carepath.errors import CarepathError

__all__ = ["WorkerSpec", "Workers", "serve_workers"]

STARTUP_TIMEOUT = 600.0  # seconds a worker may take to open a national build on a busy machine


@dataclass(frozen=True)
class WorkerSpec:
    """What each worker serves: the build ``folder`` (None: the cached build of the bundled
    reference data), how pages name it, and :func:`carepath.serve.app.create_app`'s
    keyword options (token, cors, timeout, row_limit, allowed_hosts, history)."""

    folder: Path | None
    label: str
    options: dict[str, Any] = field(default_factory=dict)
    quiet: bool = True
    log_level: str = "warning"


def _worker(spec: WorkerSpec, sock: Any, ready: Any) -> None:
    """One worker process: open the build, then serve ``sock`` until told to stop."""
    try:
        from carepath.serve.app import create_app
        from carepath.serve.backend import open_graph
        from carepath.serve.server import make_server

        if not spec.quiet:
            logging.basicConfig(stream=sys.stderr, format="%(message)s")
            logging.getLogger("carepath.serve").setLevel(logging.INFO)
        graph = open_graph(graph=spec.folder) if spec.folder is not None else open_graph()
        graph.label = spec.label
        app = create_app(graph, **spec.options)
        server = make_server(app, log_level=spec.log_level)
    except Exception as exc:  # noqa: BLE001 - told to the command, which says it in one line
        ready.put(("error", str(exc) or type(exc).__name__))
        raise SystemExit(1) from None
    original = server.startup

    async def startup(sockets: Any = None) -> None:
        await original(sockets=sockets)
        ready.put(("ready", multiprocessing.current_process().pid))

    server.startup = startup
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn raises Ctrl-C again once it has shut down
        pass
    finally:
        graph.close()


class Workers:
    """``count`` worker processes serving ``spec`` on the listening socket ``sock``; a
    context manager that returns once every worker answers and stops them all on exit.

    Raises:
        CarepathError: a worker could not open the build or start (its reason, one line).
    """

    def __init__(self, spec: WorkerSpec, sock: Any, *, count: int) -> None:
        self.spec, self.sock, self.count = spec, sock, count
        self._context = multiprocessing.get_context("spawn")
        self._ready = self._context.Queue()
        self._processes: list[Any] = []
        self._stopping = threading.Event()

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self._processes if p.is_alive()]

    def _start_one(self) -> Any:
        process = self._context.Process(target=_worker, name="carepath-serve",
                                        args=(self.spec, self.sock, self._ready))
        process.start()
        return process

    def start(self) -> None:
        """Start the workers and wait until every one answers."""
        self._processes = [self._start_one() for _ in range(self.count)]
        waiting = self.count
        while waiting:
            try:
                kind, value = self._ready.get(timeout=STARTUP_TIMEOUT)
            except Exception:  # noqa: BLE001 - queue.Empty: a worker that never answered
                self.stop()
                raise CarepathError(f"the server's workers did not start within "
                                    f"{STARTUP_TIMEOUT:g} s") from None
            if kind == "error":
                self.stop()
                raise CarepathError(f"a server worker could not start: {value}")
            waiting -= 1

    def watch(self) -> None:
        """Until :meth:`stop` is called: start a worker again when one stops by itself."""
        while not self._stopping.is_set():
            sentinels = [p.sentinel for p in self._processes]
            wait(sentinels, timeout=0.5)
            if self._stopping.is_set():
                return
            for i, process in enumerate(self._processes):
                if not process.is_alive():
                    process.join()
                    logging.getLogger("carepath.serve").warning(
                        "worker %d stopped (exit code %s); starting another", process.pid,
                        process.exitcode)
                    self._processes[i] = self._start_one()

    def stop(self) -> None:
        """Ask every worker to stop (SIGTERM: uvicorn finishes the requests under way),
        then kill any still running after 10 s."""
        self._stopping.set()
        for process in self._processes:
            if process.is_alive():
                process.terminate()
        for process in self._processes:
            process.join(10)
            if process.is_alive():
                process.kill()
                process.join(5)
        self._ready.close()

    def __enter__(self) -> Workers:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve_workers(spec: WorkerSpec, sock: Any, *, count: int,
                  on_ready: Any = None) -> None:
    """Serve ``spec`` with ``count`` worker processes on ``sock`` until Ctrl-C or SIGTERM;
    ``on_ready`` runs once every worker answers."""
    workers = Workers(spec, sock, count=count)
    previous = signal.getsignal(signal.SIGTERM)

    def terminate(signum: int, frame: Any) -> None:
        workers._stopping.set()

    signal.signal(signal.SIGTERM, terminate)
    try:
        workers.start()
        if on_ready is not None:
            on_ready()
        workers.watch()
    except KeyboardInterrupt:  # Ctrl-C: the workers had it too, and finish what is under way
        pass
    finally:
        workers.stop()
        signal.signal(signal.SIGTERM, previous)
