"""What every ``carepath`` command shares: the app and its sub-apps, options, errors, loading.

Exit codes: 0 success, 1 data problems (invalid data, failed query), 2 usage or I/O errors
(an unknown option, command, name or id). Errors are one line on stderr; data goes to stdout.
Imports stay light here (no pandas, no rich console until something prints) so that
``carepath --help`` answers at once.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
import typer.core

from carepath.errors import Problem, UsageError
from carepath.printing import DEFAULT_LIMIT, Format, literal

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
AsOfOpt = Annotated[str | None, typer.Option(
    "--as-of", metavar="DATE", help="Answer from the saved version of the data valid on "
    "DATE (YYYY-MM-DD; see carepath history).")]
ForceOpt = Annotated[bool, typer.Option(
    "--force", help="Write into a folder that holds files carepath did not write (those are "
    "kept, never replaced), or replace an existing single file.")]


def _error_text(label: str, style: str, message: str):
    from rich.text import Text

    return Text.assemble((label, style), ": ", literal(message))


# the library's parameters whose flag is not their name with dashes
_FLAGS = {"week": "--at",  # the command line reads an age ('4 months'); the library, weeks
          "date": "--as-of"}  # carepath.history.version_at


def flag(option: str) -> str:
    """The command line's flag for an option the library names as Python does.

    >>> flag("force=True"), flag("valid_from"), flag("view='table'"), flag("week")
    ('--force', '--valid-from', '--view table', '--at')
    """
    name, _, value = option.partition("=")
    name = name.strip()
    text = _FLAGS.get(name, "--" + name.replace("_", "-"))
    return text if value in ("", "True") else f"{text} {value.strip(chr(39) + chr(34))}"


def cli_message(exc: BaseException) -> str:
    """The message of ``exc`` as the command line says it: each option the library names
    (:func:`carepath.errors.naming`) given as its flag.

    >>> from carepath.errors import OutputExistsError, naming
    >>> cli_message(naming(OutputExistsError("x.xlsx already exists; give a new file name, "
    ...                                      "or `force=True` to replace it"), "force=True"))
    'x.xlsx already exists; give a new file name, or --force to replace it'
    """
    return with_flags(str(exc), getattr(exc, "options", ()))


def with_flags(message: str, options: Sequence[str]) -> str:
    """``message`` with each of ``options`` (between backquotes) given as its flag."""
    for option in options:
        message = message.replace(f"`{option}`", flag(option))
    return message


def fail(message: str, code: int = 2) -> None:
    err.print(_error_text("error", "bold red", message), soft_wrap=True)
    sys.exit(code)


def note(message: str) -> None:
    """A note on stderr (a hint beside an answer, not an error), wrapped at spaces to the
    terminal's width with a hanging indent: never an id split mid-word."""
    import textwrap

    sys.stdout.flush()
    lines = textwrap.wrap(literal(message), max(err.width - 6, 30), break_long_words=False,
                          break_on_hyphens=False) or [""]
    err.print(_error_text("note", "yellow", "\n      ".join(lines)), soft_wrap=True)


_LINES_SHOWN = 8  # lines a repeated problem lists


def counted(problems: Sequence[Problem]) -> list[str]:
    """The problems as lines to print, the same problem in one file (an unknown source on
    79 lines) said once with the count and the first lines it is on.

    >>> p = [Problem("error", "unknown-source", "a.yaml", n, "source", "unknown source 'x'")
    ...      for n in (6, 56, 59)]
    >>> counted(p)
    ["a.yaml:6: source: unknown source 'x' (the same on 2 more lines: 56, 59)"]
    """
    groups: dict[tuple, list[Problem]] = {}
    for p in problems:
        groups.setdefault((p.level, p.code, p.file, p.field, p.message), []).append(p)
    lines = []
    for same in groups.values():
        text = str(same[0])
        more = [p.line for p in same[1:] if p.line is not None]
        if len(same) > 1:
            at = ", ".join(map(str, more[:_LINES_SHOWN])) + (", ..." if len(more) > _LINES_SHOWN
                                                              else "")
            text += (f" (the same on {len(same) - 1} more line{'s' if len(same) > 2 else ''}: "
                     f"{at})" if more else f" ({len(same) - 1} more like it)")
        lines.append(text)
    return lines


def print_problems(problems: list[Problem], options: Sequence[str] = ()) -> None:
    """Every problem on stderr, one line each; the same problem repeated in a file is said
    once, counted (see :func:`counted`); ``options`` named in them are given as flags."""
    levels: dict[tuple, str] = {}
    for p in problems:
        levels.setdefault((p.level, p.code, p.file, p.field, p.message), p.level)
    for level, text in zip(levels.values(), counted(problems), strict=True):
        colour = "red" if level == "error" else "yellow"
        err.print(_error_text(level, colour, with_flags(text, options)), soft_wrap=True)


def open_data(data: list[Path] | None, graph: Path | None = None, as_of: str | None = None):
    """The build a command answers from: ``--graph DIR``, a build folder given as ``--data``,
    or the cached build of the ``--data`` files (see :mod:`carepath.cache`); with ``as_of``,
    of the version of the ``--data`` folder valid on that date (:mod:`carepath.history`)."""
    from carepath.cache import CachedBuild, open_source

    as_of = as_of if as_of is not None else _AS_OF.get()
    if as_of is not None:
        from carepath.history import data_as_of

        if graph is not None or (data and len(data) > 1):
            raise UsageError("--as-of reads the saved versions of one --data folder; "
                             "give no --graph and at most one --data")
        version = data_as_of(data[0] if data else None, as_of)
        note(f"answering from version {version.label} (valid from {version.valid_from})")
        data, graph = [version.data], None
    if graph is not None and data:
        raise UsageError("give --data (source files) or --graph (a build folder), not both")
    built = open_source(data or [], graph=graph)
    if isinstance(built, CachedBuild):
        if built.problem is not None:  # e.g. a read-only cache: said once, answered anyway
            note(built.problem)
        built.on_problem = note
    return built


def load(data: list[Path] | None, graph: Path | None = None,
         as_of: str | None = None) -> Model:
    """The model of ``--data`` or ``--graph`` (as of a date, with ``as_of``); loading
    warnings printed."""
    built = open_data(data, graph, as_of)
    model = built.model
    print_problems(built.warnings)
    return model


def load_nodes(data: list[Path] | None, graph: Path | None, nodes: Sequence[str | None],
               area: str | None = None) -> tuple[Model, str | None]:
    """The model a question about ``nodes`` (``--from``, ``--to``, a card's id) and ``--area``
    needs (their areas' parts of the build when every node is a service id:
    :func:`carepath.reading.model_for_nodes`; else the whole model) and the area's id;
    loading warnings printed."""
    from carepath.reading import model_for_nodes, resolve_area

    built = open_data(data, graph)
    area = resolve_area(built, area)
    model = model_for_nodes(built, nodes, area=area)
    print_problems(built.warnings)
    return model, area


def load_routes(data: list[Path] | None, graph: Path | None = None,
                as_of: str | None = None) -> Model:
    """The model a route search needs (``routes``, ``need``): the build's names and its
    route graph (:attr:`carepath.build.Build.names`), not its million relations (at
    national 0.1 s against 1.2 s); loading warnings printed."""
    built = open_data(data, graph, as_of)
    model = built.names
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


_AS_OF: ContextVar[str | None] = ContextVar("as_of", default=None)
NO_AS_OF = frozenset({"serve"})  # commands with --data that do not answer from open_data


def add_as_of(typer_app: typer.Typer) -> None:
    """Give every command that reads ``--data``/``--graph`` an ``--as-of DATE`` option,
    in this one place: the date is kept for the run and :func:`open_data` answers from the
    version of the data valid then. Commands added later are not changed.

    >>> import inspect
    >>> from carepath.cli import app
    >>> cmd = next(c for c in app.registered_commands if c.callback.__name__ == "services")
    >>> "as_of" in inspect.signature(cmd.callback).parameters
    True
    """
    for info in typer_app.registered_commands:
        callback = info.callback
        if callback is None or getattr(callback, "_as_of", False):
            continue
        name = info.name or callback.__name__.replace("_", "-")
        params = inspect.signature(callback).parameters
        if name not in NO_AS_OF and {"data", "graph"} <= params.keys():
            info.callback = _with_as_of(callback)
    for group in typer_app.registered_groups:
        if group.typer_instance is not None:
            add_as_of(group.typer_instance)


def _with_as_of(callback: Callable[..., Any]) -> Callable[..., Any]:
    import functools
    import typing

    hints = typing.get_type_hints(callback, include_extras=True)
    params = []
    for param in inspect.signature(callback).parameters.values():
        params.append(param.replace(annotation=hints.get(param.name, param.annotation)))
        if param.name == "graph":
            params.append(inspect.Parameter("as_of", inspect.Parameter.KEYWORD_ONLY
                                            if param.kind is inspect.Parameter.KEYWORD_ONLY
                                            else inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                            default=None, annotation=AsOfOpt))

    @functools.wraps(callback)
    def run(*args: Any, as_of: str | None = None, **kwargs: Any) -> Any:
        token = _AS_OF.set(as_of)
        try:
            return callback(*args, **kwargs)
        finally:
            _AS_OF.reset(token)

    run.__signature__ = inspect.Signature(params)
    run.__annotations__ = {**hints, "as_of": AsOfOpt}
    run._as_of = True
    return run
