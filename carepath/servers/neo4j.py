"""The graph in a real Neo4j (server, cluster or Aura), and the named query library run there.

Same labels, relationship types and properties as the embedded LadybugDB view: the rows come
from :func:`carepath.graph.cypher.node_frames` and :func:`~carepath.graph.cypher.relation_frames`.
The export creates a uniqueness constraint on ``id`` for every label first, then writes nodes
and relationships in batched ``UNWIND $rows AS row MERGE ...`` transactions. Each batch commits
or rolls back as a whole and everything is merged on its key, so exporting twice leaves the same
graph and a failed export is finished by running it again.

>>> from carepath import load_reference
>>> batches = plan_batches(load_reference(), batch_size=50)
>>> batches[0].describe(), batches[1].describe()
('Service nodes 1-50', 'Service nodes 51-62')
>>> sum(len(b.rows) for b in batches) == sum(model_counts(load_reference()).values())
True
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

import pandas as pd

from carepath.engines.base import DEFAULT_TIMEOUT, Capabilities, EngineBase
from carepath.engines.binding import cypher_values
from carepath.engines.ladybug import check_bound
from carepath.engines.library import Library, load_library, parse_header
from carepath.engines.sandbox import check_cypher_shape
from carepath.errors import CarepathError, ExportError, QueryError, QueryRefused, naming
from carepath.graph.cypher import COLUMN_TYPES, node_frames, relation_frames
from carepath.graph.model import Model, RelationKind
from carepath.printing import records
from carepath.redact import redact
from carepath.standards.common import Exported, ExportReport

# relationship types that are relations of the model (merged on rel_id), not structure
RELATION_TYPES = frozenset(kind.graph_type for kind in RelationKind)
STRUCTURAL_TYPES = ("COVERS", "AT_TIER", "STAFFED_BY", "DELIVERS", "ADDRESSES", "IN_AREA")
_INTEGER_COLUMNS = frozenset(c for c, t in COLUMN_TYPES.items() if t == "INT64")


@dataclass(frozen=True, slots=True)
class Batch:
    """One transaction of an export: ``rows`` written by one ``UNWIND $rows`` statement."""

    number: int  # 1-based, of ``total``
    total: int
    what: str  # "Service nodes", "REFERS_TO Service->Service relationships"
    first: int  # 1-based position of the first row among ``what``
    statement: str
    rows: tuple[dict[str, Any], ...]

    def describe(self) -> str:
        return f"{self.what} {self.first}-{self.first + len(self.rows) - 1}"


@dataclass(frozen=True, slots=True)
class Neo4jExport:
    """What an export wrote: batches committed, node and relationship rows merged, and what
    ``replace_area`` removed (services, each with its relationships, plus relationships of the
    services that stay)."""

    batches: int
    nodes: int
    relationships: int
    removed: int


def constraint_statements(model: Model) -> list[str]:
    """One uniqueness constraint on ``id`` per node label, created before any data.

    >>> from carepath import load_reference
    >>> constraint_statements(load_reference())[0]
    'CREATE CONSTRAINT carepath_service_id IF NOT EXISTS FOR (n:Service) REQUIRE n.id IS UNIQUE'
    """
    return [f"CREATE CONSTRAINT carepath_{label.lower()}_id IF NOT EXISTS "
            f"FOR (n:{label}) REQUIRE n.id IS UNIQUE" for label in node_frames(model)]


def model_counts(model: Model) -> dict[str, int]:
    """Nodes per label and relationships per type, as the export writes them.

    >>> from carepath import load_reference
    >>> counts = model_counts(load_reference())
    >>> counts["Service"], counts["IN_AREA"]
    (62, 62)
    """
    counts: dict[str, int] = {}
    for label, frame in node_frames(model).items():
        if len(frame):
            counts[str(label)] = len(frame)
    for (rel, _, _), frame in relation_frames(model).items():
        counts[rel] = counts.get(rel, 0) + len(frame)
    return counts


def _plain_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    rows = records(frame)
    for row in rows:
        for column in _INTEGER_COLUMNS.intersection(row):
            if row[column] is not None:
                row[column] = int(row[column])
    return rows


def _node_statement(label: str) -> str:
    return (f"UNWIND $rows AS row MERGE (n:{label} {{id: row.id}}) SET n += row.props "
            "RETURN count(n) AS written")


def _relationship_statement(rel: str, source: str, target: str) -> str:
    key = " {rel_id: row.rel_id}" if rel in RELATION_TYPES else ""
    return (f"UNWIND $rows AS row MATCH (a:{source} {{id: row.from}}) "
            f"MATCH (b:{target} {{id: row.to}}) MERGE (a)-[r:{rel}{key}]->(b) "
            "SET r += row.props RETURN count(r) AS written")


def plan_batches(model: Model, *, batch_size: int = 1000) -> list[Batch]:
    """The export's transactions: every label's nodes, then every relationship type's rows,
    ``batch_size`` rows each. Labels and types come from the fixed schema, values are rows.
    """
    if batch_size < 1:
        raise ValueError(f"batch size must be at least 1, not {batch_size}")
    groups: list[tuple[str, str, list[dict[str, Any]]]] = []
    for label, frame in node_frames(model).items():
        rows = [{"id": row.pop("id"), "props": row} for row in _plain_rows(frame)]
        groups.append((f"{label} nodes", _node_statement(label), rows))
    for (rel, source, target), frame in relation_frames(model).items():
        rows = []
        for row in _plain_rows(frame):
            ends = {"from": row.pop("from"), "to": row.pop("to")}
            if rel in RELATION_TYPES:
                ends["rel_id"] = row["rel_id"]
            rows.append({**ends, "props": row})
        groups.append((f"{rel} {source}->{target} relationships",
                       _relationship_statement(rel, source, target), rows))
    chunks = [(what, statement, rows[i:i + batch_size], i + 1)
              for what, statement, rows in groups for i in range(0, len(rows), batch_size)]
    return [Batch(n, len(chunks), what, first, statement, tuple(rows))
            for n, (what, statement, rows, first) in enumerate(chunks, start=1)]


_REASON = re.compile(r"\(reason (?:\[Errno -?\d+\] )?(.+?)\)\s*$", re.MULTILINE)
SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


CONNECT_TIMEOUT = 10.0  # seconds to reach the server and finish the handshake
QUERY_TIMEOUT = 300.0  # seconds a query may run on the server before it is stopped there


def _first_line(text: object) -> str:
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    return lines[0] if lines else type(text).__name__


def explain(exc: Exception, uri: str, user: str | None = None) -> str:
    """A one-line reason for a driver error: refused credentials, unreachable server, or the
    server's own message and status code.

    >>> explain(ConnectionRefusedError("Connection refused"), "bolt://localhost:7687")
    'cannot reach Neo4j at bolt://localhost:7687: Connection refused'
    """
    return redact(_explain(exc, uri, user))


def _explain(exc: Exception, uri: str, user: str | None = None) -> str:
    from neo4j import exceptions as ne

    if isinstance(exc, ne.AuthError):
        return (f"Neo4j at {uri} refused the credentials of user {user!r}: wrong user name or "
                f"password (set NEO4J_PASSWORD), or too many failed attempts")
    if isinstance(exc, ne.Neo4jError):
        code = f" ({exc.code})" if exc.code else ""
        return f"{_first_line(exc.message or exc)}{code}"
    if isinstance(exc, ne.ConfigurationError):
        return (f"bad Neo4j URI {uri!r}: {_first_line(exc)}; expected e.g. bolt://HOST:7687, "
                "neo4j://HOST:7687 or neo4j+s://ID.databases.neo4j.io")
    if isinstance(exc, ValueError | TypeError):
        return f"the driver cannot send a value: {_first_line(exc)}"
    text = str(exc)
    reason = _REASON.search(text)
    detail = reason.group(1) if reason else _first_line(text).rstrip(":")
    return f"cannot reach Neo4j at {uri}: {detail}"


def _driver_errors() -> tuple[type[Exception], ...]:
    from neo4j import exceptions as ne

    return (ne.Neo4jError, ne.DriverError, OSError, ValueError, TypeError)


def check_uri(uri: str, *, error: type[CarepathError] = ExportError) -> None:
    """Refuse a URI the Bolt driver cannot use, before asking for a password.

    >>> check_uri("http://localhost:7474")
    Traceback (most recent call last):
    ...
    carepath.errors.ExportError: bad Neo4j URI 'http://localhost:7474': expected bolt://, ...
    """
    if "@" in uri.partition("://")[2].partition("/")[0]:
        raise naming(error(f"bad Neo4j URI {redact(uri)!r}: a user or password in the URI is "
                           "not used; give `user`, and the password in NEO4J_PASSWORD or at the "
                           "prompt"), "user")
    if uri.partition("://")[0] not in SCHEMES:
        schemes = ", ".join(s + "://" for s in SCHEMES)
        raise error(f"bad Neo4j URI {redact(uri)!r}: expected {schemes}; "
                    "e.g. bolt://HOST:7687 or neo4j+s://ID.databases.neo4j.io")


def connect(uri: str, *, user: str, password: str,
            error: type[CarepathError] = ExportError) -> Any:
    """A ``neo4j.Driver`` whose connection and credentials are checked; close it when done.

    Any failure to connect or authenticate raises ``error`` with a one-line reason.
    """
    try:
        import neo4j
    except ImportError:  # pragma: no cover - a declared dependency; a broken install
        raise error("the Neo4j driver is missing: pip install neo4j") from None
    check_uri(uri, error=error)
    try:
        # both timeouts: connection_timeout alone let a server that accepts the connection
        # but never answers the Bolt handshake hold the command for 60 s (acquisition's default)
        driver = neo4j.GraphDatabase.driver(uri, auth=(user, password),
                                            connection_timeout=CONNECT_TIMEOUT,
                                            connection_acquisition_timeout=CONNECT_TIMEOUT,
                                            max_connection_lifetime=600)
    except _driver_errors() as exc:
        raise error(explain(exc, uri, user)) from None
    try:
        driver.verify_connectivity()
    except _driver_errors() as exc:
        driver.close()
        raise error(explain(exc, uri, user)) from None
    return driver


@contextmanager
def open_driver(uri: str, *, user: str, password: str,
                error: type[CarepathError] = ExportError) -> Iterator[Any]:
    """:func:`connect`, closed on exit."""
    driver = connect(uri, user=user, password=password, error=error)
    try:
        yield driver
    finally:
        driver.close()


def _write(session: Any, batch: Batch) -> None:
    with session.begin_transaction(timeout=QUERY_TIMEOUT) as tx:
        written = tx.run(batch.statement, rows=list(batch.rows)).single(strict=True)["written"]
        if written != len(batch.rows):
            raise ExportError(f"{len(batch.rows) - written} of {len(batch.rows)} rows found "
                              "no end node")  # rolls back: the context exits without commit
        tx.commit()


def to_neo4j(model: Model, *, batch_size: int = 1000) -> Exported[list[Batch]]:
    """What :func:`write_neo4j` sends: the batches of rows (nodes, then relationships) and
    the report (the property graph is held whole).

    >>> from carepath import load_reference
    >>> to_neo4j(load_reference()).artifact[0].what
    'Service nodes'
    """
    return Exported(plan_batches(model, batch_size=batch_size), ExportReport("Neo4j"))


def write_neo4j(
    model: Model,
    uri: str,
    *,
    user: str,
    password: str,
    database: str | None = None,
    batch_size: int = 1000,
    replace_area: str | None = None,
    progress: Callable[[Batch], None] | None = None,
) -> Neo4jExport:
    """Merge the model's graph into the Neo4j at ``uri``: constraints, nodes, relationships.

    ``database`` None uses the server's default database. ``replace_area`` (an area of the
    model) then removes what that area's services no longer have: services gone from the area,
    their relations and structural edges that the model no longer holds. ``progress`` is called
    after each committed batch. A batch that fails rolls back and raises ``ExportError`` naming
    the batch and the cause; batches before it stay, and running the export again completes it.

    Raises:
        ExportError: the server cannot be reached, refuses the credentials, or a batch fails.
        ValueError: ``batch_size`` below 1, or an unknown ``replace_area``.
    """
    if replace_area is not None and replace_area not in model.areas:
        raise naming(ValueError(f"unknown area {replace_area!r} for `replace_area`; expected "
                                f"one of: {', '.join(sorted(model.areas))}"), "replace_area")
    batches = to_neo4j(model, batch_size=batch_size).artifact
    removed = 0
    with open_driver(uri, user=user, password=password) as driver, \
            driver.session(database=database) as session:
        for statement in constraint_statements(model):
            try:
                session.run(statement).consume()
            except _driver_errors() as exc:
                raise ExportError(f"Neo4j export failed creating constraints, nothing written: "
                                  f"{explain(exc, uri, user)}") from None
        for batch in batches:
            try:
                _write(session, batch)
            except (*_driver_errors(), ExportError) as exc:
                cause = str(exc) if isinstance(exc, ExportError) else explain(exc, uri, user)
                done = f"batches 1-{batch.number - 1} are in; " if batch.number > 1 else ""
                raise ExportError(
                    f"Neo4j export failed at batch {batch.number} of {batch.total} "
                    f"({batch.describe()}) and that batch was rolled back: {cause}; "
                    f"{done}run the export again to complete it") from None
            if progress is not None:
                progress(batch)
        if replace_area is not None:
            try:
                removed = _replace_area(session, model, replace_area)
            except _driver_errors() as exc:
                raise ExportError(f"Neo4j export wrote every batch, but removing what area "
                                  f"{replace_area!r} no longer has failed and was rolled back: "
                                  f"{explain(exc, uri, user)}; run the export again") from None
    nodes = sum(len(b.rows) for b in batches if b.what.endswith(" nodes"))
    return Neo4jExport(len(batches), nodes, sum(len(b.rows) for b in batches) - nodes, removed)


def _replace_area(session: Any, model: Model, area: str) -> int:
    """Delete, in one transaction, what area ``area`` has in Neo4j but not in the model."""
    services = sorted(s.id for s in model.services_in(area))
    with session.begin_transaction(timeout=QUERY_TIMEOUT) as tx:
        # services of the area now, or linked to it before: a moved service loses its old edges
        candidates = tx.run(
            "MATCH (s:Service) WHERE s.area = $area "
            "OR EXISTS { (s)-[:IN_AREA]->(:Area {id: $area}) } RETURN collect(s.id) AS ids",
            area=area).single(strict=True)["ids"]
        gone = sorted(set(candidates) - set(model.services))
        keep_rel, keep_struct = _keys(model, set(candidates) | set(services))
        removed = tx.run(
            "MATCH (s:Service) WHERE s.id IN $ids DETACH DELETE s RETURN count(*) AS n",
            ids=gone).single(strict=True)["n"]
        removed += tx.run(
            "MATCH (s:Service)-[r]-() WHERE s.id IN $ids AND r.rel_id IS NOT NULL "
            "WITH DISTINCT r "
            "WHERE NOT type(r) + '|' + startNode(r).id + '|' + endNode(r).id + '|' + r.rel_id "
            "IN $keep DELETE r RETURN count(*) AS n",
            ids=candidates, keep=sorted(keep_rel)).single(strict=True)["n"]
        removed += tx.run(
            "MATCH (s:Service)-[r]->(t) WHERE s.id IN $ids AND type(r) IN $types "
            "AND NOT type(r) + '|' + s.id + '|' + t.id IN $keep DELETE r RETURN count(*) AS n",
            ids=candidates, types=list(STRUCTURAL_TYPES),
            keep=sorted(keep_struct)).single(strict=True)["n"]
        tx.commit()
    return removed


def _keys(model: Model, services: set[str]) -> tuple[set[str], set[str]]:
    relations: set[str] = set()
    structural: set[str] = set()
    for (rel, _, _), frame in relation_frames(model).items():
        touching = frame[frame["from"].isin(services) | frame["to"].isin(services)]
        if rel in RELATION_TYPES:
            relations.update(f"{rel}|{a}|{b}|{i}" for a, b, i in
                             touching[["from", "to", "rel_id"]].itertuples(index=False))
        else:
            structural.update(f"{rel}|{a}|{b}" for a, b in
                              touching[["from", "to"]].itertuples(index=False))
    return relations, structural


def graph_counts(uri: str, *, user: str, password: str,
                 database: str | None = None) -> dict[str, int]:
    """Nodes per label and relationships per type in the Neo4j at ``uri`` (compare with
    :func:`model_counts`).

    Raises:
        QueryError: the server cannot be reached or refuses the credentials.
    """
    with open_driver(uri, user=user, password=password, error=QueryError) as driver, \
            driver.session(database=database) as session:
        try:
            counts = {}
            for record in session.run("MATCH (n) UNWIND labels(n) AS label "
                                      "RETURN label, count(*) AS n"):
                counts[record["label"]] = record["n"]
            for record in session.run("MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n"):
                counts[record["type"]] = record["n"]
        except _driver_errors() as exc:
            raise QueryError(explain(exc, uri, user)) from None
    return counts


# Library queries written in LadybugDB's dialect that Neo4j cannot run get a Neo4j variant
# here, with the same header (title, parameters) and the same rows.
_VARIANTS = "neo4j_queries"


def neo4j_library(library: Library | None = None) -> Library:
    """The named query library with the Neo4j variants in place of LadybugDB-only queries.

    >>> sorted(n for (n, _), q in neo4j_library().queries.items()
    ...        if (q.dialect or "").startswith("neo4j"))
    ['referral-routes']
    """
    base = library or load_library()
    out = Library(dict(base.queries))
    for entry in files("carepath.servers").joinpath(_VARIANTS).iterdir():
        if entry.name.endswith(".cypher"):
            name = entry.name.removesuffix(".cypher")
            if (name, "cypher") in base.queries:
                out.queries[(name, "cypher")] = parse_header(name, "cypher",
                                                             entry.read_text("utf-8"))
    return out


def _plain_value(value: Any) -> Any:
    from neo4j.graph import Node, Path, Relationship

    if isinstance(value, Node):
        return {"_label": ":".join(sorted(value.labels)), **dict(value)}
    if isinstance(value, Relationship):
        return {"_label": value.type, **dict(value)}
    if isinstance(value, Path):
        return [_plain_value(n) for n in value.nodes]
    if isinstance(value, list):
        return [_plain_value(v) for v in value]
    return value


# Plan operators that reach outside the database, refused in user queries even when reading.
_REFUSED_OPERATORS = frozenset({"LoadCSV", "ProcedureCall", "EagerProcedureCall"})


def _operators(plan: Any) -> set[str]:
    found, stack = set(), [plan]
    while stack:
        node = stack.pop()
        if node is None:
            continue
        name = node.get("operatorType", "") if isinstance(node, dict) else ""
        found.add(name.split("@")[0])
        stack.extend(node.get("children", []) if isinstance(node, dict) else [])
    return found


class Neo4jEngine(EngineBase):
    """Cypher and the named query library on a Neo4j server, with ``$parameters`` bound.

    Same interface as the embedded engine; library queries use their Neo4j variant where they
    have one. Queries run in read transactions with a timeout; a user's query is first
    planned (``EXPLAIN``) and refused unless Neo4j calls it read-only and it neither loads
    files (``LOAD CSV``) nor calls procedures. Use it as a context manager, or call
    :meth:`close`.

    Raises:
        QueryError: the server cannot be reached, refuses the credentials, or rejects a query.
    """

    def __init__(self, uri: str, *, user: str, password: str,
                 database: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.model = None
        self.uri, self.user, self.database = uri, user, database
        self.driver = connect(uri, user=user, password=password, error=QueryError)
        self.capabilities = Capabilities("cypher", "neo4j", True, timeout)

    def close(self) -> None:
        self.driver.close()

    def library(self, library: Library | None = None) -> Library:
        return neo4j_library(library)

    def _session(self) -> Any:
        import neo4j

        return self.driver.session(database=self.database,
                                   default_access_mode=neo4j.READ_ACCESS)

    def _check(self, session: Any, text: str, values: dict[str, Any]) -> None:
        summary = session.run("EXPLAIN " + text, values).consume()
        refused = _operators(summary.plan) & _REFUSED_OPERATORS
        if summary.query_type != "r" or refused:
            what = ", ".join(sorted(refused)) or f"query type {summary.query_type!r}"
            raise QueryRefused(f"refused: this Cypher does more than read the graph ({what}); "
                               "queries are read-only, without files or procedures")

    def _run(self, text: str, params: dict[str, Any], types: dict[str, str], *,
             trusted: bool) -> pd.DataFrame:
        import neo4j

        if not trusted:
            check_cypher_shape(text)
        values = check_bound(text, cypher_values(params, types), unused_ok=trusted)

        def read(tx: Any) -> tuple[list[str], list[list[Any]]]:
            result = tx.run(text, values)
            return list(result.keys()), [[_plain_value(v) for v in record.values()]
                                         for record in result]

        read = neo4j.unit_of_work(timeout=self.capabilities.timeout or None)(read)
        try:
            with self._session() as session:
                if not trusted:
                    self._check(session, text, values)
                keys, rows = session.execute_read(read)
        except QueryError:  # the sandbox's own refusal, already one clear line
            raise
        except _driver_errors() as exc:
            raise QueryError(f"Cypher error on Neo4j: {explain(exc, self.uri, self.user)}") \
                from None
        return pd.DataFrame(rows, columns=keys)
