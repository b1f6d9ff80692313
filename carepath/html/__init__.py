"""Interactive HTML exports: one self-contained .html file per view, readable offline.

Each view is one module with ``TITLE``, ``DESCRIPTION`` and ``render(selection, *, nav) -> str``;
:data:`VIEWS` is the registry the CLI reads. Pages inline everything they need (styles,
scripts, data), load nothing from anywhere (a Content-Security-Policy forbids it), and escape
every text from the data: templates autoescape, data reaches scripts as JSON, and scripts
write text with ``textContent`` only.

>>> from carepath import load_reference
>>> html = to_html(load_reference(), "table", area="dorset")
>>> html.startswith("<!DOCTYPE html>"), "Perinatal and Maternal Mental Health Service" in html
(True, True)
>>> list(VIEWS)
['network', 'stepped-care', 'timeline', 'gaps', 'pathway', 'table', 'conformance']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from carepath.errors import ExportError, QueryError, plain
from carepath.graph.model import Model
from carepath.html import conformance, gaps, network, pathway, stepped_care, table, timeline
from carepath.html._page import NavLink, Selection, render_page, select
from carepath.html.images import IMAGES, clean_svg, screenshot, to_image, write_image
from carepath.writing import atomic_dir, check_target, write_atomic


@dataclass(frozen=True, slots=True)
class View:
    """One exported view: its name on the command line, title, description and renderer."""

    name: str
    title: str
    description: str
    render: Callable[..., str]  # (selection, *, nav) -> HTML

    @property
    def filename(self) -> str:
        return f"{self.name}.html"


VIEWS: dict[str, View] = {
    view.name: view for view in (
        View("network", network.TITLE, network.DESCRIPTION, network.render),
        View("stepped-care", stepped_care.TITLE, stepped_care.DESCRIPTION, stepped_care.render),
        View("timeline", timeline.TITLE, timeline.DESCRIPTION, timeline.render),
        View("gaps", gaps.TITLE, gaps.DESCRIPTION, gaps.render),
        View("pathway", pathway.TITLE, pathway.DESCRIPTION, pathway.render),
        View("table", table.TITLE, table.DESCRIPTION, table.render),
        View("conformance", conformance.TITLE, conformance.DESCRIPTION, conformance.render),
    )
}
SITE_INDEX = "index.html"


def get_view(name: str) -> View:
    """The view called ``name``; QueryError listing the views otherwise.

    >>> get_view("timeline").filename
    'timeline.html'
    >>> get_view("map")
    Traceback (most recent call last):
    ...
    carepath.errors.QueryError: unknown view 'map'; expected one of: network, stepped-care, ...
    """
    try:
        return VIEWS[name]
    except KeyError:
        raise QueryError(f"unknown view {name!r}; expected one of: {', '.join(VIEWS)} "
                         "(or 'all' for a site of every view)") from None


def to_html(model: Model, view: str, *, area: str | None = None, stage: str | None = None,
            tier: str | None = None, concern: str | None = None, focus: str | None = None,
            hops: int = 1) -> str:
    """One view as a self-contained HTML page.

    ``area``, ``stage``, ``tier`` and ``concern`` (ids or names) narrow what the page shows;
    ``focus`` (a service) with ``hops`` keeps only its neighbourhood (the focus view); the
    page's own filters narrow it further in the browser.

    Raises:
        QueryError: an unknown view, area, stage, tier or concern.
        ExportError: a network too large to draw (the message says how to filter it).

    Examples
    --------
    >>> from carepath import load_reference
    >>> html = to_html(load_reference(), "timeline", tier="inpatient")
    >>> "Mother and Baby Unit" in html, "Health Visiting" in html
    (True, False)
    """
    the_view = get_view(view)
    return the_view.render(select(model, area=area, stage=stage, tier=tier, concern=concern,
                                  focus=focus, hops=hops))


def write_html(model: Model, path: Path | str, *, view: str, area: str | None = None,
               stage: str | None = None, tier: str | None = None,
               concern: str | None = None, focus: str | None = None, hops: int = 1) -> Path:
    """Write one view to ``path`` atomically (a failed export leaves no file); returns the path.

    >>> import tempfile, pathlib
    >>> from carepath import load_reference
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "pathway.html"
    >>> write_html(load_reference(), out, view="pathway").stat().st_size > 1000
    True
    """
    html = to_html(model, view, area=area, stage=stage, tier=tier, concern=concern,
                   focus=focus, hops=hops)
    return write_atomic(path, html)


def _check_site_folder(folder: Path, *, force: bool = False) -> None:
    """Refuse a folder that holds files carepath did not write (see carepath.writing)."""
    check_target(folder, force=force)


def write_site(model: Model, folder: Path | str, *, area: str | None = None,
               stage: str | None = None, tier: str | None = None, concern: str | None = None,
               focus: str | None = None, hops: int = 1,
               step: Callable[[str], None] | None = None, force: bool = False) -> Path:
    """Write every view, an index page and SVG pictures of two of them into ``folder``.

    The folder is written as a whole, and replaces an earlier site only when every page was
    written; a folder holding other files is refused. A network too large to draw is left
    out, with the reason on the index page. ``step`` is called with each file's name before
    it is made (for a progress bar).

    Raises:
        QueryError: an unknown area, stage, tier or concern.
        ExportError: ``folder`` holds other files, or cannot be written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from carepath import load_reference
    >>> site = write_site(load_reference(), pathlib.Path(tempfile.mkdtemp()) / "site",
    ...                    area="dorset")
    >>> sorted(p.name for p in site.iterdir())  # doctest: +NORMALIZE_WHITESPACE
    ['.carepath-output.json', 'conformance.html', 'gaps.html', 'index.html', 'network.html',
     'pathway.html',
     'stepped-care.html',
     'stepped-care.svg', 'table.html', 'timeline.html', 'timeline.svg']
    """
    folder = Path(folder)
    _check_site_folder(folder, force=force)
    sel = select(model, area=area, stage=stage, tier=tier, concern=concern, focus=focus,
                 hops=hops)
    files: dict[str, str] = {}
    left_out: dict[str, str] = {}
    drawn = [v for v in VIEWS.values() if v.name != "network"
             or _network_fits(sel, left_out)]
    links = [NavLink(SITE_INDEX, "Overview")] + [NavLink(v.filename, v.title) for v in drawn]

    def nav(current: str) -> list[NavLink]:
        return [NavLink(link.href, link.title, link.href == current) for link in links]

    for view in drawn:
        if step:
            step(view.filename)
        files[view.filename] = view.render(sel, nav=nav(view.filename))
    for name, draw in IMAGES.items():
        if step:
            step(f"{name}.svg")
        files[f"{name}.svg"] = clean_svg(draw(sel))
    files[SITE_INDEX] = render_page(
        "index.html.j2", model=model, title="carepath: services map", selection=sel,
        nav=nav(SITE_INDEX), views=drawn, left_out=left_out, images=list(IMAGES),
        titles={v.name: v.title for v in VIEWS.values()})
    with atomic_dir(folder, force=force) as tmp:
        for name, text in files.items():
            write_atomic(tmp / name, text)
    return folder


def _network_fits(sel: Selection, left_out: dict[str, str]) -> bool:
    try:
        network.check_size(sel)
    except ExportError as exc:
        left_out["network"] = plain(exc)  # a page names options bare, as the server's do
        return False
    return True


__all__ = ["SITE_INDEX", "VIEWS", "View", "write_html", "write_image", "write_site",
           "get_view", "to_html", "to_image", "screenshot", "select"]
