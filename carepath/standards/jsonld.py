"""JSON-LD of the RDF view: the same triples as the Turtle export, with a local context.

The ``@context`` is written inline (carepath's prefixes), never a remote URL, so reading the
file needs no network (rdflib's JSON-LD parser fetches remote contexts).

>>> import json
>>> from carepath import load_reference
>>> doc = json.loads(to_jsonld(load_reference()).artifact)
>>> doc["@context"]["cp"]
'https://w3id.org/carepath/ontology#'
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import rdflib

from carepath.files import write_atomic
from carepath.graph.model import Model
from carepath.graph.rdf import PREFIXES, to_store
from carepath.standards.common import Exported, ExportReport

CONTEXT: dict[str, str] = dict(sorted(PREFIXES.items()))


def _term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> rdflib.term.Node:
    """An Oxigraph term as rdflib's, its lexical form kept as written (rdflib's parsers
    normalise literals: ``"100.0"^^xsd:decimal`` would become ``"100"``, and the JSON-LD
    would no longer say what the Turtle says)."""
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language, normalize=False)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value),
                          normalize=False)


def to_rdflib_graph(model: Model) -> rdflib.Graph:
    """The model's RDF (no ontology) in a plain in-memory rdflib Graph, every literal in the
    lexical form the Turtle export writes.

    >>> from carepath import load_reference
    >>> g = to_rdflib_graph(load_reference())
    >>> sorted({str(o) for o in g.objects() if getattr(o, "datatype", None)
    ...         and o.datatype.endswith("#decimal")})[:3]
    ['100', '12', '17']
    """
    graph = rdflib.Graph()
    for quad in to_store(model, with_ontology=False).quads_for_pattern(
            None, None, None, ox.DefaultGraph()):
        graph.add((_term(quad.subject), _term(quad.predicate), _term(quad.object)))
    for prefix, namespace in CONTEXT.items():
        graph.bind(prefix, namespace)
    return graph


def to_jsonld(model: Model) -> Exported[str]:
    """The model's RDF as compact JSON-LD text with an inline context, and its report
    (JSON-LD holds every triple of the RDF view: nothing is left out)."""
    text = to_rdflib_graph(model).serialize(format="json-ld", context=CONTEXT,
                                            auto_compact=True, indent=1)
    return Exported(text, ExportReport("JSON-LD"))


def export_jsonld(model: Model, path: Path | str) -> Path:
    """Write the JSON-LD file atomically; returns the path."""
    return write_jsonld(model, path).artifact


def write_jsonld(model: Model, path: Path | str) -> Exported[Path]:
    """Write the JSON-LD file atomically; returns its path and report."""
    done = to_jsonld(model)
    return Exported(write_atomic(Path(path), done.artifact), done.report)
