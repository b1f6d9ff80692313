"""A real headless Chromium for the HTML tests, started once per session, and exported pages.

Chromium is Debian's (``/usr/bin/chromium``, or ``$CAREPATH_CHROMIUM``) driven by Playwright's
Python API; the tests skip with the reason where either is missing, and fail under CI=true.
Every page is opened from ``file://`` with every other request aborted and recorded.
Screenshots go to ``$CAREPATH_SCREENSHOTS`` or the session's pytest temporary folder.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import carepath
from carepath.graph.model import (
    Area,
    Model,
    Provenance,
    Relation,
    RelationKind,
    Service,
    Statement,
)
from carepath.graph.stages import Interval
from carepath.html import write_site

from ..conftest import CHROMIUM, need  # noqa: F401 - CHROMIUM for the tests here

HERE = Path(__file__).parent
HOSTILE = HERE / "data" / "hostile"

# axe-core from npm (tests/html/package.json, pinned by its package-lock.json): installed by
# the first test that needs it (axe_script), or beforehand by .ci/run (npm ci --prefix tests/html)
AXE_IN_NODE_MODULES = Path("node_modules") / "axe-core" / "axe.min.js"
AXE = Path(os.environ.get("CAREPATH_AXE", HERE / AXE_IN_NODE_MODULES))
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
XSS_NAME = "<img src=x onerror=alert(1)>"


@dataclass
class Tab:
    """A page and what it did: console errors, requests that left the disk, dialogs."""

    page: Any
    errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert self.errors == [], f"console errors: {self.errors}"
        assert self.outside == [], f"requests outside file:/data: {self.outside}"
        assert self.dialogs == [], f"dialogs opened: {self.dialogs}"

    def axe(self) -> list[str]:
        """axe-core's WCAG 2.1 A/AA violations on the page as it is now, one line each:
        ``rule (impact): selector; selector``. Evaluated through the DevTools protocol, so
        the page's own Content-Security-Policy does not block it."""
        script = axe_script()
        if not self.page.evaluate("() => !!window.axe"):
            self.page.evaluate("() => {" + script.read_text(encoding="utf-8") + "\n}")
        found = self.page.evaluate(
            "tags => axe.run(document, {runOnly: tags, resultTypes: ['violations']})"
            ".then(r => r.violations.map(v => v.id + ' (' + v.impact + '): ' + "
            "v.nodes.slice(0, 4).map(n => n.target.join(' ')).join('; ')))", WCAG_21_AA)
        return list(found)

    def wait_network(self) -> None:
        """Wait until the network view has drawn once."""
        self.page.wait_for_function("() => window.cp && cp.net && cp.net.ready")


def install_axe(folder: Path) -> Path:
    """axe-core's script in ``folder``/node_modules, installed there with ``npm ci`` (the
    versions of ``folder``/package-lock.json) when it is missing, as tests/support installs
    the validators; a clean checkout runs the accessibility tests without a step of its own.

    Raises RuntimeError with npm's own message when npm is missing or fails (offline).
    """
    script = folder / AXE_IN_NODE_MODULES
    if script.exists():
        return script
    if shutil.which("npm") is None:
        raise RuntimeError(f"axe-core not found at {script}, and npm is not on PATH to "
                           "install it (apt-get install npm)")
    result = subprocess.run(["npm", "ci", "--prefix", str(folder), "--no-audit", "--no-fund",
                             "--silent"], capture_output=True, text=True, timeout=600)
    if result.returncode != 0 or not script.exists():
        raise RuntimeError(f"npm ci --prefix {folder} did not install axe-core: "
                           f"{(result.stderr or result.stdout).strip()[-500:]}")
    return script


@functools.cache
def _axe() -> Path | str:
    if "CAREPATH_AXE" in os.environ:
        return AXE if AXE.exists() else f"axe-core not found at {AXE} (CAREPATH_AXE)"
    try:
        return install_axe(HERE)
    except RuntimeError as exc:
        return str(exc)


def axe_script() -> Path:
    """axe.min.js, installed on first use in this session (skips, or fails in CI, with the
    reason when it cannot be)."""
    found = _axe()
    need(isinstance(found, Path), str(found))
    return found


@pytest.fixture
def open_page(browser) -> Iterator[Any]:
    """``open_page(path) -> Tab``: the file in a fresh tab, with the network blocked."""
    contexts: list[Any] = []

    def open_(path: Path, *, width: int = 1400, height: int = 1000) -> Tab:
        return new_tab(browser, contexts, Path(path).resolve().as_uri(), ("file:", "data:"),
                       width=width, height=height)

    yield open_
    for context in contexts:
        context.close()


def new_tab(browser: Any, contexts: list[Any], url: str, allowed: tuple[str, ...], *,
            width: int, height: int) -> Tab:
    """``url`` in a fresh tab (its context added to ``contexts``, for closing); a request to
    an address that starts with none of ``allowed`` is aborted and recorded in ``outside``;
    console errors, page errors and dialogs are recorded too."""
    context = browser.new_context(viewport={"width": width, "height": height})
    contexts.append(context)
    page = context.new_page()
    tab = Tab(page)

    def route(r: Any) -> None:
        if r.request.url.startswith(allowed):
            r.continue_()
        else:
            tab.outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: tab.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: tab.errors.append(str(e)))
    page.on("dialog", lambda d: (tab.dialogs.append(d.message), d.dismiss()))
    page.goto(url)
    return tab


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory) -> Path:
    folder = os.environ.get("CAREPATH_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        return Path(folder)
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="session")
def site(reference, tmp_path_factory) -> Path:
    """Every view of the reference data, as ``--view all`` writes it."""
    return write_site(reference, tmp_path_factory.mktemp("export") / "site")


@pytest.fixture(scope="session")
def hostile() -> Model:
    return carepath.load(HOSTILE)


@pytest.fixture(scope="session")
def hostile_site(hostile, tmp_path_factory) -> Path:
    return write_site(hostile, tmp_path_factory.mktemp("export") / "hostile")


def synthetic(reference: Model, *, areas: int, per_area: int) -> Model:
    """A large made-up graph for scale tests only: ``areas`` x ``per_area`` services in a
    referral chain each, the GP referring into each chain (every fact cites doc-000 as a
    placeholder: these are not facts about any real area)."""
    area_map, services, relations = {}, {}, []
    tiers = [t.id for t in reference.tiers_in_order()]
    for a in range(areas):
        area_id = f"synth-{a:02d}"
        area_map[area_id] = Area(area_id, f"Synthetic area {a}", Provenance("doc-000", 1))
        previous = "gp"
        for i in range(per_area):
            sid = f"{area_id}-s{i:04d}"
            services[sid] = Service(
                sid, f"Service {i} of area {a}", area_id, Provenance("doc-000", 1),
                tier=tiers[i % len(tiers)],
                windows=(Interval(-40 + i % 5 * 20, 52 + i % 7 * 30),))
            relations.append(Statement.of(Relation(
                f"r-{sid}", RelationKind.REFERS_TO, previous, sid, Provenance("doc-000", 2))))
            previous = sid
    return dataclasses.replace(reference, areas=area_map, services=services,
                               statements=relations, pathway=[], overlaps=[])
