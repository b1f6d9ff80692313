"""``carepath serve``: the pathway explorer and the SPARQL and Cypher endpoints, locally."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import typer

from carepath.cli._common import DataOpt, GraphDirOpt, app, cli_message, err, print_problems
from carepath.errors import UsageError


@app.command()
def serve(
    data: DataOpt = None,
    graph: GraphDirOpt = None,
    host: Annotated[str, typer.Option(help="Address to listen on; anything but the "
                                      "loopback needs a token.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port (0: any free one).")] = 8000,
    open_browser: Annotated[bool, typer.Option("--open", help="Open the directory in the "
                                               "browser.")] = False,
    token: Annotated[str | None, typer.Option(
        envvar="CAREPATH_TOKEN", show_envvar=True,
        help="A token every request must carry (Authorization: Bearer TOKEN, or ?token= "
        "once in a browser).")] = None,
    cors: Annotated[str | None, typer.Option(
        metavar="ORIGIN", help="Let pages from this one origin call the server.")] = None,
    timeout: Annotated[float, typer.Option(min=0.1, help="Seconds a query or page may "
                                           "take.")] = 10.0,
    row_limit: Annotated[int, typer.Option(min=1, help="Rows a /sparql or /cypher answer "
                                           "keeps.")] = 10_000,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No access log.")] = False,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes answering "
                                         "at once, each opening the build read-only (about "
                                         "1.4 GB each at national scale).")] = 1,
) -> None:
    """Serve the explorer (directory, service cards, routes, gaps, network, table, history)
    and the read-only /sparql and /cypher endpoints. Ctrl-C stops it."""
    from carepath.errors import UnsafeBind
    from carepath.serve.app import LOOPBACK_HOSTS, create_app
    from carepath.serve.backend import open_graph
    from carepath.serve.server import address, bind, check_bind, is_loopback
    from carepath.serve.server import serve as run_server

    if graph is not None and data:
        raise UsageError("give --data (source files) or --graph (a build folder), not both")
    try:
        check_bind(host, token)
    except UnsafeBind as exc:
        raise UsageError(cli_message(exc)) from None
    sock = bind(host, port)
    try:
        err.print(f"opening {graph or 'the build of the data (made once, then cached)'}...",
                  highlight=False)
        allowed = [*LOOPBACK_HOSTS, host] if is_loopback(host) else None
        options = {"token": token, "cors": cors, "timeout": timeout, "row_limit": row_limit,
                   "allowed_hosts": allowed, "history": _history(data, graph)}
        folder = _whole_build(data or [], graph) if workers > 1 else None
        if workers > 1 and folder is None:
            err.print("carepath serve: the cache cannot hold the build's stores, so one "
                      "process answers (--workers needs a build on disk: carepath build)",
                      highlight=False, soft_wrap=True)
            workers = 1
        if workers == 1:
            the_graph = open_graph(data or [], graph=graph)
            print_problems(the_graph.warnings)
            web = create_app(the_graph, **options)
        if not quiet:
            logging.basicConfig(stream=sys.stderr, format="%(message)s")
            logging.getLogger("carepath.serve").setLevel(logging.INFO)
        url = address(sock)
        if host in ("0.0.0.0", "::", "[::]"):  # every address: show one a browser can open
            url = url.replace(f"//{host.strip('[]')}:", "//127.0.0.1:").replace(
                "//[::]:", "//[::1]:")

        def ready() -> None:
            print(f"carepath serve: {url} (SPARQL: {url}sparql, Cypher: {url}cypher); "
                  "Ctrl-C stops it", flush=True)
            if open_browser:
                import webbrowser

                try:
                    opened = webbrowser.open(url)
                except webbrowser.Error:
                    opened = False
                if not opened:
                    err.print(f"carepath serve: no browser found to open; open {url} in one "
                              "yourself", highlight=False, soft_wrap=True)

        if workers > 1:
            from carepath.serve.backend import source_label
            from carepath.serve.workers import WorkerSpec, serve_workers

            spec = WorkerSpec(folder[0], source_label(data or [], graph=graph), options,
                              quiet=quiet)
            print_problems(folder[1])
            serve_workers(spec, sock, count=workers, on_ready=ready)
        else:
            try:
                run_server(web, sock, on_ready=ready)
            except KeyboardInterrupt:  # uvicorn raises Ctrl-C again once it has shut down
                pass
            finally:
                the_graph.close()
    finally:
        sock.close()
    print("carepath serve: stopped", flush=True)


def _whole_build(data: list[Path], graph: Path | None) -> tuple[Path, list] | None:
    """The build folder the workers open, with its stores made (the cached build of
    ``data`` gets them now, once, rather than in every worker), and its warnings; None if
    the cache cannot hold the stores."""
    from carepath.cache import open_source

    build = open_source(data, graph=graph)
    build.oxigraph()  # checked (a build folder) or made (the cache): then closed again
    build.ladybug().close()
    if getattr(build, "problem", None) is not None:
        return None
    return build.folder, list(build.warnings)


def _history(data: list[Path] | None, graph: Path | None) -> tuple[Path, str] | None:
    """The history folder and data name of the served data, if it is one data folder or the
    bundled data (a build folder or several data paths have none)."""
    from carepath.build import is_build
    from carepath.history import data_name, history_folder

    if graph is not None or (data and (len(data) > 1 or is_build(data[0]))):
        return None
    one = data[0] if data else None
    return history_folder(one), data_name(one)
