"""Commands that build, check and describe the graph: build, validate, info, template."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from carepath.cli._common import (
    DataOpt,
    ForceOpt,
    FormatOpt,
    GraphDirOpt,
    app,
    err,
    load,
    out,
    print_problems,
)
from carepath.errors import DataValidationError
from carepath.printing import Format, emit

ShaclLimitOpt = Annotated[int | None, typer.Option(
    min=0, help="Skip SHACL (with a warning) above this many triples (default 250,000); "
    "0: no limit.")]

@app.command()
def build(
    data: DataOpt = None,
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path(
        "carepath-build"),
    shacl: Annotated[bool, typer.Option(help="Check the RDF against the SHACL shapes.")] = True,
    shacl_limit: ShaclLimitOpt = None,
    force: ForceOpt = False,
) -> None:
    """Load and validate data, build every view, write them to a folder and print a summary."""
    import pandas as pd
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from carepath.build import build as run_build

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=err.real, transient=True) as progress:
        task = progress.add_task("starting", total=None)
        limit = {} if shacl_limit is None else {"shacl_limit": shacl_limit}
        result = run_build(data or [], out=out_dir, shacl=shacl, **limit, force=force,
                           step=lambda name: progress.update(task, description=name))
    print_problems(result.warnings)
    if result.parts and len(set(result.parts.values())) > 1:  # committed in two steps
        from carepath.build import FIRST_PARTS

        first = max(result.parts[p] or 0 for p in FIRST_PARTS)
        whole = max(t or 0 for t in result.parts.values())
        err.print(f"questions on the model could be asked after {first:.1f} s; the stores "
                  f"were ready after {whole:.1f} s", highlight=False)
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
    shacl_limit: ShaclLimitOpt = None,
) -> None:
    """Check data and report every problem at once (file, line or row, field)."""
    from carepath.loaders import load_with_warnings
    from carepath.ontology import shacl_problems

    try:
        model, warnings = load_with_warnings(*(paths or []))
    except DataValidationError as exc:
        print_problems(exc.problems, exc.options)
        errors = sum(1 for p in exc.problems if p.level == "error")
        err.print(f"{errors} error(s): nothing was built", style="red")
        raise typer.Exit(1) from None
    limit = {} if shacl_limit is None else {"limit": shacl_limit}
    if shacl:
        from carepath.graph.rdf import to_store

        warnings = warnings + shacl_problems(to_store(model, with_ontology=False), **limit)
    problems = warnings
    print_problems(problems)
    if any(p.level == "error" for p in problems):
        raise typer.Exit(1)
    counts = model.counts()
    out.print(f"valid: {counts['areas']} areas, {counts['services']} services, "
              f"{counts['relations']} relations, {len(warnings)} warning(s)", highlight=False)


@app.command()
def info(data: DataOpt = None, graph: GraphDirOpt = None,
         fmt: FormatOpt = Format.table) -> None:
    """Counts by kind; the areas, tiers, stages, concerns, professions, interventions and
    sources with their ids (read any of them with `carepath show ID`)."""
    from carepath.queries.inventory import SECTIONS, inventory

    df = inventory(load(data, graph))
    if fmt is not Format.table:
        emit(df, fmt)
        return
    for section, title in SECTIONS.items():
        part = df[df.section == section].drop(columns="section")
        if section == "count":
            part = part[(part["count"] > 0) | ~part["id"].str.startswith("relations:")]
            part = part.drop(columns="name")
        emit(part, fmt, title=title, console=out, limit=0)


@app.command()
def template(
    path: Annotated[Path, typer.Argument(help="out.xlsx for a workbook, or a folder for CSVs.")],
    force: ForceOpt = False,
) -> None:
    """Write the spreadsheet template planners fill in."""
    from carepath.loaders.template import write_template

    written = write_template(path, force=force)
    out.print(f"wrote {written}", highlight=False)


cache_app = typer.Typer(help="The per-user cache of builds that --data questions reuse.",
                        no_args_is_help=True)
app.add_typer(cache_app, name="cache")


@cache_app.command("clear")
def cache_clear() -> None:
    """Remove every cached build (they are made again when next needed)."""
    from carepath.cache import cache_dir, clear

    removed = clear()
    out.print(f"removed {removed} cached build(s) from {cache_dir()}", highlight=False)


@cache_app.command("where")
def cache_where() -> None:
    """Print the cache folder."""
    from carepath.cache import cache_dir

    out.print(str(cache_dir()), highlight=False, soft_wrap=True)
