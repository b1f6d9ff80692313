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
from typing import Any

import pyoxigraph as ox
import rdflib

from carepath.errors import DataValidationError, Problem
from carepath.graph.model import Model, RelationKind
from carepath.graph.rdf import CP, ID, PREFIXES, to_store
from carepath.standards.common import Exported, ExportReport
from carepath.standards.graph_import import (
    Element,
    GraphFile,
    GraphRead,
    _as_bundled,
    _Records,
    bundled_sources,
    import_graph,
    import_options,
    read_records,
)
from carepath.standards.importing import Imported
from carepath.writing import write_atomic

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
    """The model's RDF as compact JSON-LD text with an inline context, and its report:
    every triple of the RDF view, and what the RDF view does not hold of the model
    (:func:`rdf_report`: what reading the file back cannot give)."""
    text = to_rdflib_graph(model).serialize(format="json-ld", context=CONTEXT,
                                            auto_compact=True, indent=1)
    return Exported(text, rdf_report("JSON-LD", model))


def write_jsonld(model: Model, path: Path | str) -> Exported[Path]:
    """Write the JSON-LD file atomically; returns its path and report."""
    done = to_jsonld(model)
    return Exported(write_atomic(Path(path), done.artifact), done.report)


# -- reading the RDF back ---------------------------------------------------------------------

_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
_KINDS = {kind.rdf_name: kind.value for kind in RelationKind}
RDF_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES,
               ".jsonld": ox.RdfFormat.JSON_LD, ".json": ox.RdfFormat.JSON_LD}


def _ident(value: Any) -> str:
    """A model id from its IRI (``cpid:service/dorset-pmmhs``, ``cpid:family``); a literal
    where an IRI belongs is read as its text, for the loader to name."""
    value = str(value)
    local = value[len(ID):] if value.startswith(ID) else value
    return local.split("/", 1)[1] if "/" in local else local


def _index(path: Path, fmt: ox.RdfFormat, standard: str) -> dict[str, dict[str, list]]:
    """Every subject's predicates and objects (IRIs as text, literals as Python values)."""
    shown = str(path)
    if not path.is_file():
        raise DataValidationError([Problem("error", "not-found", shown, None, None,
                                           f"no such {standard} file")])
    subjects: dict[str, dict[str, list]] = {}
    try:
        for triple in ox.parse(path=str(path), format=fmt):
            obj = triple.object
            if isinstance(obj, ox.Literal):
                kind = obj.datatype.value
                value: Any = (int(obj.value) if kind.endswith("#integer")
                              else float(obj.value) if kind.endswith("#decimal") else obj.value)
            else:
                value = obj.value
            subjects.setdefault(triple.subject.value, {}).setdefault(
                triple.predicate.value, []).append(value)
    except SyntaxError as exc:
        line = getattr(exc, "lineno", None)
        raise DataValidationError([Problem("error", "not-rdf", shown, line, None,
                                           f"not {standard} ({str(exc).splitlines()[0]})")]) \
            from None
    return subjects


def _is_bundled(rec: dict[str, Any]) -> bool:
    """Whether ``rec`` is one of carepath's bundled sources as far as RDF holds it (its
    publisher and the passage of its version are not in the RDF): the loader then takes the
    bundled record, whole, when a fact cites it."""
    bundled = bundled_sources().get(rec["id"])
    if bundled is None:
        return False
    from carepath.loaders.records import SourceRec

    try:
        ours, theirs = SourceRec.model_validate(rec), SourceRec.model_validate(bundled)
    except ValueError:
        return False
    if theirs.version is not None:
        theirs.version.line = theirs.version.passage = None
    theirs.publisher = None
    return ours == theirs


def _one(props: dict[str, list], local: str, *, full: str | None = None) -> Any:
    values = props.get(full or CP + local, [])
    return values[0] if values else None


def _place_of(props: dict[str, list]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    sources = sorted(_ident(v) for v in props.get(_DERIVED, []))
    if sources:
        out["source"] = sources[0]
    for key in ("line", "passage"):
        if _one(props, key) is not None:
            out[key] = _one(props, key)
    return out


def _part_number(iri: Any) -> tuple[int, str]:
    """A part node's place among its siblings: ``.../criterion/3`` is third."""
    tail = str(iri).rsplit("/", 1)[-1]
    return (int(tail) if tail.isdigit() else 0, str(iri))


def _by_number(subjects: dict, nodes: list[str]) -> list[str]:
    """Part nodes (``.../criterion/3``) in the order of their number."""
    return [node for node in sorted(nodes, key=_part_number) if node in subjects]


def _stage_order(texts: list[str]) -> list[str]:
    """Stage texts in timeline order (RDF holds a set: the data's order is not kept)."""
    from carepath.graph.stages import parse_range
    from carepath.standards.importing import _stage_names

    def key(text: str) -> tuple:
        try:
            window = parse_range(text, stages=_stage_names())
            return (0, window.start, window.end, text)
        except ValueError:
            return (1, 0, 0, str(text))

    return sorted(texts, key=key)


def _window_texts(graph: GraphFile, subjects: dict, criterion: str) -> list[str]:
    """A criterion's stage windows (its ``cp:hasWindow`` nodes, in their order) as stage texts
    the loaders read back as the same weeks: a canonical stage's id, else a range in weeks
    (:func:`~carepath.standards.graph_files.window_text`). A window without its weeks is an
    error naming it (the criterion would read broader than it is); one no text reads as
    (starting during pregnancy, not at a stage) a warning, and :func:`rdf_report` lists it."""
    from carepath.graph.stages import Interval
    from carepath.standards.graph_files import window_text
    from carepath.standards.importing import vocabulary

    texts = []
    for node in sorted(subjects[criterion].get(CP + "hasWindow", []), key=_part_number):
        where = Element(subjects.get(node, {}), f"{graph.path} <{node}>", None)
        weeks = [_one(subjects.get(node, {}), local) for local in ("startWeek", "endWeek")]
        if not all(isinstance(w, int) for w in weeks) or weeks[1] <= weeks[0]:
            bad = "startWeek" if not isinstance(weeks[0], int) else "endWeek"
            graph.problem(where, "bad-window", bad, "a criterion's stage window needs "
                          "a cp:startWeek and a later cp:endWeek, each an xsd:integer; give "
                          "both or take out the cp:hasWindow")
            continue
        text = window_text(vocabulary(), Interval(*weeks))
        if text is None:
            graph.problem(where, "window-not-read", "startWeek",
                          f"the window {Interval(*weeks)} has no stage text carepath reads "
                          "(it starts during pregnancy, not at a stage); the criterion is "
                          "read without it", level="warning")
            continue
        texts.append(text)
    return texts


def _rdf_records(graph: GraphFile, subjects: dict[str, dict[str, list]]) -> _Records:
    out = _Records()
    typed = {}
    for subject, props in subjects.items():
        for kind in props.get(_TYPE, []):
            typed.setdefault(kind, []).append(subject)

    def element(subject: str) -> Element:
        return Element(subjects[subject], f"{graph.path} <{subject}>", None)

    def ids(props: dict, local: str) -> list[str]:
        return sorted(_ident(v) for v in props.get(CP + local, []))

    for subject in typed.get(CP + "Source", []):
        props = subjects[subject]
        rec: dict[str, Any] = {"id": _ident(subject), "title": _one(props, "", full=_LABEL)}
        if _one(props, "fileName") is not None:
            rec["file"] = _one(props, "fileName")
        if _one(props, "documentVersion") is not None:
            rec["version"] = {"text": _one(props, "documentVersion")}
            if _one(props, "versionDate") is not None:
                rec["version"]["dated"] = _one(props, "versionDate")
        scope_node = _one(props, "scope")
        if scope_node in subjects:
            sp = subjects[scope_node]
            scope: dict[str, Any] = {}
            restricted = set(sp.get(CP + "restricts", []))
            for key, local in (("tiers", "scopeTier"), ("stages", "scopeStage"),
                               ("concerns", "scopeConcern")):
                if key in restricted:
                    scope[key] = ids(sp, local)
            if "facts" in restricted:
                scope["facts"] = sorted(sp.get(CP + "scopeFact", []), key=str)
            if _one(sp, "note") is not None:
                scope["note"] = _one(sp, "note")
            scope |= {k: v for k, v in _place_of(sp).items() if k != "source"}
            rec["scope"] = scope
        rec = _as_bundled(rec)
        if not _is_bundled(rec):
            out.sources.append((element(subject), rec))
    for subject in typed.get(CP + "Area", []):
        props = subjects[subject]
        rec = {"id": _ident(subject), "name": _one(props, "", full=_LABEL)}
        if _one(props, "country") is not None:
            rec["country"] = _one(props, "country")
        if _one(props, "birthsPerYear") is not None:
            rec["births_per_year"] = _one(props, "birthsPerYear")
        out.areas.append((element(subject), rec | _place_of(props)))
    for subject in typed.get(CP + "Service", []):
        out.services.append((element(subject), _rdf_service(graph, subjects, subject)))
    statements = typed.get(CP + "Referral", []) + typed.get(CP + "Relationship", [])
    for subject in sorted(statements):
        props = subjects[subject]
        relation = str(_one(props, "relation") or "")
        rec = {"kind": _KINDS.get(relation[len(CP):], relation[len(CP):]),
               "from": _ident(_one(props, "source") or ""), "to": ids(props, "target")}
        if props.get(CP + "stageText"):
            rec["stages"] = _stage_order(props[CP + "stageText"])
        for key, local in (("concerns", "forConcern"), ("severity", "atSeverity")):
            if props.get(CP + local):
                rec[key] = ids(props, local)
        for key, local in (("urgency", "urgency"), ("level", "atLevel")):
            if _one(props, local) is not None:
                rec[key] = _ident(_one(props, local))
        for key, local in (("response_time", "responseTime"), ("note", "note")):
            if _one(props, local) is not None:
                rec[key] = _one(props, local)
        out.relations.append((element(subject), rec | _place_of(props)))
    for subject in _by_number(subjects, typed.get(CP + "DeliberateOverlap", [])):
        props = subjects[subject]
        rec = {"services": ids(props, "overlapOf"), "note": _one(props, "note")}
        out.overlaps.append((element(subject), rec | _place_of(props)))
    cells = typed.get(CP + "PathwayCell", [])
    for subject in sorted(cells, key=lambda iri: int(iri.rsplit("-", 1)[1])
                          if iri.rsplit("-", 1)[1].isdigit() else 0):  # cpid:cell/cell-N
        props = subjects[subject]
        rec = {"stage": _one(props, "stageText"),
               "service": _ident(_one(props, "cellService") or "")}
        if _one(props, "atLevel") is not None:
            rec["level"] = _ident(_one(props, "atLevel"))
        for key in ("heading", "rationale"):
            if _one(props, key) is not None:
                rec[key] = _one(props, key)
        if props.get(CP + "action"):
            rec["actions"] = sorted(props[CP + "action"], key=str)
        out.pathway.append((element(subject), rec | _place_of(props)))
    return out


def _rdf_service(graph: GraphFile, subjects: dict, subject: str) -> dict[str, Any]:
    props = subjects[subject]

    def part(node: str) -> dict[str, list]:
        return subjects.get(node, {})

    rec: dict[str, Any] = {"id": _ident(subject), "name": _one(props, "", full=_LABEL),
                           "area": _ident(_one(props, "inArea") or "")}
    if props.get(_ALT):
        rec["aliases"] = sorted(props[_ALT], key=str)
    if _one(props, "atTier") is not None:
        rec["tier"] = _ident(_one(props, "atTier"))
    if _one(props, "tierNote") is not None:
        rec["tier_note"] = _one(props, "tierNote")
    if _one(props, "atLevel") is not None:
        rec["level"] = _ident(_one(props, "atLevel"))
    need = {k: _one(props, local) for k, local in (("min", "needMin"), ("max", "needMax"))
            if _one(props, local) is not None}
    if need:
        rec["need"] = need
    if props.get(CP + "stageText"):
        rec["stages"] = _stage_order(props[CP + "stageText"])
    addresses = []
    for node in sorted(props.get(CP + "hasNeed", []), key=str):
        need_props = part(node)
        sev = sorted(_ident(v) for v in need_props.get(CP + "atSeverity", []))
        addresses.append({"concern": _ident(_one(need_props, "forConcern") or ""),
                          **({"severity": sev} if sev else {})})
    if addresses:
        rec["addresses"] = addresses
    for key, local in (("not_addressed", "doesNotAddress"), ("professions", "staffedBy"),
                       ("interventions", "delivers")):
        values = sorted(_ident(v) for v in props.get(CP + local, []))
        if values:
            rec[key] = values
    criteria = []
    for node in _by_number(subjects, props.get(CP + "hasCriterion", [])):
        cp_ = part(node)
        crit: dict[str, Any] = {
            "type": "exclusion" if CP + "ExclusionCriterion" in cp_.get(_TYPE, [])
            else "inclusion", "text": _one(cp_, "criterionText"), **_place_of(cp_)}
        stages = _window_texts(graph, subjects, node)
        if stages:
            crit["stages"] = stages
        for key, local in (("concerns", "forConcern"), ("severity", "atSeverity")):
            values = sorted(_ident(v) for v in cp_.get(CP + local, []))
            if values:
                crit[key] = values
        for key, local in (("parent_age_below", "parentAgeBelow"),
                           ("parent_age_from", "parentAgeFrom")):
            if _one(cp_, local) is not None:
                crit[key] = _one(cp_, local)
        discuss = sorted(_ident(v) for v in cp_.get(CP + "discussWith", []))
        if discuss:
            crit["discuss_with"] = discuss
        criteria.append(crit)
    if criteria:
        rec["eligibility"] = criteria
    responses = []
    for node in props.get(CP + "hasResponseTime", []):
        rp = part(node)
        responses.append({"urgency": _ident(_one(rp, "urgency") or ""),
                          "within": _one(rp, "responseTime"), **_place_of(rp),
                          "_hours": _one(rp, "responseHours")})
    responses.sort(key=lambda r: (r.pop("_hours") if isinstance(r.get("_hours"), float)
                                  else 0.0, r["urgency"]))
    if responses:
        rec["response_times"] = responses
    if _one(props, "note") is not None:
        rec["notes"] = _one(props, "note")
    if _one(props, "partOf") is not None:
        rec["part_of"] = {"service": _ident(_one(props, "partOf"))}
    if _one(props, "selfReferral") is not None:
        rec["self_referral"] = {"status": _one(props, "selfReferral")}
    for key, local in (("valid_from", "validFrom"), ("valid_to", "validTo"),
                       ("assured_date", "assuredDate")):
        if _one(props, local) is not None:
            rec[key] = _one(props, local)
    if _one(props, "hours") is not None:
        rec["hours"] = {"text": _one(props, "hours")}
    for key, local in (("addresses_closed", "addressesListClosedBy"),
                       ("criteria_closed", "criteriaClosedBy"),
                       ("by_discussion", "byDiscussionMargin")):
        if _one(props, local) is not None:
            rec[key] = _place_of(part(_one(props, local)))
    if _one(props, "windowKind") is not None:
        rec["window_kind"] = _one(props, "windowKind")
    conditions = []
    for node in _by_number(subjects, props.get(CP + "hasCondition", [])):
        c = part(node)
        cond = {"text": _one(c, "conditionText"), **_place_of(c),
                "governs": sorted(c.get(CP + "governs", []), key=str) or ["service"]}
        for key, local in (("births_over", "birthsOver"), ("births_at_most", "birthsAtMost")):
            if _one(c, local) is not None:
                cond[key] = _one(c, local)
        conditions.append(cond)
    if conditions:
        rec["conditions"] = conditions
    commitments = [{"text": _one(part(node), "commitmentText"), **_place_of(part(node))}
                   for node in _by_number(subjects, props.get(CP + "hasCommitment", []))]
    if commitments:
        rec["commitments"] = commitments
    # the service's own document: a service whose evidence cites other documents too names
    # several; its line and passage are its own
    own = {k: v for k, v in _place_of(props).items()}
    derived = sorted({_ident(v) for v in props.get(_DERIVED, [])})
    if len(derived) > 1:
        cited = [c.get("source") for c in (*criteria, *responses, *conditions, *commitments)]
        own["source"] = max(derived, key=lambda s: (cited.count(s), -derived.index(s)))
    return rec | own


def read_rdf(path: Path | str, *, fmt: ox.RdfFormat | None = None) -> GraphRead:
    """The model a carepath RDF file holds: the Turtle ``carepath build`` writes
    (``carepath.ttl``), the JSON-LD export, or N-Triples (by suffix, or ``fmt``).

    RDF holds sets: the order of a service's aliases, stage texts, professions and
    interventions, of a statement's targets and a cell's actions comes back sorted (stage
    texts in timeline order), and what :func:`rdf_report` lists does not come back.

    Raises:
        DataValidationError: the file cannot be read as carepath data (every problem listed).

    >>> import tempfile, pathlib
    >>> from carepath import load_reference
    >>> from carepath.standards.common import model_facts
    >>> path = write_jsonld(load_reference(), pathlib.Path(tempfile.mkdtemp()) / "g.jsonld")
    >>> back = read_rdf(path.artifact).model
    >>> back.services["dorset-pmmhs"].tier, len(back.statements) == len(load_reference().statements)
    ('specialist-perinatal', True)
    """
    from carepath.graph.bulk import paused_gc

    path = Path(path)
    fmt = fmt or RDF_FORMATS.get(path.suffix.lower(), ox.RdfFormat.JSON_LD)
    standard = {ox.RdfFormat.TURTLE: "Turtle", ox.RdfFormat.N_TRIPLES: "N-Triples"}.get(
        fmt, "JSON-LD")
    with paused_gc():
        graph = GraphFile(str(path), standard)
        records = _rdf_records(graph, _index(path, fmt, standard))
        return read_records(graph, records)


def read_jsonld(path: Path | str) -> GraphRead:
    """The model a carepath JSON-LD file holds: see :func:`read_rdf`."""
    return read_rdf(path, fmt=ox.RdfFormat.JSON_LD)


def read_turtle(path: Path | str) -> GraphRead:
    """The model a carepath Turtle file (``carepath build``'s ``carepath.ttl``) holds: see
    :func:`read_rdf`."""
    return read_rdf(path, fmt=ox.RdfFormat.TURTLE)


def import_jsonld(path: Path | str, out: Path | str, *, force: bool = False,
                  together: tuple[Path | str, ...] = (), **options: object) -> Imported:
    """Write what a carepath RDF file holds (JSON-LD; Turtle or N-Triples by their suffix,
    ``.ttl``/``.nt``) as a carepath data folder at ``out``."""
    import_options(path, **options)
    return import_graph(read_rdf(path), out, force=force, together=together)


def import_turtle(path: Path | str, out: Path | str, *, force: bool = False,
                  together: tuple[Path | str, ...] = (), **options: object) -> Imported:
    """Write what a carepath Turtle file holds as a carepath data folder at ``out``."""
    import_options(path, **options)
    return import_graph(read_turtle(path), out, force=force, together=together)


def rdf_report(standard: str, model: Model) -> ExportReport:
    """What carepath's RDF (Turtle, JSON-LD) does not hold of the model, so that reading it
    back cannot give: the passages of a service's evidence, a source's publisher and the
    passage of its version, a criterion's stage window no stage text reads as (one starting
    during pregnancy, not at a stage), the passages behind self-referral and hours, and the
    order of lists (RDF holds sets). A criterion's windows, concerns, severities and parent
    ages are held."""
    from carepath.standards.common import _criterion_conditions
    from carepath.standards.graph_files import window_text
    from carepath.standards.importing import vocabulary

    report = ExportReport(standard)
    report.hold("triples", ["every service, relation statement, area, source, overlap and "
                            "pathway cell, with its provenance (document, line, passage)"])
    report.hold("criteria", ["each criterion's stage windows (in order, in weeks), concerns, "
                             "severities and parent ages"])
    report.hold("lists", ["as sets: a service's aliases, stage texts, professions and "
                          "interventions, a statement's targets, an overlap's services and a "
                          "cell's actions come back sorted (stage texts in timeline order); "
                          "where that is not the data's order, 'order' lists it"])
    report.lose("evidence", [f"{s.id}: {len(s.evidence)} passage"
                             f"{'' if len(s.evidence) == 1 else 's'} (the documents are kept)"
                             for s in model.services.values() if s.evidence])
    report.lose("sources", [f"{s.id}: its publisher" for s in model.sources.values()
                            if s.publisher] + [f"{s.id}: the line and passage of its version"
                                               for s in model.sources.values()
                                               if s.version_provenance])
    report.lose("criterion windows", [
        f"{s.id}: the window {w} of the {c.type} criterion {c.text[:60]!r} (no stage text "
        "reads as it)"
        for s in model.services.values() for c in s.eligibility for w in c.windows
        if window_text(vocabulary(), w) is None],
        [("criterion-conditions", s.id, c.type, c.text, *_criterion_conditions(c))
         for s in model.services.values() for c in s.eligibility
         if any(window_text(vocabulary(), w) is None for w in c.windows)])
    lines, facts = _order_lost(model)
    report.lose("order", lines, facts)
    report.lose("need notes", [f"{s.id}: {s.need_note}" for s in model.services.values()
                               if s.need_note is not None],
                [("service", s.id, "need_note", s.need_note) for s in model.services.values()
                 if s.need_note is not None])
    report.lose("provenance", [f"{s.id}: the passage saying {what}"
                               for s in model.services.values()
                               for what, prov in (("self-referral", s.self_referral_provenance),
                                                  ("hours", s.hours_provenance),
                                                  ("part of", s.part_of_provenance))
                               if prov is not None])
    return report


def _order_lost(model: Model) -> tuple[list[str], list[tuple]]:
    """The lists whose order RDF does not keep (it holds sets): a service's aliases and stage
    texts, a relation's stage texts, an overlap's services and a cell's actions that the
    reader gives back in another order (sorted; stage texts in timeline order). A line per
    service, overlap or cell, and the facts (:func:`~carepath.standards.common.model_facts`)
    as the model states them."""
    from carepath.standards.common import relation_fact, service_facts

    staged: dict[tuple[str, ...], bool] = {}

    def moved(texts: tuple[str, ...]) -> bool:
        if texts not in staged:
            staged[texts] = tuple(_stage_order(list(dict.fromkeys(texts)))) != texts
        return staged[texts]

    lines: list[str] = []
    facts: list[tuple] = []
    for svc in model.services.values():
        lists = {}
        if tuple(sorted(set(svc.aliases), key=str)) != tuple(svc.aliases):
            lists["aliases"] = "aliases"
        if svc.stage_texts and moved(tuple(svc.stage_texts)):
            lists["stage_texts"] = "stage texts"
        if lists:
            lines.append(f"{svc.id}: the order of its {' and '.join(lists.values())}")
            facts += [f for f in service_facts(svc) if f[0] == "service" and f[2] in lists]
    for st in model.statements:
        if st.stage_texts and moved(tuple(st.stage_texts)):
            lines.append(f"statement {st.id}: the order of its stage texts")
    facts += [relation_fact(rel) for rel in model.relations
              if rel.stage_texts and moved(tuple(rel.stage_texts))]
    for overlap in model.overlaps:
        if tuple(sorted(set(overlap.services))) != tuple(overlap.services):
            lines.append(f"the overlap of {', '.join(overlap.services)}: the order of its "
                         "services")
            facts.append(("overlap", tuple(overlap.services), overlap.note))
    for cell in model.pathway:
        if tuple(sorted(set(cell.actions), key=str)) != tuple(cell.actions):
            lines.append(f"the pathway cell of {cell.service} at {cell.stage_text!r}: the "
                         "order of its actions")
            facts.append(("pathway", cell.service, cell.stage_text, cell.level, cell.heading,
                          cell.rationale, tuple(cell.actions)))
    return lines, facts
