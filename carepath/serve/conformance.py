"""The explorer's conformance page: ``/conformance?area=A&set=S``, each verdict with its
facts, each fact linked to the service card it is about (JSON twin: ``/api/conformance``).

Scores are made once per area and kept (they depend on the model only); every text from the
data and the criteria is escaped by the template (Jinja2 autoescaping).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from carepath.card import passage_text
from carepath.printing import records
from carepath.serve.params import choice

__all__ = ["api_page", "page"]


class _Scores:
    """Verdicts and levels by area, made on first use."""

    def __init__(self, site: Any) -> None:
        from carepath.conformance.criteria import load_sets

        self.site = site
        self.sets = load_sets(model=site.model)
        self._by_area: dict[str, tuple[list[dict], list[dict]]] = {}

    def of(self, area: str) -> tuple[list[dict], list[dict]]:
        if area not in self._by_area:
            from carepath.conformance.assess import conform, levels

            scored = conform(self.site.model, area=area, criteria=self.sets)
            ranked = levels(self.site.model, scored=scored, criteria=self.sets)
            rows = [{**row, "passages": [passage_text(p) for p in row["passages"]]}
                    for row in records(scored)]  # list markup read as text, as on the card
            self._by_area[area] = (rows, records(ranked))
        return self._by_area[area]

    def answer(self, request: Request) -> dict[str, Any]:
        p = request.query_params
        f = {"area": choice(p, "area", self.site.model.areas),
             "set": choice(p, "set", {s.id: s for s in self.sets})}
        if not f["area"]:
            return {"f": f, "rows": None, "levels": [], "sets": self.sets}
        rows, ranked = self.of(f["area"])
        if f["set"]:
            rows = [r for r in rows if r["set"] == f["set"]]
            ranked = [r for r in ranked if r["set"] == f["set"]]
        return {"f": f, "rows": rows, "levels": ranked, "sets": self.sets}


def _scores(site: Any) -> _Scores:
    if getattr(site, "_conformance", None) is None:
        site._conformance = _Scores(site)
    return site._conformance


def page(site: Any) -> Callable[[Request], Awaitable[Response]]:
    """The page's handler over ``site`` (a :class:`carepath.serve.pages.Site`)."""

    async def conformance(request: Request) -> Response:
        if tidy := site.tidy(request):
            return tidy
        found = await site.call(lambda: _scores(site).answer(request))
        return site.render("conformance.html.j2", title="Conformance",
                           current="/conformance", **found)

    return conformance


def api_page(site: Any) -> Callable[[Request], Awaitable[Response]]:
    """The JSON twin: ``{"levels": [...], "rows": [...]}`` for ``area`` (and ``set``)."""

    async def api_conformance(request: Request) -> Response:
        from carepath.errors import BadRequest

        found = await site.call(lambda: _scores(site).answer(request))
        if found["rows"] is None:
            raise BadRequest("give area= (an area id)")
        return JSONResponse({"levels": found["levels"], "rows": found["rows"]})

    return api_conformance
