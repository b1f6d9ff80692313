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


def to_rdflib_graph(model: Model) -> rdflib.Graph:
    """The model's RDF (no ontology) in a plain in-memory rdflib Graph."""
    data = to_store(model, with_ontology=False).dump(format=ox.RdfFormat.N_TRIPLES,
                                                    from_graph=ox.DefaultGraph())
    graph = rdflib.Graph()
    graph.parse(data=data.decode("utf-8"), format="nt")
    for prefix, namespace in CONTEXT.items():
        graph.bind(prefix, namespace)
    return graph


def to_jsonld(model: Model) -> Exported[str]:
    """The model's RDF as compact JSON-LD text with an inline context, and its report
    (JSON-LD holds every triple of the RDF view: nothing is left out)."""
    text = to_rdflib_graph(model).serialize(format="json-ld", context=CONTEXT,
                                            auto_compact=True, indent=1)
    return Exported(text, ExportReport("JSON-LD"))


def write_jsonld(model: Model, path: Path | str) -> Exported[Path]:
    """Write the JSON-LD file atomically; returns its path and report."""
    done = to_jsonld(model)
    return Exported(write_atomic(Path(path), done.artifact), done.report)
