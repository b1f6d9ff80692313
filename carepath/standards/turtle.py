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
from carepath.standards.common import Exported, ExportReport


def to_turtle(model: Model) -> Exported[str]:
    """The model's RDF as Turtle text, and its report (Turtle holds every triple of the RDF
    view: nothing is left out)."""
    buffer = io.BytesIO()
    dump_turtle(model, buffer)
    return Exported(buffer.getvalue().decode("utf-8"), ExportReport("Turtle"))


def write_turtle(model: Model, path: Path | str) -> Exported[Path]:
    """Write the Turtle file atomically, streamed; returns its path and report."""
    return Exported(_write_turtle_file(model, path), ExportReport("Turtle"))
