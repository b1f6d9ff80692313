"""The read-only Cypher endpoint on the engine's primitive: the rows of
:meth:`carepath.engines.ladybug.CypherEngine.rows` (the engines' one sandbox, their one
parameter check, a row limit, LadybugDB's own time limit), answered as JSON row objects with
nodes, relationships and paths shaped as Neo4j's HTTP API shows them.

Two locks, one inside the other: the database is opened read-only, so LadybugDB itself refuses
every write; and the engines' sandbox (:func:`carepath.engines.sandbox.check_ladybug`) lets
through only a single statement whose plan reads the graph: no writes, files, extensions,
attached databases or settings. A word in a string or a property called ``load`` is not a
clause, since the engine's own parser reads the query. A parameter the query does not use,
or one it uses and is not given, is an error (an unbound one would silently be NULL).

>>> from carepath.serve.backend import open_graph
>>> graph = open_graph()
>>> rows, truncated = run(graph.cypher(), "MATCH (s:Service {id: $id}) RETURN s.name AS n",
...                       {"id": "dorset-mbu"}, limit=10, timeout=5)
>>> rows, truncated
([{'n': 'Mother and Baby Unit'}], False)
>>> run(graph.cypher(), "COPY (MATCH (s) RETURN s.id) TO '/tmp/x.csv'", limit=1, timeout=5)
Traceback (most recent call last):
...
carepath.errors.QueryRefused: refused: COPY is not a reading query; ...
>>> graph.close()
"""

from __future__ import annotations

import json
from typing import Any

from carepath.errors import QueryError, TimedOut
from carepath.serve.sparql import Refused

__all__ = ["Refused", "TimedOut", "neo4j_value", "run"]


def run(conn: Any, query: str, params: Any = None, *, limit: int,
        timeout: float) -> tuple[list[dict[str, Any]], bool]:
    """Check and run ``query`` on a LadybugDB connection with ``params`` (a JSON object)
    bound; the rows as JSON-ready dicts (at most ``limit``) and whether there were more.

    Raises:
        Refused: a query the read-only sandbox will not run.
        QueryError: a bad query or parameters.
        TimedOut: past ``timeout`` (LadybugDB interrupts the query itself).
    """
    from carepath.engines.ladybug import CypherEngine

    if not isinstance(query, str) or not query.strip():
        raise QueryError("the query is empty")
    if params is not None and not isinstance(params, dict):
        raise QueryError('params must be a JSON object, e.g. {"id": "dorset-pmmhs"}')
    engine = CypherEngine(connection=conn, timeout=timeout)  # the thread's connection: kept
    result = engine.rows(query, params or {}, limit=limit, timeout=timeout)
    rows = [dict(zip(result.variables, row, strict=True)) for row in result.rows]
    rows = json.loads(json.dumps(rows, default=str))
    return [{k: neo4j_value(v) for k, v in row.items()} for row in rows], result.truncated


def _element_id(internal: Any) -> str:
    if isinstance(internal, dict):
        return f"{internal.get('table')}:{internal.get('offset')}"
    return str(internal)


def neo4j_value(value: Any) -> Any:
    """A LadybugDB value as Neo4j's HTTP Query API shows it, so a Neo4j client's code works
    unchanged: a node ``{"elementId", "labels", "properties"}``; a relationship
    ``{"elementId", "type", "startNodeElementId", "endNodeElementId", "properties"}``; a path
    ``{"nodes": [...], "relationships": [...]}``; lists and maps the same inside. Null
    properties are left out, as Neo4j stores none.

    >>> neo4j_value({"_ID": {"offset": 3, "table": 0}, "_LABEL": "Service", "id": "gp",
    ...              "email": None})
    {'elementId': '0:3', 'labels': ['Service'], 'properties': {'id': 'gp'}}
    """
    if isinstance(value, list):
        return [neo4j_value(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "_NODES" in value and "_RELS" in value:
        return {"nodes": [neo4j_value(n) for n in value["_NODES"] or []],
                "relationships": [neo4j_value(r) for r in value["_RELS"] or []]}
    if "_LABEL" in value and "_ID" in value:
        props = {k: neo4j_value(v) for k, v in value.items()
                 if not k.startswith("_") and v is not None}
        if "_SRC" in value and "_DST" in value:
            return {"elementId": _element_id(value["_ID"]), "type": value["_LABEL"],
                    "startNodeElementId": _element_id(value["_SRC"]),
                    "endNodeElementId": _element_id(value["_DST"]), "properties": props}
        return {"elementId": _element_id(value["_ID"]), "labels": [value["_LABEL"]],
                "properties": props}
    return {k: neo4j_value(v) for k, v in value.items()}
