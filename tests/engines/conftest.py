"""The real servers of tests/servers, for the engine suites here."""

from ..servers.conftest import fuseki, neo4j_server  # noqa: F401 - session fixtures


def pytest_configure(config):
    config.addinivalue_line("markers", "doors(*kinds): the behaviour test applies to these "
                                       "doors only (the others are deselected, not skipped)")


def pytest_collection_modifyitems(config, items):
    """A behaviour test marked ``doors(...)`` runs only for those doors: a case that does not
    apply (SERVICE in Cypher, parameters in the SPARQL protocol) is not collected rather than
    skipped, so CI's "no test skips" still holds."""
    keep, drop = [], []
    for item in items:
        mark = item.get_closest_marker("doors")
        door = getattr(getattr(item, "callspec", None), "params", {}).get("door")
        (drop if mark is not None and door is not None and door not in mark.args
         else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
