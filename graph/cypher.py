"""The embedded Cypher view: the model bulk-loaded into LadybugDB (successor of KuzuDB).

Same property-graph schema as the networkx view (labels, relationship types, properties from
:mod:`carepath.graph.properties`). Tables are created first, then filled with ``COPY``, never row
by row: nodes from DataFrames, relationships from Arrow tables built from the model's statements
(:func:`relation_tables`). A LadybugDB database is a build output: it is rebuilt, not updated.

>>> from carepath import load_reference
>>> conn = to_ladybug(load_reference())
>>> conn.execute("MATCH (s:Service {id: $id}) RETURN s.tier AS tier",
...              {"id": "dorset-pmmhs"}).get_as_df()["tier"][0]
'specialist-perinatal'
"""

from __future__ import annotations

from pathlib import Path

import ladybug
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from carepath.graph.bulk import paused_gc
from carepath.graph.model import (
    RELATION_ID_SEPARATOR,
    RESERVED_NODES,
    UNNAMED,
    UNNAMED_NODES,
    Model,
    NodeKind,
    RelationKind,
    Source,
    Statement,
)
from carepath.graph.properties import (
    PATHWAY_CELL_COLUMNS,
    RELATION_COLUMNS,
    SERVICE_COLUMNS,
    STATEMENT_COLUMNS,
    pathway_cell_id,
    pathway_cell_properties,
    service_properties,
    statement_properties,
)

SCOPE_COLUMNS = ("scope_restricts", "scope_tiers", "scope_stages", "scope_concerns",
                 "scope_facts", "scope_note", "scope_line")
"""A source's scope (:class:`~carepath.graph.model.Scope`) on its node: ``scope_restricts``
names the dimensions it restricts (tiers, stages, concerns, facts); each list holds the ids
described (empty in a restricted dimension: none of it is described)."""

COLUMN_TYPES = {
    "aliases": "STRING[]", "concerns": "STRING[]", "eligibility": "STRING[]",
    "response_times": "STRING[]", "stages": "STRING[]", "severity": "STRING[]",
    "actions": "STRING[]", "targets": "STRING[]", "scope_restricts": "STRING[]",
    "scope_tiers": "STRING[]", "scope_stages": "STRING[]", "scope_concerns": "STRING[]",
    "scope_facts": "STRING[]", "conditions": "STRING[]", "commitments": "STRING[]",
    "start_week": "INT64", "end_week": "INT64", "line": "INT64", "rank": "INT64",
    "scope_line": "INT64",
    "need_min": "DOUBLE", "need_max": "DOUBLE",
}
NODE_TABLES: dict[str, tuple[str, ...]] = {
    NodeKind.SERVICE: SERVICE_COLUMNS,
    NodeKind.AREA: ("name", "country"),
    NodeKind.TIER: ("name", "rank"),
    NodeKind.AGE_STAGE: ("name", "start_week", "end_week"),
    NodeKind.PROFESSION: ("name",),
    NodeKind.INTERVENTION: ("name",),
    NodeKind.CONCERN: ("name",),
    NodeKind.SOURCE: ("name", "file", *SCOPE_COLUMNS),
    NodeKind.FAMILY: ("name",),
    NodeKind.UNNAMED: ("name",),
    NodeKind.PATHWAY_CELL: PATHWAY_CELL_COLUMNS,
}
RELATION_ENDPOINTS = [(a, b) for a in (NodeKind.SERVICE, NodeKind.PROFESSION, NodeKind.FAMILY,
                                     NodeKind.UNNAMED)
                      for b in (NodeKind.SERVICE, NodeKind.PROFESSION, NodeKind.UNNAMED)]
STRUCTURAL_TABLES: dict[str, tuple[NodeKind, tuple[str, ...]]] = {
    "COVERS": (NodeKind.AGE_STAGE, ()),
    "AT_TIER": (NodeKind.TIER, ()),
    "STAFFED_BY": (NodeKind.PROFESSION, ()),
    "DELIVERS": (NodeKind.INTERVENTION, ()),
    "ADDRESSES": (NodeKind.CONCERN, ("severity",)),
    "IN_AREA": (NodeKind.AREA, ()),
    "PART_OF": (NodeKind.SERVICE, ()),
}
CELL_TABLES: dict[str, NodeKind] = {"CELL_FOR": NodeKind.SERVICE}
"""(PathwayCell)-[:CELL_FOR]->(Service): the service a pathway cell is about."""


def scope_properties(source: Source) -> dict:
    """The :data:`SCOPE_COLUMNS` of a source's node.

    >>> from carepath import load_reference
    >>> props = scope_properties(load_reference().sources["doc-004"])
    >>> props["scope_restricts"], props["scope_tiers"], props["scope_line"]
    (['tiers', 'facts'], [], 3)
    """
    scope = source.scope
    dims = ("tiers", "stages", "concerns", "facts")
    if scope is None:
        return {"scope_restricts": [], **{f"scope_{d}": [] for d in dims}, "scope_note": "",
                "scope_line": None}
    return {"scope_restricts": [d for d in dims if getattr(scope, d) is not None],
            **{f"scope_{d}": sorted(getattr(scope, d) or ()) for d in dims},
            "scope_note": scope.note or "",
            "scope_line": scope.provenance.line if scope.provenance is not None else None}


def schema_statements() -> list[str]:
    """The DDL of the property-graph schema, in LadybugDB's Cypher dialect.

    >>> schema_statements()[0]
    'CREATE NODE TABLE Service(id STRING PRIMARY KEY, name STRING, aliases STRING[], ...'
    """
    out = []
    for label, columns in NODE_TABLES.items():
        cols = ", ".join(f"{c} {COLUMN_TYPES.get(c, 'STRING')}" for c in columns)
        out.append(f"CREATE NODE TABLE {label}(id STRING PRIMARY KEY, {cols})")
    rel_cols = ", ".join(f"{c} {COLUMN_TYPES.get(c, 'STRING')}" for c in RELATION_COLUMNS)
    pairs = ", ".join(f"FROM {a} TO {b}" for a, b in RELATION_ENDPOINTS)
    for kind in RelationKind:
        out.append(f"CREATE REL TABLE {kind.graph_type}({pairs}, {rel_cols})")
    for rel, (target, columns) in STRUCTURAL_TABLES.items():
        extra = "".join(f", {c} {COLUMN_TYPES.get(c, 'STRING')}" for c in columns)
        out.append(f"CREATE REL TABLE {rel}(FROM Service TO {target}{extra})")
    for rel, target in CELL_TABLES.items():
        out.append(f"CREATE REL TABLE {rel}(FROM PathwayCell TO {target})")
    return out


def node_frames(model: Model) -> dict[str, pd.DataFrame]:
    """One DataFrame per node label, columns in schema order."""
    rows: dict[str, list[dict]] = {label: [] for label in NODE_TABLES}
    rows[NodeKind.SERVICE] = [{"id": s.id, **service_properties(model, s)}
                              for s in model.services.values()]
    rows[NodeKind.AREA] = [{"id": a.id, "name": a.name, "country": a.country or ""}
                           for a in model.areas.values()]
    rows[NodeKind.TIER] = [{"id": t.id, "name": t.name, "rank": t.rank}
                           for t in model.tiers.values()]
    rows[NodeKind.AGE_STAGE] = [{"id": s.id, "name": s.name, "start_week": s.interval.start,
                                 "end_week": s.interval.end} for s in model.stages.values()]
    for label, table in ((NodeKind.PROFESSION, model.professions),
                         (NodeKind.INTERVENTION, model.interventions),
                         (NodeKind.CONCERN, model.concerns)):
        rows[label] = [{"id": t.id, "name": t.name} for t in table.values()]
    rows[NodeKind.SOURCE] = [{"id": s.id, "name": s.title, "file": s.file or "",
                              **scope_properties(s)} for s in model.sources.values()]
    used = {st.source for st in model.statements}
    rows[NodeKind.FAMILY] = [{"id": node, "name": model.name_of(node)}
                             for node in RESERVED_NODES if node in used]
    ends = used.union(*(st.targets for st in model.statements if UNNAMED in st.targets))
    rows[NodeKind.UNNAMED] = [{"id": node, "name": model.name_of(node)}
                              for node in UNNAMED_NODES if node in ends]
    rows[NodeKind.PATHWAY_CELL] = [{"id": pathway_cell_id(i), **pathway_cell_properties(c, t)}
                                   for i, (c, t) in enumerate(zip(model.pathway,
                                                                  model.pathway_targets(),
                                                                  strict=True))]
    return {label: pd.DataFrame(rows[label], columns=["id", *cols])
            for label, cols in NODE_TABLES.items()}


def relation_tables(model: Model) -> dict[tuple[str, str, str], pa.Table]:
    """One Arrow table per (relationship type, from label, to label): columns ``from``, ``to``
    and :data:`~carepath.graph.properties.RELATION_COLUMNS` (or a structural type's own).

    Built from :attr:`Model.statements` in bulk, never from :attr:`Model.relations`: each
    statement's properties are made once, in a table with a row per statement, and repeated
    for each of its targets by position (``Table.take``); ``to`` and ``rel_id``
    (``{statement id}/{target}``) are columns made in Arrow. Relations keep the model's order
    within each table; tables come in the order their first relation appears.

    >>> from carepath import load_reference
    >>> tables = relation_tables(load_reference())
    >>> table = tables[("HANDS_OVER_TO", "Service", "Service")]
    >>> table.column_names[:4], table.num_rows
    (['from', 'to', 'rel_id', 'stages'], 2)

    Raises:
        ValueError: a relation starts or ends at an id that is neither a service, a
            profession nor the family.
    """
    return {**_statement_relation_tables(model), **_structural_tables(model)}


def relation_frames(model: Model) -> dict[tuple[str, str, str], pd.DataFrame]:
    """:func:`relation_tables` as DataFrames of plain Python values (lists as lists), for
    the Neo4j exports: one per (relationship type, from label, to label)."""
    return {key: pd.DataFrame({name: table.column(name).to_pylist()
                               for name in table.column_names}, columns=table.column_names)
            for key, table in relation_tables(model).items()}


_ARROW_TYPES = {"STRING": pa.string(), "STRING[]": pa.list_(pa.string()), "INT64": pa.int64(),
                "DOUBLE": pa.float64()}
_ENDS = (NodeKind.SERVICE, NodeKind.PROFESSION, NodeKind.FAMILY,
         NodeKind.UNNAMED)  # relation end labels by code


def _arrow_type(column: str) -> pa.DataType:
    return _ARROW_TYPES[COLUMN_TYPES.get(column, "STRING")]


def _statement_relation_tables(model: Model) -> dict[tuple[str, str, str], pa.Table]:
    statements = model.statements
    if not statements:
        return {}
    kinds = list(RelationKind)
    kind_code = {kind: n for n, kind in enumerate(kinds)}
    sources = pa.array([st.source for st in statements], pa.string())
    targets = pa.array([t for st in statements for t in st.targets], pa.string())
    source_codes, target_codes = _end_codes(model, statements, sources, targets)
    # per relation: the position of its statement, and its table as one number
    # ((relation kind, source label), target label)
    counts = np.fromiter((len(st.targets) for st in statements), np.int64, len(statements))
    statement_of = np.repeat(np.arange(len(statements)), counts)
    kind_codes = np.fromiter((kind_code[st.kind] for st in statements), np.int64,
                             len(statements))
    groups = ((kind_codes * len(_ENDS) + source_codes)[statement_of] * len(_ENDS)
              + target_codes)
    order = np.argsort(groups, kind="stable")  # by table, the model's order within each
    starts = np.flatnonzero(np.diff(groups[order], prepend=-1))
    spans = sorted(zip(starts, [*starts[1:], len(order)], strict=True),
                   key=lambda span: order[span[0]])  # tables by their first relation
    shared = _statement_table(model, sources)
    ids = pa.array([st.id for st in statements], pa.string())
    tables = {}
    for start, end in spans:
        rows = order[start:end]
        which = pa.array(statement_of[rows])
        part = shared.take(which)
        to = targets.take(pa.array(rows))
        columns = {"from": part["from"], "to": to,
                   "rel_id": pc.binary_join_element_wise(ids.take(which), to,
                                                         RELATION_ID_SEPARATOR),
                   **{name: part[name] for name in STATEMENT_COLUMNS}}
        kind_and_source, target = divmod(int(groups[rows[0]]), len(_ENDS))
        kind, source = divmod(kind_and_source, len(_ENDS))
        key = (kinds[kind].graph_type, _ENDS[source].value, _ENDS[target].value)
        tables[key] = pa.table({name: columns[name]
                                for name in ("from", "to", *RELATION_COLUMNS)})
    return tables


def _end_codes(model: Model, statements: list[Statement], sources: pa.Array,
               targets: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """The label of each relation's source and target, as positions in ``_ENDS``."""
    # as model.node_kind has them: a service id wins over a profession's
    code = {**dict.fromkeys(UNNAMED_NODES, 3), **dict.fromkeys(RESERVED_NODES, 2),
            **dict.fromkeys(model.professions, 1),
            **dict.fromkeys(model.services, 0)}
    known, codes = pa.array(list(code), pa.string()), np.fromiter(code.values(), np.int64)
    found = [pc.index_in(ends, value_set=known) for ends in (sources, targets)]
    if found[0].null_count or found[1].null_count:
        st, node = next((st, n) for st in statements for n in (st.source, *st.targets)
                        if n not in code)
        raise ValueError(f"statement {st.id} ({st.provenance.ref}): {node!r} is not a "
                         "service, a profession or the family")
    return codes[found[0].to_numpy()], codes[found[1].to_numpy()]


def _statement_table(model: Model, sources: pa.Array) -> pa.Table:
    """A row per statement: its source (``from``) and its :func:`statement_properties`."""
    cache: dict = {}
    columns: dict[str, list] = {name: [] for name in STATEMENT_COLUMNS}
    for st in model.statements:
        props = statement_properties(model, st, cache=cache)
        for name in STATEMENT_COLUMNS:
            columns[name].append(props[name])
    return pa.table({"from": sources, **{name: pa.array(values, _arrow_type(name))
                                         for name, values in columns.items()}})


def _structural_tables(model: Model) -> dict[tuple[str, str, str], pa.Table]:
    pairs: dict[str, list[tuple[str, str]]] = {name: [] for name in STRUCTURAL_TABLES}
    severity: list[list[str]] = []
    stages = model.stages_in_order()
    covered: dict = {}  # the stages of each distinct set of windows (services share a few)
    for svc in model.services.values():
        pairs["IN_AREA"].append((svc.id, svc.area))
        if svc.part_of:
            pairs["PART_OF"].append((svc.id, svc.part_of))
        if svc.tier:
            pairs["AT_TIER"].append((svc.id, svc.tier))
        stage_ids = covered.get(svc.windows)
        if stage_ids is None:
            stage_ids = covered[svc.windows] = [st.id for st in stages
                                                if svc.covers(st.interval)]
        pairs["COVERS"] += [(svc.id, stage) for stage in stage_ids]
        pairs["STAFFED_BY"] += [(svc.id, p) for p in svc.professions]
        pairs["DELIVERS"] += [(svc.id, i) for i in svc.interventions]
        pairs["ADDRESSES"] += [(svc.id, n.concern) for n in svc.addresses]
        severity += [sorted(n.severities) for n in svc.addresses]
    tables = {}
    for name, (target, _) in STRUCTURAL_TABLES.items():
        if pairs[name]:
            columns = {"from": pa.array([a for a, _ in pairs[name]], pa.string()),
                       "to": pa.array([b for _, b in pairs[name]], pa.string())}
            if name == "ADDRESSES":
                columns["severity"] = pa.array(severity, _arrow_type("severity"))
            tables[(name, NodeKind.SERVICE.value, target.value)] = pa.table(columns)
    if model.pathway:
        tables[("CELL_FOR", NodeKind.PATHWAY_CELL.value, NodeKind.SERVICE.value)] = pa.table({
            "from": pa.array([pathway_cell_id(i) for i in range(len(model.pathway))],
                             pa.string()),
            "to": pa.array([c.service for c in model.pathway], pa.string())})
    return tables


def to_ladybug(model: Model, path: Path | str | None = None) -> ladybug.Connection:
    """Build a LadybugDB database from the model and return a connection to it.

    ``path`` None builds it in memory; otherwise ``path`` must not exist yet (rebuild, don't
    update: COPY is not re-runnable).
    """
    if path is not None and Path(path).exists():
        raise FileExistsError(f"{path} already exists; LadybugDB databases are rebuilt, "
                              "remove it first")
    db = ladybug.Database(":memory:" if path is None else str(path))
    conn = ladybug.Connection(db)
    for statement in schema_statements():
        conn.execute(statement)
    with paused_gc():
        for label, frame in node_frames(model).items():
            if not frame.empty:
                _copy(conn, label, frame)
        # COPY itself is most of the time now (about 12 us a relation, single-threaded; the
        # three list columns are 60% of it, the seven string columns that are mostly empty 25%)
        for (rel, src, dst), table in relation_tables(model).items():
            _copy(conn, rel, table, f" (from='{src}', to='{dst}')")
    return conn


def _copy(conn: ladybug.Connection, table: str, frame: pd.DataFrame | pa.Table,
          options: str = "") -> None:
    # LadybugDB's COPY reads a DataFrame or Arrow table bound to a Python variable named in
    # the statement; table names and options come from the fixed schema, never from data.
    copy_frame = frame  # noqa: F841 - referenced by name inside the COPY statement
    conn.execute(f"COPY {table} FROM copy_frame{options}")
