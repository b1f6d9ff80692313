"""The embedded Cypher view: the model bulk-loaded into LadybugDB (successor of KuzuDB).

Same property-graph schema as the networkx view (labels, relationship types, properties from
:mod:`carepath.graph.properties`). Tables are created first, then filled with ``COPY`` from
DataFrames, never row by row. A LadybugDB database is a build output: it is rebuilt, not updated.

>>> from carepath import load_reference
>>> conn = to_ladybug(load_reference())
>>> conn.execute("MATCH (s:Service {id: $id}) RETURN s.tier AS tier",
...              {"id": "dorset-pmmhs"}).get_as_df()["tier"][0]
'specialist-perinatal'
"""

from __future__ import annotations

from pathlib import Path

import ladybug
import pandas as pd

from carepath.graph.bulk import paused_gc
from carepath.graph.model import FAMILY, Model, NodeKind, RelationKind
from carepath.graph.properties import (
    RELATION_COLUMNS,
    SERVICE_COLUMNS,
    relation_properties,
    service_properties,
)

COLUMN_TYPES = {
    "aliases": "STRING[]", "concerns": "STRING[]", "eligibility": "STRING[]",
    "response_times": "STRING[]", "stages": "STRING[]", "severity": "STRING[]",
    "start_week": "INT64", "end_week": "INT64", "line": "INT64", "rank": "INT64",
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
    NodeKind.SOURCE: ("name", "file"),
    NodeKind.FAMILY: ("name",),
}
RELATION_ENDPOINTS = [(a, b) for a in (NodeKind.SERVICE, NodeKind.PROFESSION, NodeKind.FAMILY)
                      for b in (NodeKind.SERVICE, NodeKind.PROFESSION)]
STRUCTURAL_TABLES: dict[str, tuple[NodeKind, tuple[str, ...]]] = {
    "COVERS": (NodeKind.AGE_STAGE, ()),
    "AT_TIER": (NodeKind.TIER, ()),
    "STAFFED_BY": (NodeKind.PROFESSION, ()),
    "DELIVERS": (NodeKind.INTERVENTION, ()),
    "ADDRESSES": (NodeKind.CONCERN, ("severity",)),
    "IN_AREA": (NodeKind.AREA, ()),
}


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
    rows[NodeKind.SOURCE] = [{"id": s.id, "name": s.title, "file": s.file or ""}
                             for s in model.sources.values()]
    if any(st.source == FAMILY for st in model.statements):
        rows[NodeKind.FAMILY] = [{"id": FAMILY, "name": model.name_of(FAMILY)}]
    return {label: pd.DataFrame(rows[label], columns=["id", *cols])
            for label, cols in NODE_TABLES.items()}


def relation_frames(model: Model) -> dict[tuple[str, str, str], pd.DataFrame]:
    """One DataFrame per (relationship type, from label, to label), columns from, to, props."""
    # column by column, not a dict per row: a million rows of dicts held 1 GB more at peak
    grouped: dict[tuple[str, str, str], dict[str, list]] = {}
    kind_of = model.node_kind
    cache: dict = {}
    names = ("from", "to", *RELATION_COLUMNS)
    for rel in model.relations:
        key = (rel.kind.graph_type, kind_of(rel.source).value, kind_of(rel.target).value)
        columns = grouped.get(key)
        if columns is None:
            columns = grouped[key] = {name: [] for name in names}
        props = relation_properties(model, rel, cache=cache)
        columns["from"].append(rel.source)
        columns["to"].append(rel.target)
        for name in RELATION_COLUMNS:
            columns[name].append(props[name])
    stages = model.stages_in_order()
    structural: dict[str, list[dict]] = {name: [] for name in STRUCTURAL_TABLES}
    for svc in model.services.values():
        structural["IN_AREA"].append({"from": svc.id, "to": svc.area})
        if svc.tier:
            structural["AT_TIER"].append({"from": svc.id, "to": svc.tier})
        structural["COVERS"] += [{"from": svc.id, "to": st.id} for st in stages
                                 if svc.covers(st.interval)]
        structural["STAFFED_BY"] += [{"from": svc.id, "to": p} for p in svc.professions]
        structural["DELIVERS"] += [{"from": svc.id, "to": i} for i in svc.interventions]
        structural["ADDRESSES"] += [{"from": svc.id, "to": n.concern,
                                     "severity": sorted(n.severities)} for n in svc.addresses]
    frames = {key: pd.DataFrame(columns, columns=list(names))
              for key, columns in grouped.items()}
    for name, rows in structural.items():
        target, extra = STRUCTURAL_TABLES[name]
        if rows:
            frames[(name, NodeKind.SERVICE.value, target.value)] = pd.DataFrame(
                rows, columns=["from", "to", *extra])
    return frames


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
        for (rel, src, dst), frame in relation_frames(model).items():
            if not frame.empty:
                _copy(conn, rel, frame, f" (from='{src}', to='{dst}')")
    return conn


def _copy(conn: ladybug.Connection, table: str, frame: pd.DataFrame, options: str = "") -> None:
    # LadybugDB's COPY reads a DataFrame bound to a Python variable named in the statement;
    # table names and options come from the fixed schema above, never from data.
    copy_frame = frame  # noqa: F841 - referenced by name inside the COPY statement
    conn.execute(f"COPY {table} FROM copy_frame{options}")
