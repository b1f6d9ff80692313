"""The model as the records of carepath's own data files: what the YAML, CSV and XLSX writers
write, the reverse of :mod:`carepath.loaders.resolve`.

Each record is a plain dict shaped like the input format (:mod:`carepath.loaders.records`), so
that loading it gives back the same model: a fact's ``source`` is left out where the file's
or its parent record's source already says it, ``severity`` and ``concerns`` are sorted, and
a window the model keeps only as weeks (an eligibility criterion's) is written as an age
range that reads back to the same weeks.

>>> from carepath import load_reference
>>> files = data_files(load_reference())
>>> sorted(files)[:2]
['areas/cheshire-merseyside.yaml', 'areas/dorset.yaml']
>>> files["areas/dorset.yaml"]["services"][0]["id"]
'dorset-pmmhs'
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from carepath.graph.model import (
    AgeStage,
    Area,
    Criterion,
    Model,
    Overlap,
    PathwayCell,
    Provenance,
    Service,
    Source,
    Statement,
    Term,
    Tier,
)
from carepath.graph.stages import CONCEPTION, Interval, parse_range

SOURCES_FILE = "sources.yaml"
VOCABULARY_FILE = "vocabularies.yaml"
RELATIONS_FILE = "relations.yaml"  # statements no area file can take in order (no areas)
VOCABULARY_TABLES = ("tiers", "stages", "levels", "severities", "urgencies", "concerns",
                     "professions", "interventions")


def _put(rec: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """``rec`` with the fields that say something (not None, not empty)."""
    for key, value in fields.items():
        if value is None or (isinstance(value, (list, tuple, dict, frozenset, set))
                             and not value):
            continue
        rec[key] = list(value) if isinstance(value, (tuple, frozenset, set)) else value
    return rec


def cited(prov: Provenance, default: str | None, **fields: Any) -> dict[str, Any]:
    """A record's fields and its citation; ``source`` only where it differs from ``default``.

    >>> cited(Provenance("doc-2", 7), "doc-1", text="x")
    {'text': 'x', 'source': 'doc-2', 'line': 7}
    """
    rec = _put({}, **fields)
    return _put(rec, source=None if prov.source == default else prov.source, line=prov.line,
                passage=prov.passage)


def range_text(window: Interval, model: Model) -> str:
    """An age range that :func:`~carepath.graph.stages.parse_range` reads back as ``window``:
    a canonical stage's name where one spans it, else weeks.

    >>> from carepath import load_reference
    >>> m = load_reference()
    >>> range_text(Interval(0, 104), m), range_text(Interval(-40, 0), m)
    ('0 weeks - 104 weeks', 'Pregnancy')
    """
    for stage in model.stages.values():
        if stage.interval == window:
            return stage.name
    start = "conception" if window.start == CONCEPTION else f"{window.start} weeks"
    text = f"{start} - {window.end} weeks"
    stages = {s.name.lower(): s.interval for s in model.stages.values()}
    if window.start >= 0 or window.start == CONCEPTION:
        try:
            if parse_range(text, stages=stages) == window:
                return text
        except ValueError:
            pass
    raise ValueError(f"the window {window} has no age range carepath reads back; name it as "
                     "a stage in the vocabularies")


def source_record(src: Source) -> dict[str, Any]:
    rec = _put({"id": src.id, "title": src.title}, publisher=src.publisher, file=src.file)
    if src.version is not None:
        prov = src.version_provenance or Provenance(src.id)
        rec["version"] = _put({"text": src.version}, dated=src.dated, line=prov.line,
                              passage=prov.passage)
    if src.scope is not None:
        scope, prov = src.scope, src.scope.provenance or Provenance(src.id)
        rec["scope"] = {key: sorted(value) for key in ("tiers", "stages", "concerns", "facts")
                        if (value := getattr(scope, key)) is not None}
        _put(rec["scope"], note=scope.note, line=prov.line, passage=prov.passage)
    return rec


def term_record(term: Term | Tier | AgeStage) -> dict[str, Any]:
    rec: dict[str, Any] = {"id": term.id, "name": term.name}
    if isinstance(term, AgeStage):
        return _put(rec, aliases=term.aliases) | {"start_week": term.interval.start,
                                                  "end_week": term.interval.end}
    if isinstance(term, Tier):
        return _put(rec, rank=term.rank, aliases=term.aliases, description=term.description)
    return _put(rec, aliases=term.aliases, description=term.description, rank=term.rank)


def area_record(area: Area) -> dict[str, Any]:
    return cited(area.provenance, area.provenance.source, id=area.id, name=area.name,
                 country=area.country, births_per_year=area.births_per_year)


def _criterion(crit: Criterion, own: str, model: Model) -> dict[str, Any]:
    return cited(crit.provenance, own, type=crit.type, text=crit.text,
                 discuss_with=crit.discuss_with,
                 stages=[range_text(w, model) for w in crit.windows],
                 concerns=sorted(crit.concerns), severity=sorted(crit.severities),
                 parent_age_below=crit.parent_age_below, parent_age_from=crit.parent_age_from)


def service_record(svc: Service, default: str | None, model: Model) -> dict[str, Any]:
    """A service as its file's record (its area is the file's)."""
    own = svc.provenance.source
    need = _put({}, min=svc.need_min, max=svc.need_max, note=svc.need_note)
    rec = {"id": svc.id, "name": svc.name}
    _put(rec, aliases=svc.aliases, tier=svc.tier, tier_note=svc.tier_note, level=svc.level,
         need=need, stages=svc.stage_texts,
         addresses=[_put({"concern": a.concern}, severity=sorted(a.severities))
                    for a in svc.addresses],
         not_addressed=svc.not_addressed, professions=svc.professions,
         interventions=svc.interventions,
         eligibility=[_criterion(c, own, model) for c in svc.eligibility],
         response_times=[cited(r.provenance, own, urgency=r.urgency, within=r.within)
                         for r in svc.response_times],
         notes=svc.notes, evidence=[cited(p, own) for p in svc.evidence])
    if svc.part_of is not None:
        rec["part_of"] = cited(svc.part_of_provenance or Provenance(own), own,
                               service=svc.part_of)
    if svc.self_referral is not None:
        rec["self_referral"] = cited(svc.self_referral_provenance or Provenance(own), own,
                                     status=svc.self_referral)
    _put(rec, valid_from=svc.valid_from, valid_to=svc.valid_to, assured_date=svc.assured_date)
    if svc.hours is not None:
        rec["hours"] = cited(svc.hours_provenance or Provenance(own), own, text=svc.hours)
    for key in ("addresses_closed", "criteria_closed"):
        if (prov := getattr(svc, key)) is not None:
            rec[key] = cited(prov, own)
    if svc.window_kind != "stated":
        rec["window_kind"] = svc.window_kind
    if svc.by_discussion is not None:
        rec["by_discussion"] = cited(svc.by_discussion, own)
    _put(rec, conditions=[
        cited(c.provenance, own, text=c.text, births_over=c.births_over,
              births_at_most=c.births_at_most,
              governs=None if c.governs == ("service",) else c.governs)
        for c in svc.conditions],
        commitments=[cited(c.provenance, own, text=c.text) for c in svc.commitments])
    return rec | cited(svc.provenance, default)  # its own citation last


def relation_record(st: Statement, default: str | None) -> dict[str, Any]:
    return cited(st.provenance, default, kind=st.kind.value, **{"from": st.source},
                 to=st.targets, stages=st.stage_texts, concerns=sorted(st.concerns),
                 severity=sorted(st.severities), urgency=st.urgency,
                 response_time=st.response_time, level=st.level, note=st.note)


def overlap_record(overlap: Overlap, default: str | None) -> dict[str, Any]:
    return cited(overlap.provenance, default, services=overlap.services, note=overlap.note)


def pathway_record(cell: PathwayCell, default: str | None) -> dict[str, Any]:
    return cited(cell.provenance, default, stage=cell.stage_text, service=cell.service,
                 heading=cell.heading, level=cell.level, rationale=cell.rationale,
                 actions=cell.actions)


def area_file(area_id: str) -> str:
    return f"areas/{area_id}.yaml"


def _in_order(model: Model, items: list[Any], home: Any, files: list[str]) -> list[str]:
    """The file each of ``items`` goes to: its home's area file, unless that file loads
    before the file of the item before it (then that file): the loader reads files in path
    order, so the model's order of statements, overlaps and cells comes back."""
    loaded = sorted(files, key=PurePosixPath)
    order = {name: n for n, name in enumerate(loaded)}
    first = next((name for name in loaded if name.startswith("areas/")), RELATIONS_FILE)
    out: list[str] = []
    current = None
    for item in items:
        area = home(item)
        name = area_file(area) if area in model.areas else None
        if name is None or (current is not None and order[name] < order[current]):
            name = current or first
        out.append(name)
        current = name
    return out


def data_files(model: Model, *, bundled: Model | None = None) -> dict[str, dict[str, Any]]:
    """Every data file of the model, by path in the folder, as the mapping to write.

    ``sources.yaml`` (every source), ``areas/AREA.yaml`` (the area, its services, and the
    statements, overlaps and pathway cells that start there) and, for vocabulary entries
    that differ from ``bundled`` (carepath's own vocabularies, which always load),
    ``vocabularies.yaml``.
    """
    if bundled is None:
        from carepath.loaders import load_reference

        bundled = load_reference()
    files: dict[str, dict[str, Any]] = {}
    vocabulary = {}
    for table in VOCABULARY_TABLES:
        ours, theirs = getattr(model, table), getattr(bundled, table)
        changed = [term_record(t) for ident, t in ours.items() if theirs.get(ident) != t]
        if changed:
            vocabulary[table] = changed
    if vocabulary:
        files[VOCABULARY_FILE] = vocabulary
    if model.sources:
        files[SOURCES_FILE] = {"sources": [source_record(s) for s in model.sources.values()]}
    for area in model.areas.values():
        files[area_file(area.id)] = {"source": area.provenance.source,
                                     "area": area_record(area), "services": []}
    for svc in model.services.values():
        body = files[area_file(svc.area)]
        body["services"].append(service_record(svc, body["source"], model))
    names = list(files) + ([RELATIONS_FILE] if not model.areas else [])

    def node_area(node: str) -> str | None:
        svc = model.services.get(node)
        return svc.area if svc is not None else None

    def statement_area(st: Statement) -> str | None:
        for node in (st.source, *st.targets):
            if (area := node_area(node)) is not None:
                return area
        return None

    for key, items, home, record in (
            ("relations", model.statements, statement_area, relation_record),
            ("overlaps", model.overlaps, lambda o: node_area(o.services[0]), overlap_record),
            ("pathway", model.pathway, lambda c: node_area(c.service), pathway_record)):
        for item, name in zip(items, _in_order(model, items, home, names), strict=True):
            body = files.setdefault(name, {})
            body.setdefault(key, []).append(record(item, body.get("source")))
    for body in files.values():
        if body.get("services") == []:
            del body["services"]
    return files


def scrubbed(value: Any, removed: list[int] | None = None) -> Any:
    """``value`` (records: dicts, lists, text) without the control characters carepath's
    loaders refuse (:data:`~carepath.loaders.yamlfile.CONTROL`); ``removed`` counts them.
    A loaded model holds none; a model made in code may.

    >>> count = [0]
    >>> scrubbed({"name": "A\\x01B", "to": ["c"]}, count), count
    ({'name': 'AB', 'to': ['c']}, [1])
    """
    from carepath.loaders.yamlfile import CONTROL

    removed = [0] if removed is None else removed
    if isinstance(value, str):
        text, n = CONTROL.subn("", value)
        removed[0] += n
        return text
    if isinstance(value, dict):
        return {k: scrubbed(v, removed) for k, v in value.items()}
    if isinstance(value, list):
        return [scrubbed(v, removed) for v in value]
    return value


def report_scrubbed(report: Any, removed: int) -> None:
    """Say in an export's report that ``removed`` control characters were left out."""
    if removed:
        report.lose("text", [f"{removed} control characters (invisible; carepath's loaders "
                             "refuse them) removed from the text"])
