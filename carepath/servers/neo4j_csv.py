"""The graph as CSV files for ``neo4j-admin database import``, plus a ``load.cypher`` script.

For users who cannot connect to their Neo4j directly. The folder holds one node file per label
(``nodes-Service.csv``) and one relationship file per type and end labels
(``relationships-REFERS_TO-Service-Service.csv``), with neo4j-admin headers (``id:ID(Service)``,
``:START_ID(Service)``, typed columns such as ``start_week:long`` and ``stages:string[]``), and:

- ``neo4j-admin-import.sh``: the ``neo4j-admin database import full`` command for these files
  (it loads an empty database only; ``constraints.cypher`` then adds the constraints). It
  cannot store an empty list: those properties are left out (null) there;
- ``load.cypher``: uniqueness constraints, then ``LOAD CSV`` + ``MERGE`` for a running database
  (copy the CSV files into its import folder, then ``cypher-shell -f load.cypher``); re-runnable.

Same labels, types and properties as :func:`carepath.servers.neo4j.write_neo4j`. Strings are
always quoted, so an empty string stays an empty string and an unquoted empty field is null.
These files are machine-facing: neo4j-admin and LOAD CSV read them, so their text is written
exactly, with no spreadsheet quoting of formula-like cells (see :mod:`carepath.writing`);
open them in a spreadsheet program only with formulas disabled.

>>> from carepath import load_reference
>>> files = neo4j_csv_files(load_reference())
>>> files["nodes-Tier.csv"].splitlines()[0]
'id:ID(Tier),name,rank:long,:LABEL'
>>> files["nodes-Tier.csv"].splitlines()[1]
'"universal","Universal services",1,"Tier"'
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from carepath.errors import ExportError
from carepath.graph.cypher import COLUMN_TYPES, node_frames, relation_tables
from carepath.graph.model import Model
from carepath.servers.neo4j import RELATION_TYPES, constraint_statements
from carepath.standards.common import Exported, ExportReport
from carepath.writing import atomic_dir, check_target

# neo4j-admin's column types for LadybugDB's
_ADMIN_TYPES = {"INT64": "long", "DOUBLE": "double", "STRING[]": "string[]"}
# Cypher that turns a LOAD CSV field (a string, or null) into the property's value
_CONVERT = {
    "long": "toInteger({v})",
    "double": "toFloat({v})",
    "string[]": "CASE {v} WHEN '' THEN [] ELSE split({v}, '{d}') END",
}
ARRAY_DELIMITERS = "|;^~"


def _header(column: str) -> str:
    kind = _ADMIN_TYPES.get(COLUMN_TYPES.get(column, "STRING"))
    return f"{column}:{kind}" if kind else column


def _field(value: Any, delimiter: str) -> str:
    """One field as neo4j-admin reads it (the slow path: node tables' numbers).

    >>> _field(1.5, "|"), _field(None, "|"), _field(["a", "b"], "|"), _field('a "b" c', "|")
    ('1.5', '', '"a|b"', '"a ""b"" c"')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        value = delimiter.join(str(v) for v in value)
    return '"' + str(value).replace('"', '""') + '"'


def _delimiter(tables: list[pa.Table]) -> str:
    """The first array delimiter that no list value of ``tables`` holds."""
    lists = [pc.list_flatten(table.column(name)) for table in tables
             for name in table.column_names if COLUMN_TYPES.get(name) == "STRING[]"]
    used = {d for column in lists for d in ARRAY_DELIMITERS
            if len(column) and pc.any(pc.match_substring(column, d)).as_py()}
    free = [d for d in ARRAY_DELIMITERS if d not in used]
    if not free:
        raise ExportError("cannot write Neo4j CSV files: list values use every array delimiter "
                          f"({' '.join(ARRAY_DELIMITERS)})")
    return free[0]


def _node_table(frame: pd.DataFrame) -> pa.Table:
    """A node DataFrame as an Arrow table of the schema's types (a null stays null)."""
    arrays = {}
    for name in frame.columns:
        kind = COLUMN_TYPES.get(name, "STRING")
        values = frame[name]
        if kind == "DOUBLE":  # repr() of each float, as Neo4j and Python write it
            arrays[name] = pa.array([_field(v, "") or None for v in values], pa.string())
        elif kind == "INT64":
            arrays[name] = pa.array(values.astype("Int64"), pa.int64(), from_pandas=True)
        elif kind == "STRING[]":
            arrays[name] = pa.array(values.tolist(), pa.list_(pa.string()))
        else:
            arrays[name] = pa.array(values.tolist(), pa.string())
    return pa.table(arrays)


def _quoted(array: pa.Array) -> pa.Array:
    escaped = pc.replace_substring(array, '"', '""')
    return pc.binary_join_element_wise('"', escaped, '"', "")


def _text(array: pa.ChunkedArray, column: str, delimiter: str) -> pa.Array:
    """A column as CSV fields: strings (and lists, joined) quoted, numbers bare, null empty."""
    kind = COLUMN_TYPES.get(column, "STRING")
    if kind == "STRING[]":
        array = _quoted(pc.binary_join(array, delimiter))
    elif kind == "INT64":
        array = pc.cast(array, pa.string())
    elif kind != "DOUBLE":  # already written by _field
        array = _quoted(array)
    return pc.fill_null(array, "")


def _csv(header: list[str], table: pa.Table, names: list[str], tag: str,
         delimiter: str) -> str:
    """The CSV text: ``header``, then a line per row of ``table``'s columns ``names`` and the
    label or type ``tag`` - made column by column in Arrow, not row by row."""
    fields = [_text(table.column(name), name, delimiter) for name in names]
    lines = pc.binary_join_element_wise(*fields, pa.scalar(f'"{tag}"'), ",")
    return "\n".join([",".join(header), *lines.to_pylist()]) + "\n"


def _props(columns: list[str], delimiter: str) -> str:
    parts = []
    for column in columns:
        header = _header(column)
        value = f"row.`{header}`" if header != column else f"row.{column}"
        kind = _ADMIN_TYPES.get(COLUMN_TYPES.get(column, "STRING"))
        parts.append(f"{column}: " + (_CONVERT[kind].format(v=value, d=delimiter)
                                      if kind else value))
    return "{" + ", ".join(parts) + "}"


def neo4j_csv_files(model: Model) -> dict[str, str]:
    """The folder's files by name: node and relationship CSVs, ``load.cypher``,
    ``constraints.cypher`` and ``neo4j-admin-import.sh``."""
    nodes = {label: (frame, _node_table(frame)) for label, frame in node_frames(model).items()}
    relations = relation_tables(model)
    delimiter = _delimiter([table for _, table in nodes.values()] + list(relations.values()))
    out: dict[str, str] = {}
    script = [
        "// Load carepath's graph into a running Neo4j 5 from the CSV files beside this script.\n"
        "// Copy the CSV files into the database's import folder (or set base to the URL where\n"
        "// they are served), then: cypher-shell -u USER -f load.cypher\n"
        "// Re-runnable: everything is merged on its key.\n"
        ":param base => 'file:///'",
        "\n".join(f"{statement};" for statement in constraint_statements(model)),
    ]
    admin = []
    for label, (frame, table) in nodes.items():
        if frame.empty:
            continue
        name = f"nodes-{label}.csv"
        columns = [c for c in frame.columns if c != "id"]
        out[name] = _csv([f"id:ID({label})", *map(_header, columns), ":LABEL"],
                         table, ["id", *columns], label, delimiter)
        admin.append(f"--nodes={name}")
        script.append(
            f"LOAD CSV WITH HEADERS FROM $base + '{name}' AS row\n"
            f"CALL (row) {{\n  MERGE (n:{label} {{id: row.`id:ID({label})`}})\n"
            f"  SET n += {_props(columns, delimiter)}\n}} IN TRANSACTIONS OF 1000 ROWS;")
    for (rel, source, target), table in relations.items():
        name = f"relationships-{rel}-{source}-{target}.csv"
        columns = [c for c in table.column_names if c not in ("from", "to")]
        start, end = f":START_ID({source})", f":END_ID({target})"
        out[name] = _csv([start, end, *map(_header, columns), ":TYPE"], table,
                         ["from", "to", *columns], rel, delimiter)
        admin.append(f"--relationships={name}")
        key = " {rel_id: row.rel_id}" if rel in RELATION_TYPES else ""
        script.append(
            f"LOAD CSV WITH HEADERS FROM $base + '{name}' AS row\n"
            f"CALL (row) {{\n  MATCH (a:{source} {{id: row.`{start}`}})\n"
            f"  MATCH (b:{target} {{id: row.`{end}`}})\n  MERGE (a)-[r:{rel}{key}]->(b)\n"
            f"  SET r += {_props(columns, delimiter)}\n}} IN TRANSACTIONS OF 1000 ROWS;")
    out["load.cypher"] = "\n\n".join(script) + "\n"
    out["constraints.cypher"] = script[1] + "\n"
    out["neo4j-admin-import.sh"] = (
        "#!/bin/sh\n# Import carepath's graph into a new, empty Neo4j 5 database "
        "(default: neo4j) with neo4j-admin;\n# stop the database first. Then start it and "
        "create the constraints:\n#   cypher-shell -u USER -f constraints.cypher\n"
        "set -e\ncd \"$(dirname \"$0\")\"\n"
        "exec neo4j-admin database import full \"${1:-neo4j}\" --id-type=string \\\n"
        f"  --multiline-fields=true --array-delimiter='{delimiter}' \\\n  "
        + " \\\n  ".join(admin) + "\n")
    return out


_QUOTED_START = re.compile(r'(?:^|(?<=[,;|\t]))"([=+\-@\t\r](?:[^"]|"")*)"', re.MULTILINE)


def formula_cells(folder: Path | str) -> list[tuple[str, str]]:
    r"""The cells of the CSV files in ``folder`` that a spreadsheet would run as a formula
    (file name, text), as :func:`carepath.writing.spreadsheet_safe` judges them. They are
    written exactly (neo4j-admin must read the data as it is); the command line warns.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "nodes-Service.csv").write_text('id:ID(Service),name\n"a","=HYPERLINK(""x"")"'
    ...                                          '\n"b","-5"\n')
    >>> formula_cells(d)
    [('nodes-Service.csv', '=HYPERLINK("x")')]
    """
    from carepath.writing import spreadsheet_safe

    found = []
    for path in sorted(Path(folder).glob("*.csv")):
        for m in _QUOTED_START.finditer(path.read_text(encoding="utf-8")):
            cell = m.group(1).replace('""', '"')
            if spreadsheet_safe(cell) != cell:
                found.append((path.name, cell))
    return found


def to_neo4j_csv(model: Model) -> Exported[dict[str, str]]:
    """The folder's files by name (:func:`neo4j_csv_files`) and the export's report (the
    files hold every node, relationship and property of the property graph).

    >>> from carepath import load_reference
    >>> sorted(to_neo4j_csv(load_reference()).artifact)[:2]
    ['constraints.cypher', 'load.cypher']
    """
    return Exported(neo4j_csv_files(model), ExportReport("Neo4j CSV (neo4j-admin, LOAD CSV)"))


def write_neo4j_csv(model: Model, folder: Path | str, *,
                    force: bool = False) -> Exported[Path]:
    """Write :func:`to_neo4j_csv`'s files into ``folder`` (replaced as a whole, atomically).

    Raises:
        ExportError: the folder cannot be written.
    """
    folder = Path(folder)
    check_target(folder, force=force)  # a folder of someone else's files is refused
    done = to_neo4j_csv(model)
    with atomic_dir(folder, force=force) as tmp:
        for name, text in done.artifact.items():
            (tmp / name).write_text(text, encoding="utf-8", newline="\n")
        (tmp / "neo4j-admin-import.sh").chmod(0o755)
    return Exported(folder, done.report)
