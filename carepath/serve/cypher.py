"""The read-only Cypher endpoint: checking a query by its tokens, running it with bound
parameters, and answering with the rows ``carepath query cypher --format json`` prints.

Two locks, one inside the other. The database is opened read-only, so LadybugDB itself refuses
every write. And :func:`check_query` reads the query's tokens (strings, comments, back-quoted
names, parameters, property keys and labels skipped) and refuses a statement that would write,
reach files or the network, or change the engine: ``COPY``, ``LOAD FROM``, ``INSTALL``,
``ATTACH``, ``EXPORT``/``IMPORT DATABASE`` and every write clause, and ``CALL`` of anything but
the schema listings. A word in a string or a property called ``load`` is not a clause.

The engines' own check (:func:`carepath.engines.sandbox.check_ladybug`: ``prepare`` and an
``EXPLAIN`` plan of reading operators only, which ``carepath query cypher`` runs) is not run
here as well: one check per path. This one is kept for the endpoint because it costs
0.03-0.04 ms a query against 2-5 ms for the plan (two round trips to the engine; measured on
the region preset), and the read-only database stands behind it.

>>> check_query("MATCH (s:Service) WHERE s.name = 'COPY me' RETURN s.load")
>>> check_query("COPY (MATCH (s:Service) RETURN s.id) TO '/tmp/x.csv'")
Traceback (most recent call last):
...
carepath.errors.QueryRefused: COPY is refused: this endpoint is read-only and reads or writes ...
"""

from __future__ import annotations

import json
import re
from typing import Any

from carepath.engines.sandbox import check_cypher_shape
from carepath.errors import QueryError
from carepath.output import records
from carepath.serve.sparql import Refused, TimedOut

__all__ = ["ALLOWED_CALLS", "check_query", "neo4j_value", "run", "tokens"]

DENIED = {
    "CREATE": "writes", "MERGE": "writes", "SET": "writes", "DELETE": "writes",
    "DETACH": "writes", "REMOVE": "writes", "DROP": "writes", "ALTER": "writes",
    "COPY": "reads or writes no files", "LOAD": "reads no files", "INSTALL": "installs nothing",
    "ATTACH": "opens no other database",
    "EXPORT": "writes no files", "IMPORT": "reads no files", "USE": "opens no other database",
    "BEGIN": "runs no transactions", "COMMIT": "runs no transactions",
    "ROLLBACK": "runs no transactions", "CHECKPOINT": "writes", "TRUNCATE": "writes",
}
ALLOWED_CALLS = frozenset({"show_tables", "table_info", "show_connection"})
"""The table functions ``CALL`` may name: the schema listings."""

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<comment>//[^\n]*|/\*.*?(?:\*/|\Z))
  | (?P<string>'(?:[^'\\]|\\.)*(?:'|\Z)|"(?:[^"\\]|\\.)*(?:"|\Z))
  | (?P<quoted>`[^`]*(?:`|\Z))
  | (?P<param>\$\w+)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<punct>.)
""", re.VERBOSE | re.DOTALL)


def tokens(query: str) -> list[tuple[str, str]]:
    """The query's tokens as (kind, text), spaces and comments left out.

    >>> tokens("MATCH (n) // COPY\\nRETURN n.`load`, 'LOAD'")  # doctest: +NORMALIZE_WHITESPACE
    [('word', 'MATCH'), ('punct', '('), ('word', 'n'), ('punct', ')'), ('word', 'RETURN'),
     ('word', 'n'), ('punct', '.'), ('quoted', '`load`'), ('punct', ','), ('string', "'LOAD'")]
    """
    return [(m.lastgroup, m.group()) for m in _TOKEN.finditer(query)
            if m.lastgroup not in ("space", "comment")]


def check_query(query: str) -> None:
    """Refuse (:class:`Refused`) a statement that writes, reads files, installs or attaches;
    refuse more than one statement; an empty query is a :class:`QueryError`.

    >>> check_query("MATCH (n) RETURN n; MATCH (m) DETACH DELETE m")
    Traceback (most recent call last):
    ...
    carepath.errors.QueryRefused: one statement at a time, please (found ';' before the end)
    >>> check_query("CALL table_info('Service') RETURN *")
    """
    check_cypher_shape(query)
    toks = tokens(query)
    while toks and toks[-1] == ("punct", ";"):
        toks.pop()
    if not toks:
        raise QueryError("the query is empty")
    for i, (kind, text) in enumerate(toks):
        if kind == "punct" and text == ";":
            raise Refused("one statement at a time, please (found ';' before the end)")
        if kind != "word":
            continue
        before = toks[i - 1][1] if i else ""
        if before in (".", ":"):  # a property key or a label, not a clause
            continue
        word = text.upper()
        if word in DENIED:
            raise Refused(f"{word} is refused: this endpoint is read-only and "
                          f"{DENIED[word]}")
        if word == "CALL":
            name = toks[i + 1][1].lower() if i + 1 < len(toks) else ""
            if name not in ALLOWED_CALLS:
                raise Refused(f"CALL {name or '...'} is refused: only "
                              f"{', '.join(sorted(ALLOWED_CALLS))} may be called here")


def check_params(query: str, params: Any) -> dict[str, Any]:
    """``params`` as a dict of JSON values naming every ``$parameter`` the query uses (an
    unbound one would silently be NULL in LadybugDB).

    >>> check_params("MATCH (s {id: $id}) RETURN s", {"id": "a", "x": 1})
    {'id': 'a'}
    >>> check_params("RETURN $id", {})
    Traceback (most recent call last):
    ...
    carepath.errors.QueryError: the query uses $id but params does not give it
    """
    if not isinstance(params, dict):
        raise QueryError("params must be a JSON object, e.g. {\"id\": \"dorset-pmmhs\"}")
    used = [text[1:] for kind, text in tokens(query) if kind == "param"]
    missing = [name for name in used if name not in params]
    if missing:
        raise QueryError(f"the query uses ${missing[0]} but params does not give it")
    return {name: params[name] for name in dict.fromkeys(used)}


def run(conn: Any, query: str, params: Any = None, *, limit: int,
        timeout: float) -> tuple[list[dict[str, Any]], bool]:
    """Check and run ``query`` on a LadybugDB connection with ``params`` bound; the rows as
    JSON-ready dicts (at most ``limit``) and whether there were more.

    Raises :class:`Refused`, :class:`QueryError` for a bad query, :class:`TimedOut` past
    ``timeout`` (LadybugDB interrupts the query itself).
    """
    check_query(query)
    bound = check_params(query, {} if params is None else params)
    conn.set_query_timeout(max(1, int(timeout * 1000)))
    try:
        result = conn.execute(query, bound)
    except RuntimeError as exc:
        message = str(exc).splitlines()[0]
        if "interrupt" in message.lower() or "timeout" in message.lower():
            raise TimedOut(f"the query ran past the time limit ({timeout:g} s)") from None
        raise QueryError(f"Cypher error: {message}") from None
    if isinstance(result, list):  # several statements cannot pass check_query
        result = result[-1]
    try:
        if result.get_num_tuples() <= limit:
            rows, truncated = records(result.get_as_df()), False
        else:
            names = result.get_column_names()
            rows = []
            while result.has_next() and len(rows) < limit:
                rows.append(dict(zip(names, result.get_next(), strict=True)))
            rows, truncated = json.loads(json.dumps(rows, default=str)), True
    finally:
        result.close()
    return [{k: neo4j_value(v) for k, v in row.items()} for row in rows], truncated


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
