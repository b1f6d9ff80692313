"""Credentials in URIs never appear in a message; an unresponsive server is a clear error
within the connection timeout, not a minute's wait (issue 19)."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from carepath.errors import QueryError
from carepath.redact import redact
from carepath.servers.neo4j import CONNECT_TIMEOUT, Neo4jEngine
from tests.conftest import run_cli


@pytest.fixture
def silent_port():
    """A real TCP server that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


@pytest.mark.parametrize("scheme", ["bolt", "neo4j"])
def test_a_silent_neo4j_fails_within_the_connection_timeout(silent_port, scheme):
    # took 60-77 s (the driver's acquisition timeout), whatever connection_timeout said
    start = time.monotonic()
    with pytest.raises(QueryError, match="cannot reach Neo4j"):
        Neo4jEngine(f"{scheme}://127.0.0.1:{silent_port}", user="neo4j", password="x")
    assert time.monotonic() - start < CONNECT_TIMEOUT * 2.5


@pytest.mark.parametrize("args", [
    ("query", "cypher", "RETURN 1", "--neo4j-uri", "bolt://neo4j:s3cr3t@127.0.0.1:1"),
    ("query", "sparql", "SELECT * WHERE { ?s ?p ?o }", "--endpoint",
     "http://ann:s3cr3t@127.0.0.1:1/ds/query"),
    ("export", "sparql", "--endpoint", "ftp://ann:s3cr3t@127.0.0.1:1/ds/data"),
    ("export", "neo4j", "--uri", "neo4j://neo4j:s3cr3t@127.0.0.1:1"),
], ids=["cypher-bolt", "sparql-query", "sparql-upload", "neo4j-export"])
def test_a_password_in_a_uri_is_never_shown(args):
    result = run_cli(*args, env={"NEO4J_PASSWORD": "x", "SPARQL_PASSWORD": "x"})
    assert result.returncode != 0
    assert "s3cr3t" not in result.stderr + result.stdout, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().startswith("error:"), result.stderr


def test_redact_keeps_the_rest_of_the_message():
    text = "cannot reach bolt://neo4j:s3cr3t@db:7687: refused; see http://a:b@c/d"
    assert redact(text) == "cannot reach bolt://neo4j:***@db:7687: refused; see http://a:***@c/d"
