"""The explorer's history pages: ``/history`` lists the saved versions of the served data,
``/diff?from=A&to=B`` renders what changed between two of them, families' routes first
(:mod:`carepath.queries.changes`, :mod:`carepath.changes_report`).

The versions are those of the one data folder the server was started on
(:mod:`carepath.history`); A and B are labels or dates (the version valid then). Each
comparison is worked out once and kept while the server runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from carepath.errors import BadRequest, plain
from carepath.serve.params import text

MAX_KEPT = 16  # comparisons kept while the server runs


class HistoryPages:
    """``/history`` and ``/diff`` over the history folder ``folder`` of the served data."""

    def __init__(self, site: Any, folder: Path | None, data_name: str | None) -> None:
        self.site = site
        self.folder = folder
        self.data_name = data_name
        self._kept: dict[tuple[str, str], dict[str, Any]] = {}

    def _versions(self) -> list[Any]:
        from carepath.history import versions

        if self.folder is None:
            return []
        return versions(self.folder, data_name=self.data_name)

    async def history(self, request: Request) -> Response:
        found = await self.site.call(self._versions)
        return self.site.render("history.html.j2", title="History", current="/history",
                                versions=found,
                                folder=str(self.folder) if self.folder else "no folder "
                                "(the server was not started on one data folder)")

    def _diff(self, old: str, new: str) -> dict[str, Any]:
        from carepath.cache import open_data
        from carepath.changes_report import facts_phrase, report_sections
        from carepath.errors import HistoryError
        from carepath.history import find_version
        from carepath.queries.changes import changes

        if (old, new) in self._kept:
            return self._kept[old, new]
        if self.folder is None:
            raise BadRequest("no saved versions: the server was not started on one data "
                             "folder (carepath serve --data FOLDER)")
        try:
            a = find_version(self.folder, old, data_name=self.data_name)
            b = find_version(self.folder, new, data_name=self.data_name)
        except HistoryError as exc:
            raise BadRequest(plain(exc)) from None
        found = changes(open_data([a.data]).model, open_data([b.data]).model)
        page = {"old": f"{a.label} (valid from {a.valid_from})",
                "new": f"{b.label} (valid from {b.valid_from})", "total": len(found),
                "sections": report_sections(found),
                "facts": facts_phrase(int((found.section == "re-cited").sum())
                                      if not found.empty else 0)}
        if len(self._kept) >= MAX_KEPT:
            self._kept.pop(next(iter(self._kept)))
        self._kept[old, new] = page
        return page

    async def diff(self, request: Request) -> Response:
        p = request.query_params
        old, new = text(p, "from"), text(p, "to")
        if not old or not new:
            raise BadRequest("give two versions: /diff?from=LABEL&to=LABEL (labels or dates "
                             "YYYY-MM-DD; see /history)")
        page = await self.site.call(lambda: self._diff(old, new))
        return self.site.render("diff.html.j2", title="What changed", current="/history",
                                **page)


class AsOf:
    """ASGI middleware: a request with ``as_of=DATE`` is answered by the explorer over the
    version of the served data valid on that date (made on first use and kept; every page
    says which version it shows). The links a page makes keep its query, ``as_of`` too.

    ``make_app(graph)`` makes the explorer over a graph (:func:`carepath.serve.app.create_app`
    with the server's settings).
    """

    def __init__(self, app: Any, *, history: tuple[Path, str] | None,
                 make_app: Any) -> None:
        self.app = app
        self.history = history
        self.make_app = make_app
        self._apps: dict[str, Any] = {}
        self._graphs: list[Any] = []

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or b"as_of=" not in scope.get("query_string", b""):
            await self.app(scope, receive, send)
            return
        from urllib.parse import parse_qs

        from starlette.responses import PlainTextResponse

        query = parse_qs(scope["query_string"].decode("latin-1"))
        as_of = (query.get("as_of") or [""])[0].strip()
        if not as_of:
            await self.app(scope, receive, send)
            return
        try:
            app = await self._app_at(as_of)
        except BadRequest as exc:
            await PlainTextResponse(str(exc) + "\n", status_code=400)(scope, receive, send)
            return
        await app(scope, receive, send)

    async def _app_at(self, as_of: str) -> Any:
        import anyio

        from carepath.errors import HistoryError
        from carepath.history import parse_date, version_at

        if self.history is None:
            raise BadRequest("as_of: no saved versions (the server was not started on one "
                             "data folder)")
        folder, name = self.history
        try:
            version = version_at(folder, parse_date(as_of, "as_of"), data_name=name)
        except HistoryError as exc:  # a bad date names as_of itself; else say what it is about
            raise BadRequest(plain(exc) if exc.options else f"as_of: {exc}") from None
        if version.label not in self._apps:
            def make() -> Any:
                from carepath.serve.backend import open_graph

                graph = open_graph([version.data])
                graph.label = (f"version {version.label} (valid from {version.valid_from}) "
                               f"of {name}")
                self._graphs.append(graph)
                return self.make_app(graph)

            self._apps[version.label] = await anyio.to_thread.run_sync(make)
        return self._apps[version.label]
