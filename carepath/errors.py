"""All of carepath's exceptions, in one place.

Each is also a built-in exception chosen by meaning, so callers can catch either.

>>> issubclass(DataValidationError, ValueError)
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeVar


class CarepathError(Exception):
    """Base class of carepath's errors.

    ``options`` lists the phrases of the message that name a caller's option, written as in
    Python between backquotes (see :func:`naming`).
    """

    options: tuple[str, ...] = ()


E = TypeVar("E", bound=BaseException)


def naming(exc: E, *options: str) -> E:
    """``exc``, whose message names the caller's ``options`` as Python does, between backquotes.

    The library says what is wrong in its own terms (``force=True``, ``hops``,
    ``view='table'``), for a notebook as for the command line; the command line shows its
    flag in their place (``--force``, ``--hops``, ``--view table``): see
    :func:`carepath.cli._common.cli_message`.

    >>> exc = naming(QueryError("`hops` must be 1 or more, not 0"), "hops")
    >>> str(exc), exc.options
    ('`hops` must be 1 or more, not 0', ('hops',))
    """
    exc.options = options  # type: ignore[attr-defined]  # any exception carries them
    return exc


def plain(exc: BaseException) -> str:
    """The message of ``exc`` with the options it names (:func:`naming`) left bare, as the
    server's pages name their query parameters.

    >>> plain(naming(QueryError("`hops` must be 1 or more, not 0"), "hops"))
    'hops must be 1 or more, not 0'
    """
    message = str(exc)
    for option in getattr(exc, "options", ()):
        message = message.replace(f"`{option}`", option)
    return message


ProblemLevel = Literal["error", "warning"]  # an error stops loading; a warning is reported


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with input data, located as precisely as the input allows.

    >>> str(Problem("error", "unknown-tier", "data/dorset.yaml", 41, "tier", "unknown tier 'x'"))
    "data/dorset.yaml:41: tier: unknown tier 'x'"
    """

    level: ProblemLevel
    code: str
    file: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        what = f"{self.field}: " if self.field else ""
        return f"{where}: {what}{self.message}" if where else f"{what}{self.message}"


class DataValidationError(CarepathError, ValueError):
    """Input data has problems; ``problems`` lists every one of them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        errors = [p for p in self.problems if p.level == "error"]
        first = str(errors[0]) if errors else "no errors"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(first + more)


class RangeParseError(CarepathError, ValueError):
    """An age range that cannot be read, or that ends before it starts."""


class QueryError(CarepathError, ValueError):
    """A query that cannot run: unknown name, missing parameter, syntax error."""


class QueryRefused(QueryError):
    """A user's query the read-only sandbox will not run: an update, a SERVICE pattern, a
    write, file or network access (a server answers it with 403)."""


class ExportError(CarepathError, OSError):
    """An export that could not be written or delivered."""


class NameLookupError(QueryError, LookupError):
    """A name or id given by the user that fits nothing, several things, or a thing of another
    kind; ``candidates`` holds the ids it could mean. The command line treats it as a usage
    error (exit code 2)."""

    def __init__(self, message: str, candidates: list[str] | None = None) -> None:
        super().__init__(message)
        self.candidates = list(candidates or [])


class BuildError(CarepathError, OSError):
    """A build folder that cannot be used: missing, damaged, or from another carepath."""


class SnapshotError(CarepathError, ValueError):
    """A snapshot that cannot be read: damaged, or written for other model fields."""


class PartsError(CarepathError, ValueError):
    """A build's per-area parts that cannot be read: missing, damaged, or written for other
    model fields."""


class RouteGraphError(CarepathError, ValueError):
    """A build's route graph part that cannot be read (missing, damaged or another
    build's)."""


class OutputExistsError(ExportError, FileExistsError):
    """The target holds files carepath did not write (exit code 2)."""


class HistoryError(CarepathError, OSError):
    """A history that cannot be used as asked: no such version, a label already used, a bad
    date (exit code 2: a usage or file problem, not bad data)."""


class TimedOut(CarepathError, TimeoutError):
    """A query that ran past the time limit (HTTP 503)."""


class BadRequest(CarepathError, ValueError):
    """A request parameter that cannot be used (HTTP 400)."""


class TooLarge(BadRequest):
    """A request body over :data:`carepath.serve.endpoints.MAX_BODY` (HTTP 413)."""


class UnsafeBind(CarepathError, PermissionError):
    """An address beyond the loopback without a token."""


class UsageError(CarepathError):
    """A command used wrongly (exit code 2)."""
