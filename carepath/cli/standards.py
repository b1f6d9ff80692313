"""``carepath import hsds|fhir`` and ``carepath export hsds|fhir|graphml|gexf|jsonld``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from carepath.cli._common import (
    DataOpt,
    GraphDirOpt,
    err,
    export_app,
    import_app,
    load,
    out,
    print_problems,
)

OutOpt = Annotated[Path, typer.Option("--out", "-o", help="The carepath data folder to write.")]
MapOpt = Annotated[Path | None, typer.Option(
    "--map", "-m", help="Taxonomy mapping CSV (taxonomy, code, term, tier, concerns, stages); "
    "an import writes one to fill in.")]
AreaNameOpt = Annotated[str | None, typer.Option(
    "--area-name", help="Name of the area for services that name none.")]
ForceOpt = Annotated[bool, typer.Option("--force", help="Replace OUT if it exists.")]


def _prefix_opt(default: str) -> object:
    return typer.Option("--prefix", help=f"Prefix of the new ids (default {default!r}).")


def _imported(result, out_dir: Path) -> None:
    print_problems(result.warnings)
    services = result.services
    out.print(f"imported {len(services)} services in {len(result.areas)} areas "
              f"({len(result.organisations)} organisations) into {out_dir}; "
              f"{len(result.to_fill)} services need a tier or stages: see "
              f"{out_dir / 'IMPORT-REPORT.md'}", highlight=False, soft_wrap=True)


@import_app.command("hsds")
def import_hsds_cmd(
    path: Annotated[Path, typer.Argument(help="An HSDS 3 package folder, its datapackage.json, "
                                         "or an API response .json.")],
    out_dir: OutOpt,
    mapping: MapOpt = None,
    prefix: Annotated[str, _prefix_opt("hsds")] = "hsds",
    area_name: AreaNameOpt = None,
    force: ForceOpt = False,
    data: DataOpt = None,
) -> None:
    """Open Referral HSDS 3 / UK services into carepath data files (YAML).

    With --data, the new folder must also load beside that data (no clashing ids).
    """
    from carepath.standards.hsds import import_hsds

    result = import_hsds(path, out_dir, prefix=prefix, mapping=mapping, area_name=area_name,
                         force=force, together=data or ())
    _imported(result, out_dir)


@import_app.command("fhir")
def import_fhir_cmd(
    path: Annotated[Path, typer.Argument(help="A FHIR R4 HealthcareService or Bundle (.json or "
                                         ".xml), or a folder of them.")],
    out_dir: OutOpt,
    mapping: MapOpt = None,
    prefix: Annotated[str, _prefix_opt("fhir")] = "fhir",
    area_name: AreaNameOpt = None,
    force: ForceOpt = False,
    data: DataOpt = None,
) -> None:
    """FHIR R4 HealthcareService resources into carepath data files (YAML).

    With --data, the new folder must also load beside that data (no clashing ids).
    """
    from carepath.standards.fhir import import_fhir

    result = import_fhir(path, out_dir, prefix=prefix, mapping=mapping, area_name=area_name,
                         force=force, together=data or ())
    _imported(result, out_dir)


@export_app.command("hsds")
def export_hsds_cmd(
    folder: Annotated[Path, typer.Argument(help="The package folder to write (replaced).")],
    schemas: Annotated[Path | None, typer.Option(
        help="Folder of the HSDS 3 JSON Schemas: validate before writing.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace FOLDER even if it is not a "
                                        "data package.")] = False,
    data: DataOpt = None,
    graph: GraphDirOpt = None,
) -> None:
    """An Open Referral HSDS 3 data package, and a report of what HSDS cannot hold."""
    from carepath.standards.hsds import REPORT_FILE, export_hsds, to_hsds

    model = load(data, graph)
    export_hsds(model, folder, schemas=schemas, force=force)
    report = to_hsds(model).report
    out.print(f"wrote {folder}: {len(model.services)} services, {len(model.areas)} areas"
              f"{', validated' if schemas else ''}; {report.lost} facts HSDS cannot hold are "
              f"listed in {folder / REPORT_FILE}", highlight=False, soft_wrap=True)


@export_app.command("fhir")
def export_fhir_cmd(
    file: Annotated[Path, typer.Argument(help="The Bundle to write: .json, or .xml for XML.")],
    report: Annotated[Path | None, typer.Option(
        help="Also write what FHIR cannot hold to this Markdown file.")] = None,
    data: DataOpt = None,
    graph: GraphDirOpt = None,
) -> None:
    """A FHIR R4 Bundle of Organization, Location and HealthcareService resources."""
    from carepath.files import write_atomic
    from carepath.standards.fhir import export_fhir, to_fhir_with_report

    model = load(data, graph)
    export_fhir(model, file)
    lost = to_fhir_with_report(model)[1]
    if report is not None:
        write_atomic(report, lost.markdown())
    where = f"listed in {report}" if report else "listed with --report FILE"
    out.print(f"wrote {file}: {len(model.services)} HealthcareService resources; {lost.lost} "
              f"facts FHIR cannot hold are {where}", highlight=False, soft_wrap=True)


def _graph_command(name: str, help_text: str) -> None:
    def command(
        file: Annotated[Path, typer.Argument(help="The file to write.")],
        data: DataOpt = None,
        graph: GraphDirOpt = None,
    ) -> None:
        from carepath.standards import GRAPH_EXPORTERS

        model = load(data, graph)
        GRAPH_EXPORTERS[name](model, file)
        err.print(f"wrote {file}", highlight=False)

    command.__doc__ = help_text
    export_app.command(name)(command)


for _name, _help in (("graphml", "The property graph as GraphML (yEd, Cytoscape)."),
                     ("gexf", "The property graph as GEXF (Gephi)."),
                     ("jsonld", "The RDF graph as JSON-LD (the Turtle export's triples).")):
    _graph_command(_name, _help)
