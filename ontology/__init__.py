"""The carepath ontology (OWL + SKOS, Turtle) and the SHACL shapes the built RDF must pass.

>>> from carepath import load_reference
>>> shacl_problems(load_reference())
[]
"""

from __future__ import annotations

from importlib.resources import files

import pyoxigraph as ox
import rdflib

from carepath.errors import Problem
from carepath.graph.model import Model

ONTOLOGY_FILE = "carepath.ttl"
SHAPES_FILE = "shapes.ttl"


def read_resource(name: str) -> str:
    """Text of one of the ontology package's Turtle files."""
    return files("carepath.ontology").joinpath(name).read_text(encoding="utf-8")


def shapes_graph() -> rdflib.Graph:
    return rdflib.Graph().parse(data=read_resource(SHAPES_FILE), format="turtle")


def shacl_problems(model: Model) -> list[Problem]:
    """Validate the model's RDF against the SHACL shapes; one Problem per violation.

    The data graph is handed to pyshacl as a plain rdflib graph parsed from N-Triples made by
    Oxigraph (pyshacl walks the graph triple by triple; rdflib's memory store is faster for that).
    """
    from pyshacl import validate

    from carepath.graph.rdf import to_store

    store = to_store(model, with_ontology=True)
    data = rdflib.Graph()
    data.parse(data=store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()),
               format="nt")
    conforms, report, _ = validate(data, shacl_graph=shapes_graph(), inference="none",
                                   advanced=False, allow_warnings=True)
    if conforms:
        return []
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    problems = []
    for result in report.subjects(rdflib.RDF.type, sh.ValidationResult):
        focus = report.value(result, sh.focusNode)
        path = report.value(result, sh.resultPath)
        message = report.value(result, sh.resultMessage)
        problems.append(Problem("error", "shacl", str(focus), None,
                                str(path).rsplit("#", 1)[-1] if path else None, str(message)))
    return sorted(problems, key=str)
