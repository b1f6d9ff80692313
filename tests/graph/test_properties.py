"""Relation properties made once per statement are those of each of its relations."""

from carepath.graph.properties import (
    STATEMENT_COLUMNS,
    relation_properties,
    statement_properties,
)


def test_statement_properties_are_each_relations_but_its_id(reference):
    cache: dict = {}
    for st in reference.statements:
        props = statement_properties(reference, st, cache=cache)
        assert list(props) == list(STATEMENT_COLUMNS)
        for rel in st.relations():
            assert relation_properties(reference, rel) == {"rel_id": rel.id, **props}


def test_each_call_makes_fresh_lists(reference):
    st = next(s for s in reference.statements if s.concerns)
    cache: dict = {}
    first = statement_properties(reference, st, cache=cache)
    first["concerns"].append("changed")
    assert "changed" not in statement_properties(reference, st, cache=cache)["concerns"]
