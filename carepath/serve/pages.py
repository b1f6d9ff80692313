"""The explorer's pages and their JSON twins under ``/api``: the directory, the service card,
routes, gaps, a neighbourhood and the table.

Each page reads its state from the query string only (a URL reproduces the page), is rendered
on the server with carepath's page CSS, escapes every text from the data (Jinja2 autoescaping)
and needs no JavaScript: filters are GET forms, sorting and paging are links.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import quote, urlencode

import anyio
import jinja2
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

import carepath
from carepath.errors import BadRequest, QueryError, RangeParseError, plain
from carepath.graph.model import FAMILY, RELATIVES, RelationKind
from carepath.html._page import (
    NO_TIER_COLOUR,
    RELATION_STYLES,
    environment,
    static,
    step_codes,
    tier_colours,
    window_text,
)
from carepath.printing import records
from carepath.serve.backend import Graph
from carepath.serve.index import NETWORK_STEPS, Index
from carepath.serve.params import choice, integer, text
from carepath.serve.tables import COLUMNS, Tables

__all__ = ["CSP", "PAGES", "Page", "Site"]

CSP = ("default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; img-src data:; "
       "base-uri 'none'; form-action 'self'")
"""The exports' policy, with no script at all, and forms allowed to this server only (in each
page's ``<meta>``; the HTTP header adds ``frame-ancestors 'none'``, which a meta cannot)."""



@dataclass(frozen=True, slots=True)
class Page:
    """One of the server's pages: its route, its name in the navigation bar (None: reached by
    links only) and the methods it answers."""

    path: str
    label: str | None = None
    methods: tuple[str, ...] = ("GET",)

    @property
    def shown(self) -> str:
        """The path as a message names it: ``/service/ID``."""
        return self.path.replace("{id}", "ID")


PAGES: tuple[Page, ...] = (
    Page("/", "Directory"), Page("/service/{id}"), Page("/routes", "Routes"),
    Page("/gaps", "Gaps"), Page("/network", "Network"), Page("/table", "Table"),
    Page("/stepped-care", "Stepped care"), Page("/timeline", "Timeline"),
    Page("/pathway", "Pathway"), Page("/conformance", "Conformance"),
    Page("/history", "History"), Page("/diff"),
    Page("/sparql", "SPARQL", ("GET", "POST")), Page("/cypher", "Cypher", ("GET", "POST")),
)
"""Every page of the explorer, in the navigation bar's order: the one list the routes, the
navigation bar and the 404 message are made from (``/api/...`` are the pages' JSON twins)."""

NAV = [(page.path, page.label) for page in PAGES if page.label]
EXPORT_VIEWS = ("stepped-care", "timeline", "pathway")
"""Export views the server renders as they are (with their own scripts and policy): they
draw a selection, which is small enough for one page."""
PAGE_SIZE = 50
MAX_HOPS = 6
MAX_ROUTES = 100
MAX_NETWORK_HOPS = 3
GAP_CACHE = 64


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("carepath.serve", "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
        lstrip_blocks=True)
    env.filters.update({k: environment().filters[k] for k in ("evidence", "week")})
    env.filters["n"] = lambda number: f"{number:,}"
    return env


def url(request: Request, **changes: Any) -> str:
    """This page's address with ``changes`` to its query (empty values dropped)."""
    params = {**request.query_params, **{k: str(v) for k, v in changes.items()}}
    query = urlencode({k: v for k, v in params.items() if v not in ("", None)})
    return request.url.path + ("?" + query if query else "")


class Site:
    """Everything the pages share: the graph, its index, the tables, the template frame."""

    def __init__(self, graph: Graph, *, timeout: float) -> None:
        self.graph = graph
        self.model = graph.model
        self.index = Index(graph.model)
        self.tables = Tables(graph.model)
        self.tables.prepare()
        self.timeout = timeout
        self.limiter = anyio.CapacityLimiter(4)
        self._gap_cache: dict[tuple[str, ...], Any] = {}  # at most GAP_CACHE answers
        self.frame = {
            "model": self.model, "css": Markup(static("page.css")), "csp": CSP,
            "version": carepath.__version__, "graph_label": graph.label, "nav": NAV,
            "sources": sorted(self.model.sources.values(), key=lambda s: s.id),
            "step_codes": step_codes(self.model), "window_text": window_text,
            "areas": sorted(self.model.areas.values(), key=lambda a: a.name.casefold()),
            "tiers": self.model.tiers_in_order(),
            "concerns": sorted(self.model.concerns.values(), key=lambda c: c.name.casefold()),
        }

    async def call(self, fn: Callable[[], Any]) -> Any:
        """Run ``fn`` in a worker thread, at most four at once, giving up after the time
        limit (a 503)."""
        try:
            with anyio.fail_after(self.timeout):
                return await anyio.to_thread.run_sync(fn, abandon_on_cancel=True,
                                                      limiter=self.limiter)
        except TimeoutError:
            raise TimeoutError(f"the answer took longer than the time limit "
                               f"({self.timeout:g} s)") from None

    @staticmethod
    def tidy(request: Request) -> Response | None:
        """A redirect to the address without the empty fields a form sends (``?q=x&area=``
        becomes ``?q=x``), so the address to share is short; None if it is already."""
        if any(v == "" for v in request.query_params.values()):
            return RedirectResponse(url(request), status_code=303)
        return None

    def render(self, template: str, *, title: str, current: str, status: int = 200,
               **context: Any) -> HTMLResponse:
        html = _environment().get_template(template).render(
            title=title, current=current, **self.frame, **context)
        return HTMLResponse(html, status_code=status)

    # -- the directory ---------------------------------------------------------------------

    def _directory(self, request: Request) -> dict[str, Any]:
        p = request.query_params
        f = {"q": text(p, "q"), "area": text(p, "area"), "tier": text(p, "tier"),
             "age": text(p, "age"), "concern": text(p, "concern")}
        page = integer(p, "page", 1, lo=1, hi=1_000_000)
        try:
            found = self.index.search(words=f["q"], area=f["area"], tier=f["tier"],
                                      age=f["age"], concern=f["concern"])
        except (QueryError, RangeParseError) as exc:
            raise BadRequest(str(exc)) from None
        pages = max(1, math.ceil(len(found) / PAGE_SIZE))
        return {"f": f, "page": page, "pages": pages, "total": len(found),
                "services": found[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]}

    async def directory(self, request: Request) -> Response:
        if tidy := self.tidy(request):
            return tidy
        found = await self.call(lambda: self._directory(request))
        return self.render("directory.html.j2", title="Service directory", current="/",
                           filtered=any(found["f"].values()), page_size=PAGE_SIZE,
                           page_url=lambda n: url(request, page=n), **found)

    async def api_services(self, request: Request) -> Response:
        found = await self.call(lambda: self._directory(request))
        return JSONResponse({
            "total": found["total"], "page": found["page"], "page_size": PAGE_SIZE,
            "services": [{"id": s.id, "name": s.name, "area": s.area, "tier": s.tier,
                          "window": window_text(s) or None, "href": f"/service/{s.id}"}
                         for s in found["services"]]})

    # -- the service card ------------------------------------------------------------------

    def _card(self, request: Request) -> dict[str, Any]:
        sid = request.path_params["id"]
        if sid not in self.model.services:
            raise LookupError(f"no service has the id {sid!r}; find it in the directory")
        return self.index.card(sid)

    async def service(self, request: Request) -> Response:
        card = self._card(request)
        return self.render("service.html.j2", title=card["name"], current="", card=card)

    async def api_service(self, request: Request) -> Response:
        return JSONResponse(self._card(request))

    # -- routes ----------------------------------------------------------------------------

    def _routes(self, request: Request) -> dict[str, Any]:
        from carepath.graph.stages import parse_age
        from carepath.queries.routes import referral_routes

        p = request.query_params
        f = {"source": text(p, "from"), "target": text(p, "to"), "at": text(p, "at"),
             "concern": choice(p, "concern", self.model.concerns),
             "severity": choice(p, "severity", self.model.severities),
             "hops": integer(p, "hops", 4, lo=1, hi=MAX_HOPS)}
        if not f["target"]:
            return {"f": f, "routes": None, "truncated": False, "starts": [], "none_from": []}
        starts = [f["source"]] if f["source"] else self._entries(f["target"])
        try:
            week = parse_age(f["at"]) if f["at"] else None
            frames = [(start, referral_routes(
                self.model, start, f["target"], week=week, concern=f["concern"] or None,
                severity=f["severity"] or None, max_hops=f["hops"])) for start in starts]
        except (QueryError, RangeParseError) as exc:
            raise BadRequest(str(exc)) from None
        routes: list[dict[str, Any]] = []
        total = sum(len(df) for _, df in frames)
        for start, df in frames:
            for row in df.head(max(0, MAX_ROUTES - len(routes))).itertuples(index=False):
                routes.append(self._route(start, row))
        return {"f": f, "routes": routes, "truncated": total > MAX_ROUTES, "starts": starts,
                "none_from": [start for start, df in frames if df.empty]}

    def _entries(self, target: str) -> list[str]:
        """Where a family can start when only the target is given: the first-contact
        professions (GP, midwife, health visitor), the family and its relatives, and the
        universal services of the target's area, if the target is one service."""
        from carepath.queries.routes import ENTRY_PROFESSIONS, entry_points

        svc = self.model.services.get(target)
        if svc is not None:
            found = entry_points(self.model, area=svc.area)
        else:
            found = [*(pid for pid in ENTRY_PROFESSIONS if pid in self.model.professions),
                     FAMILY, RELATIVES]
        first = {pid: i for i, pid in enumerate((*ENTRY_PROFESSIONS, FAMILY, RELATIVES))}
        return sorted((e for e in found if e != target),
                      key=lambda e: (first.get(e, len(first)), self.model.name_of(e).casefold()))

    def _route(self, start: str, row: Any) -> dict[str, Any]:
        """One route of :func:`referral_routes` for the page and the API."""
        steps = [{"from": a, "to": b, "from_name": self.model.name_of(a),
                  "to_name": self.model.name_of(b),
                  "from_service": a in self.model.services,
                  "to_service": b in self.model.services,
                  "conditions": cond, "evidence": ev}
                 for a, b, cond, ev in zip(row.path[:-1], row.path[1:], row.conditions,
                                           row.evidence, strict=True)]
        return {"entry": start, "entry_name": self.model.name_of(start),
                "hops": int(row.hops), "path": list(row.path), "names": row.names,
                "steps": steps}

    async def routes(self, request: Request) -> Response:
        if tidy := self.tidy(request):
            return tidy
        found = await self.call(lambda: self._routes(request))
        entries = sorted({FAMILY, *(pid for pid in ("midwife", "health-visitor", "gp")
                                    if pid in self.model.professions)})
        return self.render("routes.html.j2", title="Referral routes", current="/routes",
                           entries=entries, max_hops=MAX_HOPS, max_routes=MAX_ROUTES,
                           severities=list(self.model.severities.values()), **found)

    async def api_routes(self, request: Request) -> Response:
        found = await self.call(lambda: self._routes(request))
        if found["routes"] is None:
            raise BadRequest("give to= (a service id, a tier or words), and from= (a "
                             "profession, service id or family) or none for every entry point")
        return JSONResponse({"routes": found["routes"], "truncated": found["truncated"]})

    # -- gaps ------------------------------------------------------------------------------

    def _gaps(self, request: Request) -> dict[str, Any]:
        from carepath.queries.gaps import BASES, GAP_KINDS, gap_summary, gaps

        p = request.query_params
        f = {"area": choice(p, "area", self.model.areas), "kind": choice(p, "kind", GAP_KINDS),
             "basis": choice(p, "basis", BASES), "concern": self._term(p, "concern"),
             "stage": self._term(p, "stage"), "tier": self._term(p, "tier")}
        page = integer(p, "page", 1, lo=1, hi=1_000_000)
        key = tuple(f.values())
        if key not in self._gap_cache:
            found = gaps(self.model, area=f["area"] or None,
                         kinds=[f["kind"]] if f["kind"] else None, basis=f["basis"] or None,
                         concern=f["concern"] or None, stage=f["stage"] or None,
                         tier=f["tier"] or None)
            if len(self._gap_cache) >= GAP_CACHE:  # the oldest goes: filters multiply keys
                del self._gap_cache[next(iter(self._gap_cache))]
            self._gap_cache[key] = (records(found), records(gap_summary(found)))
        rows, summary = self._gap_cache[key]
        size = 100
        return {"f": f, "page": page, "pages": max(1, math.ceil(len(rows) / size)),
                "page_size": size, "total": len(rows), "summary": summary,
                "rows": rows[(page - 1) * size: page * size], "kinds": list(GAP_KINDS),
                "bases": list(BASES), "stages": self.model.stages_in_order()}

    def _term(self, params: Any, kind: str) -> str:
        """A concern, stage or tier parameter as its id: the id, name or an alias, as the
        command line takes them ('' when absent)."""
        from carepath.errors import NameLookupError
        from carepath.lookup import resolve

        raw = text(params, kind)
        if not raw:
            return ""
        try:
            return resolve(self.model, raw, (kind,), role=kind)
        except NameLookupError as exc:
            raise BadRequest(f"{kind}: {plain(exc)}") from None

    async def gaps(self, request: Request) -> Response:
        if tidy := self.tidy(request):
            return tidy
        found = await self.call(lambda: self._gaps(request))
        return self.render("gaps.html.j2", title="Gaps", current="/gaps",
                           page_url=lambda n: url(request, page=n), **found)

    async def api_gaps(self, request: Request) -> Response:
        found = await self.call(lambda: self._gaps(request))
        return JSONResponse({k: found[k]
                             for k in ("total", "page", "page_size", "summary", "rows")})

    # -- a neighbourhood -------------------------------------------------------------------

    def _network(self, request: Request) -> dict[str, Any]:
        p = request.query_params
        steps = list(NETWORK_STEPS)
        f = {"focus": text(p, "focus"), "hops": integer(p, "hops", 1, lo=1,
                                                         hi=MAX_NETWORK_HOPS),
             "nodes": int(choice(p, "nodes", [str(n) for n in steps], str(steps[0])))}
        if not f["focus"]:
            return {"f": f, "drawing": None, "more": None}
        shown = (f["nodes"], NETWORK_STEPS[f["nodes"]])
        try:
            dist, rels = self.index.neighbourhood(f["focus"], f["hops"], nodes=shown[0],
                                                  relations=shown[1])
            bigger = self.index.neighbourhood(f["focus"], f["hops"], nodes=shown[0] + 1,
                                              relations=shown[1] + 1)
        except KeyError:
            raise BadRequest(f"focus {f['focus']!r} is not a service, profession or family "
                             "id; find a service in the directory") from None
        capped = len(bigger[0]) > len(dist) or len(bigger[1]) > len(rels)
        later = [n for n in steps if n > f["nodes"]]
        more = later[0] if capped and later else None
        drawing = self._draw(f["focus"], dist, rels)
        drawing["capped"] = capped
        return {"f": f, "drawing": drawing, "more": more, "shown": shown,
                "more_url": url(request, nodes=more) if more else None}

    def _draw(self, focus: str, dist: dict[str, int], rels: list) -> dict[str, Any]:
        """A radial drawing: the focus in the middle, each hop on a ring further out."""
        model, colours = self.model, tier_colours(self.model)
        rings: dict[int, list[str]] = {}
        for node, d in dist.items():
            rings.setdefault(d, []).append(node)
        radius = {d: 0 if d == 0 else 60 + 150 * d + 4 * len(nodes)
                  for d, nodes in rings.items()}
        # room for a 30-character label on either side, little above and below
        width, height = int(2 * max(radius.values()) + 400), int(2 * max(radius.values()) + 60)
        centre, middle = width / 2, height / 2
        where, nodes = {}, []
        for d, ring in rings.items():
            ring.sort(key=lambda n: model.name_of(n).casefold())
            for i, node in enumerate(ring):
                angle = 2 * math.pi * i / len(ring) + d * 0.3
                x = round(centre + radius[d] * math.cos(angle), 1)
                y = round(middle + radius[d] * math.sin(angle), 1)
                where[node] = (x, y)
                svc = model.services.get(node)
                colour = (colours.get(svc.tier, NO_TIER_COLOUR) if svc and svc.tier
                          else NO_TIER_COLOUR if svc else "#FFFFFF")
                name = model.name_of(node)
                nodes.append({
                    "id": node, "x": x, "y": y, "focus": node == focus, "colour": colour,
                    "label": name if len(name) <= 30 else name[:29] + "…",
                    # a label points away from the middle: left of a node on the left
                    "left": d > 0 and x < centre - 1,
                    "title": f"{name} ({node}), {d} hop{'' if d == 1 else 's'} away",
                    "href": (f"/service/{quote(node)}" if svc
                             else "/network?" + urlencode({"focus": node, "hops": 1}))})
        edges = []
        for rel in rels:
            style = RELATION_STYLES[rel.kind]
            (x1, y1), (x2, y2) = where[rel.source], where[rel.target]
            edges.append({
                "x1": x1, "y1": y1, "x2": x2, "y2": y2, "colour": style.colour,
                "width": style.width, "dashes": " ".join(map(str, style.dashes)),
                "arrow": style.arrow is not None, "label": style.label,
                "from_name": model.name_of(rel.source), "to_name": model.name_of(rel.target),
                "evidence": rel.provenance.ref,
                "title": f"{model.name_of(rel.source)} {style.label} "
                         f"{model.name_of(rel.target)} ({rel.provenance.ref})"})
        return {"nodes": nodes, "edges": edges, "width": width, "height": height}

    async def network(self, request: Request) -> Response:
        if tidy := self.tidy(request):
            return tidy
        found = await self.call(lambda: self._network(request))
        return self.render("network.html.j2", title="Network neighbourhood",
                           current="/network", max_hops=MAX_NETWORK_HOPS, **found)

    async def api_network(self, request: Request) -> Response:
        found = await self.call(lambda: self._network(request))
        if found["drawing"] is None:
            raise BadRequest("give focus= (a service, profession or family id)")
        d = found["drawing"]
        return JSONResponse({"nodes": [{"id": n["id"], "name": n["title"]} for n in d["nodes"]],
                             "relations": [{k: e[k] for k in ("from_name", "label", "to_name",
                                                              "evidence")} for e in d["edges"]],
                             "capped": d["capped"], "more": found["more_url"]})

    # -- the export views -------------------------------------------------------------------

    def _export(self, request: Request, name: str) -> str:
        from carepath.html import VIEWS
        from carepath.html._page import NavLink, select

        p = request.query_params
        try:
            sel = select(self.model, area=text(p, "area") or None,
                         stage=text(p, "stage") or None, tier=text(p, "tier") or None,
                         concern=text(p, "concern") or None)
        except QueryError as exc:
            raise BadRequest(str(exc)) from None
        nav = [NavLink(href, label, href == f"/{name}") for href, label in NAV]
        return VIEWS[name].render(sel, nav=nav)

    def export_view(self, name: str) -> Callable[[Request], Any]:
        """The handler of ``/{name}?area=&stage=&tier=&concern=``: the export view of that
        selection, with its own Content-Security-Policy (its scripts, by hash) in the header
        as in the page."""
        import html as html_lib
        import re

        async def handle(request: Request) -> Response:
            if tidy := self.tidy(request):
                return tidy
            page = await self.call(lambda: self._export(request, name))
            meta = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page)
            csp = html_lib.unescape(meta.group(1)) if meta else CSP
            return HTMLResponse(page, headers={
                "Content-Security-Policy": csp + "; frame-ancestors 'none'"})

        return handle

    # -- the table -------------------------------------------------------------------------

    def _table(self, request: Request) -> dict[str, Any]:
        p = request.query_params
        view = choice(p, "view", list(COLUMNS), "services")
        f = {"view": view, "q": text(p, "q"), "area": choice(p, "area", self.model.areas),
             "kind": choice(p, "kind", [k.value for k in RelationKind]) if view == "relations"
             else "",
             "sort": choice(p, "sort", COLUMNS[view]), "dir": choice(p, "dir",
                                                                    ["asc", "desc"], "asc"),
             "size": integer(p, "size", 50, lo=10, hi=500)}
        number = integer(p, "page", 1, lo=1, hi=10_000_000)
        page = self.tables.page(view, words=f["q"], area=f["area"], kind=f["kind"],
                                sort=f["sort"], descending=f["dir"] == "desc",
                                number=number, size=f["size"])
        return {"f": f, "table": page, "rows": records(page.rows),
                "columns": COLUMNS[view], "page": page.number, "pages": page.pages}

    async def table(self, request: Request) -> Response:
        if tidy := self.tidy(request):
            return tidy
        found = await self.call(lambda: self._table(request))
        f = found["f"]

        def sort_url(col: str) -> str:
            flip = "desc" if f["sort"] == col and f["dir"] == "asc" else "asc"
            return url(request, sort=col, dir=flip, page=1)

        return self.render("table.html.j2", title="Table", current="/table",
                           views=list(COLUMNS), sizes=[10, 25, 50, 100, 250, 500],
                           kinds=[(k.value, RELATION_STYLES[k].label) for k in RelationKind],
                           sort_url=sort_url, page_url=lambda n: url(request, page=n),
                           **found)

    async def api_table(self, request: Request) -> Response:
        found = await self.call(lambda: self._table(request))
        page = found["table"]
        return JSONResponse({"total": page.total, "page": page.number, "page_size": page.size,
                             "rows": found["rows"]})
