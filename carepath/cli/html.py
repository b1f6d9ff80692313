"""``carepath export html`` (interactive pages) and ``carepath export image`` (SVG/PNG pictures).

A page is one self-contained .html file that works offline; ``--view all`` writes a folder with
an index page, every view and SVG pictures. Pictures of the stepped-care and timeline views
are SVG (drawn by carepath) or PNG (that SVG photographed by headless Chromium).

The commands are generated from the format registry (:data:`carepath.standards.FORMATS`, which
holds their options); these are what they run.
"""

from __future__ import annotations

from pathlib import Path

from carepath.cli._common import (
    err,
    load,
    out,
    resolve,
    resolve_term,
)
from carepath.errors import UsageError

MAX_HOPS = 6


def _views() -> list[str]:
    from carepath.html import VIEWS

    return list(VIEWS)


def html_cmd(*, view: str | None = None, area: str | None = None, stage: str | None = None,
             tier: str | None = None, concern: str | None = None, focus: str | None = None,
             hops: int | None = None, data: list[Path] | None = None,
             graph: Path | None = None, out_path: Path | None = None,
             force: bool = False) -> None:
    """Interactive HTML: one self-contained page per view, to open offline or send by email."""
    from carepath.html import write_html, write_site

    views = _views()
    if view != "all" and view not in views:
        _bad_view(view, views)
    if out_path is None:
        raise UsageError("say where to write with -o FILE" + (" (a folder)" if view == "all"
                                                              else ".html"))
    if out_path.suffix.lower() in (".svg", ".png"):
        raise UsageError(f"export html writes HTML, not {out_path.suffix}; for a picture use "
                         "carepath export image --view stepped-care|timeline -o FILE"
                         f"{out_path.suffix}")
    if view == "all" and out_path.suffix.lower() in (".html", ".htm"):
        raise UsageError(f"--view all writes a folder of pages; give a folder name, not "
                         f"{out_path.name!r}")
    if hops is not None and focus is None:
        raise UsageError("--hops goes with --focus SERVICE (the neighbourhood of a service)")
    if hops is not None and not 1 <= hops <= MAX_HOPS:
        raise UsageError(f"--hops must be between 1 and {MAX_HOPS}, not {hops}")
    hops = hops or 1
    model = load(data, graph)
    area, stage, tier, concern = _names(model, area, stage, tier, concern)
    if view != "all":
        from carepath.writing import check_new_file

        check_new_file(out_path, force=force)  # before the work: the file may be the user's
        path = write_html(model, out_path, view=view, area=area, stage=stage, tier=tier,
                           concern=concern, focus=focus, hops=hops)
        out.print(f"wrote {path} ({_size(path)})", highlight=False, soft_wrap=True)
        return
    files = len(views) + 2
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  console=err.real, transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task("writing the site", total=files)

        def step(name: str) -> None:
            progress.update(task, description=f"drawing {name}", advance=1)

        folder = write_site(model, out_path, area=area, stage=stage, tier=tier,
                            concern=concern, focus=focus, hops=hops, step=step,
                            force=force)
    names = sorted(p.name for p in folder.iterdir())
    out.print(f"wrote {folder}/ ({len(names)} files: {', '.join(names)}); open "
              f"{folder / 'index.html'}", highlight=False, soft_wrap=True)


def image_cmd(*, view: str | None = None, area: str | None = None, stage: str | None = None,
              tier: str | None = None, concern: str | None = None, scale: float = 2.0,
              data: list[Path] | None = None, graph: Path | None = None,
              out_path: Path | None = None, force: bool = False) -> None:
    """A static picture (SVG or PNG) of the stepped-care or timeline view, for reports."""
    from carepath.html import write_image
    from carepath.html.images import IMAGES

    if view not in IMAGES:
        _bad_view(view, list(IMAGES), what="picture")
    if out_path is None or out_path.suffix.lower() not in (".svg", ".png"):
        raise UsageError("say where to write with -o FILE.svg or -o FILE.png")
    from carepath.writing import check_new_file

    check_new_file(out_path, force=force)
    model = load(data, graph)
    area, stage, tier, concern = _names(model, area, stage, tier, concern)
    path = write_image(model, out_path, view=view, area=area, stage=stage, tier=tier,
                        concern=concern, scale=scale)
    out.print(f"wrote {path} ({_size(path)})", highlight=False, soft_wrap=True)


def _bad_view(view: str | None, views: list[str], what: str = "view") -> None:
    if view is None:
        raise UsageError(f"choose a {what} with --view: one of {', '.join(views)}"
                         + (", or all" if what == "view" else ""))
    raise UsageError(f"unknown {what} {view!r} for --view; expected one of: {', '.join(views)}"
                     + (", all" if what == "view" else ""))


def _size(path: Path) -> str:
    size = path.stat().st_size
    return f"{size / 1024:,.0f} kB" if size >= 1024 else f"{size} bytes"


def _names(model, area, stage, tier, concern):
    """The filters' ids from ids, names or aliases (see carepath.lookup)."""
    return (resolve(model, area, ("area",), role="area"), resolve_term(model, stage, "stage"),
            resolve_term(model, tier, "tier"), resolve_term(model, concern, "concern"))
