"""Mistyped query input gets a one-line usage error (issue 19)."""

from __future__ import annotations

import pytest

from tests.conftest import cli, run_cli


@pytest.mark.parametrize("language,name", [("sparql", "missing.rq"),
                                           ("cypher", "missing.cypher")])
def test_a_missing_query_file_says_not_found(tmp_path, language, name):
    # said "SPARQL syntax error" before
    result = cli("query", language, name, cwd=tmp_path)
    assert result.returncode == 2
    assert f"query file {name} not found" in result.stderr
    assert "syntax" not in result.stderr


def test_a_parameter_name_with_a_space_is_a_usage_error():
    # raised ValueError (a traceback) before
    result = run_cli("query", "sparql", "SELECT ?x WHERE { }", "--param", "x y=1")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "bad --param name 'x y'" in result.stderr


def test_a_query_file_still_runs(tmp_path):
    query = tmp_path / "count.rq"
    query.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", encoding="utf-8")
    result = cli("query", "sparql", str(query), "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.splitlines()[1]) > 0
