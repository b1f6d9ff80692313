"""The carepath ontology (OWL + SKOS, Turtle) and the SHACL shapes the built RDF must pass.

This package knows nothing of the model: the RDF view (:mod:`carepath.graph.rdf`) reads the
ontology from here, and :func:`shacl_problems` checks any RDF store it is given.

>>> from carepath import load_reference
>>> from carepath.graph.rdf import to_store
>>> shacl_problems(to_store(load_reference(), with_ontology=False))
[]
"""

from __future__ import annotations

from importlib.resources import files
from typing import TYPE_CHECKING

import pyoxigraph as ox

from carepath.errors import Problem

if TYPE_CHECKING:
    import rdflib  # imported where used: 0.13 s that reading the ontology's text does not need

ONTOLOGY_FILE = "carepath.ttl"
SHAPES_FILE = "shapes.ttl"


def read_resource(name: str) -> str:
    """Text of one of the ontology package's Turtle files."""
    return files("carepath.ontology").joinpath(name).read_text(encoding="utf-8")


def shapes_graph() -> rdflib.Graph:
    import rdflib

    return rdflib.Graph().parse(data=read_resource(SHAPES_FILE), format="turtle")


SHACL_LIMIT = 250_000
"""Triples above which :func:`shacl_problems` skips pyshacl by default: it walks the graph
triple by triple in Python (about 2 minutes for 1.1 million triples on a 2-core machine)."""


def shacl_skipped(triples: int, limit: int) -> Problem:
    """The warning for a graph too large for pyshacl."""
    return Problem("warning", "shacl-skipped", None, None, None,
                   f"SHACL check skipped: {triples:,} triples is over the limit of {limit:,} "
                   "(pyshacl would take minutes); --shacl-limit 0 runs it anyway")


def shacl_problems(store: ox.Store, *, limit: int = SHACL_LIMIT) -> list[Problem]:
    """Validate an RDF store (the model's RDF view, :func:`carepath.graph.rdf.to_store`)
    against the SHACL shapes, with the ontology beside it; one Problem per violation.

    The store is the one the caller built (a build checks the store it writes, not a second
    copy). The data graph is handed to pyshacl as a plain rdflib graph parsed from N-Triples
    made by Oxigraph (pyshacl walks the graph triple by triple; rdflib's memory store is faster
    for that). Above ``limit`` triples (0: no limit) the check is skipped with one warning
    saying so: the RDF is generated from a model the loaders have already validated, and the
    shapes are a second check of the generator, not of the planner's data.

    >>> from carepath import load_reference
    >>> from carepath.graph.rdf import to_store
    >>> store = to_store(load_reference(), with_ontology=False)
    >>> shacl_problems(store)
    []
    >>> [p.code for p in shacl_problems(store, limit=1_000)]
    ['shacl-skipped']
    """
    import rdflib
    from pyshacl import validate

    if limit and len(store) > limit:
        return [shacl_skipped(len(store), limit)]
    data = rdflib.Graph()
    data.parse(data=store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()),
               format="nt")
    data.parse(data=read_resource(ONTOLOGY_FILE), format="turtle")  # classes, subclasses
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
