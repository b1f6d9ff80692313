"""``carepath import FORMAT`` and ``carepath export FORMAT``, generated from
:data:`carepath.standards.FORMATS`: one command per format, its own options from the
registry; a format whose export has options of its own (views, pictures, the pushes to
servers) names its command in the registry, which is registered here in the registry's order.

Annotations are evaluated at once (no ``from __future__ import annotations``): typer reads
them, and the generated commands' defaults and help come from each format.
"""

import inspect
from importlib import import_module
from pathlib import Path
from typing import Annotated, Any

import typer

from carepath.cli._common import (
    DataOpt,
    GraphDirOpt,
    export_app,
    import_app,
    load,
    out,
    print_problems,
)
from carepath.standards import FORMATS, Format, Option

OutOpt = Annotated[Path, typer.Option("--out", "-o", help="The carepath data folder to write.")]
MapOpt = Annotated[Path | None, typer.Option(
    "--map", "-m", help="Taxonomy mapping CSV (taxonomy, code, term, tier, concerns, stages); "
    "an import writes one to fill in.")]
AreaNameOpt = Annotated[str | None, typer.Option(
    "--area-name", help="Name of the area for services that name none.")]
ForceOpt = Annotated[bool, typer.Option("--force", help="Replace OUT if it exists.")]
ReportOpt = Annotated[Path | None, typer.Option(
    "--report", help="Also write what the format cannot hold to this Markdown file.")]


def _import_command(fmt: Format) -> None:
    def command(
        path: Annotated[Path, typer.Argument(help="The file or folder to read.")],
        out_dir: OutOpt,
        mapping: MapOpt = None,
        prefix: Annotated[str, typer.Option(
            "--prefix", help=f"Prefix of the new ids (default {fmt.name!r}).")] = fmt.name,
        area_name: AreaNameOpt = None,
        force: ForceOpt = False,
        data: DataOpt = None,
        graph: GraphDirOpt = None,
    ) -> None:
        result = fmt.importer()(path, out_dir, prefix=prefix, mapping=mapping,
                                area_name=area_name, force=force, together=data or ())
        _imported(result, out_dir)

    def carried(  # a format carrying carepath's own ids: no ids to make, no terms to map
        path: Annotated[Path, typer.Argument(help="The file or folder to read.")],
        out_dir: OutOpt,
        force: ForceOpt = False,
        data: DataOpt = None,
        graph: GraphDirOpt = None,
    ) -> None:
        _imported(fmt.importer()(path, out_dir, force=force, together=data or ()), out_dir)

    chosen = command if fmt.new_ids else carried
    chosen.__doc__ = (f"{fmt.import_help}\n\nWith --data, the new folder must also load "
                      "beside that data (no clashing ids).")
    import_app.command(fmt.name)(chosen)


def _imported(result: Any, out_dir: Path) -> None:
    print_problems(result.warnings)
    out.print(f"imported {len(result.services)} services in {len(result.areas)} areas "
              f"({len(result.organisations)} organisations) into {out_dir}; "
              f"{len(result.to_fill)} services need a tier or stages: see "
              f"{out_dir / 'IMPORT-REPORT.md'}", highlight=False, soft_wrap=True)


def _export_command(fmt: Format) -> None:
    def command(target: Path, data: list[Path] | None = None, report: Path | None = None,
                graph: Path | None = None, **options: object) -> None:
        from carepath.writing import write_atomic

        if fmt.target == "FILE" or report is not None:
            from carepath.writing import check_new_file

            force = bool(options.pop("replace", False) or options.get("force", False))
            for path in ([target] if fmt.target == "FILE" else []) + ([report] if report else []):
                check_new_file(path, force=force)  # before the work: it may be the user's
        model = load(data, graph)
        done = fmt.writer()(model, target, **options)
        lost = done.report.lost
        where = ""
        if report is not None:
            write_atomic(report, done.report.markdown())
            where = f"; {lost} facts {fmt.title} cannot hold are listed in {report}"
        elif fmt.target == "FOLDER" and (own := getattr(fmt.module, "REPORT_FILE", None)):
            # a format whose folder holds its own report (an HSDS package)
            where = f"; {lost} facts {fmt.title} cannot hold are listed in {target / own}"
        elif lost:
            where = f"; {lost} facts {fmt.title} cannot hold (list them with --report FILE)"
        checked = ", validated" if options.get("schemas") else ""
        out.print(f"wrote {target}: {len(model.services)} services, {len(model.areas)} areas"
                  f"{checked}{where}", highlight=False, soft_wrap=True)

    P = inspect.Parameter
    params = [
        P("target", P.POSITIONAL_OR_KEYWORD, annotation=Annotated[Path, typer.Argument(
            metavar=fmt.target, help=f"The {fmt.target.lower()} to write.")]),
        P("data", P.KEYWORD_ONLY, default=None, annotation=DataOpt),
        P("graph", P.KEYWORD_ONLY, default=None, annotation=GraphDirOpt),
        P("report", P.KEYWORD_ONLY, default=None, annotation=ReportOpt),
    ]
    if fmt.target == "FILE" and not any(opt.param == "force" for opt in fmt.options):
        params.append(P("replace", P.KEYWORD_ONLY, default=False, annotation=Annotated[
            bool, typer.Option("--force", help="Replace the file (and --report FILE) if it "
                               "exists.")]))
    params += [_option_param(opt) for opt in fmt.options]

    def run(**kwargs: object) -> None:
        target, data, report = kwargs.pop("target"), kwargs.pop("data"), kwargs.pop("report")
        command(target, data, report, kwargs.pop("graph"), **kwargs)

    run.__signature__ = inspect.Signature(params)  # typer reads the options from it
    run.__doc__ = fmt.description
    export_app.command(fmt.name)(run)


_KINDS: dict[str, type] = {"path": Path, "text": str, "int": int, "float": float,
                           "switch": bool, "toggle": bool}


def _option_param(opt: Option) -> inspect.Parameter:
    """The typer parameter of a registry :class:`~carepath.standards.Option`."""
    kind = "switch" if opt.switch else opt.kind
    py: Any = _KINDS[kind]
    if kind not in ("switch", "toggle") and opt.default is None and not opt.required:
        py = py | None
    flags = ([f"{opt.flag}/--no-{opt.flag.removeprefix('--')}"] if kind == "toggle"
             else [opt.flag, *([opt.short] if opt.short else [])])
    extra: dict[str, Any] = {"metavar": opt.metavar} if opt.metavar else {}
    if opt.minimum is not None:
        extra["min"] = opt.minimum
    default = (inspect.Parameter.empty if opt.required
               else False if kind == "switch" and opt.default is None else opt.default)
    return inspect.Parameter(opt.param, inspect.Parameter.KEYWORD_ONLY, default=default,
                             annotation=Annotated[py, typer.Option(*flags, help=opt.help,
                                                                   **extra)])


def _own_command(fmt: Format) -> None:
    """The export command of a format that names what it runs (``Format.command``): its
    options from the registry, then ``--data`` and ``--graph``; the target, when it is the
    command's argument, first."""
    module, _, function = fmt.command.partition(":")
    body = getattr(import_module(module), function)
    P = inspect.Parameter
    params = []
    if fmt.positional and fmt.target != "SERVER":
        params.append(P("target", P.POSITIONAL_OR_KEYWORD, annotation=Annotated[
            Path, typer.Argument(metavar=fmt.target, help=f"The {fmt.target.lower()} to "
                                 "write (new, empty, or written by carepath before).")]))
    params += [_option_param(opt) for opt in fmt.options if opt.required]
    params += [_option_param(opt) for opt in fmt.options if not opt.required]
    params += [P("data", P.KEYWORD_ONLY, default=None, annotation=DataOpt),
               P("graph", P.KEYWORD_ONLY, default=None, annotation=GraphDirOpt)]

    def run(**kwargs: object) -> None:
        body(**kwargs)

    run.__signature__ = inspect.Signature(params)  # typer reads the options from it
    run.__doc__ = body.__doc__ or fmt.description
    export_app.command(fmt.name)(run)


for _fmt in FORMATS.values():
    if _fmt.can_import:
        _import_command(_fmt)
for _fmt in FORMATS.values():
    (_own_command if _fmt.command else _export_command)(_fmt)
