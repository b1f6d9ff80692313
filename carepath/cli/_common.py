"""What every ``carepath`` command shares: the app and its sub-apps, options, errors, loading.

Exit codes: 0 success, 1 data problems (invalid data, failed query), 2 usage or I/O errors.
Errors are one line on stderr; data goes to stdout.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from carepath.errors import CarepathError, Problem
from carepath.output import Format

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
GraphDirOpt = Annotated[
    Path | None,
    typer.Option("--graph", "-g", help="A build folder (carepath build) to answer from, "
                 "instead of --data: nothing is re-read or rebuilt."),
]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
AreaOpt = Annotated[str | None, typer.Option("--area", "-a", help="An area id.")]
AtOpt = Annotated[str | None, typer.Option(
    "--at", help="The child's age: '4 months', '2 years', '20 weeks pregnant' or weeks.")]
ConcernOpt = Annotated[str | None, typer.Option(help="A concern id, e.g. maternal-mental-health.")]
SeverityOpt = Annotated[str | None, typer.Option(help="mild, moderate or severe.")]



class UsageError(CarepathError):
    """A command used wrongly (exit code 2)."""


def fail(message: str, code: int = 2) -> None:
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    sys.exit(code)


def print_problems(problems: list[Problem]) -> None:
    for p in problems:
        colour = "red" if p.level == "error" else "yellow"
        err.print(f"[{colour}]{p.level}[/]: {p}", highlight=False, soft_wrap=True)


def open_data(data: list[Path] | None, graph: Path | None = None):
    """The build a command answers from: ``--graph DIR``, a build folder given as ``--data``,
    or the cached build of the ``--data`` files (see :mod:`carepath.cache`)."""
    from carepath.build import is_build, open_build
    from carepath.cache import open_data as cached

    if graph is not None:
        if data:
            raise UsageError("give --data (source files) or --graph (a build folder), not both")
        return open_build(graph)
    if data and len(data) == 1 and is_build(data[0]):
        return open_build(data[0])
    return cached(data or [])


def load(data: list[Path] | None, graph: Path | None = None):
    """The model of ``--data`` or ``--graph``; loading warnings printed."""
    built = open_data(data, graph)
    model = built.model
    print_problems(built.warnings)
    return model




export_app = typer.Typer(help="Write the graph in other formats or push it to servers.",
                         no_args_is_help=True)
app.add_typer(export_app, name="export")
import_app = typer.Typer(help="Read other standards' files into carepath data files.",
                         no_args_is_help=True)
app.add_typer(import_app, name="import")


def week(at: str | None) -> float | None:
    """The child's age in weeks from ``--at`` text, or None."""
    from carepath.graph.stages import parse_age

    return None if at is None else parse_age(at)
