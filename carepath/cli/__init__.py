"""The ``carepath`` command line: thin wrappers that parse, call the library and print.

Each module registers its commands on the shared app: ``core`` (build, validate, info, template),
``analyses`` (refers, routes, gaps, ...), ``query`` (SPARQL, Cypher, named queries).
Exit codes: 0 success, 1 data problems (invalid data, failed query), 2 usage or I/O errors.
"""

from __future__ import annotations

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
from carepath.cli._common import UsageError, add_as_of, app, fail, print_problems
from carepath.errors import (
    CarepathError,
    DataValidationError,
    ExportError,
    NameLookupError,
    RangeParseError,
)
from carepath.redact import redact

__all__ = ["app", "main"]

add_as_of(app)  # every question takes --as-of DATE (carepath.history)


def main() -> None:
    """Entry point: run the app, turning carepath's errors into one-line messages.

    Usage errors (unknown command, bad option value) are handled by typer itself (exit 2).
    """
    try:
        app()
    except DataValidationError as exc:
        print_problems(exc.problems)
        sys.exit(1)
    except (ExportError, UsageError, NameLookupError, RangeParseError, OSError) as exc:
        fail(redact(str(exc)), 2)
    except CarepathError as exc:
        fail(redact(str(exc)), 1)
