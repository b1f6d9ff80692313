"""`carepath services`: the directory, found by filters and the everyday words planners use."""

import json

import pytest

from ..conftest import run_cli

# Everyday words and the concern each must find; the concern is what the vocabulary says
# (checked against the model below), the words are those the issue lists.
EVERYDAY = [
    pytest.param("anxiety", "maternal-mental-health", id="anxiety"),
    pytest.param("depression", "maternal-mental-health", id="depression"),
    pytest.param("postnatal depression", "maternal-mental-health", id="postnatal-depression"),
    pytest.param("psychosis", "maternal-mental-health", id="psychosis"),
    pytest.param("bonding", "parent-infant-relationship", id="bonding"),
    pytest.param("bereavement", "perinatal-loss-bereavement", id="bereavement"),
    pytest.param("fear of birth", "birth-trauma-tokophobia", id="fear-of-birth"),
]


def services_json(*args):
    result = run_cli("services", *args, "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize(("words", "concern"), EVERYDAY)
def test_everyday_words_find_every_service_addressing_the_concern(reference, words, concern):
    assert words in [a.lower() for a in reference.concerns[concern].aliases]
    found = {row["id"] for row in services_json("--search", words)}
    addressing = {s.id for s in reference.services.values() if concern in s.concerns}
    assert addressing and addressing <= found


# The cited passages behind the new aliases (data/vocabularies.yaml): each says the word.
ALIAS_SOURCES = [
    ("001_b2de8f00dab3fbf2.txt", 9, "postnatal depression"),
    ("004_ff1ecf7829a75be7.txt", 11, "depression, anxiety"),
    ("004_ff1ecf7829a75be7.txt", 25, "maternal depression"),
    ("002_4242bd57aa7618c5.txt", 7, "postpartum psychosis"),
    ("002_4242bd57aa7618c5.txt", 7, "bipolar disorder"),
    ("000_127139318eddf1bd.txt", 58, "bond"),
    ("002_4242bd57aa7618c5.txt", 22, "tokophobia"),
]


@pytest.mark.parametrize(("file", "line", "words"), ALIAS_SOURCES,
                         ids=[w for _, _, w in ALIAS_SOURCES])
def test_each_everyday_alias_is_in_the_line_it_cites(seeds, file, line, words):
    text = (seeds / file).read_text(encoding="utf-8").splitlines()[line - 1]
    assert words in text.lower()


def test_a_search_says_why_each_service_matched(reference):
    rows = services_json("--search", "CBT")
    assert {r["id"] for r in rows} >= {s.id for s in reference.services.values()
                                       if "cbt" in s.interventions}
    assert all(r["matched"] for r in rows)


def test_an_area_by_name_and_a_window_that_is_not_stated(reference):
    rows = services_json("--area", "Dorset")
    assert {r["id"] for r in rows} == {s.id for s in reference.services_in("dorset")}
    for row in rows:
        assert (row["window"] == "not stated") == (not reference.services[row["id"]].windows)


def test_at_an_age_lists_only_services_whose_window_holds_it(reference):
    result = run_cli("services", "--at", "4m", "--format", "json")
    rows = json.loads(result.stdout)
    assert rows and all(any(w.contains_week(17) for w in reference.services[r["id"]].windows)
                        for r in rows)
    unstated = sum(1 for s in reference.services.values() if not s.windows)
    assert f"{unstated} service(s) state no age window" in result.stderr


def test_the_directory_fits_an_80_column_terminal():
    result = run_cli("services", env={"COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "dorset-pmmhs" in result.stdout and "first 50 of 62 rows" in result.stdout
