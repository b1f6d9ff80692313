"""Session fixtures: a real Neo4j 5.26 (embedded, Bolt) and a real Fuseki, on free loopback ports.

Each server starts once per session and stops at the end. Without java or mvn (or Maven Central
on the first run) the tests skip with the reason; under CI=true they fail instead.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from ..conftest import need
from ..support.servers import (
    FusekiServer,
    Neo4jServer,
    fuseki_jar,
    missing_tools,
    neo4j_classpath,
)

# one real value per parameter type, from the reference data (as tests/queries/test_named.py)
PARAMS = {"service": "dorset-pmmhs", "node": "health-visitor", "stage": "years-3-5",
          "tier": "universal", "concern": "maternal-mental-health", "severity": "moderate"}
ROUTE_PARAMS = {"source": "p05-health-visiting", "target": "p05-perinatal-mental-health-services"}


def params_for(query) -> dict[str, str]:
    return {p.name: ROUTE_PARAMS[p.name] if query.name == "referral-routes" else PARAMS[p.type]
            for p in query.params}


def _plain(value):
    if isinstance(value, list | tuple) or hasattr(value, "tolist"):
        value = value.tolist() if hasattr(value, "tolist") else value
        return tuple(_plain(v) for v in value) if isinstance(value, list | tuple) else value
    if isinstance(value, float) and value != value:
        return None
    return value


def rows(df: pd.DataFrame) -> list[tuple]:
    """A result's rows, order-free and engine-neutral (lists as tuples, NaN as None)."""
    return sorted((tuple(_plain(v) for v in row) for row in df.itertuples(index=False)),
                  key=repr)


def _tools() -> None:
    reason = missing_tools()
    need(reason is None, reason or "")


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory, reference):
    """Neo4j on a home made by ``neo4j-admin database import`` of ``carepath export neo4j-csv``
    (checked by test_neo4j_csv.py before the first wipe), or on a new home if that failed."""
    _tools()
    try:
        classpath = neo4j_classpath()
    except RuntimeError as exc:
        need(False, f"cannot resolve Neo4j from Maven Central: {exc}")
    folder = tmp_path_factory.mktemp("neo4j")
    server = Neo4jServer("neo4j", folder, classpath=classpath, home=folder / "home",
                         import_dir=folder / "import")
    import_from_csv(server, reference)
    server.start()
    yield server
    server.stop()


def import_from_csv(server: Neo4jServer, model) -> None:
    """Write the CSV files into the server's import folder and neo4j-admin import them into a
    new home (the server stopped); ``server.admin_import_result`` holds the outcome."""
    from carepath.servers.neo4j_csv import write_neo4j_csv

    shutil.rmtree(server.home, ignore_errors=True)
    write_neo4j_csv(model, server.import_dir)
    server.admin_import_result = server.admin_import(server.import_dir)
    if server.admin_import_result.returncode != 0:
        shutil.rmtree(server.home, ignore_errors=True)  # start on a new home instead
    server.pristine = True


def wipe(server: Neo4jServer) -> None:
    """An empty database: no nodes, no constraints."""
    from neo4j import GraphDatabase

    if server.process is None or server.process.poll() is not None:
        server.start()  # a test stopped it
    server.pristine = False
    with GraphDatabase.driver(server.uri, auth=(server.user, server.password)) as driver:
        driver.execute_query("MATCH (n) DETACH DELETE n")
        names = driver.execute_query("SHOW CONSTRAINTS YIELD name RETURN name").records
        for record in names:  # names come from the server; schema commands take no parameters
            driver.execute_query(f"DROP CONSTRAINT `{record['name']}` IF EXISTS")


@pytest.fixture
def neo4j(neo4j_server):
    """The session's Neo4j, emptied for this test."""
    wipe(neo4j_server)
    return neo4j_server


@pytest.fixture(scope="session")
def fuseki(tmp_path_factory):
    _tools()
    try:
        jar = fuseki_jar()
    except RuntimeError as exc:
        need(False, f"cannot fetch Fuseki from Maven Central: {exc}")
    server = FusekiServer("fuseki", tmp_path_factory.mktemp("fuseki"), jar=jar)
    server.start(timeout=120)
    yield server
    server.stop(kill=True)  # in memory: nothing to keep


def library_mismatches(server: Neo4jServer, model) -> list[str]:
    """The Cypher library queries whose rows on ``server`` differ from the embedded engine's."""
    from carepath.queries.named import CypherEngine, load_library
    from carepath.servers.neo4j import Neo4jEngine

    library = load_library()
    embedded = CypherEngine(model)
    wrong = []
    with Neo4jEngine(server.uri, user=server.user, password=server.password) as engine:
        for name, language in sorted(library.queries):
            if language == "cypher":
                params = params_for(library.get(name, "cypher"))
                got, expected = engine.run_named(name, params), embedded.run_named(name, params)
                if list(got.columns) != list(expected.columns) or rows(got) != rows(expected):
                    wrong.append(name)
    return wrong


@pytest.fixture(scope="session")
def fuseki_with_auth(tmp_path_factory, fuseki):
    """A second Fuseki that wants HTTP basic authentication (user carer)."""
    server = FusekiServer("fuseki-auth", tmp_path_factory.mktemp("fuseki-auth"), jar=fuseki.jar,
                          users={"carer": "s3cret-for-tests"})
    server.start(timeout=120)
    yield server
    server.stop(kill=True)  # in memory: nothing to keep
