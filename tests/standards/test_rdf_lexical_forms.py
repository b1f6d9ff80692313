"""Issue 27: the JSON-LD and the Turtle of one build say the same triples term for term, every
decimal in one lexical form (``"100"``, never ``"100"`` in one file and ``"100.0"`` in the
other), checked by rdflib without literal normalisation and by Apache Jena's isomorphism."""

from __future__ import annotations

import pytest
import rdflib

from carepath.graph.rdf import decimal_text, write_turtle
from carepath.standards.jsonld import write_jsonld

from ..conftest import need


def _graph(path, fmt: str) -> rdflib.Graph:
    old, rdflib.NORMALIZE_LITERALS = rdflib.NORMALIZE_LITERALS, False
    try:  # terms as written, as Jena compares them
        return rdflib.Graph().parse(path, format=fmt)
    finally:
        rdflib.NORMALIZE_LITERALS = old


@pytest.fixture(scope="module")
def written(reference, tmp_path_factory):
    folder = tmp_path_factory.mktemp("rdf")
    return write_turtle(reference, folder / "carepath.ttl"), \
        write_jsonld(reference, folder / "carepath.jsonld").artifact


def _decimals(graph: rdflib.Graph) -> set[str]:
    return {str(o) for o in graph.objects() if isinstance(o, rdflib.Literal)
            and o.datatype == rdflib.XSD.decimal}


def test_jsonld_and_turtle_hold_the_same_terms(reference, written):
    turtle, jsonld = _graph(written[0], "turtle"), _graph(written[1], "json-ld")
    decimals = _decimals(turtle)
    expected = {decimal_text(v) for s in reference.services.values()
                for v in (s.need_min, s.need_max, *(r.hours for r in s.response_times))
                if v is not None}
    assert decimals == expected and any(float(d).is_integer() for d in decimals)
    assert _decimals(jsonld) == decimals
    assert set(turtle) == set(jsonld)  # term for term, not only by value


def test_jena_finds_them_isomorphic(written):
    from tests.support.validators import missing_java, run_java

    why = missing_java()
    need(why is None, why or "")
    out = run_java("jena", f"iso={written[0]},{written[1]}")
    assert f"{written[0]}\tisomorphic\ttrue\t{written[1]}" in out.splitlines()
