"""The graph as two tables for ``/table``: services and relations, filtered, sorted and paged
on the server, so a page sends 50 rows however large the graph is.

Each table is a pandas DataFrame made on first use and kept (a national relations table is a
million rows); filtering and sorting are column operations, never a Python loop per row.

>>> from carepath import load_reference
>>> tables = Tables(load_reference())
>>> page = tables.page("relations", area="dorset", kind="refers_to", sort="from", size=3)
>>> page.total, list(page.rows.columns[:3])
(12, ['from', 'from_id', 'relation'])
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import pandas as pd

from carepath.graph.model import Model, RelationKind
from carepath.html._page import RELATION_STYLES, service_evidence, step_codes, window_text

__all__ = ["COLUMNS", "Page", "Tables"]

COLUMNS = {
    "services": ["name", "id", "area", "step", "tier", "window", "concerns", "sources"],
    "relations": ["from", "from_id", "relation", "to", "to_id", "stages", "concerns",
                  "severity", "urgency", "evidence", "passage"],
}
"""The columns each table shows, in order; any of them sorts it."""


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a table: its rows, the number of rows the filters kept, the page asked."""

    rows: pd.DataFrame
    total: int
    number: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))


class Tables:
    """The services and relations tables of a model, made on first use and shared."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self._frames: dict[str, pd.DataFrame] = {}
        self._lock = threading.Lock()

    def prepare(self) -> threading.Thread:
        """Make both tables in a background thread (a national relations table takes
        seconds), so that the first visitor of ``/table`` does not wait for it all."""
        thread = threading.Thread(target=lambda: [self.frame(n) for n in COLUMNS],
                                  name="carepath-tables", daemon=True)
        thread.start()
        return thread

    def frame(self, name: str) -> pd.DataFrame:
        with self._lock:
            if name not in self._frames:
                self._frames[name] = (self._services() if name == "services"
                                      else self._relations())
            return self._frames[name]

    def _services(self) -> pd.DataFrame:
        model = self.model
        codes = step_codes(model)
        rows = []
        for svc in model.services.values():
            tier = model.tiers.get(svc.tier) if svc.tier else None
            rows.append({
                "name": svc.name, "id": svc.id, "area": model.name_of(svc.area),
                "step": codes.get(svc.tier, "–"),
                "tier": tier.name if tier else "not stated",
                "window": window_text(svc) or "not stated",
                "concerns": "; ".join(model.name_of(c.concern) for c in svc.addresses),
                "sources": ", ".join(dict.fromkeys(p.ref for p in service_evidence(svc))),
                "_area": svc.area, "_kind": "", "_tier": svc.tier or "",
                "_start": svc.windows[0].start if svc.windows else 1e9,
                "_rank": tier.rank if tier else 99,
            })
        frame = pd.DataFrame(rows)
        frame["_text"] = (frame["name"] + " " + frame["id"] + " " + frame["concerns"]
                          ).str.casefold()
        return frame

    def _relations(self) -> pd.DataFrame:
        """One row per relation, made from one row per statement repeated for its targets
        (a national model: 67,000 statements, a million relations; row by row in Python this
        took 33 s under load, repeated by pandas about 2 s)."""
        model = self.model
        names = {**{p: t.name for p, t in model.professions.items()},
                 **{s: v.name for s, v in model.services.items()},
                 "family": model.name_of("family")}
        areas = {s: v.area for s, v in model.services.items()}
        statements = model.statements
        frame = pd.DataFrame({
            "from_id": [st.source for st in statements],
            "relation": [RELATION_STYLES[st.kind].label for st in statements],
            "_kind": [st.kind.value for st in statements],
            "stages": ["; ".join(st.stage_texts) for st in statements],
            "concerns": ["; ".join(sorted(model.name_of(c) for c in st.concerns))
                         for st in statements],
            "severity": [", ".join(sorted(st.severities)) for st in statements],
            "urgency": [st.urgency or "" for st in statements],
            "evidence": [st.provenance.ref for st in statements],
            "passage": [st.provenance.passage or "" for st in statements],
        })
        counts = [len(st.targets) for st in statements]
        frame = frame.loc[frame.index.repeat(counts)].reset_index(drop=True)
        targets = pd.Series([t for st in statements for t in st.targets], dtype=object)
        frame["to_id"] = targets
        frame["from"] = frame["from_id"].map(names).fillna(frame["from_id"])
        frame["to"] = targets.map(names).fillna(targets)
        from_area = frame["from_id"].map(areas)
        to_area = targets.map(areas)
        frame["_area"] = from_area.fillna(to_area).fillna("")
        frame["_area2"] = to_area.fillna(from_area).fillna("")
        frame["_text"] = (frame["from"] + " " + frame["to"] + " " + frame["from_id"] + " "
                          + frame["to_id"]).str.casefold()
        return frame[[*COLUMNS["relations"], "_kind", "_area", "_area2", "_text"]]

    def page(self, name: str, *, words: str = "", area: str = "", kind: str = "",
             sort: str = "", descending: bool = False, number: int = 1,
             size: int = 50) -> Page:
        """Rows ``(number-1)*size`` onward of table ``name`` (``services`` or ``relations``)
        after the filters, sorted by the column ``sort`` (default: the table's own order)."""
        frame = self.frame(name)
        keep = pd.Series(True, index=frame.index)
        if area:
            keep &= frame["_area"].eq(area) | (frame["_area2"].eq(area)
                                               if "_area2" in frame else False)
        if kind and name == "relations":
            keep &= frame["_kind"].eq(RelationKind(kind).value)
        for word in words.casefold().split():
            keep &= frame["_text"].str.contains(word, regex=False)
        found = frame[keep]
        if sort:
            key = {"step": "_rank", "window": "_start"}.get(sort, sort)
            found = found.sort_values(key, ascending=not descending, kind="stable")
        start = (number - 1) * size
        return Page(found.iloc[start:start + size][COLUMNS[name]], len(found), number, size)
