"""The plain ways to answer carepath's questions, each a whole process, for side-by-side timing.

    python benchmarks/baselines.py NAME BUILD [ARG...]

Each baseline is what an analyst could write without carepath, reading the same build folder
or its files: rdflib parsing ``carepath.ttl`` (the plain RDF way), pyoxigraph and LadybugDB
opening the build's stores themselves (the engines' own speed, no carepath code), and the
official neo4j driver asking a running Neo4j 5.26 (``--neo4j URI``; password from
``$NEO4J_PASSWORD``). The queries are the library's own (``queries/library``), with the
parameter bound by each engine's mechanism. A plain networkx script for the shortest route is
``benchmarks/plain_routes.py``.

Names:
- ``rdflib-who-refers-to BUILD SERVICE``: parse the Turtle, run who-refers-to
- ``rdflib-group-by BUILD``: parse the Turtle, count referrals into each service
- ``oxigraph-who-refers-to BUILD SERVICE`` / ``oxigraph-group-by BUILD``
- ``ladybug-who-refers-to BUILD SERVICE`` / ``ladybug-group-by BUILD``
- ``neo4j-who-refers-to URI SERVICE`` / ``neo4j-group-by URI``

Each prints the number of rows it got, so a run can be checked against carepath's answer.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

LIBRARY = Path(__file__).resolve().parent.parent / "queries" / "library"
ID = "https://w3id.org/carepath/id/service/"
GROUP_SPARQL = ("PREFIX cp: <https://w3id.org/carepath/ontology#> SELECT ?b (COUNT(*) AS ?n) "
                "WHERE { ?a cp:refersTo ?b } GROUP BY ?b ORDER BY DESC(?n)")
GROUP_CYPHER = ("MATCH (a)-[r:REFERS_TO]->(b:Service) RETURN b.id AS service, count(*) AS n "
                "ORDER BY n DESC")


def _query(name: str, suffix: str) -> str:
    return (LIBRARY / f"{name}{suffix}").read_text(encoding="utf-8")


def rdflib_who_refers_to(build: str, service: str) -> int:
    import rdflib

    graph = rdflib.Graph()
    graph.parse(Path(build) / "carepath.ttl", format="turtle")
    rows = graph.query(_query("who-refers-to", ".rq"),
                       initBindings={"service": rdflib.URIRef(ID + service)})
    return len(list(rows))


def rdflib_group_by(build: str) -> int:
    import rdflib

    graph = rdflib.Graph()
    graph.parse(Path(build) / "carepath.ttl", format="turtle")
    return len(list(graph.query(GROUP_SPARQL)))


def _oxigraph(build: str):
    import pyoxigraph as ox

    return ox, ox.Store.read_only(str(Path(build) / "rdf.oxigraph"))


def oxigraph_who_refers_to(build: str, service: str) -> int:
    ox, store = _oxigraph(build)
    text = _query("who-refers-to", ".rq")
    # bound by a VALUES block opening the WHERE group, as carepath binds: pyoxigraph's
    # `substitutions` makes its planner rescan the OPTIONAL for every row (394 s against
    # 0.4 s at region). The term is pyoxigraph's own serialisation of a checked NamedNode.
    where = text.index("WHERE {") + len("WHERE {")
    text = f"{text[:where]} VALUES ?service {{ {ox.NamedNode(ID + service)} }}{text[where:]}"
    return len(list(store.query(text)))


def oxigraph_group_by(build: str) -> int:
    _, store = _oxigraph(build)
    return len(list(store.query(GROUP_SPARQL)))


def _ladybug(build: str):
    import ladybug

    return ladybug.Connection(ladybug.Database(str(Path(build) / "graph.lbdb"), read_only=True))


def _count(result) -> int:
    n = 0
    while result.has_next():
        result.get_next()
        n += 1
    return n


def ladybug_who_refers_to(build: str, service: str) -> int:
    return _count(_ladybug(build).execute(_query("who-refers-to", ".cypher"),
                                          {"service": service}))


def ladybug_group_by(build: str) -> int:
    return _count(_ladybug(build).execute(GROUP_CYPHER))


def _neo4j(uri: str, text: str, **params: str) -> int:
    from neo4j import GraphDatabase

    auth = ("neo4j", os.environ["NEO4J_PASSWORD"])
    with GraphDatabase.driver(uri, auth=auth) as driver:
        records, _, _ = driver.execute_query(text, params)
    return len(records)


def neo4j_who_refers_to(uri: str, service: str) -> int:
    return _neo4j(uri, _query("who-refers-to", ".cypher"), service=service)


def neo4j_group_by(uri: str) -> int:
    return _neo4j(uri, GROUP_CYPHER)


BASELINES = {name.replace("_", "-"): fn for name, fn in list(globals().items())
             if name.split("_")[0] in {"rdflib", "oxigraph", "ladybug", "neo4j"}
             and callable(fn) and not name.startswith("_")}


def main(argv: list[str]) -> None:
    if not argv or argv[0] not in BASELINES:
        raise SystemExit(f"usage: baselines.py NAME ARG...; names: {', '.join(BASELINES)}")
    print(BASELINES[argv[0]](*argv[1:]))


if __name__ == "__main__":
    main(sys.argv[1:])
