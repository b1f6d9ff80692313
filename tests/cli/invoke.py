"""The command line in this process at a planner's 80 columns: :func:`tests.conftest.cli`
(carepath's real ``main()``, its one-line errors and exit codes) with the names these tests
read (``exit_code``)."""

from __future__ import annotations

from dataclasses import dataclass

from ..conftest import cli as _cli


@dataclass
class Ran:
    exit_code: int
    stdout: str
    stderr: str


def cli(*args: str, columns: int = 80) -> Ran:
    """Run ``carepath ARGS`` in-process at ``columns`` wide, as ``main()`` runs it."""
    ran = _cli(*args, columns=columns)
    return Ran(ran.returncode, ran.stdout, ran.stderr)
