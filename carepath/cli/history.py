"""``carepath history``: save dated versions of the data, list them, say what changed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from carepath.cli._common import FormatOpt, app, out
from carepath.output import DEFAULT_LIMIT, Format, emit

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


@history_app.command("list")
def list_versions(
    data: OneDataOpt = None,
    history: HistoryOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """The saved versions, oldest first, with the dates they are valid from."""
    import pandas as pd

    from carepath.history import data_name, history_folder, versions

    folder = history if history is not None else history_folder(data)
    found = versions(folder, data_name=None if history is not None else data_name(data))
    df = pd.DataFrame([v.record() for v in found],
                      columns=["label", "valid_from", "note", "saved_at", "files",
                               "documents", "content_hash", "build_format", "folder"])
    if df.empty and fmt is Format.table:
        out.print(f"no versions saved in {folder}; save one with carepath history save "
                  "--label L --valid-from DATE", soft_wrap=True)
        return
    emit(df, fmt, title=f"versions in {folder}", console=out, limit=DEFAULT_LIMIT,
         brief=["label", "valid_from", "note", "documents"])
