"""Requests built to take the server down (issue 24): a query nested too deep, and queries
that run past the time limit. The server refuses the first in one line and goes on; the
second stop consuming anything at the limit (SPARQL runs in worker processes that are killed;
LadybugDB interrupts its own query)."""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import pytest

from carepath.serve.app import create_app

from .conftest import start

# about 400 M solutions: a minute of Oxigraph here, far past a half-second limit
HEAVY = ("PREFIX cp: <https://w3id.org/carepath/ontology#> SELECT (COUNT(*) AS ?n) WHERE "
         "{ ?s ?p ?o . ?x a cp:Service . ?y a cp:Tier . ?z a cp:Tier . ?w a cp:Tier . "
         "?v a cp:Tier }")


@pytest.mark.parametrize(("path", "query"), [
    ("/sparql", "SELECT * WHERE " + "{" * 5000 + "}" * 5000),
    ("/sparql", "SELECT * WHERE { FILTER(" + "(" * 50000 + "1" + ")" * 50000 + ") }"),
    ("/cypher", "RETURN " + "[" * 1000 + "1" + "]" * 1000),
], ids=["sparql-5000-groups", "sparql-50000-parentheses", "cypher-1000-lists"])
def test_a_query_nested_too_deep_is_refused_and_the_server_goes_on(server, path, query):
    body = f"query={quote(query)}".encode()
    answer = server.request(path, data=body,
                            headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status == 403
    assert "nests more than 32 levels" in answer.text and len(answer.text.splitlines()) == 1
    ask = server.request("/sparql?query=" + quote("ASK { ?s ?p ?o }") + "&format=json")
    assert ask.status == 200 and ask.json()["boolean"] is True


def _cpu_seconds() -> float:
    """CPU time of this process (every thread of it) so far."""
    times = os.times()
    return times.user + times.system


def test_timed_out_sparql_stops_consuming_cpu(graph):
    quick = start(create_app(graph, timeout=0.5))
    try:
        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(lambda _: quick.request("/sparql?query=" + quote(HEAVY)),
                                    range(4)))
        assert [a.status for a in answers] == [503] * 4
        time.sleep(0.5)  # the killed workers' replacement starts
        before = _cpu_seconds()
        time.sleep(2)
        burnt = _cpu_seconds() - before
        # the abandoned queries went on in this process's threads: 0.73 s of CPU in these
        # 2 s before (on a busy 2-core machine); 0.00 s with the workers killed
        print(f"CPU in 2 s after 4 timed-out queries: {burnt:.2f} s")
        assert burnt < 0.25, f"{burnt:.2f} s of CPU in 2 s after the queries timed out"
        ask = quick.request("/sparql?query=" + quote("ASK { ?s ?p ?o }") + "&format=json")
        assert ask.status == 200 and ask.json()["boolean"] is True
    finally:
        quick.stop()
