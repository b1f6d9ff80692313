"""Turtle of the RDF view: every triple carepath's build writes to ``carepath.ttl``.

The triples are serialised as they are made (a national model's Turtle is never held as a
store first), with carepath's prefixes; the ontology is not included (``carepath build`` writes
it beside, as ``ontology.ttl``).

>>> from carepath import load_reference
>>> text = to_turtle(load_reference()).artifact
>>> "cp:refersTo" in text
True
"""

from __future__ import annotations

import io
from pathlib import Path

from carepath.graph.model import Model
from carepath.graph.rdf import dump_turtle
from carepath.graph.rdf import write_turtle as _write_turtle_file
from carepath.standards.common import Exported
from carepath.standards.jsonld import import_turtle, rdf_report, read_turtle

__all__ = ["import_turtle", "read_turtle", "to_turtle", "write_turtle"]


def to_turtle(model: Model) -> Exported[str]:
    """The model's RDF as Turtle text, and its report: what RDF does not hold of the model
    (:func:`carepath.standards.jsonld.rdf_report`, the JSON-LD export's too)."""
    buffer = io.BytesIO()
    dump_turtle(model, buffer)
    return Exported(buffer.getvalue().decode("utf-8"), rdf_report("Turtle", model))


def write_turtle(model: Model, path: Path | str) -> Exported[Path]:
    """Write the Turtle file atomically, streamed; returns its path and report (as
    :func:`to_turtle`)."""
    return Exported(_write_turtle_file(model, path), rdf_report("Turtle", model))
