"""Reading carepath's own graph files back: an analyst edits the graph in Gephi or a notebook
and brings it home as a carepath data folder.

The GraphML, GEXF and node-link readers (:mod:`~carepath.standards.graphml`,
:mod:`~carepath.standards.gexf`, :mod:`~carepath.standards.networkx`) each parse their file
into a :class:`GraphFile`: nodes and edges with typed attributes and where each was read (a
line, or a JSON pointer). :func:`read_graph` turns that into the data files' records and
hands them to carepath's loader, which checks them as it checks any data folder; every
problem names the file, the element's line (or pointer) and the field.

How the attributes are read (the inverse of :func:`~carepath.standards.graph_files.carried_graph`):

- a node's ``kind`` says what it is (Service, Area, Source, PathwayCell, Overlap; the
  vocabulary kinds Tier, AgeStage, Concern, Profession, Intervention must be carepath's own
  terms; Family and Unnamed are carepath's reserved ends). Its name is ``label`` where the
  file has one (what Gephi shows and edits), else ``name``.
- scalars are the attribute of the same name (``tier``, ``area``, ``notes``, ...); lists are
  lists (node-link) or :func:`~carepath.standards.graph_files.join_list` text (GraphML, GEXF).
- what a service is staffed by, delivers, addresses (with severities) and is part of are its
  ``STAFFED_BY``, ``DELIVERS``, ``ADDRESSES`` and ``PART_OF`` edges; a pathway cell's
  service its ``CELL_FOR`` edge; an overlap's services its ``OVERLAPS`` edges. ``COVERS``
  edges and the ``stages``, ``concerns``, ``start_week`` and ``end_week`` attributes are
  worked out from the rest, so they are not read.
- every relation edge (REFERS_TO, ADVISES, ...) is a relation; the edges of one statement
  (their ``rel_id`` up to the target) become one statement again. A new edge drawn by hand
  needs only its kind: it is a relation of its own.
- ``details`` (JSON) holds the provenance of facts the attributes show without it (criteria,
  response times, evidence...). The visible attribute decides: a criterion deleted from
  ``eligibility`` is gone, one added there (``inclusion: text``) is new, one kept keeps its
  provenance and conditions from ``details``.

A statement's targets come back in the order of the file's edges, which is not always the
order the data files list them in.

>>> import tempfile, pathlib
>>> from carepath import load_reference
>>> from carepath.standards.graphml import read_graphml, write_graphml
>>> path = write_graphml(load_reference(), pathlib.Path(tempfile.mkdtemp()) / "g.graphml").artifact
>>> read_graphml(path).model.services["dorset-pmmhs"].tier
'specialist-perinatal'
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from carepath.errors import DataValidationError, Problem
from carepath.graph.model import (
    RELATION_ID_SEPARATOR,
    RESERVED_NODES,
    UNNAMED_NODES,
    Model,
    NodeKind,
    RelationKind,
)
from carepath.graph.networkx import STRUCTURAL_TYPES
from carepath.standards.graph_files import OVERLAP, OVERLAPS, split_list
from carepath.standards.importing import Imported, vocabulary, write_import

CELL_FOR = "CELL_FOR"
EDGE_KINDS = (*(k.graph_type for k in RelationKind), *STRUCTURAL_TYPES, CELL_FOR, OVERLAPS)
NODE_KINDS = (*(k.value for k in NodeKind), OVERLAP)
_VOCABULARY = {NodeKind.TIER.value: "tiers", NodeKind.AGE_STAGE.value: "stages",
               NodeKind.CONCERN.value: "concerns", NodeKind.PROFESSION.value: "professions",
               NodeKind.INTERVENTION.value: "interventions"}


@dataclass(slots=True)
class Element:
    """A node or edge as a graph file holds it: its attributes (``kind`` and, for nodes,
    ``name`` among them) and where it was read."""

    data: dict[str, Any]
    file: str  # the file, or the file and a JSON pointer to the element
    line: int | None


@dataclass(slots=True)
class GraphFile:
    """A graph file's nodes (by id) and edges (source, target, element), in file order."""

    path: str
    standard: str
    nodes: dict[str, Element] = field(default_factory=dict)
    edges: list[tuple[str, str, Element]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def problem(self, element: Element | None, code: str, fld: str | None, message: str,
                level: str = "error") -> None:
        where = element or Element({}, self.path, None)
        self.problems.append(Problem(level, code, where.file, where.line, fld, message))

    def add_xml(self, nodes: Any, edges: Any, element: Any) -> None:
        """Add the XML ``nodes`` and ``edges`` (GraphML's and GEXF's share their shape: an
        ``id``, a ``source`` and a ``target``), each made an :class:`Element` by
        ``element(xml, "node" | "edge")``; a node without an id, or with one already used,
        is a problem and left out."""
        for node in nodes:
            found = element(node, "node")
            ident = node.get("id")
            if not ident or ident in self.nodes:
                self.problem(found, "bad-id", "id", f"node id {ident!r} is "
                             + ("missing" if not ident else "used twice") + "; node left out")
                continue
            self.nodes[ident] = found
        self.edges.extend((edge.get("source", ""), edge.get("target", ""),
                           element(edge, "edge")) for edge in edges)


@dataclass(slots=True)
class GraphRead:
    """What a graph file holds: the model, the data folder's records (to write with
    :func:`~carepath.standards.importing.write_import`) and the warnings."""

    model: Model
    imported: Imported

    @property
    def warnings(self) -> list[Problem]:
        return self.imported.warnings


# -- attribute values ---------------------------------------------------------------------------

def _text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else str(value)


def _list(data: dict[str, Any], key: str) -> list[str]:
    value = data.get(key)
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    return split_list(str(value))


def _int(data: dict[str, Any], key: str) -> Any:
    """An integer attribute (``-1`` is "none" for a line); a value that is not one is
    passed on for the loader to name."""
    value = data.get(key)
    if value is None or value == "" or value == -1:
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return value
    return value


def _number(data: dict[str, Any], key: str) -> Any:
    value = data.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    return value


def _cited(data: dict[str, Any]) -> dict[str, Any]:
    out = {"source": _text(data, "evidence_source") or _text(data, "source"),
           "line": _int(data, "line"), "passage": _text(data, "passage")}
    return {k: v for k, v in out.items() if v is not None}


def _details(graph: GraphFile, element: Element, *, records: bool = False) -> dict[str, Any]:
    value = element.data.get("details")
    if value is None or value == "":
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as exc:
            graph.problem(element, "bad-details", "details", f"not JSON ({exc}); the facts it "
                          "carries (criteria, response times, evidence...) are read without "
                          "their provenance")
            return {}
    if not isinstance(value, dict):
        graph.problem(element, "bad-details", "details", "expected a JSON object")
        return {}
    if not records:
        return value
    # a service's: each key holds a record (a JSON object), or a list of them
    out: dict[str, Any] = {}
    for key, item in value.items():
        many = key in _RECORD_LISTS
        if (isinstance(item, list) and many and all(isinstance(r, dict) for r in item)) or (
                isinstance(item, dict) and not many):
            out[key] = item
        else:
            graph.problem(element, "bad-details", f"details.{key}",
                          "expected " + ("a list of JSON objects" if many else "a JSON object")
                          + "; left out")
    return out


_RECORD_LISTS = ("eligibility", "response_times", "evidence", "conditions", "commitments")


def _kept(visible: list[str], carried: list[dict[str, Any]], shown: Any,
          parse: Any) -> list[dict[str, Any]]:
    """The records of a visible list: each item's carried record where one shows as it,
    else ``parse(item)`` (None: left out)."""
    pool: dict[str, list[dict[str, Any]]] = {}
    for rec in carried:
        if isinstance(rec, dict):
            pool.setdefault(shown(rec), []).append(rec)
    out = []
    for item in visible:
        match = pool.get(item)
        rec = match.pop(0) if match else parse(item)
        if rec is not None:
            out.append(rec)
    return out


def _split_pair(item: str, first: str, second: str) -> dict[str, Any]:
    head, sep, tail = item.partition(": ")
    return {first: head.strip(), second: tail.strip()} if sep else {first: "", second: item}


def _ref(rec: dict[str, Any]) -> str:
    source, line = rec.get("source", ""), rec.get("line")
    return source if line is None else f"{source}:{line}"


# -- records ------------------------------------------------------------------------------------

@dataclass(slots=True)
class _Records:
    sources: list[tuple[Element, dict]] = field(default_factory=list)
    areas: list[tuple[Element, dict]] = field(default_factory=list)
    services: list[tuple[Element, dict]] = field(default_factory=list)
    relations: list[tuple[Element, dict]] = field(default_factory=list)
    overlaps: list[tuple[Element, dict]] = field(default_factory=list)
    pathway: list[tuple[Element, dict]] = field(default_factory=list)


def _service(graph: GraphFile, ident: str, element: Element,
             out_edges: dict[str, list[tuple[str, str, Element]]]) -> dict[str, Any]:
    data = element.data
    details = _details(graph, element, records=True)
    edges = out_edges.get(ident, [])

    def ends(kind: str) -> list[tuple[str, Element]]:
        return [(v, e) for k, v, e in edges if k == kind]

    rec: dict[str, Any] = {"id": ident, "name": data.get("name")}
    area = _text(data, "area") or next((v for v, _ in ends("IN_AREA")), None)
    if area:
        rec["area"] = area
    aliases = _list(data, "aliases")
    if aliases:
        rec["aliases"] = aliases
    tier = _text(data, "tier") or next((v for v, _ in ends("AT_TIER")), None)
    for key, value in (("tier", tier), ("tier_note", _text(data, "tier_note")),
                       ("level", _text(data, "level"))):
        if value is not None:
            rec[key] = value
    need = {k: v for k, v in (("min", _number(data, "need_min")),
                              ("max", _number(data, "need_max")),
                              ("note", _text(data, "need_note"))) if v is not None}
    if need:
        rec["need"] = need
    stages = _list(data, "stage_text")
    if stages:
        rec["stages"] = stages
    addresses = [{"concern": v, **({"severity": _list(e.data, "severity")}
                                   if _list(e.data, "severity") else {})}
                 for v, e in ends("ADDRESSES")]
    for key, value in (("addresses", addresses),
                       ("not_addressed", _list(data, "not_addressed")),
                       ("professions", [v for v, _ in ends("STAFFED_BY")]),
                       ("interventions", [v for v, _ in ends("DELIVERS")])):
        if value:
            rec[key] = value
    eligibility = _kept(_list(data, "eligibility"), details.get("eligibility", []),
                        lambda r: f"{r.get('type')}: {r.get('text')}",
                        lambda item: _split_pair(item, "type", "text"))
    if eligibility:
        rec["eligibility"] = eligibility
    responses = _kept(_list(data, "response_times"), details.get("response_times", []),
                      lambda r: f"{r.get('urgency')}: {r.get('within')}",
                      lambda item: _split_pair(item, "urgency", "within"))
    if responses:
        rec["response_times"] = responses
    notes = _text(data, "notes")
    if notes is not None:
        rec["notes"] = notes
    if details.get("evidence"):
        rec["evidence"] = details["evidence"]
    parents = ends("PART_OF")
    if parents:
        rec["part_of"] = {**details.get("part_of", {}), "service": parents[0][0]}
        if len(parents) > 1:
            graph.problem(parents[1][1], "part-of-twice", "PART_OF",
                          f"service {ident!r} is part of {len(parents)} services; a service is "
                          f"part of one: kept {parents[0][0]!r}")
    status = _text(data, "self_referral")
    if status is not None:
        rec["self_referral"] = {**details.get("self_referral", {}), "status": status}
    for key in ("valid_from", "valid_to", "assured_date"):
        if _text(data, key) is not None:
            rec[key] = _text(data, key)
    hours = _text(data, "hours")
    if hours is not None:
        rec["hours"] = {**details.get("hours", {}), "text": hours}
    for key in ("addresses_closed", "criteria_closed", "by_discussion"):
        if _text(data, key) is not None:  # the visible citation is the switch
            rec[key] = details.get(key) or {"passage": None}
    if _text(data, "window_kind") is not None:
        rec["window_kind"] = _text(data, "window_kind")
    missing = []
    conditions = _kept(_list(data, "conditions"), details.get("conditions", []),
                       lambda r: f"{', '.join(r.get('governs', ['service']))}: "
                                 f"{r.get('text')} ({_ref(r)})", missing.append)
    commitments = _kept(_list(data, "commitments"), details.get("commitments", []),
                        lambda r: f"{r.get('text')} ({_ref(r)})", missing.append)
    for item in missing:
        graph.problem(element, "not-read", "conditions/commitments",
                      f"{item[:60]!r} has no record in 'details' (its passage and line); "
                      "left out: add it to the data file", level="warning")
    if conditions:
        rec["conditions"] = conditions
    if commitments:
        rec["commitments"] = commitments
    rec |= _cited(data)
    return rec


def _records(graph: GraphFile) -> _Records:
    out = _Records()
    vocab = vocabulary()
    nodes = graph.nodes
    out_edges: dict[str, list[tuple[str, str, Element]]] = {}
    relations: dict[str, tuple[Element, dict[str, Any]]] = {}
    for u, v, element in graph.edges:
        kind = _text(element.data, "kind")
        for end, role in ((u, "source"), (v, "target")):
            if end not in nodes:
                graph.problem(element, "dangling-edge", role,
                              f"the edge's {role} {end!r} is not a node of the file; "
                              "edge left out")
        if u not in nodes or v not in nodes:
            continue
        if kind not in EDGE_KINDS:
            graph.problem(element, "unknown-kind", "kind",
                          f"unknown edge kind {kind!r}; expected one of: "
                          f"{', '.join(EDGE_KINDS)}")
            continue
        if kind in RelationKind.__members__:
            data = element.data
            rel_id = data.get("rel_id")
            stem = (rel_id[:-len(v) - 1] if isinstance(rel_id, str)
                    and rel_id.endswith(RELATION_ID_SEPARATOR + v) else None)
            same = relations.get(stem) if stem else None
            if same is not None and same[0].data.get("rel_id") != rel_id and same[1][
                    "from"] == u and {**data, "rel_id": ""} == {**same[0].data, "rel_id": ""}:
                same[1]["to"].append(v)  # another target of the same statement, unedited
                continue
            rec: dict[str, Any] = {"kind": kind.lower(), "from": u, "to": [v]}
            for key in ("stages", "concerns", "severity"):
                values = _list(data, "stage_text" if key == "stages" else key)
                if values:
                    rec[key] = values
            for key in ("urgency", "response_time", "level", "note"):
                if _text(data, key) is not None:
                    rec[key] = _text(data, key)
            rec |= _cited(data)
            if same is not None and same[1]["from"] == u and all(
                    same[1].get(k) == rec.get(k) for k in (*rec, *same[1]) if k != "to"):
                same[1]["to"].append(v)  # another target of the same statement
            else:  # a statement of its own (an edge drawn by hand, or edited apart)
                relations[stem if same is None and stem else f"edge-{len(relations)}"] = (
                    element, rec)
        else:
            out_edges.setdefault(u, []).append((kind, v, element))
    overlaps: dict[str, tuple[Element, dict[str, Any]]] = {}
    for ident, element in nodes.items():
        data, kind = element.data, _text(element.data, "kind")
        if kind == NodeKind.SERVICE.value:
            out.services.append((element, _service(graph, ident, element, out_edges)))
        elif kind == NodeKind.AREA.value:
            rec = {"id": ident, "name": data.get("name")}
            for key in ("country",):
                if _text(data, key) is not None:
                    rec[key] = _text(data, key)
            if _int(data, "births_per_year") is not None:
                rec["births_per_year"] = _int(data, "births_per_year")
            out.areas.append((element, rec | _cited(data)))
        elif kind == NodeKind.SOURCE.value:
            rec = {"id": ident, "title": data.get("name")}
            if _text(data, "file") is not None:
                rec["file"] = _text(data, "file")
            out.sources.append((element, _as_bundled(rec | _details(graph, element))))
        elif kind == NodeKind.PATHWAY_CELL.value:
            cell_for = [v for k, v, _ in out_edges.get(ident, []) if k == CELL_FOR]
            rec = {"stage": data.get("stage_text"),
                   "service": cell_for[0] if cell_for else _text(data, "service")}
            for key in ("heading", "level", "rationale"):
                if _text(data, key) is not None:
                    rec[key] = _text(data, key)
            if _list(data, "actions"):
                rec["actions"] = _list(data, "actions")
            out.pathway.append((element, rec | _cited(data)))
        elif kind == OVERLAP:
            rec = {"services": [v for k, v, _ in out_edges.get(ident, []) if k == OVERLAPS],
                   "note": _text(data, "note") or data.get("name")}
            overlaps[ident] = (element, rec | _cited(data))
        elif kind in _VOCABULARY:
            if ident not in getattr(vocab, _VOCABULARY[kind]):
                graph.problem(element, f"unknown-{kind.lower()}", "id",
                              f"{kind} {ident!r} is not one of carepath's vocabulary terms "
                              "(a data folder cannot add one); references to it are errors")
        elif kind in (NodeKind.FAMILY.value, NodeKind.UNNAMED.value):
            if ident not in RESERVED_NODES and ident not in UNNAMED_NODES:
                graph.problem(element, "unknown-reserved", "id",
                              f"{ident!r} is not one of carepath's reserved ends; expected "
                              f"one of: {', '.join([*RESERVED_NODES, *UNNAMED_NODES])}")
        else:
            graph.problem(element, "unknown-kind", "kind",
                          f"unknown node kind {kind!r}; expected one of: "
                          f"{', '.join(NODE_KINDS)}")
    out.relations = list(relations.values())
    out.overlaps = list(overlaps.values())
    return out


@cache
def bundled_sources() -> dict[str, dict[str, Any]]:
    """carepath's bundled source records (``data/sources.yaml``), by id."""
    from carepath.loaders import bundled_data_dir
    from carepath.loaders.yamlfile import load_yaml_file

    return {s.get("id"): s for s in load_yaml_file(bundled_data_dir() / "sources.yaml")
            .get("sources", [])}


def _as_bundled(rec: dict[str, Any]) -> dict[str, Any]:
    """A source record with its scope's lists in the order carepath's bundled record of the
    same source lists them, where they hold the same ids (a set, in any order, says the same:
    only the loader's "differs from the bundled source" warning would tell them apart)."""
    scope = rec.get("scope")
    if not isinstance(scope, dict):
        return rec
    bundled = bundled_sources().get(rec["id"])
    theirs = (bundled or {}).get("scope") or {}
    for key, values in scope.items():
        if isinstance(values, list) and isinstance(theirs.get(key), list) and sorted(
                map(str, values)) == sorted(map(str, theirs[key])):
            scope[key] = list(theirs[key])
    return rec


# -- the model and the data folder --------------------------------------------------------------

def _located(value: Any, line: int | None) -> Any:
    """``value`` with every mapping a LineDict at ``line``: the loader names it in problems."""
    from carepath.loaders.yamlfile import LineDict

    if isinstance(value, dict):
        return LineDict({k: _located(v, line) for k, v in value.items()}, line=line)
    if isinstance(value, list):
        return [_located(v, line) for v in value]
    return value


def _raw_files(records: _Records) -> list[Any]:
    from carepath.loaders import read_files
    from carepath.loaders.resolve import RawFile

    raw, _ = read_files([])  # carepath's vocabularies and bundled sources
    for key in ("sources", "areas", "services", "relations", "overlaps", "pathway"):
        for element, rec in getattr(records, key):
            raw.append(RawFile(element.file, _located({key: [rec]}, element.line)))
    return raw


def _strings(value: Any) -> Any:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _check_text(graph: GraphFile, records: _Records) -> None:
    """Control characters are refused as in any data file (a YAML file cannot hold them
    either), each named by its element and field: a node-link or RDF file can hold them."""
    from carepath.loaders.yamlfile import CONTROL, control_problems

    for key in ("sources", "areas", "services", "relations", "overlaps", "pathway"):
        for element, rec in getattr(records, key):
            for field_name, value in rec.items():
                bad = next((s for s in _strings(value) if CONTROL.search(s)), None)
                if bad is not None:
                    graph.problems += control_problems(bad, element.file, line=element.line,
                                                       field=field_name)[:1]


def _check_sources(graph: GraphFile, records: _Records) -> None:
    """Every fact names the document that states it: a node or edge drawn by hand without
    ``evidence_source`` is a problem (and left out), never a fact without a source."""
    for key in ("areas", "services", "relations", "overlaps", "pathway"):
        kept = []
        for element, rec in getattr(records, key):
            if rec.get("source"):
                kept.append((element, rec))
                continue
            what = f"{key[:-1]} {rec.get('id')!r}" if rec.get("id") else (
                f"{rec.get('kind', '').replace('_', ' ')} relation from {rec.get('from')!r}"
                if key == "relations" else key.rstrip("s"))
            graph.problem(element, "no-source", "evidence_source",
                          f"the {what} names no document: give it an 'evidence_source' (a "
                          "source id, e.g. the one of the facts beside it)")
        setattr(records, key, kept)


def _imported(graph: GraphFile, records: _Records, problems: list[Problem]) -> Imported:
    areas: dict[str, dict[str, Any]] = {rec["id"]: {"area": rec, "services": []}
                                        for _, rec in records.areas}
    first = next(iter(areas), None)
    where: dict[str, str] = {}
    for _, rec in records.services:
        area = rec.get("area") if rec.get("area") in areas else first
        where[rec["id"]] = area
        areas[area]["services"].append(rec)

    def home(*ends: str) -> dict[str, Any]:
        return areas[next((where[e] for e in ends if e in where), first)]

    for _, rec in records.relations:
        home(rec["from"], *rec["to"]).setdefault("relations", []).append(rec)
    for _, rec in records.overlaps:
        home(*rec["services"]).setdefault("overlaps", []).append(rec)
    for _, rec in records.pathway:
        home(rec["service"]).setdefault("pathway", []).append(rec)
    # nothing to fill in: a service without a tier or stages had none in carepath either
    return Imported(sources=[rec for _, rec in records.sources], areas=areas,
                    warnings=problems, to_fill=[], terms=[], standard=graph.standard,
                    origin=graph.path, taxonomy=False)


def read_graph(graph: GraphFile) -> GraphRead:
    """The model a parsed graph file holds, checked as a data folder is.

    Raises:
        DataValidationError: the file cannot be read as carepath data; it lists every
            problem (the file, the element's line or JSON pointer, the field).
    """
    return read_records(graph, _records(graph))


def read_records(graph: GraphFile, records: _Records) -> GraphRead:
    """The model of the records a reader made of ``graph`` (see :func:`read_graph`)."""
    from carepath.loaders.resolve import build_model_with_warnings

    _check_sources(graph, records)
    _check_text(graph, records)
    if not records.areas:
        graph.problem(None, "no-area", "kind", "the file has no Area node: a carepath data "
                      "folder needs one for its services")
    try:
        model, problems = build_model_with_warnings(_raw_files(records),
                                                    extra_problems=graph.problems)
    except DataValidationError as exc:
        raise DataValidationError(exc.problems) from None
    return GraphRead(model, _imported(graph, records, problems))


def import_graph(read: GraphRead, out: Path | str, *, force: bool = False,
                 together: Iterable[Path | str] = ()) -> Imported:
    """Write what :func:`read_graph` read as a carepath data folder (``sources.yaml``,
    ``areas/*.yaml``, the import report), atomically; ``out`` is replaced only with
    ``force``."""
    write_import(read.imported, out, force=force, together=together)
    return read.imported


def import_options(path: Path | str, mapping: Any = None, **_: Any) -> None:
    """Refuse a taxonomy mapping for a graph file (its terms are carepath's own); the other
    options of the standards' imports (an id prefix, an area name) do not apply and are
    left unused."""
    if mapping is not None:
        raise DataValidationError([Problem(
            "error", "no-mapping", str(mapping), None, None,
            f"{Path(path).name} is a carepath graph file: it names carepath's own tiers, stages "
            "and concerns, so a taxonomy mapping does not apply; leave the mapping out")])


# -- what the XML readers share -------------------------------------------------------------------

def parse_xml(path: Path, standard: str) -> Any:
    """The root element of an XML graph file, parsed without entities, DTDs or the network;
    a one-line :class:`~carepath.errors.DataValidationError` when it is not well-formed."""
    from lxml import etree

    shown = str(path)
    if not path.is_file():
        raise DataValidationError([Problem("error", "not-found", shown, None, None,
                                           f"no such {standard} file")])
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False)  # libxml2's limits on depth and text kept
    try:
        root = etree.parse(str(path), parser).getroot()
    except etree.XMLSyntaxError as exc:
        raise DataValidationError([Problem("error", "not-xml", shown, exc.lineno, None,
                                           f"not well-formed XML ({exc.msg})")]) from None
    if root.getroottree().docinfo.doctype:
        raise DataValidationError([Problem("error", "doctype", shown, 1, None,
                                           f"a {standard} file may not contain a DOCTYPE")])
    return root


def _boolean(text: str) -> bool:
    value = text.strip().lower()
    if value not in ("true", "false", "1", "0"):
        raise ValueError(text)
    return value in ("true", "1")


CONVERTERS: dict[str, Any] = {"int": int, "long": int, "integer": int, "double": float,
                              "float": float, "boolean": _boolean}
"""How GraphML's and GEXF's declared types read (any other type is text)."""


def typed(graph: GraphFile, element: Element, name: str, text: str | None, kind: str) -> Any:
    """An XML attribute value as the type its declaration gives (:data:`CONVERTERS`); a
    value that is not of its type is a problem, and kept as text for the loader to name."""
    convert = CONVERTERS.get(kind)
    if text is None or convert is None:
        return text
    try:
        return convert(text)
    except ValueError:
        graph.problem(element, "bad-value", name, f"{text[:60]!r} is not a {kind}")
    return text


def label_is_name(data: dict[str, Any], *, edge: bool) -> None:
    """GraphML's and GEXF's ``label`` is what Gephi shows and edits. A node's label is its
    name, and wins over ``name`` where the two differ; an edge's label repeats its kind,
    which is read from ``kind`` (from the label only where the file has no kind).

    >>> data = {"label": "Renamed", "name": "Old"}
    >>> label_is_name(data, edge=False)
    >>> data
    {'name': 'Renamed'}
    """
    label = data.pop("label", None)
    if label in (None, ""):
        return
    if not edge:
        data["name"] = label
    elif not data.get("kind"):
        data["kind"] = label
