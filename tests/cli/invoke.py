"""The command line in this process (typer's CliRunner), as ``main()`` runs it: carepath's
errors become the one-line message and exit code a user sees."""

from __future__ import annotations

import contextlib
import io
import sys
from dataclasses import dataclass

from typer.testing import CliRunner


@dataclass
class Ran:
    exit_code: int
    stdout: str
    stderr: str


def cli(*args: str, columns: int = 80) -> Ran:
    """Run ``carepath ARGS`` in-process at ``columns`` wide; errors mapped as ``main()``
    maps them (exit 1 for data, 2 for usage, the message on stderr)."""
    from carepath.cli import _common, app
    from carepath.cli._common import UsageError, print_problems
    from carepath.errors import CarepathError, DataValidationError, NameLookupError

    _common.out._console = _common.err._console = None  # made again at this width
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": str(columns)})
    code, stderr = result.exit_code, result.stderr
    exc = result.exception
    if isinstance(exc, CarepathError):
        err = io.StringIO()
        with contextlib.redirect_stderr(err):  # printed as main() prints it
            _common.err._console = None
            if isinstance(exc, DataValidationError):
                print_problems(exc.problems)
                code = 1
            else:
                print(f"error: {exc}", file=sys.stderr)
                code = 2 if isinstance(exc, (UsageError, NameLookupError)) else 1
        stderr += err.getvalue()
    elif exc is not None and not isinstance(exc, SystemExit):
        raise exc
    _common.out._console = _common.err._console = None
    return Ran(code, result.stdout, stderr)
