"""The question commands (``gaps``, ``refers``, ``conform``...) generated from a spec, as the
format commands are from :data:`carepath.standards.FORMATS`: each :class:`Question` names its
command, the function that answers it and how its answer is printed; :func:`register` gives
the command the options every question shares (``--data``, ``--graph``, ``--format``,
``--columns``, ``--limit``), reads the build once, resolves ``--area`` and prints the answer.

An answer function takes an :class:`Asked` first, then the command's own options, declared
as typer reads them (``Annotated`` with a ``typer.Option``); options after a bare ``*`` are
listed after the shared ones in ``--help``. It returns the rows to print with the question's
title, or None when it printed its answer itself.

>>> import inspect
>>> from carepath.cli import app
>>> gaps = next(c for c in app.registered_commands if c.name == "gaps")
>>> list(inspect.signature(gaps.callback).parameters)[-6:]
['data', 'graph', 'as_of', 'fmt', 'columns', 'limit']
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from carepath.cli._common import (
    ColumnsOpt,
    DataOpt,
    FormatOpt,
    GraphDirOpt,
    LimitOpt,
    app,
    load,
    load_routes,
    open_data,
    out,
    print_problems,
    resolve,
)
from carepath.printing import DEFAULT_LIMIT, Format, emit

if TYPE_CHECKING:
    from carepath.graph.model import Model

#: the options a question may share, in the order ``--help`` lists them
SHARED: dict[str, tuple[Any, Any]] = {
    "data": (DataOpt, None),
    "graph": (GraphDirOpt, None),
    "fmt": (FormatOpt, Format.table),
    "columns": (ColumnsOpt, None),
    "limit": (LimitOpt, DEFAULT_LIMIT),
}
EVERY = tuple(SHARED)


#: what of a build a question reads (:mod:`carepath.reading`): ``model``, the whole model;
#: ``area``, the part of its ``--area`` (the whole model without one); ``nodes``, the parts
#: of the services :attr:`Question.nodes` picks from its options (and of its ``--area``);
#: ``names``, the model without its relation statements, with the route graph
#: (:attr:`carepath.build.Build.names`: the route searches read the route graph, not the
#: relations). Each answers with the rows of the whole model (tests/test_parts.py,
#: test_routes_graph.py, tests/cli/test_spec.py).
Reads = Literal["model", "area", "nodes", "names"]


@dataclass(frozen=True)
class Question:
    """One question command: its name, the function that answers it (see the module's
    docstring) and how its answer prints: ``title``, the ``brief`` columns a terminal table
    shows and the ``summary`` counts that come first when a table is cut (see
    :func:`carepath.printing.emit`). ``shared`` names the shared options it takes;
    ``area``: whether its ``--area`` is resolved to an id before the answer function is
    called (False: the function resolves it, e.g. after checks that need no data)."""

    name: str
    answer: Callable[..., Any]
    title: str | None = None
    brief: Sequence[str] | None = None
    summary: Sequence[str] | Sequence[Sequence[str]] | None = None
    shared: tuple[str, ...] = EVERY
    area: bool = True
    reads: Reads = "model"
    nodes: Callable[[dict[str, Any]], list[str | None]] | None = None


@dataclass
class Asked:
    """What a question's answer function is given besides its own options: the build
    (``model``, read on first use) and how the answer is to be printed."""

    question: Question
    data: list[Path] | None = None
    graph: Path | None = None
    fmt: Format = Format.table
    columns: list[str] | None = None
    limit: int = DEFAULT_LIMIT
    _model: Model | None = field(default=None, repr=False)
    _built: Any = field(default=None, repr=False)
    _area: str | None = field(default=None, repr=False)
    nodes: list[str | None] = field(default_factory=list)  # the services asked about

    @property
    def built(self) -> Any:
        """The build the question reads (:func:`carepath.cli._common.open_data`), opened
        once; its loading warnings printed."""
        if self._built is None:
            self._built = open_data(self.data, self.graph)
            print_problems(self._built.warnings)
        return self._built

    @property
    def model(self) -> Model:
        """What the question reads of ``--data`` or ``--graph`` (:attr:`Question.reads`),
        read once."""
        if self._model is None:
            from carepath.reading import model_for_area, model_for_nodes

            reads = self.question.reads
            if reads == "model":
                self._model = load(self.data, self.graph)
            elif reads == "names":
                self._model = load_routes(self.data, self.graph)
            elif reads == "area":
                self._model, _ = model_for_area(self.built, self._area)
            else:
                self._model = model_for_nodes(self.built, self.nodes, area=self._area)
        return self._model

    @property
    def table(self) -> bool:
        """Whether the answer is a terminal table (not csv or json)."""
        return self.fmt is Format.table

    def area(self, text: str | None) -> str | None:
        """The id of the area ``text`` names (None stays None); a question reading parts
        looks it up among the build's areas alone, without reading the model."""
        if self.question.reads in ("area", "nodes") and self._model is None:
            from carepath.reading import resolve_area

            self._area = resolve_area(self.built, text)
            return self._area
        return resolve(self.model, text, ("area",), role="area")

    def emit(self, rows: Any, **how: Any) -> None:
        """Print ``rows`` as the question prints its answer (its title, brief and summary,
        ``--format``, ``--columns`` and ``--limit``); ``how`` overrides any of them."""
        q = self.question
        options = {"title": q.title, "brief": q.brief, "summary": q.summary,
                   "columns": self.columns, "limit": self.limit, **how}
        emit(rows, self.fmt, console=out, **options)


def register(question: Question) -> Callable[..., None]:
    """Add ``question``'s command to the app: its own options (the answer function's, after
    the :class:`Asked`) and the shared ones it takes; returns the command's callback."""
    own = list(inspect.signature(question.answer, eval_str=True).parameters.values())[1:]
    before = [p for p in own if p.kind is not inspect.Parameter.KEYWORD_ONLY]
    after = [p for p in own if p.kind is inspect.Parameter.KEYWORD_ONLY]
    shared = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=SHARED[name][0],
                                default=SHARED[name][1]) for name in question.shared]
    params = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in before] + shared + after
    names = {p.name for p in own}

    def command(**options: Any) -> None:
        asked = Asked(question, **{name: options.pop(name) for name in question.shared},
                      nodes=question.nodes(options) if question.nodes else [])
        if question.area and options.get("area") is not None:
            options["area"] = asked.area(options["area"])
        found = question.answer(asked, **{k: v for k, v in options.items() if k in names})
        if found is not None:
            asked.emit(found)

    command.__signature__ = inspect.Signature(params)  # typer reads the options from it
    command.__annotations__ = {p.name: p.annotation for p in params}
    command.__doc__ = question.answer.__doc__
    command.__name__ = question.answer.__name__.lstrip("_")
    command.__qualname__ = command.__name__
    command.__module__ = question.answer.__module__
    app.command(question.name)(command)
    return command

