"""carepath.queries.inventory: what ``carepath info`` prints, counted in the library."""

import json
from pathlib import Path

from carepath.queries.inventory import SECTIONS, inventory

from ..conftest import cli


def _section(table, section):
    return table[table.section == section].set_index("id")["count"].to_dict()


def test_every_section_in_order_and_nothing_else(reference):
    table = inventory(reference)
    assert list(dict.fromkeys(table.section)) == list(SECTIONS)


def test_counts_are_the_models_own(reference):
    table = inventory(reference)
    assert _section(table, "count") == reference.counts()
    assert _section(table, "area") == {a: len(reference.services_in(a)) for a in reference.areas}
    tiers = [s.tier for s in reference.services.values()]
    assert _section(table, "tier") == {t.id: tiers.count(t.id)
                                       for t in reference.tiers_in_order()}
    assert list(_section(table, "tier")) == [t.id for t in reference.tiers_in_order()]
    staffed = _section(table, "profession")
    assert staffed == {p: sum(p in s.professions for s in reference.services.values())
                       for p in reference.professions}


def test_each_source_counts_the_services_and_relations_citing_it(reference):
    cited = _section(inventory(reference), "source")
    facts = [*reference.services.values(), *reference.relations]
    assert cited == {src: sum(f.provenance.source == src for f in facts)
                     for src in reference.sources}
    assert sum(cited.values()) <= len(facts)  # a fact citing an unlisted source is not counted


def test_the_command_prints_the_librarys_rows(tiny):
    folder = Path(__file__).resolve().parent.parent / "data" / "tiny"
    result = cli("info", "--data", str(folder), "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows == json.loads(inventory(tiny).to_json(orient="records"))
