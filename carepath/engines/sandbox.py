"""User queries run read-only and sandboxed: checked by parsing, not by pattern matching.

- SPARQL (:func:`check_sparql`): the text is parsed as a query by rdflib's SPARQL parser
  (codepoint escapes expanded first, as the grammar says); a query with a ``SERVICE`` pattern
  anywhere in its parse tree is refused (it would make the engine fetch remote data), and so
  is anything that does not parse as a query (an update). A string that merely contains the
  word SERVICE is data, and passes.
- LadybugDB (:func:`check_ladybug`): the engine's own parser and planner decide. ``prepare``
  refuses more than one statement; the plan of the one statement (``EXPLAIN``) may hold only
  reading operators, and table functions only from an allow-list: ``COPY ... TO``,
  ``LOAD FROM`` a file, ``INSTALL``, ``EXPORT DATABASE``, settings and writes are refused.
  The database is also opened read-only.
- Neo4j checks its own plan's query type (see :mod:`carepath.servers.neo4j`).

>>> check_sparql('SELECT ?s WHERE { ?s ?p "SERVICE <http://example.org/>" }')
>>> check_sparql('SELECT * WHERE { SERVICE<http://example.org/x> { ?s ?p ?o } }')
Traceback (most recent call last):
...
carepath.errors.QueryError: SERVICE patterns are refused: they make the engine fetch remote data
"""

from __future__ import annotations

import re
from typing import Any

from carepath.errors import QueryError

_SERVICE_REFUSED = "SERVICE patterns are refused: they make the engine fetch remote data"


def _has_service(node: Any) -> bool:
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            if item.name == "ServiceGraphPattern":
                return True
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
        elif hasattr(item, "asList") and not isinstance(item, str):
            stack.extend(item.asList())
    return False


def check_sparql(text: str) -> None:
    """Refuse a user's SPARQL unless it is a query without ``SERVICE``.

    Raises:
        QueryError: an update, a SERVICE pattern, or text that is not a SPARQL query.
    """
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        tree = parseQuery(text)
    except ParseException as exc:
        raise QueryError(f"SPARQL syntax error, or not a query (updates are refused): "
                         f"{exc.msg} at line {exc.lineno}, column {exc.col}") from None
    except Exception as exc:  # rdflib raises others for some bad input
        raise QueryError(f"SPARQL syntax error: {str(exc).splitlines()[0]}") from None
    if _has_service(tree):
        raise QueryError(_SERVICE_REFUSED)


# Plan operators of LadybugDB that only read (names as EXPLAIN prints them).
LADYBUG_OPERATORS = frozenset({
    "RESULT_COLLECTOR", "PROJECTION", "FILTER", "FLATTEN", "LIMIT", "SKIP",
    "MULTIPLICITY_REDUCER", "HASH_JOIN_BUILD", "HASH_JOIN_PROBE", "INTERSECT_BUILD",
    "INTERSECT", "CROSS_PRODUCT", "SCAN_NODE_TABLE", "SCAN_REL_TABLE",
    "PRIMARY_KEY_SCAN_NODE_TABLE",
    "INDEX_LOOKUP", "AGGREGATE", "AGGREGATE_SCAN", "AGGREGATE_FINALIZE", "ORDER_BY",
    "ORDER_BY_MERGE", "ORDER_BY_SCAN", "TOP_K", "TOP_K_SCAN", "UNWIND", "UNION_ALL_SCAN",
    "RECURSIVE_EXTEND", "PATH_PROPERTY_PROBE", "TABLE_FUNCTION_CALL", "SEMI_MASKER",
    "EMPTY_RESULT", "ACCUMULATE", "DUMMY_SINK", "PARTITIONER", "OFFSET",
    "EXTEND", "LEFT_JOIN", "COUNT_REL_TABLE",
})
# Table functions that read only the database itself.
LADYBUG_FUNCTIONS = frozenset({
    "READ_FTABLE", "SHOW_TABLES", "TABLE_INFO", "SHOW_CONNECTION", "DB_VERSION",
    "CURRENT_SETTING", "SHOW_FUNCTIONS",
})
_OPERATOR = re.compile(r"[│|]\s*([A-Z][A-Z_]+)\[\d+\]")
_FUNCTION = re.compile(r"Function:\s*([A-Za-z_][\w]*)")


def ladybug_plan(conn: Any, text: str) -> tuple[set[str], set[str]]:
    """The operators and table functions of the plan LadybugDB makes for ``text``."""
    prepared = conn.prepare(text)
    if not prepared.is_success():
        message = prepared.get_error_message().splitlines()[0]
        if "multiple statements" in message:
            raise QueryError("one Cypher statement at a time, please (no ';' between "
                             "statements)")
        raise QueryError(f"Cypher error: {message}")
    result = conn.execute("EXPLAIN " + text)
    plan = "\n".join(str(v) for v in result.get_as_df().iloc[:, 0])
    return set(_OPERATOR.findall(plan)), {f.upper() for f in _FUNCTION.findall(plan)}


# What a reading query can start with; anything else (COPY, EXPORT, IMPORT, INSTALL, ATTACH,
# CREATE/DROP/ALTER TABLE, BEGIN, CHECKPOINT...) is a command, refused before it is even
# planned (planning EXPORT DATABASE already creates its folder).
LADYBUG_FIRST_WORDS = frozenset({"MATCH", "OPTIONAL", "UNWIND", "WITH", "RETURN", "CALL",
                                 "LOAD"})


def first_word(text: str) -> str:
    """The first word of Cypher text, comments and whitespace skipped, upper-cased.

    >>> first_word("  /* a comment */ match (n) return n")
    'MATCH'
    """
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
        else:
            break
    j = i
    while j < n and (text[j].isalpha() or text[j] == "_"):
        j += 1
    return text[i:j].upper()


def check_ladybug(conn: Any, text: str) -> None:
    """Refuse a user's Cypher on LadybugDB unless its plan only reads the database.

    Raises:
        QueryError: more than one statement, a syntax error, or a plan that writes, reads
            files, installs extensions or changes settings.
    """
    import warnings

    word = first_word(text)
    if word not in LADYBUG_FIRST_WORDS:
        raise QueryError(f"refused: {word or 'this'} is not a reading query; queries are "
                         "read-only, without files, extensions or settings")
    with warnings.catch_warnings():  # prepare-then-execute is deprecated for running queries
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            operators, functions = ladybug_plan(conn, text)
        except RuntimeError as exc:
            raise QueryError(f"Cypher error: {str(exc).splitlines()[0]}") from None
    bad = sorted(operators - LADYBUG_OPERATORS) + sorted(functions - LADYBUG_FUNCTIONS)
    if bad:
        raise QueryError(f"refused: this Cypher does more than read the graph ({', '.join(bad)}); "
                         "queries are read-only, without files, extensions or settings")
