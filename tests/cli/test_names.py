"""Names, not only ids: everywhere the command line takes an id it takes a name or an alias,
and an unknown, ambiguous or wrong-kind name is a usage error (exit 2) that helps."""

import json

import pytest

from ..conftest import run_cli


def rows(*args):
    result = run_cli(*args, "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_service_by_its_name_in_any_case_answers_as_by_its_id():
    by_id = rows("refers", "--to", "dorset-pmmhs")
    assert by_id == rows("refers", "--to", "perinatal and maternal MENTAL health service")


def test_areas_and_concerns_by_name():
    assert rows("gaps", "--area", "Dorset") == rows("gaps", "--area", "dorset")
    by_word = rows("refers", "--from", "health visiting", "--concern", "bereavement")
    assert by_word and all(r["source"] == "p05-health-visiting" for r in by_word)
    assert all(not r["concerns"] or "perinatal-loss-bereavement" in r["concerns"]
               for r in by_word)


@pytest.mark.parametrize(("args", "says"), [
    pytest.param(("refers", "--to", "dorset-pmhs"), "did you mean dorset-pmmhs",
                 id="misspelt-service"),
    pytest.param(("refers", "--to", "Dorset"), "it is the area dorset", id="area-for-a-service"),
    pytest.param(("routes", "nobody", "dorset-pmmhs"), "unknown entry point", id="unknown-entry"),
    pytest.param(("whatif", "mother baby"), "fits 3 services", id="ambiguous-service"),
    pytest.param(("compare", "dorset", "narnia"), "unknown area 'narnia'", id="unknown-area"),
    pytest.param(("refers", "--severity", "awful"), "expected one of: mild, moderate, severe",
                 id="unknown-severity"),
    pytest.param(("refers", "--kind", "refer"), "did you mean refers_to?", id="unknown-kind"),
])
def test_a_bad_name_is_a_one_line_usage_error(args, says):
    result = run_cli(*args)
    assert result.returncode == 2, result.stderr
    assert says in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_profession_that_finds_nothing_points_at_the_service_named_after_it():
    result = run_cli("refers", "--from", "health-visitor", "--area", "pathway-0-5")
    assert result.returncode == 0
    assert "no rows" in result.stdout
    assert "in pathway-0-5, health visitor is also the service p05-health-visiting" in \
        result.stderr


@pytest.mark.parametrize(("engine", "param", "says"), [
    pytest.param("sparql", "service=dorset-pmhs", "did you mean dorset-pmmhs",
                 id="unknown-id-sparql"),
    pytest.param("cypher", "service=dorset-pmhs", "did you mean dorset-pmmhs",
                 id="unknown-id-cypher"),
    pytest.param("cypher", "service=health-visitor", "is not a service; it is the profession",
                 id="profession-for-a-service"),
    pytest.param("sparql", "service=gp", "is the profession gp",
                 id="profession-id-and-service-alias"),
    pytest.param("sparql", "servce=dorset-pmmhs",
                 "has no parameter 'servce' (did you mean service?)", id="misspelt-parameter"),
])
def test_named_query_parameters_are_checked_on_every_engine(engine, param, says):
    result = run_cli("query", "run", "who-refers-to", "--param", param, "--engine", engine)
    assert result.returncode == 2, result.stdout + result.stderr
    assert says in result.stderr and "no rows" not in result.stdout


def test_a_named_query_takes_a_service_by_name():
    by_name = run_cli("query", "run", "who-refers-to", "--param", "service=CRUISE", "-f", "csv")
    by_id = run_cli("query", "run", "who-refers-to", "--param", "service=p05-cruse", "-f", "csv")
    assert by_name.returncode == 0 and by_name.stdout == by_id.stdout
    assert len(by_id.stdout.splitlines()) > 1
