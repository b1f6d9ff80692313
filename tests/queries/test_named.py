"""The named query library: every query runs on each engine that has it, and the engines agree."""

import pandas as pd
import pytest

from carepath import QueryError
from carepath.queries.named import CypherEngine, SparqlEngine, load_library

LIBRARY = load_library()
# one real value per parameter type, taken from the reference data
PARAMS = {"service": "dorset-pmmhs", "node": "health-visitor", "stage": "years-3-5",
          "tier": "universal", "concern": "maternal-mental-health", "severity": "moderate"}
ROUTE_PARAMS = {"source": "p05-health-visiting", "target": "p05-perinatal-mental-health-services"}


@pytest.fixture(scope="module")
def engines(reference):
    return {"sparql": SparqlEngine(reference), "cypher": CypherEngine(reference)}


def _params(query):
    return {p.name: ROUTE_PARAMS.get(p.name) if query.name == "referral-routes"
            else PARAMS[p.type] for p in query.params}


def _rows(df: pd.DataFrame):
    df = df.astype(object).where(pd.notna(df), None)
    return sorted((tuple(row) for row in df.values.tolist()), key=repr)


def test_every_query_has_a_header_and_documented_params():
    assert len(LIBRARY.names()) >= 8
    for query in LIBRARY.queries.values():
        assert query.title and query.answers
        assert all(p.help for p in query.params)


@pytest.mark.parametrize("key", sorted(LIBRARY.queries), ids=lambda k: f"{k[0]}[{k[1]}]")
def test_every_library_query_runs_and_answers(engines, key):
    name, language = key
    query = LIBRARY.queries[key]
    df = engines[language].run_named(name, _params(query))
    assert not df.empty


def test_who_refers_to_dorset(engines):
    df = engines["sparql"].run_named("who-refers-to", {"service": "dorset-pmmhs"})
    assert set(df["source"]) == {"gp", "relatives", "dorset-cmht", "dorset-social-care", "midwife",
                                 "health-visitor"}
    assert set(df["evidence_source"]) == {"doc-002"}


def test_services_covering_3_to_5_years_in_the_0_5_pathway(engines):
    df = engines["cypher"].run_named("services-by-stage-and-tier",
                                     {"stage": "years-3-5", "tier": "universal"})
    assert set(df["name"]) == {"Health Visiting", "Children's Centres & EYFS",
                               "Primary Care & GP", "Maternal Mental Health"}  # 001:248-266


def test_routes_from_health_visiting_to_perinatal_services(engines):
    df = engines["cypher"].run_named("referral-routes", ROUTE_PARAMS)
    paths = [tuple(p) for p in df["path"]]
    assert ("p05-health-visiting", "p05-perinatal-mental-health-services") in paths
    assert all(p[0] == "p05-health-visiting"
               and p[-1] == "p05-perinatal-mental-health-services" for p in paths)
    assert all(len(set(p)) == len(p) for p in paths)  # no service visited twice
    assert list(df["hops"]) == sorted(df["hops"])


@pytest.mark.parametrize("language", ["sparql", "cypher"])
def test_services_for_concern_say_whether_the_severity_is_stated(engines, reference, language):
    # issue 22 s.3: a service that states no severity (doc-000:38, IAPT) matches every severity,
    # but not as if it stated it
    df = engines[language].run_named("services-for-concern",
                                     {"concern": "maternal-mental-health", "severity": "severe"})
    stated = dict(zip(df["service"], df["stated"], strict=True))
    assert stated["cm-iapt"] == "not stated" and stated["cm-pmhs"] == "yes"
    for service, said in stated.items():
        need = next(n for n in reference.services[service].addresses
                    if n.concern == "maternal-mental-health")
        assert said == ("yes" if "severe" in need.severities else "not stated"), service


def test_the_mother_and_baby_unit_is_reached_only_from_maternal_mental_health(engines):
    df = engines["cypher"].run_named("who-refers-to", {"service": "p05-mother-and-baby-unit"})
    assert list(df["source"]) == ["p05-maternal-mental-health"]


def test_parameters_are_bound_not_pasted(engines):
    hostile = "dorset-pmmhs> } ; DROP ALL ; { <x"
    # looked up first (issue 24: ids are resolved by the engine), then bound as an id
    with pytest.raises(QueryError, match="unknown service"):
        engines["sparql"].run_named("who-refers-to", {"service": hostile})
    with pytest.raises(QueryError, match="unknown service"):  # the same on both
        engines["cypher"].run_named("who-refers-to", {"service": "x' OR 1=1 //"})
    assert engines["cypher"].query("MATCH (s:Service) WHERE s.name = $n RETURN s.id",
                                   {"n": "x' OR 1=1 //"}).empty
    assert not engines["cypher"].run_named("who-refers-to", {"service": "dorset-pmmhs"}).empty


@pytest.mark.parametrize("engine", ["sparql", "cypher"])
def test_missing_parameter_is_a_clear_error(engines, engine):
    with pytest.raises(QueryError, match="needs parameter 'service'"):
        engines[engine].run_named("who-refers-to", {})


def test_unknown_query_lists_the_valid_names(engines):
    with pytest.raises(QueryError, match="unknown named query 'who-refers'; expected one of: "):
        engines["sparql"].run_named("who-refers", {})


def test_syntax_errors_are_query_errors(engines):
    with pytest.raises(QueryError, match="SPARQL syntax error"):
        engines["sparql"].query("SELEC ?x WHERE {}")
    with pytest.raises(QueryError, match="Cypher error"):
        engines["cypher"].query("MATCH (n RETURN n")


def test_service_clauses_are_refused(engines):
    with pytest.raises(QueryError, match="SERVICE patterns are refused"):
        engines["sparql"].query("SELECT * WHERE { SERVICE <http://example.org/sparql> "
                                "{ ?s ?p ?o } }")
