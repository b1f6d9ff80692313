"""Every format carepath reads or writes, in one registry: the exchange standards, the graph
files, carepath's own data formats, the pages and pictures, and the pushes to servers.

One module per format, each holding both of its directions: ``read_*`` (a format's files
into entries), ``import_*`` (into a carepath data folder), ``to_*`` (the model as the format's
artifact, with a report of what the format cannot hold: an
:class:`~carepath.standards.common.Exported`) and ``write_*`` (that artifact written
atomically, or sent to a server). :data:`FORMATS` lists them; ``carepath import`` and
``carepath export`` are generated from it, so adding a format touches its module and one line
here. Modules are imported when a format is used, not when the registry is read (the CLI
starts fast).

A format's ``target`` says what its export writes: a ``FILE``, a ``FOLDER``, or a ``SERVER``
(the Neo4j and SPARQL pushes: a URL, a user, the password from the environment or a prompt).
carepath's own formats (``yaml``, ``csv``, ``xlsx``) are read back by :func:`carepath.load`
(``loads``): their writers write what loads as the same model, or report what they cannot
hold.

None of the directory standards holds a referral route between services as such: HSDS and
FHIR carry the routes into a service (as attributes and extensions an import reads back) and
list the rest in the export's report.

>>> sorted(FORMATS)[:6]
['csv', 'fhir', 'gexf', 'graphml', 'hsds', 'html']
>>> [name for name, fmt in FORMATS.items() if fmt.can_import]
['hsds', 'fhir', 'graphml', 'gexf', 'networkx', 'jsonld', 'turtle']
>>> [name for name, fmt in FORMATS.items() if fmt.loads]
['yaml', 'csv', 'xlsx']
>>> FORMATS["fhir"].writer().__name__, FORMATS["neo4j-csv"].converter().__name__
('write_fhir', 'to_neo4j_csv')
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any, Literal


@dataclass(frozen=True, slots=True)
class Option:
    """A format's own option of ``carepath export``: ``flag`` (and ``short``) given to the
    writer, or the format's command, as ``param``.

    ``kind`` is ``path`` (the default), ``text``, ``int``, ``float``, ``switch`` (a flag that
    is off unless given; ``switch=True`` says the same) or ``toggle`` (``--x/--no-x``). An
    option without a ``default`` is left out unless ``required``.
    """

    flag: str
    param: str
    help: str
    switch: bool = False
    kind: str = "path"
    default: Any = None
    short: str = ""
    metavar: str = ""
    minimum: int | None = None
    required: bool = False


TargetKind = Literal["FILE", "FOLDER", "SERVER"]  # what an export writes to (its help names it)


@dataclass(frozen=True, slots=True)
class Format:
    """One format: where its code is and what the CLI says about it.

    ``module_name`` is the module holding its functions (default
    ``carepath.standards.{name}``); their names are the format's name with ``_`` for ``-``
    (``write_neo4j_csv``). ``command`` names (``module:function``) what the generated export
    command runs for a format whose export checks, reports or asks more than writing a file
    (views, pictures, pushes: a password): it is called with the registry's options as
    keyword arguments. ``positional``: the target is the command's argument (else an option
    of the format's, such as ``--out``).
    """

    name: str
    title: str  # the standard's name, for messages
    description: str  # the export command's help
    target: TargetKind  # what the export writes to
    can_import: bool = False
    import_help: str = ""
    options: tuple[Option, ...] = ()
    loads: bool = False  # carepath.load reads what the writer writes (carepath's own formats)
    new_ids: bool = False  # its import makes carepath ids (and maps terms): a directory standard
    module_name: str = ""
    command: str = ""
    positional: bool = True

    @property
    def ident(self) -> str:
        """The name as it is in function names: ``neo4j_csv``."""
        return self.name.replace("-", "_")

    @property
    def module(self) -> Any:
        return import_module(self.module_name or f"carepath.standards.{self.name}")

    def writer(self) -> Callable[..., Any]:
        """``write_{name}(model, target, **options)``: ``Exported[Path]`` for a file or folder
        of the standards and carepath's formats; the page, picture or push's own result."""
        return getattr(self.module, f"write_{self.ident}")

    def converter(self) -> Callable[..., Any]:
        """``to_{name}(model, ...) -> Exported`` (an HTML page and a picture: its text)."""
        return getattr(self.module, f"to_{self.ident}")

    def importer(self) -> Callable[..., Any]:
        """``import_{name}(path, out, **options) -> Imported``."""
        if not self.can_import:
            raise ValueError(f"carepath does not import {self.title}; formats it imports: "
                             + ", ".join(n for n, f in FORMATS.items() if f.can_import))
        return getattr(self.module, f"import_{self.ident}")


_FORCE = Option("--force", "force", "Write into a folder that holds files carepath did not "
                "write (those are kept, never replaced), or replace an existing single file.",
                switch=True)
# what a view or picture shows: ids or names, as every command takes them
_VIEW_FILTERS = (
    Option("--area", "area", "An area: id or name, e.g. dorset.", kind="text", short="-a",
           metavar="AREA"),
    Option("--stage", "stage", "A canonical stage id or name, e.g. pregnancy, months-2-6.",
           kind="text"),
    Option("--tier", "tier", "A tier id or name, e.g. universal, specialist-perinatal.",
           kind="text"),
    Option("--concern", "concern", "A concern: id, name or everyday word, e.g. anxiety, "
           "bonding.", kind="text", metavar="CONCERN"),
)
_FORCE_FOLDER = Option("--force", "force", "Replace FOLDER even if it holds files carepath did "
                       "not write.", switch=True)

FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("hsds", "Open Referral HSDS 3",
           "An Open Referral HSDS 3 data package, and a report of what HSDS cannot hold.",
           "FOLDER", can_import=True, new_ids=True,
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
           "A FHIR R4 Bundle (.json, or .xml for XML) of Organization, Location, "
           "HealthcareService and PlanDefinition (the pathway) resources.", "FILE",
           can_import=True, new_ids=True,
           import_help="FHIR R4 HealthcareService and PlanDefinition resources (.json or "
                       ".xml, single or Bundle, a folder of them, or Bulk Data NDJSON: a "
                       "folder or its manifest.json) into carepath data files.",
           options=(Option("--definitions", "definitions", "Also write carepath's extension "
                           "StructureDefinitions and code systems (a Bundle, JSON) here."),
                    Option("--ndjson", "ndjson", "Also write the resources as FHIR Bulk Data "
                           "NDJSON into this folder (one file per resource type and a "
                           "manifest.json; import fhir reads it)."))),
    Format("graphml", "GraphML 1.0",
           "The property graph as GraphML (yEd, Cytoscape, Gephi, graphology).", "FILE",
           can_import=True,
           import_help="A GraphML file carepath wrote (edited in Gephi, yEd or by hand) "
                       "back into carepath data files."),
    Format("gexf", "GEXF 1.3", "The property graph as GEXF 1.3 (Gephi, graphology).", "FILE",
           can_import=True,
           import_help="A GEXF file carepath wrote (edited and saved by Gephi) back into "
                       "carepath data files."),
    Format("networkx", "networkx node-link JSON",
           "The property graph as networkx node-link JSON (nx.node_link_graph reads it).",
           "FILE", can_import=True,
           import_help="A node-link JSON file carepath wrote (edited in a notebook, "
                       "nx.node_link_data(G, edges='edges')) back into carepath data files."),
    Format("jsonld", "JSON-LD", "The RDF graph as JSON-LD (the Turtle export's triples, a "
           "local context).", "FILE", can_import=True,
           import_help="carepath's RDF (JSON-LD; the Turtle `carepath build` writes, by its "
                       ".ttl suffix) back into carepath data files, with a report of what RDF "
                       "does not hold."),
    Format("turtle", "Turtle", "The RDF graph as Turtle (the triples of a build's "
           "carepath.ttl; the ontology is not included).", "FILE", can_import=True,
           import_help="carepath's Turtle (a build's carepath.ttl, or `carepath export "
                       "turtle`) back into carepath data files, with a report of what RDF "
                       "does not hold."),
    Format("yaml", "carepath YAML", "carepath's own YAML data folder (sources.yaml, "
           "areas/AREA.yaml): carepath loads it back as the same data.", "FOLDER",
           loads=True, module_name="carepath.loaders.yamlfile", options=(_FORCE_FOLDER,)),
    Format("csv", "carepath CSV folder", "carepath's spreadsheet format as a folder of CSV "
           "files (areas, sources, services, relations, overlaps), and what its columns "
           "cannot hold.", "FOLDER", loads=True, module_name="carepath.loaders.spreadsheet",
           options=(_FORCE_FOLDER,)),
    Format("xlsx", "carepath XLSX workbook", "carepath's spreadsheet format as one .xlsx "
           "workbook (a sheet per table), and what its columns cannot hold.", "FILE",
           loads=True, module_name="carepath.loaders.spreadsheet",
           options=(Option("--force", "force", "Replace the file (and --report FILE) if it "
                           "exists.", switch=True),)),
    Format("neo4j-csv", "Neo4j CSV", "CSV files for `neo4j-admin database import`, plus "
           "load.cypher (constraints + LOAD CSV).", "FOLDER",
           module_name="carepath.servers.neo4j_csv",
           command="carepath.cli.servers:export_neo4j_csv_cmd", options=(_FORCE,)),
    Format("neo4j", "Neo4j", "Merge the graph into a Neo4j server: constraints, then batched "
           "transactions.", "SERVER", module_name="carepath.servers.neo4j",
           command="carepath.cli.servers:export_neo4j_cmd", options=(
               Option("--uri", "uri", "bolt://HOST:7687, neo4j://HOST:7687 or "
                      "neo4j+s://ID.databases.neo4j.io.", kind="text", required=True),
               Option("--user", "user", "Neo4j user name.", kind="text", default="neo4j"),
               Option("--database", "database", "Neo4j database (default: the server's "
                      "default database).", kind="text"),
               Option("--replace-area", "replace_area", "Afterwards remove what this area no "
                      "longer has in the data: services, their relations and edges.",
                      kind="text"),
               Option("--batch-size", "batch_size", "Rows per transaction.", kind="int",
                      default=1000, minimum=1))),
    Format("sparql", "SPARQL 1.1 Graph Store", "Upload the RDF to a SPARQL 1.1 store with the "
           "Graph Store Protocol.", "SERVER", module_name="carepath.servers.sparql",
           command="carepath.cli.servers:export_sparql_cmd", options=(
               Option("--endpoint", "endpoint", "The store's Graph Store Protocol URL, e.g. "
                      "Fuseki's http://HOST:3030/ds/data.", kind="text", required=True),
               Option("--named-graph", "named_graph", "Replace this named graph (an IRI) "
                      "instead of the default graph.", kind="text"),
               Option("--ontology", "ontology", "Send the ontology too.", kind="toggle",
                      default=True),
               Option("--user", "user", "HTTP basic authentication user; password from "
                      "SPARQL_PASSWORD or a prompt.", kind="text"))),
    Format("html", "HTML", "Interactive HTML: one self-contained page per view, to open "
           "offline or send by email.", "FILE", module_name="carepath.html",
           command="carepath.cli.html:html_cmd", positional=False, options=(
               Option("--view", "view", "network, stepped-care, timeline, gaps, pathway, "
                      "table, or all (a folder: index page, every view and SVG pictures).",
                      kind="text"),
               *_VIEW_FILTERS,
               Option("--focus", "focus", "A service id or name: export only its "
                      "neighbourhood (the focus view: this service and everything around "
                      "it).", kind="text"),
               Option("--hops", "hops", "With --focus: how many relations away to reach "
                      "(default 1).", kind="int"),
               Option("--out", "out_path", "The .html file to write (a folder for --view "
                      "all).", short="-o"),
               _FORCE)),
    Format("image", "SVG/PNG picture", "A static picture (SVG or PNG) of the stepped-care or "
           "timeline view, for reports.", "FILE", module_name="carepath.html.images",
           command="carepath.cli.html:image_cmd", positional=False, options=(
               Option("--view", "view", "stepped-care or timeline.", kind="text"),
               *_VIEW_FILTERS,
               Option("--scale", "scale", "PNG only: pixels per SVG unit (2 for sharp "
                      "slides).", kind="float", default=2.0),
               Option("--out", "out_path", "FILE.svg, or FILE.png (needs Playwright and "
                      "Chromium).", short="-o"),
               _FORCE)),
)}

_OTHER_NAMES = {"validate_hsds": "hsds", "read_rdf": "jsonld", "to_fhir_json": "fhir",
                "to_fhir_xml": "fhir"}


def __getattr__(name: str) -> Any:
    """``to_*``, ``write_*``, ``read_*`` and ``import_*`` of every format, from its module.

    >>> from carepath.standards import write_graphml
    >>> write_graphml.__module__
    'carepath.standards.graphml'
    """
    verb, _, ident = name.partition("_")
    fmt = FORMATS.get(ident.replace("_", "-"))
    if fmt is not None and verb in ("to", "write", "read", "import"):
        return getattr(fmt.module, name)
    if name in _OTHER_NAMES:
        return getattr(FORMATS[_OTHER_NAMES[name]].module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def export(name: str, model: Any, target: Path | str, **options: Any) -> Any:
    """Write ``model`` in format ``name`` to ``target``; returns the path and the report.

    >>> import tempfile, pathlib
    >>> from carepath import load_reference
    >>> done = export("gexf", load_reference(), pathlib.Path(tempfile.mkdtemp()) / "g.gexf")
    >>> done.artifact.suffix, done.report.lost  # a graph file holds the whole model
    ('.gexf', 0)
    """
    if name not in FORMATS:
        raise ValueError(f"unknown format {name!r}; expected one of: {', '.join(FORMATS)}")
    return FORMATS[name].writer()(model, target, **options)


__all__ = ["FORMATS", "Format", "Option", "export"]
