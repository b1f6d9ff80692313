"""``carepath export html`` (interactive pages) and ``carepath export image`` (SVG/PNG pictures).

A page is one self-contained .html file that works offline; ``--view all`` writes a folder with
an index page, every view and SVG pictures. Pictures of the stepped-care and timeline views
are SVG (drawn by carepath) or PNG (that SVG photographed by headless Chromium).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from carepath.cli._common import (
    AreaOpt,
    ConcernOpt,
    DataOpt,
    ForceOpt,
    GraphDirOpt,
    UsageError,
    err,
    load,
    out,
    resolve,
    resolve_term,
)

StageOpt = Annotated[str | None, typer.Option(
    "--stage", help="A canonical stage id or name, e.g. pregnancy, months-2-6.")]
TierOpt = Annotated[str | None, typer.Option(
    "--tier", help="A tier id or name, e.g. universal, specialist-perinatal.")]


MAX_HOPS = 6


def _views() -> list[str]:
    from carepath.html import VIEWS

    return list(VIEWS)


def html_cmd(
    view: Annotated[str | None, typer.Option(
        "--view", help="network, stepped-care, timeline, gaps, pathway, table, or all (a "
        "folder: index page, every view and SVG pictures).")] = None,
    area: AreaOpt = None,
    stage: StageOpt = None,
    tier: TierOpt = None,
    concern: ConcernOpt = None,
    focus: Annotated[str | None, typer.Option(
        "--focus", help="A service id or name: export only its neighbourhood (the focus "
        "view: this service and everything around it).")] = None,
    hops: Annotated[int | None, typer.Option(
        "--hops", help="With --focus: how many relations away to reach (default 1).")] = None,
    data: DataOpt = None,
    graph: GraphDirOpt = None,
    out_path: Annotated[Path | None, typer.Option(
        "--out", "-o", help="The .html file to write (a folder for --view all).")] = None,
    force: ForceOpt = False,
) -> None:
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
        from carepath.outputs import check_new_file

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


def image_cmd(
    view: Annotated[str | None, typer.Option(
        "--view", help="stepped-care or timeline.")] = None,
    area: AreaOpt = None,
    stage: StageOpt = None,
    tier: TierOpt = None,
    concern: ConcernOpt = None,
    scale: Annotated[float, typer.Option(
        help="PNG only: pixels per SVG unit (2 for sharp slides).")] = 2.0,
    data: DataOpt = None,
    graph: GraphDirOpt = None,
    out_path: Annotated[Path | None, typer.Option(
        "--out", "-o", help="FILE.svg, or FILE.png (needs Playwright and Chromium).")] = None,
    force: ForceOpt = False,
) -> None:
    """A static picture (SVG or PNG) of the stepped-care or timeline view, for reports."""
    from carepath.html import write_image
    from carepath.html.images import IMAGES

    if view not in IMAGES:
        _bad_view(view, list(IMAGES), what="picture")
    if out_path is None or out_path.suffix.lower() not in (".svg", ".png"):
        raise UsageError("say where to write with -o FILE.svg or -o FILE.png")
    from carepath.outputs import check_new_file

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
