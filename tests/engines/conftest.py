"""The real servers of tests/servers, for the engine suites here."""

from ..servers.conftest import fuseki, neo4j_server  # noqa: F401 - session fixtures
