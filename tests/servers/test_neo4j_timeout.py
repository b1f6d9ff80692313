"""A Neo4j query past the time limit is cancelled on the server too (issue 24): the engine
gives the time limit to Neo4j as the transaction's timeout, so the server stops the work
itself, not only the client its wait."""

from __future__ import annotations

import time

import pytest

from carepath.errors import QueryError
from carepath.servers.neo4j import Neo4jEngine, open_driver

HEAVY = "UNWIND range(1, 2000000000) AS x WITH x WHERE x % 7 = 3 RETURN count(x) AS n"


def _running(server) -> list[str]:
    with open_driver(server.uri, user=server.user, password=server.password) as driver:
        records, _, _ = driver.execute_query("SHOW TRANSACTIONS YIELD currentQuery "
                                             "RETURN currentQuery")
    return [r["currentQuery"] for r in records if "range(1, 2000000000)" in r["currentQuery"]]


def test_a_query_past_the_time_limit_is_cancelled_on_the_server(neo4j_server):
    with Neo4jEngine(neo4j_server.uri, user=neo4j_server.user,
                     password=neo4j_server.password, timeout=2) as engine:
        started = time.monotonic()
        with pytest.raises(QueryError, match="(?i)timeout|time limit|terminated"):
            engine.query(HEAVY)
        assert time.monotonic() - started < 30
    time.sleep(1)
    assert _running(neo4j_server) == []
