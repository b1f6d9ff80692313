"""``carepath export neo4j | neo4j-csv | sparql``: push the graph to real servers.

Passwords come from the environment (``NEO4J_PASSWORD``, ``SPARQL_PASSWORD``) or a prompt that
does not echo; never from the command line. The export commands are generated from the format
registry (:data:`carepath.standards.FORMATS`, which holds their options); these are what they
run. Also the options and engines that let
``carepath query`` run on a Neo4j server or a SPARQL endpoint instead of the embedded engines.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from carepath.cli._common import (
    err,
    load,
    out,
)
from carepath.errors import QueryError, UsageError

if TYPE_CHECKING:
    from rich.progress import Progress


from carepath.redact import redact

Neo4jUriOpt = Annotated[str | None, typer.Option(
    "--neo4j-uri", help="Run on this Neo4j (bolt://HOST:7687, neo4j+s://...) instead of the "
    "embedded engine; password from NEO4J_PASSWORD or a prompt.")]
UserOpt = Annotated[str | None, typer.Option(
    "--user", help="Neo4j user (default: neo4j; password from NEO4J_PASSWORD), or the HTTP basic "
    "authentication user of a SPARQL endpoint (password from SPARQL_PASSWORD); else a prompt.")]
DatabaseOpt = Annotated[str | None, typer.Option(
    "--database", help="Neo4j database (default: the server's default database).")]
EndpointOpt = Annotated[str | None, typer.Option(
    "--endpoint", help="Run on this SPARQL 1.1 query endpoint (e.g. http://HOST:3030/ds/query) "
    "instead of the embedded store.")]
NamedGraphOpt = Annotated[str | None, typer.Option(
    "--named-graph", help="A named graph IRI to query as the default graph (default-graph-uri).")]


def secret(variable: str, what: str) -> str:
    """A password from ``variable`` in the environment, else from a prompt that does not echo."""
    value = os.environ.get(variable)
    if not value and sys.stdin.isatty():
        try:
            value = typer.prompt(f"{what} (or set {variable})", hide_input=True, err=True)
        except (typer.Abort, EOFError):
            value = ""
    elif not value:  # piped: the first line of standard input
        value = sys.stdin.readline().rstrip("\r\n")
    if not value:
        raise UsageError(f"no password: set {variable} or type it at the prompt")
    return value


def _rows_progress() -> Progress:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("rows"), TimeElapsedColumn(), console=err.real, transient=True)


def export_neo4j_cmd(*, uri: str, user: str = "neo4j", database: str | None = None,
                     replace_area: str | None = None, batch_size: int = 1000,
                     data: list[Path] | None = None, graph: Path | None = None) -> None:
    """Merge the graph into a Neo4j server: constraints, then batched transactions.

    Idempotent: exporting again leaves the same graph. A failed batch rolls back; run the
    command again to complete. Password from NEO4J_PASSWORD or a prompt.
    """
    from carepath.servers.neo4j import check_uri, plan_batches, write_neo4j

    check_uri(uri)
    model = load(data, graph)
    if replace_area is not None and replace_area not in model.areas:
        raise UsageError(f"unknown area {replace_area!r} for --replace-area; expected one of: "
                         f"{', '.join(sorted(model.areas))}")
    password = secret("NEO4J_PASSWORD", f"Neo4j password for {user}")
    total = sum(len(b.rows) for b in plan_batches(model, batch_size=batch_size))
    with _rows_progress() as progress:
        task = progress.add_task(f"Neo4j {uri}", total=total)
        result = write_neo4j(
            model, uri, user=user, password=password, database=database, batch_size=batch_size,
            replace_area=replace_area,
            progress=lambda b: progress.update(task, advance=len(b.rows), description=b.what))
    removed = f", removed {result.removed} that area {replace_area} no longer has" \
        if replace_area else ""
    out.print(f"exported to Neo4j at {uri}: {result.nodes} nodes, {result.relationships} "
              f"relationships merged in {result.batches} batches{removed}", highlight=False,
              soft_wrap=True)


def export_neo4j_csv_cmd(target: Path, *, data: list[Path] | None = None,
                         force: bool = False, graph: Path | None = None) -> None:
    """CSV files for `neo4j-admin database import`, plus load.cypher (constraints + LOAD CSV)."""
    from carepath.cli._common import note
    from carepath.servers.neo4j_csv import formula_cells, write_neo4j_csv

    written = write_neo4j_csv(load(data, graph), target, force=force).artifact
    files = sorted(p.name for p in written.iterdir())
    out.print(f"wrote {len(files)} files to {written}: node and relationship CSVs, load.cypher "
              "and neo4j-admin-import.sh", highlight=False, soft_wrap=True)
    formulas = formula_cells(written)
    if formulas:
        name, cell = formulas[0]
        shown = cell if len(cell) <= 40 else cell[:37] + "..."
        note(f"{len(formulas)} cell{'s' if len(formulas) > 1 else ''} would run as a "
             f"spreadsheet formula (first: {name}: {shown!r}); they are written exactly for "
             "neo4j-admin: open these files in a spreadsheet only with formulas disabled")


def export_sparql_cmd(*, endpoint: str, named_graph: str | None = None, ontology: bool = True,
                      user: str | None = None, data: list[Path] | None = None,
                      graph: Path | None = None) -> None:
    """Upload the RDF to a SPARQL 1.1 store with the Graph Store Protocol (HTTP PUT: replaces
    the graph, so uploading again leaves the same graph)."""
    from carepath.servers.sparql import write_sparql

    model = load(data, graph)
    password = secret("SPARQL_PASSWORD", f"SPARQL password for {user}") if user else None
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                  TimeElapsedColumn(), console=err.real, transient=True) as progress:
        task = progress.add_task(f"PUT {redact(endpoint)}", total=None)
        result = write_sparql(model, endpoint, graph=named_graph, with_ontology=ontology,
                               user=user, password=password,
                               progress=lambda sent, total: progress.update(
                                   task, completed=sent, total=total))
    where = f"graph <{named_graph}>" if named_graph else "the default graph"
    out.print(f"uploaded {result.triples} triples ({result.bytes} bytes) to {where} of "
              f"{redact(endpoint)}", highlight=False, soft_wrap=True)


@contextmanager
def open_engine(language: str, data: list[Path] | None, *, graph: Path | None = None,
                neo4j_uri: str | None = None, user: str | None = None,
                database: str | None = None, endpoint: str | None = None,
                named_graph: str | None = None, timeout: float | None = None,
                built: Any = None) -> Iterator[Any]:
    """The engine ``carepath query`` runs on (:func:`carepath.engines.connect`): Neo4j or a
    SPARQL endpoint if given, else the embedded engine for ``language`` over the build folder
    ``--graph`` or the cached build of ``--data`` (``built``, if the command opened it
    already: the data is not opened, nor its files hashed, twice)."""
    from carepath.cli._common import open_data
    from carepath.engines import DEFAULT_TIMEOUT, connect
    from carepath.engines.base import EngineBase

    limit = {"timeout": DEFAULT_TIMEOUT if timeout is None else timeout}
    if neo4j_uri and endpoint:
        raise UsageError("give --neo4j-uri (Cypher on Neo4j) or --endpoint (SPARQL), not both")
    if (neo4j_uri or endpoint) and (data or graph):
        raise UsageError(f"{'--neo4j-uri' if neo4j_uri else '--endpoint'} queries the server's "
                         "graph: leave out --data and --graph")
    if neo4j_uri:
        if language != "cypher":
            raise UsageError(f"--neo4j-uri runs Cypher, not {language}")
        from carepath.servers.neo4j import check_uri

        check_uri(neo4j_uri, error=QueryError)
        user = user or "neo4j"
        password = secret("NEO4J_PASSWORD", f"Neo4j password for {user}")
        engine: EngineBase = connect(neo4j_uri, user=user, password=password,
                                     database=database, **limit)
    elif endpoint:
        if language != "sparql":
            raise UsageError(f"--endpoint runs SPARQL, not {language}")
        from carepath.redact import split_credentials

        in_url = split_credentials(endpoint)[2] is not None  # user:password@ in the URL
        password = (secret("SPARQL_PASSWORD", f"SPARQL password for {user}")
                    if user and not in_url else None)
        engine = connect(endpoint, named_graph=named_graph, user=user, password=password,
                         **limit)
    else:
        if named_graph:
            raise UsageError("--named-graph needs --endpoint")
        if user or database:
            raise UsageError(f"{'--user' if user else '--database'} needs --neo4j-uri"
                             f"{' or --endpoint' if user else ''}")
        engine = connect(built if built is not None else open_data(data, graph),
                         language=language, **limit)
    with engine:
        yield engine
