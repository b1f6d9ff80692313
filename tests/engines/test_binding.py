"""The one binder: typed parameters to RDF terms and Cypher values; the WHERE scanner."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from carepath.engines.binding import (
    cypher_values,
    parse_param,
    rdf_terms,
    where_brace,
    with_values,
)
from carepath.errors import QueryError
from carepath.graph.model import NodeKind

S = ox.Variable("s")


@pytest.mark.parametrize(("query", "expected"), [
    ("SELECT ?s WHERE { ?s ?p ?o }", "SELECT ?s WHERE { VALUES"),
    ("SELECT ?s { ?s ?p ?o }", "SELECT ?s { VALUES"),
    ('SELECT ?s WHERE { ?s ?p "}{" }', 'SELECT ?s WHERE { VALUES'),
    ("# WHERE {\nSELECT ?s WHERE { ?s ?p ?o }", "# WHERE {\nSELECT ?s WHERE { VALUES"),
    ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT { ?s ?p ?o } WHERE { VALUES"),
    ("PREFIX cp: <https://w3id.org/carepath/ontology#>\n# a { comment\n"
     "SELECT ?s WHERE { ?s a cp:Service }", "PREFIX cp: <https://w3id.org/carepath/ontology#>"
     "\n# a { comment\nSELECT ?s WHERE { VALUES"),
    ('SELECT ("}" AS ?x) (EXISTS { ?a ?b ?c } AS ?y) WHERE { ?s ?p ?o }',
     'SELECT ("}" AS ?x) (EXISTS { ?a ?b ?c } AS ?y) WHERE { VALUES'),
    ("SELECT (IF(true, 1, 0) AS ?x) WHERE { ?s ?p ?o }", "SELECT (IF(true, 1, 0) AS ?x) "
     "WHERE { VALUES"),
])
def test_values_open_the_where_group(query, expected):
    bound = with_values(query, {S: ox.NamedNode("http://example.org/a")})
    assert bound.startswith(expected)
    ox.Store().query(bound)  # and it parses


def test_without_a_where_group_the_values_trail():
    assert where_brace("DESCRIBE <http://example.org/a>") == -1
    assert with_values("DESCRIBE ?s", {S: ox.NamedNode("http://a")}).endswith(
        "VALUES (?s) { (<http://a>) }")


def test_a_literal_cannot_escape_its_quotes():
    bound = with_values("SELECT ?s WHERE { ?s ?p ?o }",
                        {S: ox.Literal('x" } ; DROP ALL ; { "')})
    store = ox.Store()
    rows = list(store.query(bound))
    assert rows == []  # parsed as one literal, nothing run


def test_types_decide_the_terms():
    def kind(node):
        return NodeKind.PROFESSION if node == "gp" else None

    terms = rdf_terms({"a": "gp", "b": "7", "c": "dorset", "d": "free text"},
                      {"a": "node", "b": "integer", "c": "area"}, kind)
    assert terms[ox.Variable("a")].value.endswith("/profession/gp")
    assert terms[ox.Variable("b")] == ox.Literal("7", datatype=ox.NamedNode(
        "http://www.w3.org/2001/XMLSchema#integer"))
    assert terms[ox.Variable("c")].value.endswith("/area/dorset")
    assert terms[ox.Variable("d")] == ox.Literal("free text")
    with pytest.raises(QueryError, match="not a service, profession"):
        rdf_terms({"a": "nobody"}, {"a": "node"}, kind)
    with pytest.raises(QueryError, match="not an id"):
        rdf_terms({"c": "Dorset> <x"}, {"c": "area"}, kind)
    with pytest.raises(QueryError, match="not an integer"):
        cypher_values({"b": "seven"}, {"b": "integer"})


def test_command_line_parameters_carry_their_type():
    assert parse_param("a:area=dorset") == ("a", "area", "dorset")
    with pytest.raises(QueryError, match="unknown type 'place'"):
        parse_param("a:place=dorset")
    with pytest.raises(QueryError, match="NAME=VALUE"):
        parse_param("novalue")
