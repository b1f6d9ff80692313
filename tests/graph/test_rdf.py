"""The RDF view: the bulk N-Triples path the store is filled by says exactly what the
triple-by-triple definition in carepath.graph.rdf.triples says."""

from pathlib import Path

import pyoxigraph as ox
import pytest

import carepath
from carepath.graph.rdf import to_store, triples

ANALYSIS = Path(__file__).parents[1] / "data" / "analysis"


def _quads(store: ox.Store) -> set:
    return {(q.subject, q.predicate, q.object) for q in store}


@pytest.mark.parametrize("data", [None, ANALYSIS / "overlaps-town.yaml"],
                         ids=["reference", "overton"])
def test_bulk_store_holds_the_same_triples_as_the_definition(data):
    model = carepath.load_reference() if data is None else carepath.load(data)
    defined = ox.Store()  # a store, so both sides get Oxigraph's canonical literals
    defined.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples(model))
    assert _quads(to_store(model, with_ontology=False)) == _quads(defined)
