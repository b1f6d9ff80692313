"""The real server for the tests: uvicorn in a thread, on a free loopback port, over the
reference data (and over the hostile fixture for the escaping tests), plus Chromium tabs that
may reach that server and nothing else.
"""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

import carepath
from carepath.serve.app import LOOPBACK_HOSTS, create_app
from carepath.serve.backend import Graph, open_graph
from carepath.serve.server import address, bind, make_server

from ..html.conftest import HOSTILE, Tab, new_tab, screenshots  # noqa: F401

ROW_LIMIT = 1000


@dataclass
class Answer:
    status: int
    headers: Any
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> Any:
        import json

        return json.loads(self.body)


@dataclass
class Running:
    """A server running in this process: its address, and plain HTTP helpers."""

    url: str
    server: Any
    thread: threading.Thread

    def request(self, path: str, *, data: bytes | None = None, method: str | None = None,
                headers: dict[str, str] | None = None, timeout: float = 60) -> Answer:
        req = urllib.request.Request(self.url.rstrip("/") + path, data=data, method=method,
                                     headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return Answer(r.status, r.headers, r.read())
        except urllib.error.HTTPError as e:
            return Answer(e.code, e.headers, e.read())

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
        assert not self.thread.is_alive(), "the server did not stop"


def start(app: Any, host: str = "127.0.0.1") -> Running:
    """Serve ``app`` from a thread on a free port of ``host``; returns once it answers."""
    sock = bind(host, 0)
    server = make_server(app)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    return Running(address(sock), server, thread)


@pytest.fixture(scope="session")
def graph(reference) -> Iterator[Graph]:
    g = open_graph(model=reference)
    yield g
    g.close()


@pytest.fixture(scope="session")
def server(graph) -> Iterator[Running]:
    """The explorer over the reference data, as `carepath serve` runs it on the loopback."""
    running = start(create_app(graph, row_limit=ROW_LIMIT, timeout=30,
                               allowed_hosts=LOOPBACK_HOSTS))
    yield running
    running.stop()


@pytest.fixture(scope="session")
def hostile_server() -> Iterator[Running]:
    g = open_graph(model=carepath.load(HOSTILE))
    running = start(create_app(g))
    yield running
    running.stop()
    g.close()


@pytest.fixture
def open_page(browser) -> Iterator[Any]:  # noqa: F811
    """``open_page(url) -> Tab``: the server's page in a fresh tab; any request to anywhere
    but the server is aborted and recorded."""
    contexts: list[Any] = []

    def open_(url: str, *, width: int = 1300, height: int = 900) -> Tab:
        base = "/".join(url.split("/", 3)[:3]) + "/"
        return new_tab(browser, contexts, url, (base, "data:"), width=width, height=height)

    yield open_
    for context in contexts:
        context.close()
