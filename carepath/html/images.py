"""Static pictures of the stepped-care and timeline views, for reports and slides.

SVG is drawn by carepath itself from its own template (text stays text, escaped). PNG is that
same SVG photographed by headless Chromium through Playwright (``pip install playwright`` and a
Chromium, e.g. ``apt-get install chromium``; never ``playwright install``), with every request
blocked: one drawing, so the PNG and the SVG cannot disagree, with the browser's real fonts and
text layout, and no second plotting library to keep in step.

>>> from carepath import load_reference
>>> to_image(load_reference(), "timeline", area="dorset").startswith("<svg")
True
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from carepath.errors import ExportError, QueryError
from carepath.graph.model import Model
from carepath.html import stepped_care, timeline
from carepath.html._page import Selection, select
from carepath.writing import write_atomic

IMAGES: dict[str, Callable[[Selection], str]] = {
    "stepped-care": stepped_care.svg_of,
    "timeline": timeline.svg_of,
}
IMAGE_FORMATS = (".svg", ".png")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]


def to_image(model: Model, view: str, *, area: str | None = None, stage: str | None = None,
             tier: str | None = None, concern: str | None = None) -> str:
    """The picture of ``view`` ('stepped-care' or 'timeline') as SVG text.

    Raises:
        QueryError: a view without a picture, or an unknown area, stage, tier or concern.
    """
    try:
        draw = IMAGES[view]
    except KeyError:
        raise QueryError(f"no picture of view {view!r}; expected one of: "
                         f"{', '.join(IMAGES)}") from None
    return clean_svg(draw(select(model, area=area, stage=stage, tier=tier, concern=concern)))


def clean_svg(svg: str) -> str:
    """``svg`` without the characters XML cannot hold (the data's control characters, in a
    model made in code: the loaders refuse them), so that every XML reader takes it.

    >>> clean_svg("<svg><text>a\x0bb</text></svg>")
    '<svg><text>ab</text></svg>'
    """
    from carepath.standards.common import clean_text

    return clean_text(svg)


def chromium_path() -> str | None:
    """The Chromium to use: ``$CAREPATH_CHROMIUM``, else the first one on the PATH."""
    if os.environ.get("CAREPATH_CHROMIUM"):
        return os.environ["CAREPATH_CHROMIUM"]
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        if found := shutil.which(name):
            return found
    return None


def _off_event_loop(work: Callable[[], bytes]) -> bytes:
    """Run Playwright's sync API, in a worker thread when this thread runs an asyncio loop
    (as a Jupyter kernel does), where the sync API refuses to start."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


def svg_to_png(svg: str, *, scale: float = 2.0) -> bytes:
    """Photograph an SVG in headless Chromium with every request blocked."""
    if not 0.5 <= scale <= 4:
        raise QueryError(f"PNG scale {scale:g} is out of range; expected 0.5 to 4")
    try:
        from playwright.sync_api import Error, sync_playwright
    except ModuleNotFoundError as exc:
        raise ExportError("PNG export needs Playwright: pip install playwright "
                          "(or write .svg instead)") from exc
    executable = chromium_path()
    if executable is None:
        raise ExportError("PNG export needs Chromium (e.g. apt-get install chromium, or set "
                          "CAREPATH_CHROMIUM); or write .svg instead")
    size = re.search(r'width="(\d+)" height="(\d+)"', svg)
    width, height = (int(size.group(1)), int(size.group(2))) if size else (1200, 800)
    def photograph() -> bytes:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": width, "height": height},
                                        device_scale_factor=scale)
                page.route("**/*", lambda route: route.abort())
                page.set_content(f"<!DOCTYPE html><body style='margin:0'>{svg}</body>")
                return page.locator("svg").first.screenshot(type="png")
            finally:
                browser.close()

    try:
        return _off_event_loop(photograph)
    except Error as exc:
        raise ExportError(f"Chromium could not draw the PNG: {exc}") from exc


def write_image(model: Model, path: Path | str, *, view: str, area: str | None = None,
                stage: str | None = None, tier: str | None = None,
                concern: str | None = None, scale: float = 2.0) -> Path:
    """Write a picture of ``view`` to ``path`` (.svg, or .png through Chromium) atomically.

    The format comes from the file name; ``scale`` is the PNG's pixels per SVG unit.

    Raises:
        QueryError: a view without a picture, a name not ending in .svg or .png, or an unknown area,
            stage, tier or concern.
        ExportError: PNG without Playwright or Chromium, or a file that cannot be written.

    >>> import tempfile, pathlib
    >>> from carepath import load_reference
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "steps.svg"
    >>> write_image(load_reference(), out, view="stepped-care").read_text()[:4]
    '<svg'
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in IMAGE_FORMATS:
        raise QueryError(f"cannot tell the picture format from {path.name!r}; "
                         "expected a name ending in .svg or .png")
    svg = to_image(model, view, area=area, stage=stage, tier=tier, concern=concern)
    if suffix == ".svg":
        return write_atomic(path, svg)
    return write_atomic(path, svg_to_png(svg, scale=scale))


def screenshot(page: Path | str, path: Path | str, *, width: int = 1280, height: int = 800,
               timeout_s: float = 15.0) -> Path:
    """Photograph an exported page (``.html``) as a PNG, in headless Chromium, offline.

    Every request that is not the page itself or inline data is blocked; a network view is
    photographed once its layout has settled (or after ``timeout_s``). For notebooks and
    reports that want a picture of an interactive view without embedding it.

    Raises:
        ExportError: no Playwright or Chromium, or the page cannot be opened.
    """
    page, path = Path(page), Path(path)
    if not page.is_file():
        raise ExportError(f"no page to photograph at {page}")
    try:
        from playwright.sync_api import Error, sync_playwright
    except ModuleNotFoundError as exc:
        raise ExportError("screenshots need Playwright: pip install playwright") from exc
    if (executable := chromium_path()) is None:
        raise ExportError("screenshots need Chromium (e.g. apt-get install chromium, or set "
                          "CAREPATH_CHROMIUM)")
    def photograph() -> bytes:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            try:
                tab = browser.new_page(viewport={"width": width, "height": height})
                tab.route("**/*", lambda route: route.continue_()
                          if route.request.url.startswith(("file:", "data:")) else route.abort())
                tab.goto(page.resolve().as_uri())
                tab.wait_for_function("() => !(window.cp && window.cp.net) || window.cp.net.stable",
                                      timeout=timeout_s * 1000)
                return tab.screenshot(type="png")
            finally:
                browser.close()

    try:
        png = _off_event_loop(photograph)
    except Error as exc:
        raise ExportError(f"Chromium could not photograph {page.name}: "
                          f"{str(exc).splitlines()[0]}") from exc
    return write_atomic(path, png)
