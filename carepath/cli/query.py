"""``carepath query``: SPARQL, Cypher and the named query library."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

from carepath.cli._common import (
    DataOpt,
    FormatOpt,
    GraphDirOpt,
    app,
    open_data,
    out,
    print_problems,
)
from carepath.cli.servers import (
    DatabaseOpt,
    EndpointOpt,
    NamedGraphOpt,
    Neo4jUriOpt,
    UserOpt,
    open_engine,
)
from carepath.errors import NameLookupError, QueryError, UsageError
from carepath.printing import Format, emit

query_app = typer.Typer(help="Run SPARQL or Cypher, or the named query library.",
                         no_args_is_help=True, rich_markup_mode=None)
app.add_typer(query_app, name="query")
ParamOpt = Annotated[list[str] | None, typer.Option(
    "--param", "-p", help="A query parameter as NAME=VALUE or NAME:TYPE=VALUE (TYPE: string, "
    "integer, node, service, stage, concern, ...: an id of that kind); repeatable.")]
TimeoutOpt = Annotated[float | None, typer.Option(
    "--timeout", min=0, help="Give a query up after this many seconds (default 300; 0: none).")]


def _params(items: list[str] | None) -> tuple[dict[str, str], dict[str, str]]:
    """``--param`` values, and the types given with them."""
    from carepath.engines.binding import parse_param

    params, types = {}, {}
    for item in items or []:
        try:
            name, ptype, value = parse_param(item)
        except QueryError as exc:
            raise UsageError(f"--param: {exc}") from None
        if not _PARAM_NAME.fullmatch(name):
            raise UsageError(f"bad --param name {name!r}: a parameter name is letters, digits "
                             "and _ (no spaces), e.g. --param service=dorset-pmmhs")
        params[name] = value
        if ptype:
            types[name] = ptype
    return params, types


_PARAM_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_QUERY_FILES = (".rq", ".sparql", ".cypher", ".cql")


def _query_text(query: str) -> str:
    """The query: the text of a query file (by its suffix), else ``query`` itself."""
    path = Path(query)
    if path.suffix.lower() in _QUERY_FILES and "\n" not in query and "{" not in query:
        if not path.is_file():
            raise UsageError(f"query file {query} not found (give the query text, or the path "
                             f"of a {'/'.join(_QUERY_FILES)} file)")
        return path.read_text(encoding="utf-8")
    return query


@query_app.command("list")
def query_list(fmt: FormatOpt = Format.table) -> None:
    """The named queries: name, title, languages, parameters."""
    from carepath.engines.library import load_library

    table = load_library().table()
    if fmt is Format.table:
        table = table.drop(columns="answers")
    emit(table, fmt, title="named queries (carepath query run NAME --param k=v)", console=out)


@query_app.command("run")
def query_run(
    name: Annotated[str, typer.Argument(help="A named query (see `carepath query list`).")],
    params: ParamOpt = None,
    engine: Annotated[str, typer.Option(help="sparql or cypher (default: the first the "
                                        "query has, SPARQL preferred).")] = "",
    data: DataOpt = None,
    graph: GraphDirOpt = None,
    fmt: FormatOpt = Format.table,
    neo4j_uri: Neo4jUriOpt = None,
    user: UserOpt = None,
    database: DatabaseOpt = None,
    endpoint: EndpointOpt = None,
    named_graph: NamedGraphOpt = None,
    timeout: TimeoutOpt = None,
) -> None:
    """Run a named query with bound parameters (on Neo4j with --neo4j-uri, on a SPARQL
    endpoint with --endpoint)."""
    from carepath.engines.library import ENGINE_NAMES, load_library

    library = load_library()
    languages = [lang for n, lang in sorted(library.queries, key=lambda k: k[1] != "sparql")
                 if n == name]
    if not languages:
        library.get(name, "sparql")  # raises with the valid names
    language = engine or ("cypher" if neo4j_uri else "sparql" if endpoint else languages[0])
    if language not in ENGINE_NAMES:
        raise UsageError(f"unknown engine {language!r}; expected sparql or cypher")
    values, types = _params(params)
    if types:
        raise UsageError("a named query's parameters have their types already: "
                         "write --param NAME=VALUE")
    library.get(name, language)  # an unknown language for it: said before anything opens
    built = open_data(data, graph)
    print_problems(built.warnings)
    remote = bool(neo4j_uri or endpoint)  # the build above only resolves names then
    with open_engine(language, None if remote else data, graph=None if remote else graph,
                     neo4j_uri=neo4j_uri, user=user, database=database, endpoint=endpoint,
                     named_graph=named_graph, timeout=timeout, built=built) as runner:
        runner.names = built  # ids resolved by the engine, against this build's names
        df = _named(runner, name, values, library)
    emit(df, fmt, title=library.get(name, language).title, console=out)


@query_app.command("sparql")
def query_sparql(
    query: Annotated[str, typer.Argument(help="SPARQL text, or a .rq file.")],
    params: ParamOpt = None,
    data: DataOpt = None,
    graph: GraphDirOpt = None,
    fmt: FormatOpt = Format.table,
    endpoint: EndpointOpt = None,
    named_graph: NamedGraphOpt = None,
    user: UserOpt = None,
    timeout: TimeoutOpt = None,
) -> None:
    """Run SPARQL (read-only: no updates, no SERVICE) on the embedded Oxigraph store, or on
    any SPARQL 1.1 endpoint with --endpoint. Parameters are bound by a VALUES block: as
    strings, or as their TYPE says (an id of that kind becomes its IRI)."""
    values, types = _params(params)
    with open_engine("sparql", data, graph=graph, endpoint=endpoint, named_graph=named_graph,
                     user=user, timeout=timeout) as engine:
        emit(_user_query(engine, _query_text(query), values, types), fmt, console=out)


@query_app.command("cypher")
def query_cypher(
    query: Annotated[str, typer.Argument(help="Cypher text, or a .cypher file.")],
    params: ParamOpt = None,
    data: DataOpt = None,
    graph: GraphDirOpt = None,
    fmt: FormatOpt = Format.table,
    neo4j_uri: Neo4jUriOpt = None,
    user: UserOpt = None,
    database: DatabaseOpt = None,
    timeout: TimeoutOpt = None,
) -> None:
    """Run Cypher (read-only: no writes, files, extensions or settings) on the embedded
    LadybugDB graph, or on Neo4j with --neo4j-uri, with $parameters bound."""
    values, types = _params(params)
    with open_engine("cypher", data, graph=graph, neo4j_uri=neo4j_uri, user=user,
                     database=database, timeout=timeout) as engine:
        emit(_user_query(engine, _query_text(query), values, types), fmt, console=out)


def _named(engine, name: str, values: dict, library):
    try:
        return engine.run_named(name, values, library=library)
    except NameLookupError:
        raise
    except QueryError as exc:
        if "needs parameter" in str(exc):  # the library names no flags; the CLI does
            raise QueryError(f"{exc} (give it with --param NAME=VALUE)") from None
        if "has no parameter" in str(exc):  # a misspelt --param name: a usage error
            raise UsageError(str(exc)) from None
        raise


def _user_query(engine, text: str, values: dict, types: dict):
    try:
        return engine.query(text, values, types)
    except QueryError as exc:
        if "needs parameter" in str(exc):
            raise QueryError(f"{exc} (give it with --param NAME=VALUE)") from None
        if "is not used by the" in str(exc):  # a misspelt --param: a usage error
            raise UsageError(f"--param: {exc}") from None
        raise
