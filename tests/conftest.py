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
    """Run the installed ``carepath`` command in a subprocess."""
    exe = shutil.which("carepath")
    cmd = [exe, *args] if exe else [sys.executable, "-m", "carepath", *args]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, input=input,
                          env={**os.environ, "COLUMNS": "200", **(env or {})}, timeout=300)


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
