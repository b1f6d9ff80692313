"""Reading and writing the standards planners' data already lives in: one format registry.

One module per format, each holding both of its directions: ``read_*`` (a standard's files
into entries), ``import_*`` (into a carepath data folder), ``to_*`` (the model as the format's
artifact, with a report of what the format cannot hold: an
:class:`~carepath.standards.common.Exported`) and ``write_*`` (that artifact written
atomically). :data:`FORMATS` lists them; ``carepath import`` and ``carepath export`` are
generated from it, so adding a format touches its module and one line here. Modules are
imported when a format is used, not when the registry is read (the CLI starts fast).

None of the directory standards holds a referral route between services as such: HSDS and
FHIR carry the routes into a service (as attributes and extensions an import reads back) and
list the rest in the export's report.

>>> sorted(FORMATS)
['fhir', 'gexf', 'graphml', 'hsds', 'jsonld', 'networkx']
>>> [name for name, fmt in FORMATS.items() if fmt.can_import]
['hsds', 'fhir']
>>> FORMATS["fhir"].writer().__name__
'write_fhir'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class Option:
    """A format's own option of ``carepath export``: ``--flag`` given to ``write_*`` as
    ``param`` (a path, or a switch when ``switch``)."""

    flag: str
    param: str
    help: str
    switch: bool = False


@dataclass(frozen=True, slots=True)
class Format:
    """One exchange format: where its code is and what the CLI says about it."""

    name: str
    title: str  # the standard's name, for messages
    description: str  # the export command's help
    target: str  # "FILE" or "FOLDER": what the export writes
    can_import: bool = False
    import_help: str = ""
    options: tuple[Option, ...] = ()

    @property
    def module(self) -> Any:
        return import_module(f"carepath.standards.{self.name}")

    def writer(self) -> Callable[..., Any]:
        """``write_{name}(model, target, **options) -> Exported[Path]``."""
        return getattr(self.module, f"write_{self.name}")

    def converter(self) -> Callable[..., Any]:
        """``to_{name}(model) -> Exported``."""
        return getattr(self.module, f"to_{self.name}")

    def importer(self) -> Callable[..., Any]:
        """``import_{name}(path, out, **options) -> Imported``."""
        if not self.can_import:
            raise ValueError(f"carepath does not import {self.title}; formats it imports: "
                             + ", ".join(n for n, f in FORMATS.items() if f.can_import))
        return getattr(self.module, f"import_{self.name}")


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("hsds", "Open Referral HSDS 3",
           "An Open Referral HSDS 3 data package, and a report of what HSDS cannot hold.",
           "FOLDER", can_import=True,
           import_help="Open Referral HSDS 3 / UK services (a package folder, its "
                       "datapackage.json, or an API response .json) into carepath data files.",
           options=(Option("--schemas", "schemas", "Folder of the HSDS 3 JSON Schemas: "
                           "validate before writing."),
                    Option("--force", "force", "Replace FOLDER even if it is not a data "
                           "package.", switch=True),
                    Option("--changes-since", "changes_since", "An earlier version of the "
                           "data (a saved version's folder, or a data folder): its changes "
                           "become Open Referral metadata rows."))),
    Format("fhir", "FHIR R4",
           "A FHIR R4 Bundle (.json, or .xml for XML) of Organization, Location and "
           "HealthcareService resources.", "FILE", can_import=True,
           import_help="FHIR R4 HealthcareService resources (.json or .xml, single or Bundle, "
                       "or a folder of them) into carepath data files.",
           options=(Option("--definitions", "definitions", "Also write carepath's extension "
                           "StructureDefinitions and code systems (a Bundle, JSON) here."),
                    Option("--ndjson", "ndjson", "Also write the resources as FHIR Bulk Data "
                           "NDJSON into this folder (one file per resource type and a "
                           "manifest.json; import fhir reads it)."))),
    Format("graphml", "GraphML 1.0",
           "The property graph as GraphML (yEd, Cytoscape, Gephi, graphology).", "FILE"),
    Format("gexf", "GEXF 1.3", "The property graph as GEXF 1.3 (Gephi, graphology).", "FILE"),
    Format("networkx", "networkx node-link JSON",
           "The property graph as networkx node-link JSON (nx.node_link_graph reads it).",
           "FILE"),
    Format("jsonld", "JSON-LD", "The RDF graph as JSON-LD (the Turtle export's triples, a "
           "local context).", "FILE"),
)}

_LEGACY = {  # names this package exported before the registry, still importable from here
    "export_hsds": "hsds", "import_hsds": "hsds", "to_hsds": "hsds", "validate_hsds": "hsds",
    "export_fhir": "fhir", "import_fhir": "fhir", "to_fhir": "fhir",
    "export_graphml": "graphml", "to_graphml": "graphml", "export_gexf": "gexf",
    "to_gexf": "gexf", "export_jsonld": "jsonld", "to_jsonld": "jsonld",
}


def __getattr__(name: str) -> Any:
    if name in _LEGACY:
        return getattr(FORMATS[_LEGACY[name]].module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def export(name: str, model: Any, target: Path | str, **options: Any) -> Any:
    """Write ``model`` in format ``name`` to ``target``; returns the path and the report.

    >>> import tempfile, pathlib
    >>> from carepath import load_reference
    >>> done = export("gexf", load_reference(), pathlib.Path(tempfile.mkdtemp()) / "g.gexf")
    >>> done.artifact.suffix, "pathway cells" in done.report.not_held
    ('.gexf', True)
    """
    if name not in FORMATS:
        raise ValueError(f"unknown format {name!r}; expected one of: {', '.join(FORMATS)}")
    return FORMATS[name].writer()(model, target, **options)


__all__ = ["FORMATS", "Format", "Option", "export", *sorted(_LEGACY)]
