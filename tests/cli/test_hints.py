"""When an answer is empty because a word was taken another way, the command says what to try
(issue 23): a profession that is also a service, routes' positional ends, a misspelt search."""

import re

from .invoke import cli


def _tried(stderr: str) -> str:
    return " ".join(stderr.split())


def test_need_and_routes_say_a_profession_is_also_a_service_and_the_hint_answers():
    need = ("need", "--concern", "anxiety", "--at", "4m", "--area", "pathway-0-5")
    result = cli(*need, "--entry", "health-visitor")
    assert result.exit_code == 0 and "no rows" in result.stdout
    said = _tried(result.stderr)
    assert "health visitor is also the service p05-health-visiting" in said
    assert "try --entry p05-health-visiting" in said
    assert "no rows" not in cli(*need, "--entry", "p05-health-visiting").stdout

    result = cli("routes", "health-visitor", "p05-cruse")
    assert result.exit_code == 0 and "no rows" in result.stdout
    tried = re.search(r"try carepath routes (\S+) (\S+)", _tried(result.stderr))
    assert tried and tried.groups() == ("p05-health-visiting", "p05-cruse")
    assert "no rows" not in cli("routes", *tried.groups()).stdout


def test_routes_with_from_and_to_says_they_are_positional():
    result = cli("routes", "--from", "gp", "--to", "dorset-pmmhs")
    assert result.exit_code == 2
    said = _tried(result.stderr)
    assert "SOURCE and TARGET are positional" in said and "carepath routes gp TARGET" in said
    assert cli("routes", "gp", "dorset-pmmhs").exit_code == 0


def test_a_misspelt_search_finds_nothing_and_offers_the_word_the_data_uses():
    result = cli("services", "--search", "perinatl")
    assert result.exit_code == 0  # a search that finds nothing is an answer, not misuse
    assert "did you mean 'perinatal'?" in _tried(result.stderr)
    assert "no rows" not in cli("services", "--search", "perinatal").stdout
    assert "did you mean" not in cli("services", "--search", "zzzzqqqq").stderr
