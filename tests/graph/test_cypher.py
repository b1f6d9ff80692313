"""The LadybugDB view: relation tables built in bulk from the statements hold, row for row,
what carepath.graph.properties.relation_properties defines for each relation."""

import dataclasses
from pathlib import Path

import pyarrow as pa
import pytest

import carepath
from carepath.graph.cypher import (
    COLUMN_TYPES,
    relation_frames,
    relation_tables,
    to_ladybug,
)
from carepath.graph.model import Provenance, RelationKind, Statement
from carepath.graph.properties import RELATION_COLUMNS, relation_properties
from carepath.printing import records

ANALYSIS = Path(__file__).parents[1] / "data" / "analysis"
RELATION_TYPES = {kind.graph_type for kind in RelationKind}
MODELS = pytest.mark.parametrize("data", [None, ANALYSIS / "routes-town.yaml"],
                                 ids=["reference", "routes-town"])


def _model(data):
    # a copy whose relations are not expanded yet, whatever other tests did to the original
    model = carepath.load_reference() if data is None else carepath.load(data)
    return dataclasses.replace(model)


def _defined(model):
    """Each relation's row as the per-relation definition has it, grouped by table."""
    rows = {}
    for rel in model.relations:
        key = (rel.kind.graph_type, model.node_kind(rel.source).value,
               model.node_kind(rel.target).value)
        rows.setdefault(key, []).append({"from": rel.source, "to": rel.target,
                                         **relation_properties(model, rel)})
    return rows


@MODELS
def test_relation_tables_hold_what_relation_properties_defines(data):
    model = _model(data)
    tables = relation_tables(model)
    assert model._relations is None  # built from the statements alone
    relations = {key: table.to_pylist() for key, table in tables.items()
                 if key[0] in RELATION_TYPES}
    defined = _defined(model)
    assert list(relations) == list(defined)  # same tables, in order of first relation
    assert relations == defined  # same rows, in the model's order


def test_a_statement_whose_targets_differ_in_kind_fills_two_tables(reference):
    tables = relation_tables(reference)
    mixed = next(st for st in reference.statements
                 if len({reference.node_kind(t) for t in st.targets}) > 1)
    holding = {key for key, table in tables.items() if key[0] in RELATION_TYPES
               and any(i.startswith(f"{mixed.id}/") for i in table["rel_id"].to_pylist())}
    assert {key[2] for key in holding} == {"Service", "Profession"}


def test_relation_table_columns_have_the_schema_types(reference):
    arrow = {"STRING": pa.string(), "STRING[]": pa.list_(pa.string()), "INT64": pa.int64()}
    for (rel, _, _), table in relation_tables(reference).items():
        if rel in RELATION_TYPES:
            assert table.column_names == ["from", "to", *RELATION_COLUMNS]
        for field in table.schema:
            assert field.type == arrow[COLUMN_TYPES.get(field.name, "STRING")], field.name


def test_relation_frames_hold_plain_python_values_for_neo4j(reference):
    tables = relation_tables(reference)
    frames = relation_frames(reference)
    assert list(frames) == list(tables)
    for key, frame in frames.items():
        assert records(frame) == tables[key].to_pylist()
    frame = frames[("REFERS_TO", "Service", "Service")]
    assert frame["line"].dtype == "int64"
    assert all(type(v) is list for v in frame["stages"])


def test_a_relation_reads_back_from_ladybug_as_defined(reference):
    rel = next(r for r in reference.relations
               if r.kind is RelationKind.REFERS_TO and r.windows and r.concerns)
    conn = to_ladybug(reference)
    df = conn.execute("MATCH (a)-[r:REFERS_TO]->(b) WHERE r.rel_id = $id "
                      "RETURN a.id AS source, b.id AS target, r.*", {"id": rel.id}).get_as_df()
    row = records(df)
    assert len(row) == 1
    got = {k.removeprefix("r."): v for k, v in row[0].items()}
    assert got == {"source": rel.source, "target": rel.target,
                   **relation_properties(reference, rel)}


def test_an_unknown_end_point_is_named(tiny):
    stray = Statement("s-stray", RelationKind.REFERS_TO, "gp", ("tiny-pmh", "nowhere"),
                      Provenance("tiny-doc", 9))
    broken = dataclasses.replace(tiny, statements=[*tiny.statements, stray])
    with pytest.raises(ValueError, match=r"statement s-stray \(tiny-doc:9\): 'nowhere'"):
        relation_tables(broken)


# -- issue 13: unstated windows are null; part-of; pathway cells -----------------------------

def test_unstated_windows_are_null_and_parts_and_cells_are_in_the_graph(reference):
    conn = to_ladybug(reference)

    def rows(query, params=None):
        return conn.execute(query, params or {}).get_as_df().to_dict("records")

    [mbu] = rows("MATCH (s:Service {id: $id}) RETURN s.start_week AS a, s.end_week AS b",
                 {"id": "dorset-mbu"})
    assert all(v is None or v != v for v in mbu.values())  # null: the document states none
    assert rows("MATCH (p:Service)-[:PART_OF]->(w:Service) RETURN p.id AS part, w.id AS whole"
                ) == [{"part": "dorset-mmhs", "whole": "dorset-pmmhs"}]
    cells = rows("MATCH (c:PathwayCell)-[:CELL_FOR]->(s:Service {id: $id}) "
                 "WHERE c.start_week <= $week AND $week < c.end_week "
                 "RETURN c.stage_text AS stage ORDER BY stage",
                 {"id": "p05-health-visiting", "week": 7})
    assert [c["stage"] for c in cells] == ["1 week - 6/8 weeks", "All Age Groups",
                                           "Birth - 6 months"]
    [family] = rows("MATCH (f:Family {id: 'relatives'})-[:REFERS_TO]->(s:Service) "
                    "RETURN s.id AS target")
    assert family == {"target": "dorset-pmmhs"}


# -- issue 22: open-world readings and unnamed ends -----------------------------------------

def test_unnamed_ends_and_readings_are_in_the_cypher_graph(reference):
    conn = to_ladybug(reference)

    def rows(query, params=None):
        return conn.execute(query, params or {}).get_as_df().to_dict("records")

    handed = rows("MATCH (s:Service)-[r:HANDS_OVER_TO]->(u:Unnamed) "
                  "RETURN s.id AS s, u.id AS u, r.line AS line")
    assert handed == [{"s": "dorset-pmmhs", "u": "services-not-named", "line": 40}]
    assert rows("MATCH (u:Unnamed)-[:REFERS_TO]->(s:Service) RETURN s.id AS s") == [
        {"s": "pmhl-lead"}]
    [pmmhs] = rows("MATCH (s:Service {id: 'dorset-pmmhs'}) RETURN s.by_discussion AS margin, "
                   "s.criteria_closed AS closed, size(s.commitments) AS n")
    assert pmmhs == {"margin": "doc-002:7", "closed": "doc-002:7",
                     "n": len(reference.services["dorset-pmmhs"].commitments)}
    assert rows("MATCH (s:Service) WHERE s.window_kind = 'seen-at' RETURN count(*) AS n"
                ) == [{"n": 5}]
