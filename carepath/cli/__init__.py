"""The ``carepath`` command line: thin wrappers that parse, call the library and print.

Each module registers its commands on the shared app: ``core`` (build, validate, info, template),
``analyses`` (refers, routes, gaps, ...), ``query`` (SPARQL, Cypher, named queries).
Exit codes: 0 success, 1 data problems (invalid data, failed query), 2 usage or I/O errors.
"""

from __future__ import annotations

import errno
import io
import os
import sys

# Each import registers its commands, in the order `carepath --help` lists them.
from carepath.cli import core  # noqa: F401

# isort: split
from carepath.cli import services, show  # noqa: F401

# isort: split
from carepath.cli import analyses, conform, query  # noqa: F401

# isort: split
from carepath.cli import html  # noqa: F401

# isort: split
from carepath.cli import (
    history,  # noqa: F401
    serve,  # noqa: F401
    servers,  # noqa: F401
    standards,  # noqa: F401
    synth,  # noqa: F401
)
from carepath.cli._common import add_as_of, app, cli_message, fail, print_problems
from carepath.errors import (
    CarepathError,
    DataValidationError,
    ExportError,
    NameLookupError,
    RangeParseError,
    UsageError,
)
from carepath.redact import redact

__all__ = ["app", "main"]

add_as_of(app)  # every question takes --as-of DATE (carepath.history)


def _checked_stdout() -> None:
    """Standard output whose every write is checked. With ``PYTHONUNBUFFERED`` it is a raw
    file whose short writes Python drops without a word: ``refers --format csv > file`` on
    a full disk stopped at 2 MB of 19.6 MB with exit code 0. A buffered writer retries a
    short write, so a full disk raises an error instead."""
    stream = sys.stdout
    if isinstance(getattr(stream, "buffer", None), io.RawIOBase):
        sys.stdout = io.TextIOWrapper(io.BufferedWriter(stream.buffer),
                                      encoding=stream.encoding, errors=stream.errors,
                                      line_buffering=True)


def _drop_stdout() -> None:
    """After standard output failed: the rest of it goes to the null device, so that the
    flush at exit does not fail again with a second message."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):
        pass


def _output_failed(exc: OSError) -> None:
    _drop_stdout()
    reason = "no space left on the device" if exc.errno in (errno.ENOSPC, errno.EDQUOT) \
        else (exc.strerror or str(exc))
    fail(f"cannot write the output: {reason}; what was written is incomplete", 2)


def main() -> None:
    """Entry point: run the app, turning carepath's errors into one-line messages.

    Usage errors (unknown command, bad option value) are handled by typer itself (exit 2).
    Standard output is flushed before the exit, so a write that fails (a full disk) is an
    error with exit code 2, never a silently short output.
    """
    _checked_stdout()
    try:
        try:
            app()
        finally:
            sys.stdout.flush()
    except DataValidationError as exc:
        print_problems(exc.problems, exc.options)
        sys.exit(1)
    except (ExportError, UsageError, NameLookupError, RangeParseError, OSError) as exc:
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EIO,
                                                      errno.EFBIG):
            _output_failed(exc)  # carepath's own files say so themselves (ExportError)
        fail(redact(cli_message(exc)), 2)
    except CarepathError as exc:
        fail(redact(cli_message(exc)), 1)
