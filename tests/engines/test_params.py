"""A parameter the query does not use is an error on every engine (issue 24): a misspelt
``--param nmae=X`` returned every row, unfiltered, without a word."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from carepath.cli import app
from carepath.engines import connect
from carepath.errors import QueryError, UsageError

QUERIES = {
    "sparql": "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
              "SELECT ?s WHERE { ?s rdfs:label ?name }",
    "cypher": "MATCH (s:Service) WHERE s.name = $name RETURN s.id AS s",
}


@pytest.fixture(scope="module", params=["sparql", "cypher"])
def engine(request, reference):
    with connect(reference, language=request.param) as opened:
        yield request.param, opened


def test_a_misspelt_parameter_is_an_error_that_names_the_right_one(engine):
    language, opened = engine
    with pytest.raises(QueryError, match="'nmae' is not used by the .* query "
                                         r"\(did you mean name\?\)"):
        opened.query(QUERIES[language], {"nmae": "Mother and Baby Unit"})


def test_the_right_parameter_filters(engine):
    language, opened = engine
    rows = opened.query(QUERIES[language], {"name": "Mother and Baby Unit"})
    assert sorted(rows["s"]) == ["dorset-mbu", "p05-mother-and-baby-unit"]


def test_a_dollar_in_a_string_is_not_a_parameter(engine):
    language, opened = engine
    text = {"sparql": 'SELECT ?x WHERE { BIND("$name" AS ?x) }',
            "cypher": "RETURN '$name' AS x"}[language]
    with pytest.raises(QueryError, match="'name' is not used"):
        opened.query(text, {"name": "x"})


@pytest.mark.parametrize("language", ["sparql", "cypher"])
def test_the_command_line_calls_it_a_usage_error(language):
    done = CliRunner().invoke(app, ["query", language, QUERIES[language], "--param",
                                    "nmae=Mother and Baby Unit"])
    assert isinstance(done.exception, UsageError)
    assert "--param: parameter 'nmae' is not used" in str(done.exception)


@pytest.mark.parametrize("language", ["sparql", "cypher"])
def test_a_named_query_resolves_its_ids_from_python_too(tmp_path_factory, language):
    # was: 0 rows from Python where the command line said "did you mean dorset-pmmhs"
    from carepath.build import build
    from carepath.errors import NameLookupError

    folder = build(out=tmp_path_factory.mktemp("named") / "b", shacl=False).out
    for spec in ([], folder):  # the cached build of the bundled data, and a build folder
        with connect(spec, language=language) as engine:
            with pytest.raises(NameLookupError, match="did you mean dorset-pmmhs"):
                engine.run_named("who-refers-to", {"service": "dorset-pmhs"})
            rows = engine.run_named("who-refers-to", {"service": "dorset-pmmhs"})
            assert "gp" in set(rows["source"])


def test_connect_takes_the_build_open_source_opened(tmp_path, monkeypatch):
    # one opener for every command, the server and connect(): the data is read once
    from carepath.cache import CachedBuild, open_source

    monkeypatch.setenv("CAREPATH_CACHE_DIR", str(tmp_path / "cache"))
    built = open_source([])
    assert isinstance(built, CachedBuild)
    with connect(built, language="cypher") as engine:
        assert engine.names is built
        rows = engine.run_named("who-refers-to", {"service": "dorset-pmmhs"})
        assert "gp" in set(rows["source"])
