"""One compliance suite for every engine: each library query gives the same rows on the
embedded engines (in memory and from a build folder), Neo4j and a SPARQL endpoint (Fuseki),
on the reference data and on a synthetic preset. Replaces the three parity copies."""

from __future__ import annotations

import pytest

from carepath.build import build
from carepath.engines import QueryEngine, connect
from carepath.errors import QueryError
from carepath.queries.named import load_library

from ..conftest import cli
from ..servers.conftest import params_for, rows, wipe

LIBRARY = load_library()
EMBEDDED = ["oxigraph", "ladybug", "oxigraph-build", "ladybug-build"]
SERVERS = ["fuseki", "neo4j"]
LANGUAGE = {"oxigraph": "sparql", "ladybug": "cypher", "fuseki": "sparql", "neo4j": "cypher"}


def _language(engine: str) -> str:
    return LANGUAGE[engine.removesuffix("-build")]


@pytest.fixture(scope="session")
def reference_build(tmp_path_factory):
    return build(out=tmp_path_factory.mktemp("build") / "out", shacl=False).out


@pytest.fixture(scope="session")
def synthetic(tmp_path_factory):
    """The small synthetic preset, built once."""
    folder = tmp_path_factory.mktemp("synth") / "small"
    result = cli("synth", "--preset", "small", "-o", str(folder))
    assert result.returncode == 0, result.stderr
    return build([folder], out=folder.parent / "build", shacl=False)


def _open(kind: str, request, reference, reference_build) -> QueryEngine:
    if kind in ("oxigraph", "ladybug"):
        return connect(reference, language=LANGUAGE[kind])
    if kind.endswith("-build"):
        return connect(reference_build, language=_language(kind))
    if kind == "fuseki":
        from carepath.servers.sparql import write_sparql

        server = request.getfixturevalue("fuseki")
        write_sparql(reference, f"{server.url}/data")
        return connect(f"{server.url}/query")
    from carepath.servers.neo4j import write_neo4j

    server = request.getfixturevalue("neo4j_server")
    wipe(server)
    write_neo4j(reference, server.uri, user=server.user, password=server.password)
    return connect(server.uri, user=server.user, password=server.password)


@pytest.fixture(scope="module", params=EMBEDDED + SERVERS)
def engine(request, reference, reference_build):
    kind = request.param
    with _open(kind, request, reference, reference_build) as opened:
        yield kind, opened


@pytest.fixture(scope="module")
def expected(reference):
    """Every library query's rows on the in-memory engines (SPARQL's where a query has
    both languages: the two must agree, see below)."""
    engines = {"sparql": connect(reference, language="sparql"),
               "cypher": connect(reference, language="cypher")}
    return {key: engines[key[1]].run_named(key[0], params_for(query))
            for key, query in LIBRARY.queries.items()}


def test_every_engine_is_a_query_engine(engine):
    kind, opened = engine
    assert isinstance(opened, QueryEngine)
    assert opened.capabilities.language == _language(kind)
    assert opened.capabilities.read_only


@pytest.mark.parametrize("name", LIBRARY.names())
def test_every_library_query_gives_the_same_rows(engine, expected, name):
    kind, opened = engine
    language = _language(kind)
    if (name, language) not in LIBRARY.queries:  # e.g. referral-routes is Cypher only
        with pytest.raises(QueryError, match=name):
            opened.run_named(name, {})
        return
    want = expected[(name, language)]
    got = opened.run_named(name, params_for(LIBRARY.get(name, language)))
    assert not want.empty
    assert list(got.columns) == list(want.columns)
    assert rows(got) == rows(want)


@pytest.mark.parametrize("name", [n for n in LIBRARY.names()
                                  if (n, "sparql") in LIBRARY.queries
                                  and (n, "cypher") in LIBRARY.queries])
def test_sparql_and_cypher_agree(expected, name):
    sparql, cypher = expected[(name, "sparql")], expected[(name, "cypher")]
    assert list(sparql.columns) == list(cypher.columns)
    assert rows(sparql) == rows(cypher)


def _synthetic_params(model, query) -> dict[str, str]:
    referred = next(t for st in model.statements for t in st.targets if t in model.services)
    pick = {"service": referred, "node": next(iter(model.professions)),
            "stage": next(iter(model.stages)), "tier": next(iter(model.tiers)),
            "concern": next(iter(model.concerns)), "severity": next(iter(model.severities))}
    if query.name == "referral-routes":
        st = next(st for st in model.statements if st.source in model.services)
        return {"source": st.source, "target": st.targets[0]}
    return {p.name: pick[p.type] for p in query.params}


@pytest.mark.parametrize("key", sorted(LIBRARY.queries), ids=lambda k: f"{k[0]}[{k[1]}]")
def test_a_synthetic_preset_gives_the_same_rows_in_memory_and_from_its_build(synthetic, key):
    name, language = key
    params = _synthetic_params(synthetic.model, LIBRARY.queries[key])
    with connect(synthetic.model, language=language) as memory, \
            connect(synthetic.out, language=language) as built:
        want = memory.run_named(name, params)
        got = built.run_named(name, params)
    assert list(got.columns) == list(want.columns)
    assert rows(got) == rows(want)
