"""``carepath query``: SPARQL, Cypher and the named query library."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

from carepath.cli._common import (
    DataOpt,
    FormatOpt,
    UsageError,
    app,
    load,
    out,
)
from carepath.cli.servers import (
    DatabaseOpt,
    EndpointOpt,
    GraphOpt,
    Neo4jUriOpt,
    UserOpt,
    open_engine,
)
from carepath.output import Format, emit

query_app = typer.Typer(help="Run SPARQL or Cypher, or the named query library.",
                         no_args_is_help=True, rich_markup_mode=None)
app.add_typer(query_app, name="query")
ParamOpt = Annotated[list[str] | None, typer.Option(
    "--param", "-p", help="A query parameter as NAME=VALUE; repeatable.")]


def _params(items: list[str] | None) -> dict[str, str]:
    params = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"bad --param {item!r}; write it as NAME=VALUE, "
                             "e.g. --param service=dorset-pmmhs")
        if not _PARAM_NAME.fullmatch(name.strip()):
            raise UsageError(f"bad --param name {name.strip()!r}: a parameter name is letters, "
                             "digits and _ (no spaces), e.g. --param service=dorset-pmmhs")
        params[name.strip()] = value.strip()
    return params


_PARAM_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_QUERY_FILES = (".rq", ".sparql", ".cypher", ".cql")


def _check_named_params(model, query, params: dict[str, str]) -> dict[str, str]:
    """Parameter names checked (a misspelt one is a usage error, not ignored) and id values
    resolved from names, so an unknown or wrong-kind id is an error on every engine rather
    than "no rows"."""
    import difflib

    from carepath.lookup import check_param

    declared = {p.name: p for p in query.params}
    for key in params:
        if key not in declared:
            close = difflib.get_close_matches(key, list(declared), n=1)
            mean = f" (did you mean {close[0]}?)" if close else ""
            raise UsageError(f"named query {query.name!r} has no parameter {key!r}{mean}; it "
                             f"takes: {', '.join(declared) or 'no parameters'}")
    return {key: check_param(model, declared[key].type, value) for key, value in params.items()}


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
    from carepath.queries.named import load_library

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
    fmt: FormatOpt = Format.table,
    neo4j_uri: Neo4jUriOpt = None,
    user: UserOpt = None,
    database: DatabaseOpt = None,
    endpoint: EndpointOpt = None,
    graph: GraphOpt = None,
) -> None:
    """Run a named query with bound parameters (on Neo4j with --neo4j-uri, on a SPARQL
    endpoint with --endpoint)."""
    from carepath.queries.named import ENGINES, load_library

    library = load_library()
    languages = [lang for n, lang in sorted(library.queries, key=lambda k: k[1] != "sparql")
                 if n == name]
    if not languages:
        library.get(name, "sparql")  # raises with the valid names
    language = engine or ("cypher" if neo4j_uri else "sparql" if endpoint else languages[0])
    if language not in ENGINES:
        raise UsageError(f"unknown engine {language!r}; expected sparql or cypher")
    model = load(data)
    bound = _check_named_params(model, library.get(name, language), _params(params))
    with open_engine(language, data, model=model, neo4j_uri=neo4j_uri, user=user,
                     database=database, endpoint=endpoint, graph=graph) as runner:
        df = runner.run_named(name, bound, library=library)
    emit(df, fmt, title=library.get(name, language).title, console=out)


@query_app.command("sparql")
def query_sparql(
    query: Annotated[str, typer.Argument(help="SPARQL text, or a .rq file.")],
    params: ParamOpt = None,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
    endpoint: EndpointOpt = None,
    graph: GraphOpt = None,
    user: UserOpt = None,
) -> None:
    """Run SPARQL on the embedded Oxigraph store, or on any SPARQL 1.1 endpoint with
    --endpoint. Parameters bind projected variables; an id of the model binds as its IRI,
    anything else as a string."""
    import pyoxigraph as ox

    from carepath.graph.rdf import iri

    model = load(data)
    subs = {}
    for name, value in _params(params).items():
        kind = model.node_kind(value)
        subs[ox.Variable(name)] = iri(kind, value) if kind else ox.Literal(value)
    with open_engine("sparql", data, model=model, endpoint=endpoint, graph=graph,
                     user=user) as engine:
        emit(engine.query(_query_text(query), subs), fmt, console=out)


@query_app.command("cypher")
def query_cypher(
    query: Annotated[str, typer.Argument(help="Cypher text, or a .cypher file.")],
    params: ParamOpt = None,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
    neo4j_uri: Neo4jUriOpt = None,
    user: UserOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Run Cypher on the embedded LadybugDB graph, or on Neo4j with --neo4j-uri, with
    $parameters bound."""
    with open_engine("cypher", data, neo4j_uri=neo4j_uri, user=user,
                     database=database) as engine:
        emit(engine.query(_query_text(query), _params(params)), fmt, console=out)
