"""The ASGI application: routes, the guard every request passes, and error pages.

Every request passes :class:`Guard`: the token (when the server has one) is checked, security
headers are added (the Content-Security-Policy of :data:`carepath.serve.pages.CSP`,
``nosniff``, no referrer, no framing), and one access-log line is written with the token taken
out. Errors become a clear status with a one-line message: 400 for a bad parameter or query,
403 for what the read-only endpoints refuse, 404, 413, 503 at the time limit, and a bare 500
(the traceback goes to the log, not to the client).
"""

from __future__ import annotations

import hmac
import logging
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from carepath.errors import BadRequest, QueryError, RangeParseError, TooLarge, plain
from carepath.serve import conformance
from carepath.serve.backend import Graph
from carepath.serve.endpoints import Endpoints
from carepath.serve.history import AsOf, HistoryPages
from carepath.serve.pages import CSP, EXPORT_VIEWS, PAGES, Site
from carepath.serve.sparql import Refused

__all__ = ["LOOPBACK_HOSTS", "TOKEN_COOKIE", "create_app"]

log = logging.getLogger("carepath.serve")
TOKEN_COOKIE = "carepath_token"
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "::1", "[::1]"]
SECURITY_HEADERS = [
    (b"content-security-policy", (CSP + "; frame-ancestors 'none'").encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),
]


def _without_token(query: str) -> str:
    return urlencode([(k, v) for k, v in parse_qsl(query, keep_blank_values=True)
                      if k != "token"])


class Guard:
    """Checks the token, adds the security headers and logs each request without its token."""

    def __init__(self, app: Any, *, token: str | None) -> None:
        self.app = app
        self.token = token

    def _matches(self, given: str | None) -> bool:
        return bool(given) and hmac.compare_digest(given.encode(), self.token.encode())

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = [0]

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS:
                    if name.decode() not in headers:
                        headers.raw.append((name, value))
            await send(message)

        try:
            response = self._check_token(scope)
            if response is None:
                await self.app(scope, receive, send_with_headers)
            else:
                await response(scope, receive, send_with_headers)
        finally:
            query = _without_token(scope.get("query_string", b"").decode("latin-1"))
            log.info('%s "%s %s%s" %d %.1f ms', (scope.get("client") or ("-",))[0],
                     scope["method"], scope["path"], "?" + query if query else "", status[0],
                     (time.perf_counter() - started) * 1000)

    def _check_token(self, scope: dict) -> Response | None:
        if self.token is None:
            return None
        request = Request(scope)
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("bearer ") and self._matches(auth[7:].strip()):
            return None
        if self._matches(request.cookies.get(TOKEN_COOKIE)):
            return None
        given = request.query_params.get("token")
        if self._matches(given):
            if request.method == "GET" and "text/html" in request.headers.get("accept", ""):
                # a browser: keep the token in a cookie, and take it out of the address
                query = _without_token(scope.get("query_string", b"").decode("latin-1"))
                response = RedirectResponse(scope["path"] + ("?" + query if query else ""),
                                            status_code=303)
                response.set_cookie(TOKEN_COOKIE, self.token, httponly=True,
                                    samesite="strict")
                return response
            return None
        return PlainTextResponse(
            "this server needs its token: send the header 'Authorization: Bearer TOKEN', or "
            "open any page once with ?token=TOKEN\n", status_code=401,
            headers={"WWW-Authenticate": 'Bearer realm="carepath"'})


def _error(request: Request, status: int, message: str) -> Response:
    path = request.url.path
    if path.startswith(("/api/", "/cypher")):
        return JSONResponse({"error": message}, status_code=status)
    if path.startswith("/sparql") or "text/html" not in request.headers.get("accept", ""):
        return PlainTextResponse(message + "\n", status_code=status)
    site: Site = request.app.state.site
    titles = {400: "Bad request", 403: "Refused", 404: "Not found", 413: "Too large",
              503: "Too slow"}
    return site.render("error.html.j2", title=titles.get(status, "Error"), current="",
                       status=status, message=message)


def _handler(status: int):
    async def handle(request: Request, exc: Exception) -> Response:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else plain(exc)
        return _error(request, status, str(message))

    return handle


async def _http_error(request: Request, exc: HTTPException) -> Response:
    messages = {404: f"no page at {request.url.path}; the pages are "
                     f"{', '.join(page.shown for page in PAGES)} and /api/...",
                405: f"{request.method} is not allowed here"}
    return _error(request, exc.status_code, messages.get(exc.status_code, str(exc.detail)))


async def _server_error(request: Request, exc: Exception) -> Response:
    log.exception("error answering %s", request.url.path)
    return PlainTextResponse("internal error: the server's log has the details\n",
                             status_code=500)


async def _no_icon(request: Request) -> Response:
    return Response(status_code=204)


def create_app(graph: Graph, *, token: str | None = None, cors: str | None = None,
               timeout: float = 10.0, row_limit: int = 10_000,
               allowed_hosts: list[str] | None = None,
               history: tuple[Path, str] | None = None, as_of: bool = True) -> Starlette:
    """The explorer and its endpoints over ``graph``.

    ``token``: required on every request when given. ``cors``: the one origin allowed to call
    from a browser (none by default). ``timeout`` (seconds) and ``row_limit`` bound every
    query. ``allowed_hosts``: the ``Host`` headers accepted (a server on the loopback accepts
    only loopback names, so a web page cannot reach it by DNS rebinding); None accepts any.
    ``history``: the history folder and data name of the served data (:mod:`carepath.history`)
    for ``/history`` and ``/diff``, and (unless not ``as_of``) every page's ``as_of=DATE``.

    >>> from carepath.serve.backend import open_graph
    >>> app = create_app(open_graph(), row_limit=100)
    >>> sorted(r.path for r in app.routes)[:4]
    ['/', '/api/conformance', '/api/gaps', '/api/network']
    >>> app.state.site.graph.close()
    """
    site = Site(graph, timeout=timeout)
    graph.start_workers()
    endpoints = Endpoints(site, row_limit=row_limit)
    versions = HistoryPages(site, *(history or (None, None)))
    answers = {
        "/": site.directory,
        "/service/{id}": site.service,
        "/routes": site.routes,
        "/gaps": site.gaps,
        "/network": site.network,
        "/table": site.table,
        "/conformance": conformance.page(site),
        "/history": versions.history,
        "/diff": versions.diff,
        **{f"/{name}": site.export_view(name) for name in EXPORT_VIEWS},
        "/sparql": endpoints.sparql,
        "/cypher": endpoints.cypher,
    }
    if set(answers) != {page.path for page in PAGES}:  # a page listed without an answer
        raise RuntimeError(f"serve.pages.PAGES and the app's pages differ: "
                           f"{sorted(set(answers) ^ {page.path for page in PAGES})}")
    routes = [
        *(Route(page.path, answers[page.path], methods=list(page.methods)) for page in PAGES),
        Route("/api/services", site.api_services),
        Route("/api/service/{id}", site.api_service),
        Route("/api/routes", site.api_routes),
        Route("/api/gaps", site.api_gaps),
        Route("/api/network", site.api_network),
        Route("/api/table", site.api_table),
        Route("/api/conformance", conformance.api_page(site)),
        Route("/favicon.ico", _no_icon),
    ]
    middleware = [Middleware(Guard, token=token)]
    if allowed_hosts is not None:
        middleware.append(Middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts))
    if cors:
        middleware.append(Middleware(CORSMiddleware, allow_origins=[cors],
                                     allow_methods=["GET", "POST"],
                                     allow_headers=["Authorization", "Content-Type", "Accept"]))
    if history is not None and as_of:  # ?as_of=DATE (inside the guards): the same pages
        # over the version valid then
        middleware.append(Middleware(AsOf, history=history, make_app=lambda g: create_app(
            g, timeout=timeout, row_limit=row_limit, history=history, as_of=False)))
    handlers = {
        TooLarge: _handler(413), BadRequest: _handler(400), QueryError: _handler(400),
        RangeParseError: _handler(400), Refused: _handler(403), LookupError: _handler(404),
        TimeoutError: _handler(503), HTTPException: _http_error, Exception: _server_error,
    }
    app = Starlette(routes=routes, middleware=middleware, exception_handlers=handlers)
    app.state.site = site
    return app
