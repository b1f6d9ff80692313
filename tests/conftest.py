"""Shared fixtures: the reference model, small real fixtures, and the source documents."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

import carepath

TESTS = Path(__file__).parent
FIXTURES = TESTS / "data"
REPO = TESTS.parent
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM = os.environ.get("CAREPATH_CHROMIUM", "/usr/bin/chromium")
# the tests (and the CLI processes they start) keep their cached builds to themselves
os.environ.setdefault("CAREPATH_CACHE_DIR", tempfile.mkdtemp(prefix="carepath-test-cache-"))


def need(condition: bool, reason: str) -> None:
    """Skip with ``reason`` on a developer's machine; fail in CI, where everything must run."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def reference() -> carepath.Model:
    return carepath.load_reference()


@pytest.fixture(scope="session")
def tiny() -> carepath.Model:
    return carepath.load(FIXTURES / "tiny")


@pytest.fixture(scope="session")
def seeds() -> Path:
    need(SEEDS.is_dir(), f"source documents not found at {SEEDS}")
    return SEEDS


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None,
            input: str | None = None) -> subprocess.CompletedProcess:
    """Run the installed ``carepath`` command in a subprocess: for the one test of each exit
    path that needs a real process; :func:`cli` runs the same command in this one."""
    exe = shutil.which("carepath")
    cmd = [exe, *args] if exe else [sys.executable, "-m", "carepath", *args]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, input=input,
                          env={**os.environ, "COLUMNS": "200", **(env or {})}, timeout=300)


def cli(*args: str, cwd: Path | None = None, env: dict | None = None,
        input: str | None = None, columns: int = 200) -> subprocess.CompletedProcess:
    """Run ``carepath ARGS`` in this process as its entry point runs it (``main()``: the
    one-line errors and exit codes), through click's CliRunner; the same answer as
    :func:`run_cli` without starting Python and importing carepath again (about a second a
    call). An exception that escapes ``main()`` lands in ``stderr`` as its traceback, exit 1.

    >>> cli("services", "--search", "mother and baby unit", "--columns", "id").returncode
    0
    """
    import traceback

    from click.testing import CliRunner

    from carepath.cli import _common, main

    class _Entry:  # what CliRunner calls: carepath's entry point, reading sys.argv
        def main(self, args: list[str], prog_name: str, **_: object) -> None:
            sys.argv = [prog_name, *args]
            main()

    def fresh_consoles() -> None:  # made on first use: again for this run's width and streams
        for console in (_common.err, _common.out):
            console._console = None

    argv, here = sys.argv, Path.cwd()
    fresh_consoles()
    try:
        if cwd is not None:
            os.chdir(cwd)
        result = CliRunner().invoke(_Entry(), list(args), input=input, prog_name="carepath",
                                    env={"COLUMNS": str(columns), **(env or {})})
    finally:
        sys.argv = argv
        os.chdir(here)
        fresh_consoles()
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(result.exception))
    return subprocess.CompletedProcess(["carepath", *args], result.exit_code, result.stdout,
                                       stderr)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session, shared by tests/html and tests/serve:
    Playwright's sync API allows one ``sync_playwright()`` at a time in a thread, so a second
    session fixture elsewhere would fail with "Sync API inside the asyncio loop"."""
    try:
        from playwright.sync_api import sync_playwright
    except ModuleNotFoundError:
        sync_playwright = None
    need(sync_playwright is not None, "Playwright is not installed (pip install playwright)")
    need(Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()
