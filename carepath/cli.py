"""The ``carepath`` command line: thin wrappers that parse, call the library and print.

Exit codes: 0 success, 1 data problems (invalid data, failed query), 2 usage or I/O errors.
Errors are one line on stderr; data goes to stdout.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from carepath.errors import CarepathError, DataValidationError, ExportError, Problem
from carepath.output import Format, emit

app = typer.Typer(
    name="carepath",
    help="A knowledge graph of perinatal and infant mental health services.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True)
out = Console()

DataOpt = Annotated[
    list[Path] | None,
    typer.Option("--data", "-d", help="Data folder or file (.yaml/.csv/.xlsx); repeatable. "
                 "Default: the bundled reference data."),
]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]


class UsageError(CarepathError):
    """A command used wrongly (exit code 2)."""


def fail(message: str, code: int = 2) -> None:
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    sys.exit(code)


def _print_problems(problems: list[Problem]) -> None:
    for p in problems:
        colour = "red" if p.level == "error" else "yellow"
        err.print(f"[{colour}]{p.level}[/]: {p}", highlight=False, soft_wrap=True)


def _load(data: list[Path] | None):
    from carepath.loaders import load_with_warnings

    model, warnings = load_with_warnings(*(data or []))
    _print_problems(warnings)
    return model


@app.command()
def build(
    data: DataOpt = None,
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path(
        "carepath-build"),
    shacl: Annotated[bool, typer.Option(help="Check the RDF against the SHACL shapes.")] = True,
) -> None:
    """Load and validate data, build every view, write them to a folder and print a summary."""
    from carepath.build import build as run_build

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=err, transient=True) as progress:
        task = progress.add_task("starting", total=None)
        result = run_build(data or [], out=out_dir, shacl=shacl,
                           step=lambda name: progress.update(task, description=name))
    _print_problems(result.warnings)
    counts = result.model.counts()
    rows = [(k, v) for k, v in counts.items() if not k.startswith("relations:") or v]
    rows += [("RDF triples", result.triples), ("graph nodes", result.graph_nodes),
             ("graph edges", result.graph_edges)]
    emit(pd.DataFrame(rows, columns=["what", "count"]), Format.table,
         title=f"carepath build -> {result.out}", console=out)


@app.command("validate")
def validate_cmd(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Data folders or files; default: the bundled reference data.")] = None,
    shacl: Annotated[bool, typer.Option(help="Also check the RDF against SHACL.")] = True,
) -> None:
    """Check data and report every problem at once (file, line or row, field)."""
    from carepath.loaders import load_with_warnings
    from carepath.ontology import shacl_problems

    try:
        model, warnings = load_with_warnings(*(paths or []))
    except DataValidationError as exc:
        _print_problems(exc.problems)
        errors = sum(1 for p in exc.problems if p.level == "error")
        err.print(f"[red]{errors} error(s)[/]: nothing was built", highlight=False)
        raise typer.Exit(1) from None
    problems = warnings + (shacl_problems(model) if shacl else [])
    _print_problems(problems)
    if any(p.level == "error" for p in problems):
        raise typer.Exit(1)
    counts = model.counts()
    out.print(f"[green]valid[/]: {counts['areas']} areas, {counts['services']} services, "
              f"{counts['relations']} relations, {len(warnings)} warning(s)", highlight=False)


@app.command()
def info(data: DataOpt = None, fmt: FormatOpt = Format.table) -> None:
    """Counts by kind, and the areas, tiers, stages and sources."""
    model = _load(data)
    rows = [("count", k, k, v) for k, v in model.counts().items()]
    for area in model.areas.values():
        rows.append(("area", area.id, area.name, len(model.services_in(area.id))))
    for tier in model.tiers_in_order():
        rows.append(("tier", tier.id, f"{tier.rank}. {tier.name}",
                     sum(1 for s in model.services.values() if s.tier == tier.id)))
    for stage in model.stages_in_order():
        rows.append(("stage", stage.id, f"{stage.name} {stage.interval}",
                     sum(1 for s in model.services.values() if s.covers(stage.interval))))
    facts: dict[str, int] = {}
    for s in model.services.values():
        facts[s.provenance.source] = facts.get(s.provenance.source, 0) + 1
    for r in model.relations:
        facts[r.provenance.source] = facts.get(r.provenance.source, 0) + 1
    for src in model.sources.values():
        rows.append(("source", src.id, src.title, facts.get(src.id, 0)))
    df = pd.DataFrame(rows, columns=["section", "id", "name", "count"])
    if fmt is not Format.table:
        emit(df, fmt)
        return
    for section, title in (("count", "counts by kind"), ("area", "areas (services)"),
                           ("tier", "tiers (services)"), ("stage", "stages (services covering)"),
                           ("source", "sources (services + relations cited)")):
        part = df[df.section == section].drop(columns="section")
        if section == "count":
            part = part[(part["count"] > 0) | ~part["id"].str.startswith("relations:")]
            part = part.drop(columns="name")
        emit(part, fmt, title=title, console=out)


@app.command()
def template(
    path: Annotated[Path, typer.Argument(help="out.xlsx for a workbook, or a folder for CSVs.")],
) -> None:
    """Write the spreadsheet template planners fill in."""
    from carepath.loaders.template import write_template

    written = write_template(path)
    out.print(f"wrote {written}", highlight=False)


AreaOpt = Annotated[str | None, typer.Option("--area", "-a", help="An area id.")]
AtOpt = Annotated[str | None, typer.Option(
    "--at", help="The child's age: '4 months', '2 years', '20 weeks pregnant' or weeks.")]
ConcernOpt = Annotated[str | None, typer.Option(help="A concern id, e.g. maternal-mental-health.")]
SeverityOpt = Annotated[str | None, typer.Option(help="mild, moderate or severe.")]


def _week(at: str | None) -> float | None:
    from carepath.graph.stages import parse_age

    return None if at is None else parse_age(at)


@app.command()
def refers(
    source: Annotated[str | None, typer.Option("--from", help="Who refers: a service, a "
                                               "profession (gp, midwife...) or family.")] = None,
    target: Annotated[str | None, typer.Option("--to", help="The service referred to.")] = None,
    at: AtOpt = None,
    stage: Annotated[str | None, typer.Option(help="A canonical stage id.")] = None,
    concern: ConcernOpt = None,
    severity: SeverityOpt = None,
    urgency: Annotated[str | None, typer.Option(help="emergency, urgent or routine.")] = None,
    area: AreaOpt = None,
    kind: Annotated[list[str] | None, typer.Option(help="Relation kinds (default refers_to); "
                                                   "repeatable.")] = None,
    self_referral: Annotated[bool, typer.Option("--self", help="Only self-referrals.")] = False,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Who refers to whom, incoming and outgoing, filtered by stage, concern and urgency."""
    from carepath.queries.referrals import referrals, self_referrals

    model = _load(data)
    if self_referral:
        df = self_referrals(model, area=area)
    else:
        df = referrals(model, source=source, target=target, week=_week(at), stage=stage,
                       concern=concern, severity=severity, urgency=urgency, area=area,
                       kinds=tuple(kind or ("refers_to",)))
    emit(df, fmt, title="referrals", console=out)


@app.command()
def routes(
    source: Annotated[str, typer.Argument(help="Entry point: a profession (midwife, gp...), "
                                          "a service or family.")],
    target: Annotated[str, typer.Argument(help="A service id, a tier id (e.g. inpatient) or "
                                          "words of a service name.")],
    at: AtOpt = None,
    concern: ConcernOpt = None,
    severity: SeverityOpt = None,
    max_hops: Annotated[int, typer.Option(min=1, max=8)] = 4,
    shortest: Annotated[bool, typer.Option(help="Only the shortest route.")] = False,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Referral routes from an entry point to a target, respecting stage and concern."""
    from carepath.queries.routes import referral_routes, shortest_route

    find = shortest_route if shortest else referral_routes
    df = find(_load(data), source, target, week=_week(at), concern=concern, severity=severity,
              max_hops=max_hops)
    emit(df, fmt, title=f"routes {source} -> {target}", console=out)


@app.command()
def need(
    concern: Annotated[str, typer.Option(help="A concern id, e.g. maternal-mental-health.")],
    at: Annotated[str, typer.Option("--at", help="The child's age, e.g. '4 months'.")],
    severity: SeverityOpt = None,
    entry: Annotated[list[str] | None, typer.Option(help="Entry points; repeatable.")] = None,
    area: AreaOpt = None,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """What route exists for a need, e.g. --concern maternal-mental-health --severity moderate
    --at '4 months'."""
    from carepath.queries.routes import routes_for_need

    df = routes_for_need(_load(data), concern=concern, severity=severity, week=_week(at),
                         entry=entry or None, area=area)
    emit(df, fmt, title="routes for the need", console=out)


@app.command()
def gaps(
    area: AreaOpt = None,
    kind: Annotated[list[str] | None, typer.Option(help="Gap kinds; repeatable.")] = None,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Gaps, each with its reason and evidence: stage x tier, stage x concern, no inbound
    referral, no route to specialist help, transitions with no hand-over."""
    from carepath.queries.gaps import gaps as find_gaps

    emit(find_gaps(_load(data), area=area, kinds=kind or None), fmt, title="gaps", console=out)


@app.command()
def overlaps(area: AreaOpt = None, data: DataOpt = None, fmt: FormatOpt = Format.table) -> None:
    """Services covering the same stage x tier x concern, duplicated routes, deliberate overlaps."""
    from carepath.queries.overlaps import overlaps as find_overlaps

    emit(find_overlaps(_load(data), area=area), fmt, title="overlaps", console=out)


@app.command("stepped-care")
def stepped_care_cmd(
    area: AreaOpt = None,
    births: Annotated[int | None, typer.Option(min=0, help="Births a year, for expected "
                                               "families in need per tier.")] = None,
    flows: Annotated[bool, typer.Option(help="Show flows between tiers instead.")] = False,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """The stepped-care model: tiers in order, services, population need, flows."""
    from carepath.queries.stepped_care import stepped_care, tier_flows

    model = _load(data)
    df = tier_flows(model, area=area) if flows else stepped_care(model, area=area, births=births)
    emit(df, fmt, title="stepped care", console=out)


@app.command()
def eligible(
    at: Annotated[str, typer.Option("--at", help="The child's age, e.g. '4 months'.")],
    concern: ConcernOpt = None,
    severity: SeverityOpt = None,
    parent_age: Annotated[float | None, typer.Option(min=0, help="Parent's age in years.")] = None,
    area: AreaOpt = None,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Which services accept a family profile, which exclude it and why, and the route."""
    from carepath.queries.eligibility import eligible as check

    df = check(_load(data), week=_week(at), concern=concern, severity=severity,
               parent_age=parent_age, area=area)
    emit(df, fmt, title="eligibility", console=out)


@app.command()
def structure(area: AreaOpt = None, data: DataOpt = None, fmt: FormatOpt = Format.table) -> None:
    """Hubs and single points of failure (centrality, cut vertices)."""
    from carepath.queries.structure import structure as find

    emit(find(_load(data), area=area), fmt, title="structure", console=out)


@app.command()
def compare(
    area_a: Annotated[str, typer.Argument(help="First area id.")],
    area_b: Annotated[str, typer.Argument(help="Second area id.")],
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Two areas side by side: stage x tier coverage and the differences."""
    from carepath.queries.compare import compare_areas

    emit(compare_areas(_load(data), area_a, area_b), fmt, title="compare", console=out)


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(help="The old version's data (folder or file).")],
    new: Annotated[Path, typer.Argument(help="The new version's data (folder or file).")],
    fmt: FormatOpt = Format.table,
) -> None:
    """What changed between two versions of an area's data."""
    from carepath.queries.compare import diff as find_diff

    emit(find_diff(_load([old]), _load([new])), fmt, title="diff", console=out)


@app.command()
def whatif(
    remove: Annotated[list[str], typer.Option("--remove", help="Service ids to remove; "
                                              "repeatable.")],
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """The gaps and broken routes that appear if services are decommissioned."""
    from carepath.queries.compare import whatif_remove

    emit(whatif_remove(_load(data), remove), fmt, title="what if removed", console=out)


query_app = typer.Typer(help="Run SPARQL or Cypher, or the named query library.",
                         no_args_is_help=True)
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
        params[name.strip()] = value.strip()
    return params


def _query_text(query: str) -> str:
    path = Path(query)
    if path.suffix in (".rq", ".sparql", ".cypher", ".cql") and path.exists():
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
) -> None:
    """Run a named query with bound parameters."""
    from carepath.queries.named import ENGINES, load_library

    library = load_library()
    languages = [lang for n, lang in sorted(library.queries, key=lambda k: k[1] != "sparql")
                 if n == name]
    if not languages:
        library.get(name, "sparql")  # raises with the valid names
    language = engine or languages[0]
    if language not in ENGINES:
        raise UsageError(f"unknown engine {language!r}; expected sparql or cypher")
    df = ENGINES[language](_load(data)).run_named(name, _params(params), library=library)
    emit(df, fmt, title=library.get(name, language).title, console=out)


@query_app.command("sparql")
def query_sparql(
    query: Annotated[str, typer.Argument(help="SPARQL text, or a .rq file.")],
    params: ParamOpt = None,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Run SPARQL on the embedded Oxigraph store. Parameters bind projected variables; an id
    of the model binds as its IRI, anything else as a string."""
    import pyoxigraph as ox

    from carepath.graph.rdf import iri
    from carepath.queries.named import SparqlEngine

    model = _load(data)
    subs = {}
    for name, value in _params(params).items():
        kind = model.node_kind(value)
        subs[ox.Variable(name)] = iri(kind, value) if kind else ox.Literal(value)
    emit(SparqlEngine(model).query(_query_text(query), subs), fmt, console=out)


@query_app.command("cypher")
def query_cypher(
    query: Annotated[str, typer.Argument(help="Cypher text, or a .cypher file.")],
    params: ParamOpt = None,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Run Cypher on the embedded LadybugDB graph, with $parameters bound."""
    from carepath.queries.named import CypherEngine

    emit(CypherEngine(_load(data)).query(_query_text(query), _params(params)), fmt, console=out)


def main() -> None:
    """Entry point: run the app, turning carepath's errors into one-line messages.

    Usage errors (unknown command, bad option value) are handled by typer itself (exit 2).
    """
    try:
        app()
    except DataValidationError as exc:
        _print_problems(exc.problems)
        sys.exit(1)
    except (ExportError, UsageError, OSError) as exc:
        fail(str(exc), 2)
    except CarepathError as exc:
        fail(str(exc), 1)
