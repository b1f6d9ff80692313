"""``carepath history``: save dated versions of the data, list them, say what changed."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from carepath.cli._common import app, out
from carepath.cli.spec import Asked, Question, register
from carepath.printing import DEFAULT_LIMIT, Format, emit

history_app = typer.Typer(help="Dated versions of the data: save, list, what changed.",
                          no_args_is_help=True, rich_markup_mode=None)
app.add_typer(history_app, name="history")

OneDataOpt = Annotated[Path | None, typer.Option(
    "--data", "-d", metavar="PATH", help="The data folder or file whose versions these are. "
    "Default: the bundled reference data (its history is in the current folder).")]
HistoryOpt = Annotated[Path | None, typer.Option(
    "--history", metavar="DIR", help="The history folder (default: .carepath-history beside "
    "the data).")]


@history_app.command("save")
def save(
    label: Annotated[str, typer.Option("--label", "-l", metavar="LABEL",
                                       help="The version's name, e.g. 2024-v4.")],
    valid_from: Annotated[str, typer.Option("--valid-from", metavar="DATE",
                                            help="The date the version is valid from "
                                            "(YYYY-MM-DD).")],
    note: Annotated[str | None, typer.Option(metavar="TEXT",
                                             help="What the version is.")] = None,
    data: OneDataOpt = None,
    history: HistoryOpt = None,
) -> None:
    """Save the data as a dated version (never replacing one already saved)."""
    from carepath.history import save_version

    version = save_version(data, label=label, valid_from=valid_from, note=note,
                           history=history)
    docs = "; ".join(f"{k} {v['version']}" for k, v in sorted(version.documents.items()))
    out.print(f"saved version {version.label} (valid from {version.valid_from}, "
              f"{len(version.files)} files) in {version.folder}", soft_wrap=True)
    if docs:
        out.print(f"document versions: {docs}", soft_wrap=True)


class ListFormat(StrEnum):
    """``history list`` output: the table formats, or the versions as RDF."""

    table = "table"
    json = "json"
    csv = "csv"
    turtle = "turtle"


@history_app.command("list")
def list_versions(
    data: OneDataOpt = None,
    history: HistoryOpt = None,
    fmt: Annotated[ListFormat, typer.Option(
        "--format", "-f", help="Output format; turtle: the versions as RDF, each "
        "prov:wasRevisionOf the one before.")] = ListFormat.table,
) -> None:
    """The saved versions, oldest first, with the dates they are valid from."""
    import pandas as pd

    from carepath.history import data_name, history_folder, versions, versions_turtle

    folder = history if history is not None else history_folder(data)
    found = versions(folder, data_name=None if history is not None else data_name(data))
    if fmt is ListFormat.turtle:
        out.print(versions_turtle(found), soft_wrap=True, end="")
        return
    fmt = Format(fmt.value)
    df = pd.DataFrame([v.record() for v in found],
                      columns=["label", "valid_from", "note", "saved_at", "files",
                               "documents", "content_hash", "build_format", "folder"])
    if df.empty and fmt is Format.table:
        out.print(f"no versions saved in {folder}; save one with carepath history save "
                  "--label L --valid-from DATE", soft_wrap=True)
        return
    emit(df, fmt, title=f"versions in {folder}", console=out, limit=DEFAULT_LIMIT,
         brief=["label", "valid_from", "note", "documents"])


ReportFormatOpt = Annotated[Format, typer.Option(
    "--format", "-f", help="table: the report as Markdown text (for a board paper); csv or "
    "json: one row per change.")]
HtmlOpt = Annotated[Path | None, typer.Option(
    "--html", metavar="FILE", help="Also write the report as an HTML page (a new file; "
    "--force to replace one).")]


def emit_report(found, fmt: Format, *, old: str, new: str, html: Path | None,
                force: bool = False) -> None:
    """Print the changes (Markdown for table, else rows) and write the HTML page if asked."""
    from carepath.changes_report import to_html, to_markdown

    if html is not None:
        from carepath.writing import check_new_file, output_file

        check_new_file(html, force=force)
        with output_file(html, force=force) as tmp:
            tmp.write_text(to_html(found, old=old, new=new), encoding="utf-8")
    if fmt is Format.table:
        from carepath.printing import literal

        out.print(literal(to_markdown(found, old=old, new=new)), soft_wrap=True)
    else:
        emit(found, fmt, console=out)


@history_app.command("diff")
def diff(
    old: Annotated[str, typer.Argument(help="The older version: a label or a date "
                                       "(YYYY-MM-DD: the version valid then).")],
    new: Annotated[str, typer.Argument(help="The newer version: a label, a date, or 'data' "
                                       "for the data as it is now.")],
    data: OneDataOpt = None,
    history: HistoryOpt = None,
    fmt: ReportFormatOpt = Format.table,
    html: HtmlOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing --html "
                                        "file.")] = False,
) -> None:
    """What changed between two versions, families' routes first."""
    from carepath.cache import open_data
    from carepath.cli._common import print_problems
    from carepath.history import data_name, find_version, history_folder
    from carepath.queries.changes import changes

    folder = history if history is not None else history_folder(data)
    name = None if history is not None else data_name(data)
    models, labels = [], []
    for ref in (old, new):
        if ref == "data":
            built, label = open_data([] if data is None else [data]), "the data now"
        else:
            version = find_version(folder, ref, data_name=name)
            built, label = open_data([version.data]), \
                f"{version.label} (valid from {version.valid_from})"
        print_problems(built.warnings)
        models.append(built.model)
        labels.append(label)
    emit_report(changes(*models), fmt, old=labels[0], new=labels[1], html=html, force=force)


def _stale(
    ask: Asked,
    older_than: Annotated[str, typer.Option("--older-than", metavar="AGE",
                                            help="How old is too old: 24m, 2y, 90d.")] = "24m",
    area: Annotated[str | None, typer.Option("--area", "-a", metavar="AREA",
                                             help="An area: id or name.")] = None,
) -> None:
    """Services whose facts were last assured (or whose source document is dated) before
    then."""
    from carepath.cli._common import cli_message, note
    from carepath.errors import QueryError, UsageError
    from carepath.queries.staleness import stale as find_stale

    try:
        found, undated = find_stale(ask.model, older_than=older_than, area=area)
    except QueryError as exc:  # a bad --older-than is a usage error
        raise UsageError(cli_message(exc)) from None
    ask.emit(found, title=f"stale: facts dated more than {older_than} ago")
    if undated and ask.table:
        note(f"{undated} services state no assured date and no dated document: "
             "not listed (their age is not stated)")


#: ``stale``, generated as the analyses are (:mod:`carepath.cli.spec`): no --columns, --limit
STALE = register(Question("stale", _stale, brief=["service", "name", "dated", "basis", "evidence"],
                          shared=("data", "graph", "fmt")))
