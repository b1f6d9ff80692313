"""What every ``carepath`` command shares: the app and its sub-apps, options, errors, loading.

Exit codes: 0 success, 1 data problems (invalid data, failed query), 2 usage or I/O errors
(an unknown option, command, name or id). Errors are one line on stderr; data goes to stdout.
Imports stay light here (no pandas, no rich console until something prints) so that
``carepath --help`` answers at once.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
import typer.core

from carepath.errors import CarepathError, Problem
from carepath.output import DEFAULT_LIMIT, Format, literal

if TYPE_CHECKING:
    from carepath.graph.model import Model


def _flag_type(self: typer.core.TyperOption, ctx: Any) -> str | None:
    """A flag's help shows no ``<bool>``: the flag is the value."""
    return None if self.is_flag else _display_type(self, ctx)


def _type_name(self: Any, ctx: Any) -> str:
    """``--stage STAGE`` rather than ``--stage <str>`` in help."""
    shown = _plain_type(self, ctx)
    if shown in ("<str>", "<list[str]>", "<float>", "<int>") and self.name:
        return self.name.upper().replace("_", "-")
    return shown


# Help text only, not behaviour; guarded so another typer version just shows its own help.
_display_type = getattr(typer.core.TyperOption, "display_type_rich", None)
if _display_type is not None:
    typer.core.TyperOption.display_type_rich = _flag_type
_plain_type = getattr(getattr(typer.core, "_TyperParameter", None), "display_type", None)
if _plain_type is not None:
    typer.core._TyperParameter.display_type = _type_name


def _flag_runtime(self: typer.core.TyperOption) -> Any:
    """A flag's value is already a bool: no pydantic adapter to check it. Typer 0.29 builds
    one even for ``--help``, which imports pydantic (~0.1 s) before any help is printed."""
    if self._runtime_param is None and self.is_flag and \
            self.type_descriptor.annotation is bool:
        from typer._coercion import PassThroughRuntimeParam

        self._runtime_param = PassThroughRuntimeParam(
            annotation=bool, parameter_info=self.type_descriptor.parameter_info)
    return _runtime_param(self)


_runtime_param = getattr(typer.core.TyperOption, "get_runtime_param", None)
if _runtime_param is not None:  # typer >= 0.24; older typers check flags without pydantic
    typer.core.TyperOption.get_runtime_param = _flag_runtime

app = typer.Typer(
    name="carepath",
    help="A knowledge graph of perinatal and infant mental health services.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: typer's rich help imports markdown and pygments, ~0.15 s
)


class _Console:
    """A rich Console made on first use (rich costs ~0.1 s to import), printing text
    literally: no markup, no highlighting, no emoji codes."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console = None

    @property
    def real(self):
        if self._console is None:
            from rich.console import Console

            self._console = Console(markup=False, highlight=False, emoji=False, **self._options)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


err = _Console(stderr=True)
out = _Console()

DataOpt = Annotated[
    list[Path] | None,
    typer.Option("--data", "-d", metavar="PATH",
                 help="Data folder or file (.yaml/.csv/.xlsx); repeatable. "
                 "Default: the bundled reference data."),
]
GraphDirOpt = Annotated[
    Path | None,
    typer.Option("--graph", "-g", help="A build folder (carepath build) to answer from, "
                 "instead of --data: nothing is re-read or rebuilt."),
]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
AreaOpt = Annotated[str | None, typer.Option(
    "--area", "-a", metavar="AREA", help="An area: id or name, e.g. dorset.")]
AtOpt = Annotated[str | None, typer.Option(
    "--at", metavar="AGE", help="The child's age: '4 months', 4m, 6/52, 1y, '6 weeks "
    "postpartum', '20 weeks pregnant', pregnancy, a stage id, or weeks.")]
ConcernOpt = Annotated[str | None, typer.Option(
    metavar="CONCERN", help="A concern: id, name or everyday word, e.g. anxiety, bonding.")]
SeverityOpt = Annotated[str | None, typer.Option(metavar="SEVERITY",
                                                 help="mild, moderate or severe.")]
ColumnsOpt = Annotated[list[str] | None, typer.Option(
    "--columns", "-c", metavar="COLS",
    help="Columns to show, comma-separated (default: the key columns; csv/json: all).")]
LimitOpt = Annotated[int, typer.Option(
    min=0, metavar="N", help=f"Rows a table shows (default {DEFAULT_LIMIT}; 0: all). "
    "csv and json give every row.")]
ForceOpt = Annotated[bool, typer.Option(
    "--force", help="Write into a folder that holds files carepath did not write (those are "
    "kept, never replaced), or replace an existing single file.")]



class UsageError(CarepathError):
    """A command used wrongly (exit code 2)."""


def _error_text(label: str, style: str, message: str):
    from rich.text import Text

    return Text.assemble((label, style), ": ", literal(message))


def fail(message: str, code: int = 2) -> None:
    err.print(_error_text("error", "bold red", message), soft_wrap=True)
    sys.exit(code)


def note(message: str) -> None:
    """A one-line note on stderr (a hint beside an answer, not an error)."""
    sys.stdout.flush()
    err.print(_error_text("note", "yellow", message), soft_wrap=True)


def print_problems(problems: list[Problem]) -> None:
    for p in problems:
        colour = "red" if p.level == "error" else "yellow"
        err.print(_error_text(p.level, colour, str(p)), soft_wrap=True)


def open_data(data: list[Path] | None, graph: Path | None = None):
    """The build a command answers from: ``--graph DIR``, a build folder given as ``--data``,
    or the cached build of the ``--data`` files (see :mod:`carepath.cache`)."""
    from carepath.cache import CachedBuild, open_source

    if graph is not None and data:
        raise UsageError("give --data (source files) or --graph (a build folder), not both")
    built = open_source(data or [], graph=graph)
    if isinstance(built, CachedBuild):
        if built.problem is not None:  # e.g. a read-only cache: said once, answered anyway
            note(built.problem)
        built.on_problem = note
    return built


def load(data: list[Path] | None, graph: Path | None = None) -> Model:
    """The model of ``--data`` or ``--graph``; loading warnings printed."""
    built = open_data(data, graph)
    model = built.model
    print_problems(built.warnings)
    return model


export_app = typer.Typer(help="Write the graph in other formats or push it to servers.",
                         no_args_is_help=True, rich_markup_mode=None)
app.add_typer(export_app, name="export")
import_app = typer.Typer(help="Read other standards' files into carepath data files.",
                         no_args_is_help=True, rich_markup_mode=None)
app.add_typer(import_app, name="import")


def week(at: str | None, model: Model | None = None) -> float | None:
    """The child's age in weeks from ``--at`` text, or None; with ``model``, a stage id or
    name is read too (its midpoint)."""
    from carepath.graph.stages import parse_age

    if at is None:
        return None
    stages = None
    if model is not None:
        stages = {}
        for s in model.stages.values():
            for name in (s.id, s.name, *s.aliases):
                stages[name.lower()] = s.interval
    return parse_age(at, stages=stages)


def resolve(model: Model, text: str | None, kinds: Sequence[str], *, role: str | None = None,
            area: str | None = None) -> str | None:
    """The id ``text`` names (see :func:`carepath.lookup.resolve`); None stays None."""
    if text is None:
        return None
    from carepath.lookup import resolve as find

    return find(model, text, kinds, role=role, area=area)


def resolve_term(model: Model, text: str | None, kind: str) -> str | None:
    """A vocabulary term (concern, stage, tier, ...) by id, name or alias; None stays None."""
    return resolve(model, text, (kind,), role=kind)
