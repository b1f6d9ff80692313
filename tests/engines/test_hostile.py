"""Queries built to take an engine down (issue 24): too deep, too long. Each is refused with
one clear line before any engine parses it, on every embedded engine and on the command line
(pyoxigraph crashed the process on the deep ones: a segmentation fault, exit 139)."""

from __future__ import annotations

import pytest

from carepath.engines import connect
from carepath.errors import QueryRefused

from ..conftest import run_cli

DEEP_SPARQL = {
    "nested-groups": "SELECT * WHERE " + "{" * 5000 + "}" * 5000,
    "nested-parentheses-in-filter": "SELECT * WHERE { FILTER(" + "(" * 50000 + "1"
                                    + ")" * 50000 + ") }",
    "nested-blank-nodes": "SELECT * WHERE { ?s ?p " + "[ ?p " * 5000 + "1" + " ]" * 5000
                          + " }",
    "a-run-of-nots": "SELECT * WHERE { FILTER(" + "!" * 50000 + "true) }",
}
LONG_SPARQL = {
    "a-chain-of-sums": "SELECT * WHERE { FILTER(1" + "+1" * 8000 + ") }",
    "a-chain-of-unions": "SELECT * WHERE { {}" + " UNION {}" * 8000 + " }",
    "a-run-of-binds": "SELECT * WHERE { " + "".join(f"BIND(1 AS ?v{i}) " for i in range(4000))
                      + "}",
}
DEEP_CYPHER = {
    "nested-lists": "RETURN " + "[" * 1000 + "1" + "]" * 1000,
    "nested-maps": "RETURN " + "{a: " * 1000 + "1" + "}" * 1000,
    "nested-parentheses": "RETURN " + "(" * 1000 + "1" + ")" * 1000,
}
# planning doubles per level: 20 levels took 2.5 s, 31 levels over five minutes (outside
# LadybugDB's query timeout)
NESTED_CASES = "RETURN " + "CASE WHEN true THEN " * 31 + "1" + " END" * 31


@pytest.fixture(scope="module")
def engines(reference):
    with connect(reference, language="sparql") as sparql, \
            connect(reference, language="cypher") as cypher:
        yield {"sparql": sparql, "cypher": cypher}


@pytest.mark.parametrize("text", DEEP_SPARQL.values(), ids=DEEP_SPARQL.keys())
def test_deep_sparql_is_refused_before_it_is_parsed(engines, text):
    with pytest.raises(QueryRefused, match="nests more than 32 levels"):
        engines["sparql"].query(text)


@pytest.mark.parametrize("text", LONG_SPARQL.values(), ids=LONG_SPARQL.keys())
def test_sparql_of_too_many_tokens_is_refused(engines, text):
    with pytest.raises(QueryRefused, match="more than 4,000 tokens"):
        engines["sparql"].query(text)


@pytest.mark.parametrize("text", DEEP_CYPHER.values(), ids=DEEP_CYPHER.keys())
def test_deep_cypher_is_refused_before_it_is_planned(engines, text):
    with pytest.raises(QueryRefused, match="nests more than 32 levels"):
        engines["cypher"].query(text)


def test_deeply_nested_case_is_refused_before_it_is_planned(engines):
    with pytest.raises(QueryRefused, match="nests CASE more than 12 levels"):
        engines["cypher"].query(NESTED_CASES)
    assert engines["cypher"].query("RETURN CASE WHEN true THEN CASE WHEN false THEN 1 "
                                   "ELSE 2 END END AS n")["n"][0] == 2


def test_a_long_values_block_is_data_not_structure(engines):
    values = " ".join(f"<https://w3id.org/carepath/id/service/s{i}>" for i in range(6000))
    df = engines["sparql"].query(f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?s {{ {values} }} }}")
    assert df["n"][0] == 6000


def test_an_ordinary_nested_query_still_runs(engines):
    df = engines["sparql"].query(
        "SELECT ?n WHERE { { { BIND(((1 + 2) * 3) AS ?n) } } FILTER(!(?n = 0)) }")
    assert df["n"].tolist() == [9]
    assert engines["cypher"].query("RETURN [[1, 2], [3]] AS x")["x"][0] == [[1, 2], [3]]


@pytest.mark.parametrize(("language", "text"), [
    ("sparql", DEEP_SPARQL["nested-groups"]),
    ("sparql", DEEP_SPARQL["nested-parentheses-in-filter"]),
    ("cypher", DEEP_CYPHER["nested-maps"]),
], ids=["sparql-groups", "sparql-filter", "cypher-maps"])
def test_the_command_line_says_so_in_one_line(tmp_path, language, text):
    query = tmp_path / ("q.rq" if language == "sparql" else "q.cypher")
    query.write_text(text, encoding="utf-8")
    done = run_cli("query", language, str(query))
    assert done.returncode == 1, (done.returncode, done.stderr[-300:])
    assert "nests more than 32 levels" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
