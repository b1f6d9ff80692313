"""User queries run read-only and sandboxed: checked by parsing, not by pattern matching.

- SPARQL (:func:`check_sparql`): the text is read by SPARQL's lexer (codepoint escapes
  expanded first, as the grammar says); a ``SERVICE`` keyword anywhere is refused (it would
  make the engine fetch remote data), and so is any keyword of SPARQL Update. A string, a
  comment, an IRI or a name that merely contains the word SERVICE is data, and passes. The
  same check guards ``carepath serve``'s ``/sparql``.
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
carepath.errors.QueryRefused: SERVICE patterns are refused: they make the engine fetch remote data
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from carepath.errors import QueryError, QueryRefused

_SERVICE_REFUSED = "SERVICE patterns are refused: they make the engine fetch remote data"

_IRI = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
# a prefixed name's local part may hold escapes (ex:a\#b): a backslash takes the next
# character with it, so an escaped '#' is not read as the start of a comment
_NAME = re.compile(r"[A-Za-z_\u00C0-\uFFFF][\w\-.\u00B7\u00C0-\uFFFF]*(:(?:[\w\-.:%]|\\.)*)?"
                   r"|:(?:[\w\-.:%]|\\.)*")
_VAR = re.compile(r"[?$][\w\u00B7\u00C0-\uFFFF]*")
_LANG = re.compile(r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*")
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD",
                             "MOVE", "COPY", "WITH"})
"""Words of SPARQL Update that the query grammar has no use for: one anywhere is refused."""


def expand_codepoints(text: str) -> str:
    r"""``\uXXXX`` and ``\UXXXXXXXX`` replaced by their characters, as SPARQL does before
    it parses anything (so ``\u0053ERVICE`` is the keyword SERVICE).

    >>> expand_codepoints(r"\u0053ERVICE")
    'SERVICE'
    """
    def char(m: re.Match) -> str:
        try:
            return chr(int(m.group(1) or m.group(2), 16))
        except (ValueError, OverflowError):
            return m.group()

    return _CODEPOINT.sub(char, text) if "\\" in text else text


def end_of_string(text: str, i: int) -> int:
    """Offset just after the SPARQL string literal that starts at ``i`` (escapes skipped;
    the end of ``text`` if it is not closed).

    >>> end_of_string('"ab" x', 0), end_of_string("'''it's''' x", 0)
    (4, 10)
    """
    quote = text[i:i + 3] if text[i:i + 3] in ('"""', "'''") else text[i]
    j = i + len(quote)
    while j < len(text):
        if text[j] == "\\":
            j += 2
        elif text.startswith(quote, j):
            return j + len(quote)
        else:
            j += 1
    return j


def sparql_tokens(query: str, *, variables: bool = False) -> Iterator[tuple[int, str]]:
    """The query's keywords and brackets with their offsets, as SPARQL's lexer reads them:
    comments, strings, IRIs, variables, language tags and prefixed names are skipped (give
    the text after :func:`expand_codepoints`, as SPARQL reads it). The one lexer of carepath's
    SPARQL checks and of the parameter binder (:func:`carepath.engines.binding.where_brace`).

    >>> list(sparql_tokens(r"ASK { ?s ex:a\\#b '{' } # {"))
    [(0, 'ASK'), (4, '{'), (21, '}')]

    With ``variables``, the variables too (as written, ``?s`` or ``$s``).
    """
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if c == "#":
            end = query.find("\n", i)
            i = n if end < 0 else end
        elif c in "\"'":
            i = end_of_string(query, i)
        elif c == "<" and (m := _IRI.match(query, i)):
            i = m.end()
        elif c in "?$" and (m := _VAR.match(query, i)):
            if variables and len(m.group()) > 1:
                yield i, m.group()
            i = m.end()
        elif c == "@" and (m := _LANG.match(query, i)):
            i = m.end()
        elif c in "{}()":
            yield i, c
            i += 1
        elif m := _NAME.match(query, i):
            if ":" not in m.group():
                yield i, m.group()
            i = m.end()
        else:
            i += 1


def sparql_variables(query: str) -> set[str]:
    """The names of the variables ``query`` uses (``?x`` and ``$x`` are one variable; one in a
    string, a comment or an IRI is not).

    >>> sorted(sparql_variables('SELECT ?s WHERE { ?s ?p $o FILTER(?o != "?x") } # ?y'))
    ['o', 'p', 's']
    """
    return {token[1:] for _, token in sparql_tokens(expand_codepoints(query), variables=True)
            if token[0] in "?$"}


def check_unused(params: Iterable[str], used: set[str], language: str) -> None:
    """A parameter the query does not use is an error: a misspelt one would leave the
    query unfiltered without a word.

    >>> check_unused(["nmae"], {"name", "s"}, "SPARQL")
    Traceback (most recent call last):
    ...
    carepath.errors.QueryError: parameter 'nmae' is not used by the SPARQL query (did you mean ...
    """
    import difflib

    for name in params:
        if name not in used:
            close = difflib.get_close_matches(name, sorted(used), n=1)
            mean = f" (did you mean {close[0]}?)" if close else ""
            uses = ", ".join(sorted(used)) or "no parameters"
            raise QueryError(f"parameter {name!r} is not used by the {language} query{mean}; "
                             f"it uses: {uses}")


def sparql_keywords(query: str) -> list[str]:
    """The query's keywords (upper-cased), as SPARQL's lexer reads them after expanding
    codepoint escapes: words that are not in a comment, a string, an IRI, a variable, a
    language tag or a prefixed name.

    >>> sparql_keywords("PREFIX ex: <http://e/#> ASK { ?SERVICE ex:SERVICE 'SERVICE'@en }")
    ['PREFIX', 'ASK']
    """
    return [token.upper() for _, token in sparql_tokens(expand_codepoints(query))
            if token not in "{}()"]


# -- the shape of a query: its size, nesting and length, bounded before any engine parses ---

MAX_QUERY_CHARS = 500_000
"""The longest query text (characters) an engine is given."""
MAX_DEPTH = 32
"""The deepest nesting of brackets (and runs of prefix operators such as ``!``) allowed.
pyoxigraph's parser recurses per level and crashed the process (a segmentation fault) at
5,000 nested groups, 5,000 nested ``[`` and 50,000 ``!``; LadybugDB took 9 s to plan 200
nested lists and crashed at 1,000. Real queries nest a few levels."""
MAX_TOKENS = 4_000
"""The most tokens a query may hold outside SPARQL ``VALUES`` blocks. pyoxigraph builds
chains (``1+1+...``, ``{} UNION {}...``, a run of BINDs) as left-deep trees and crashed
past 4,000-8,000 links; LadybugDB took 5.7 s to plan ``1+1+...`` of 5,000 terms. Long lists
of values belong in a ``VALUES`` block (SPARQL) or a ``$parameter`` (Cypher)."""

_NUMBER = re.compile(r"[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?")
_OPENERS, _CLOSERS, _PREFIX_OPERATORS = "{([", "})]", "!+-"


def _shape_error(language: str, depth: int, tokens: int) -> None:
    if depth > MAX_DEPTH:
        raise QueryRefused(f"the {language} query nests more than {MAX_DEPTH} levels deep "
                           "(brackets or prefix operators); write it flatter")
    if tokens > MAX_TOKENS:
        raise QueryRefused(f"the {language} query is too long: more than {MAX_TOKENS:,} "
                           "tokens; split it, or give long lists of values as a VALUES "
                           "block (SPARQL) or a parameter")


def _check_size(language: str, text: str) -> None:
    if len(text) > MAX_QUERY_CHARS:
        raise QueryRefused(f"the {language} query is too long: {len(text):,} characters "
                           f"(at most {MAX_QUERY_CHARS:,})")


def sparql_shape(query: str) -> tuple[int, int]:
    """The deepest nesting of ``query`` (brackets, and runs of the prefix operators ``!``,
    ``+``, ``-``) and its number of tokens outside ``VALUES`` blocks, read as SPARQL's lexer
    reads it (strings, comments and IRIs are one token; give the text after
    :func:`expand_codepoints`).

    >>> sparql_shape('SELECT * WHERE { FILTER(!(?x = "((")) }')
    (3, 14)
    >>> sparql_shape("SELECT * WHERE { VALUES ?x { 1 2 3 4 5 6 } }")[1]
    7
    """
    i, n = 0, len(query)
    depth = deepest = run = tokens = 0
    values_at: int | None = None  # the depth of the VALUES block being read, if any
    want_values = False
    while i < n:
        c = query[i]
        counted = True
        if c.isspace():
            i += 1
            continue
        if c == "#":
            end = query.find("\n", i)
            i = n if end < 0 else end
            continue
        if c in "\"'":
            i = end_of_string(query, i)
        elif c == "<" and (m := _IRI.match(query, i)):
            i = m.end()
        elif c in "?$" and (m := _VAR.match(query, i)):
            i = m.end()
        elif c == "@" and (m := _LANG.match(query, i)):
            i = m.end()
        elif c in _OPENERS:
            depth += 1
            if c == "{" and want_values and values_at is None:
                values_at, want_values = depth, False
            i += 1
        elif c in _CLOSERS:
            if values_at is not None and depth == values_at and c == "}":
                values_at = None
                counted = False  # the block's closing brace, like its data, is free
            depth -= 1
            i += 1
        elif c.isdigit() or (c == "." and query[i + 1:i + 2].isdigit()):
            i = _NUMBER.match(query, i).end() if _NUMBER.match(query, i) else i + 1
        elif m := _NAME.match(query, i):
            if m.group().upper() == "VALUES":
                want_values = True
            i = m.end()
        else:
            i += 1
            if c in _PREFIX_OPERATORS and not query.startswith("=", i):
                run += 1
                deepest = max(deepest, depth + run)
                tokens += values_at is None
                continue
        run = 0
        deepest = max(deepest, depth)
        if counted and values_at is None:
            tokens += 1
        if deepest > MAX_DEPTH or tokens > MAX_TOKENS:
            break  # refused already: the rest need not be read
    return deepest, tokens


def check_sparql_shape(text: str) -> None:
    """Refuse SPARQL too long, too deeply nested or of too many tokens for the engines to
    parse safely (:data:`MAX_QUERY_CHARS`, :data:`MAX_DEPTH`, :data:`MAX_TOKENS`).

    >>> check_sparql_shape("SELECT * WHERE " + "{" * 5000 + "}" * 5000)
    Traceback (most recent call last):
    ...
    carepath.errors.QueryRefused: the SPARQL query nests more than 32 levels deep ...
    """
    _check_size("SPARQL", text)
    _shape_error("SPARQL", *sparql_shape(expand_codepoints(text)))


_CYPHER_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<comment>//[^\n]*|/\*.*?(?:\*/|\Z))
  | (?P<string>'(?:[^'\\]|\\.)*(?:'|\Z)|"(?:[^"\\]|\\.)*(?:"|\Z))
  | (?P<quoted>`[^`]*(?:`|\Z))
  | (?P<word>[$]?[A-Za-z_][A-Za-z0-9_]*)
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<punct>.)
""", re.VERBOSE | re.DOTALL)


MAX_CASE_DEPTH = 12
"""The deepest nesting of Cypher ``CASE`` expressions: LadybugDB's planning time doubles with
each level (16 levels 0.2 s, 20 levels 2.5 s, 31 levels more than five minutes, outside its
own query timeout)."""


def cypher_shape(query: str) -> tuple[int, int, int]:
    """The deepest nesting of Cypher ``query`` (brackets, ``CASE ... END`` and runs of
    ``NOT``, ``+`` and ``-``), its number of tokens (a string is one; comments none) and its
    deepest nesting of ``CASE`` alone.

    >>> cypher_shape("MATCH (s {id: '((('}) WHERE NOT NOT s.x RETURN [[1]]")
    (2, 21, 0)
    >>> cypher_shape("RETURN CASE WHEN true THEN (CASE WHEN false THEN 1 END) END")
    (3, 14, 2)
    """
    depth = deepest = run = tokens = cases = deepest_case = 0
    for m in _CYPHER_TOKEN.finditer(query):
        kind, text = m.lastgroup, m.group()
        if kind in ("space", "comment"):
            continue
        tokens += 1
        word = text.upper() if kind == "word" else ""
        if kind == "punct" and text in _OPENERS:
            depth += 1
        elif kind == "punct" and text in _CLOSERS:
            depth -= 1
        elif word == "CASE":
            depth, cases = depth + 1, cases + 1
            deepest_case = max(deepest_case, cases)
        elif word == "END" and cases > 0:
            depth, cases = depth - 1, cases - 1
        if (kind == "punct" and text in "+-") or word == "NOT":
            run += 1
        else:
            run = 0
        deepest = max(deepest, depth + run)
        if deepest > MAX_DEPTH or tokens > MAX_TOKENS or deepest_case > MAX_CASE_DEPTH:
            break
    return deepest, tokens, deepest_case


def check_cypher_shape(text: str) -> None:
    """Refuse Cypher too long, too deeply nested or of too many tokens for the engines to
    parse safely (the same bounds as :func:`check_sparql_shape`, and
    :data:`MAX_CASE_DEPTH`).

    >>> check_cypher_shape("RETURN " + "[" * 200 + "1" + "]" * 200)
    Traceback (most recent call last):
    ...
    carepath.errors.QueryRefused: the Cypher query nests more than 32 levels deep ...
    """
    _check_size("Cypher", text)
    depth, tokens, cases = cypher_shape(text)
    if cases > MAX_CASE_DEPTH:
        raise QueryRefused(f"the Cypher query nests CASE more than {MAX_CASE_DEPTH} levels "
                           "deep; write it flatter")
    _shape_error("Cypher", depth, tokens)


def check_sparql(text: str) -> None:
    """Refuse a user's SPARQL unless it is a query without ``SERVICE``.

    The check reads the query's tokens as SPARQL's lexer does (:func:`sparql_keywords`), not
    a pattern over its text: about 0.1 ms a query, where rdflib's full parser took 50-200 ms
    and finds the same clauses (tests/serve/test_sparql.py compares them). Text that is not a
    query at all is left to the engine's own parser, which accepts no update either.

    Raises:
        QueryRefused: a SERVICE pattern, SPARQL Update, or a query too long or too deeply
            nested to parse safely (:func:`check_sparql_shape`).
        QueryError: an empty query.
    """
    check_sparql_shape(text)
    words = sparql_keywords(text)
    if not words:
        raise QueryError("the query is empty")
    if "SERVICE" in words:
        raise QueryRefused(_SERVICE_REFUSED)
    update = next((w for w in words if w in UPDATE_KEYWORDS), None)
    if update:
        raise QueryRefused(f"SPARQL Update ({update}) is refused: not a query; queries are "
                           "read-only")


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
            raise QueryRefused("refused: one statement at a time, please (no ';' between "
                               "statements)")
        if "read-only database" in message:
            raise QueryRefused("refused: this Cypher writes to the graph; queries are "
                               "read-only")
        raise QueryError(f"Cypher error: {message}")
    result = conn.execute("EXPLAIN " + text)
    plan = "\n".join(str(v) for v in result.get_as_df().iloc[:, 0])
    return set(_OPERATOR.findall(plan)), {f.upper() for f in _FUNCTION.findall(plan)}


# What a reading query can start with; anything else (COPY, EXPORT, IMPORT, INSTALL, ATTACH,
# CREATE/DROP/ALTER TABLE, BEGIN, CHECKPOINT...) is a command, refused before it is even
# planned (planning EXPORT DATABASE already creates its folder).
LADYBUG_FIRST_WORDS = frozenset({"MATCH", "OPTIONAL", "UNWIND", "WITH", "RETURN", "CALL"})
# (not LOAD: LOAD FROM reads a file, or a Python variable in the engine's scope)


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
        QueryRefused: more than one statement, or a plan that writes, reads files, installs
            extensions or changes settings.
        QueryError: a syntax error.
    """
    import warnings

    check_cypher_shape(text)
    word = first_word(text)
    if not text.strip():
        raise QueryError("the query is empty")
    if word not in LADYBUG_FIRST_WORDS:
        raise QueryRefused(f"refused: {word or 'this'} is not a reading query; queries are "
                           "read-only, without files, extensions or settings")
    with warnings.catch_warnings():  # prepare-then-execute is deprecated for running queries
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            operators, functions = ladybug_plan(conn, text)
        except RuntimeError as exc:
            raise QueryError(f"Cypher error: {str(exc).splitlines()[0]}") from None
    bad = sorted(operators - LADYBUG_OPERATORS) + sorted(functions - LADYBUG_FUNCTIONS)
    if bad:
        raise QueryRefused(f"refused: this Cypher does more than read the graph "
                           f"({', '.join(bad)}); queries are read-only, without files, "
                           "extensions or settings")
