"""The route graph as arrays: made once (a build writes it), read in milliseconds, searched
without making a networkx graph of a million relations.

A route search (:mod:`carepath.queries.routes`) walks the relations between services,
professions and the family. Making them into a networkx graph took 2.8 s in every process at
national; here they are sorted, compressed arrays (CSR: one row of edges per node), written
as ``.npy`` files in a build folder's ``routes/`` part and memory-mapped read-only, so a
search reads only the rows it visits:

- ``nodes``: every end of a relation, sorted by id (so comparing indices compares ids);
- one edge per relation, sorted by source then target: ``dst``, ``kind`` (the
  :class:`RelationKind`), ``statement`` (its index in :attr:`Model.statements`;
  :data:`PART_OF` and :data:`STAFFED_BY` for the hops :func:`relation_graph` adds) and
  ``condition`` (its statement's stages, concerns and severities: a national model has 14
  different ones), with ``indptr`` the start of each node's row;
- for each area, the edges with an end at one of its services (the edges a route in the area
  may use, :func:`carepath.queries.routes.area_view`);
- each statement as snapshot JSON, to make the relations of the hops found.

Which edges a family can take is decided per search, with the same rules as
:func:`carepath.graph.networkx.relation_graph` (:meth:`Relation.applies`, and
:func:`carepath.graph.verdict.window_at` for the target's window): what a relation does not
state never closes it.

>>> from carepath import load_reference
>>> model = load_reference()
>>> graph = route_graph_of(model)
>>> search = graph.search(model, week=4)
>>> search.shortest("health-visitor", {"dorset-pmmhs"}, "dorset", max_hops=3)
['health-visitor', 'dorset-pmmhs']
>>> [r.provenance.ref for r in search.relations("health-visitor", "dorset-pmmhs")]
['doc-002:34']
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable, Sequence
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

from carepath.errors import RouteGraphError
from carepath.graph.model import (
    NO,
    RELATION_ID_SEPARATOR,
    Model,
    NodeId,
    Relation,
    RelationKind,
    Service,
    Statement,
)
from carepath.graph.stages import Interval

if TYPE_CHECKING:
    import numpy as np

__all__ = ["FORMAT", "PART_OF", "PART_OF_PREFIX", "STAFFED_BY", "STAFFED_BY_PREFIX", "RouteGraph",
           "RouteGraphError", "RouteSearch", "make_route_graph", "part_of_relation",
           "part_of_relations", "read_route_graph", "route_graph_of", "staffed_by_relation",
           "staffed_by_relations", "write_route_graph"]

FORMAT = "carepath-routes-1"
PART_OF = -1
"""``statement`` of a hop from a service into one of its parts."""
STAFFED_BY = -2
"""``statement`` of a hop from a service to a profession staffing it."""
KINDS = tuple(RelationKind)
ARRAYS = ("indptr", "dst", "kind", "statement", "condition", "area_ptr", "area_edges",
          "node_area", "statement_ptr", "statement_json")
META = "meta.json"


# -- the hops added to the relations ------------------------------------------------------------

PART_OF_PREFIX = "part-of" + RELATION_ID_SEPARATOR
"""Ids of the hops :func:`carepath.graph.networkx.relation_graph` adds from a service into its
parts."""


STAFFED_BY_PREFIX = "staffed-by" + RELATION_ID_SEPARATOR
"""Ids of the hops :func:`carepath.graph.networkx.relation_graph` adds from a service to the
professions staffing it."""


def staffed_by_relations(model: Model) -> list[Relation]:
    """One hop from each service to each profession it is staffed by: a service and the
    profession working in it answer the same, so where a document holds a referral on the
    profession ("GPs refer", doc-002:31), the service ("General practice") reaches it too.

    >>> from carepath import load_reference
    >>> [r.target for r in staffed_by_relations(load_reference())
    ...  if r.source == "dorset-general-practice"]
    ['gp']
    """
    return [staffed_by_relation(model, svc, prof)
            for svc in model.services.values() for prof in svc.professions
            if prof in model.professions]


def staffed_by_relation(model: Model, svc: Service, prof: str) -> Relation:
    """The hop from ``svc`` to ``prof``, a profession staffing it (see
    :func:`staffed_by_relations`)."""
    return Relation(f"{STAFFED_BY_PREFIX}{svc.id}{RELATION_ID_SEPARATOR}{prof}",
                    RelationKind.REFERS_TO, NodeId(svc.id), NodeId(prof), svc.provenance,
                    note=f"staffed by {model.name_of(prof)}: the profession's relations "
                         "are the service's")


def part_of_relations(model: Model) -> list[Relation]:
    """One hop from each parent service into each of its parts (see
    :func:`carepath.graph.networkx.relation_graph`)."""
    return [part_of_relation(model, svc)
            for svc in model.services.values() if svc.part_of in model.services]


def part_of_relation(model: Model, svc: Service) -> Relation:
    """The hop from the service ``svc`` is part of into ``svc`` (see
    :func:`part_of_relations`)."""
    return Relation(PART_OF_PREFIX + svc.id, RelationKind.REFERS_TO, NodeId(svc.part_of),
                    NodeId(svc.id), svc.part_of_provenance or svc.provenance,
                    note="part of " + model.name_of(svc.part_of))


@dataclasses.dataclass(frozen=True, eq=False)
class RouteGraph:
    """The relations of a model as arrays (see the module): nodes sorted by id, one edge per
    relation in rows by source. Made by :func:`make_route_graph`, read by
    :func:`read_route_graph`; searched with :meth:`search`."""

    nodes: tuple[str, ...]
    areas: tuple[str, ...]
    conditions: tuple[tuple[tuple[Interval, ...], frozenset[str], frozenset[str]], ...]
    arrays: dict[str, Any]
    index: dict[str, int] = dataclasses.field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", {n: i for i, n in enumerate(self.nodes)})

    @property
    def indptr(self) -> np.ndarray:
        """Where each node's row of edges starts (by index; the last: the edge count)."""
        return self.arrays["indptr"]

    @property
    def dst(self) -> np.ndarray:
        """Each edge's target node."""
        return self.arrays["dst"]

    @property
    def kind(self) -> np.ndarray:
        """Each edge's relation kind (its index in :class:`RelationKind`)."""
        return self.arrays["kind"]

    @property
    def statement(self) -> np.ndarray:
        """Each edge's statement (:data:`PART_OF`, :data:`STAFFED_BY`: an added hop)."""
        return self.arrays["statement"]

    @property
    def condition(self) -> np.ndarray:
        """Each edge's condition set (an index of :attr:`conditions`; -1: none)."""
        return self.arrays["condition"]

    @property
    def area_ptr(self) -> np.ndarray:
        """Where each area's list in :attr:`area_edges` starts."""
        return self.arrays["area_ptr"]

    @property
    def area_edges(self) -> np.ndarray:
        """The edges with an end at a service of each area, area by area."""
        return self.arrays["area_edges"]

    @property
    def node_area(self) -> np.ndarray:
        """Each node's area (an index of :attr:`areas`; -1: not a service)."""
        return self.arrays["node_area"]

    @property
    def edge_count(self) -> int:
        return len(self.arrays["dst"])

    def statement_at(self, i: int) -> Statement:
        """Statement ``i`` of the model, decoded from its JSON."""
        from carepath.snapshot import _decoder

        ptr = self.arrays["statement_ptr"]
        text = self.arrays["statement_json"][int(ptr[i]):int(ptr[i + 1])].tobytes()
        return _decoder(Statement)(json.loads(text))

    def search(self, model: Model, *, kinds: Iterable[RelationKind] = (RelationKind.REFERS_TO,),
               week: float | None = None, concern: str | None = None,
               severity: str | None = None,
               areas: Iterable[str] | None = None) -> RouteSearch:
        """The edges a family at ``week`` with ``concern`` at ``severity`` can take, over
        relations of ``kinds``, for searches in ``areas`` (default: every area; it decides
        which professions a service reaches through its staff, as
        :func:`carepath.graph.networkx.relation_graph` does given the relations touching
        those areas)."""
        return RouteSearch(self, model, tuple(kinds), week, concern, severity,
                           None if areas is None else tuple(areas))


class RouteSearch:
    """One search's view of a :class:`RouteGraph`: which edges are open to the family, and
    the routes through them, area by area. Made by :meth:`RouteGraph.search`."""

    def __init__(self, graph: RouteGraph, model: Model, kinds: tuple[RelationKind, ...],
                 week: float | None, concern: str | None, severity: str | None,
                 areas: tuple[str, ...] | None) -> None:
        import numpy as np

        from carepath.graph.model import Provenance

        self.graph, self.model, self.week = graph, model, week
        self._np = np
        kind_ok = np.array([k in kinds for k in KINDS], dtype=bool)
        conditions = {"week": week, "concern": concern, "severity": severity}
        # each distinct condition set, asked as a relation would be (Relation.applies)
        cond_ok = [Relation("", RelationKind.REFERS_TO, "", "", Provenance(""),
                            windows=w, concerns=c, severities=s).applies(**conditions)
                   for w, c, s in graph.conditions]
        self._cond_ok = np.array([*cond_ok, True], dtype=bool)  # -1: the added hops
        self._kind_ok = kind_ok
        self._holders = self._staff_holders(kind_ok, areas)
        self._closed: dict[int, bool] = {}
        self._views: dict[str, tuple[Any, ...]] = {}
        self._area_index = {a: i for i, a in enumerate(graph.areas)}

    # -- which edges are open ----------------------------------------------------------------

    def _staff_holders(self, kind_ok: np.ndarray, areas: tuple[str, ...] | None) -> np.ndarray:
        """Per node: a profession that is the source of a relation of the kinds searched
        (one touching ``areas``, unless every area is searched): the professions a service
        reaches through its staff."""
        np, g = self._np, self.graph
        holders = np.zeros(len(g.nodes), dtype=bool)
        if not kind_ok[KINDS.index(RelationKind.REFERS_TO)]:
            return holders  # the added hops are referrals: none without them
        every = areas is None or set(areas) >= set(g.areas)
        wanted = np.zeros(len(g.areas) + 1, dtype=bool)  # [-1]: no area
        if not every:
            for a in areas:
                if a in g.areas:
                    wanted[g.areas.index(a)] = True
        for prof in self.model.professions:
            i = g.index.get(prof)
            if i is None:
                continue
            row = slice(int(g.indptr[i]), int(g.indptr[i + 1]))
            mine = (g.statement[row] >= 0) & kind_ok[g.kind[row]]
            if not every:
                mine &= wanted[g.node_area[g.dst[row]]]
            holders[i] = bool(mine.any())
        return holders

    def _closed_at(self, nodes: np.ndarray) -> np.ndarray:
        """Per node of ``nodes``: a service whose window closes at the week
        (:func:`window_at` says no)."""
        from carepath.graph.verdict import window_at

        np, g, model = self._np, self.graph, self.model
        if self.week is None:
            return np.zeros(len(nodes), dtype=bool)
        closed, services = self._closed, model.services
        for i in np.unique(nodes).tolist():
            if i not in closed:
                svc = services.get(g.nodes[i])
                closed[i] = svc is not None and window_at(model, svc, self.week).value == NO
        return np.fromiter((closed[i] for i in nodes.tolist()), dtype=bool, count=len(nodes))

    def _open(self, edges: np.ndarray) -> np.ndarray:
        """Which of ``edges`` (indices) the family can take."""
        g = self.graph
        dst, st = g.dst[edges], g.statement[edges]
        keep = self._kind_ok[g.kind[edges]] & self._cond_ok[g.condition[edges]]
        keep &= (st != STAFFED_BY) | self._holders[dst]
        if self.week is not None:
            keep[keep] &= ~self._closed_at(dst[keep])
        return keep

    def _view(self, area: str) -> tuple[Any, ...]:
        """The open edges of ``area`` (:func:`area_view`): sources, targets, and rows by
        source and by target."""
        if area in self._views:
            return self._views[area]
        np, g = self._np, self.graph
        a = self._area_index.get(area)
        n = len(g.nodes)
        if a is None:
            edges = np.zeros(0, dtype=np.int64)
        else:
            edges = np.asarray(g.area_edges[int(g.area_ptr[a]):int(g.area_ptr[a + 1])])
            edges = edges[self._open(edges)]
        src = np.searchsorted(g.indptr, edges, side="right") - 1  # rows are by source
        dst = np.asarray(g.dst[edges])
        out_ptr = np.searchsorted(src, np.arange(n + 1))  # edges stay in source order
        order = np.argsort(dst, kind="stable")
        in_ptr = np.searchsorted(dst[order], np.arange(n + 1))
        present = np.zeros(n, dtype=bool)
        present[src] = True
        present[dst] = True
        view = (src, dst, out_ptr, src[order], in_ptr, present)
        self._views[area] = view
        return view

    def _levels(self, ptr: np.ndarray, ends: np.ndarray, starts: Sequence[int],
                cutoff: int) -> np.ndarray:
        """Hops from ``starts`` to each node (-1: not within ``cutoff``), breadth first over
        the rows ``ptr`` of ``ends``."""
        np = self._np
        dist = np.full(len(ptr) - 1, -1, dtype=np.int64)
        frontier = np.asarray(starts, dtype=np.int64)
        dist[frontier] = 0
        for step in range(1, cutoff + 1):
            lo, counts = ptr[frontier], ptr[frontier + 1] - ptr[frontier]
            total = int(counts.sum())
            if not total:
                break
            at = np.repeat(lo - (np.cumsum(counts) - counts), counts) + np.arange(total)
            reached = ends[at]
            reached = np.unique(reached[dist[reached] < 0])
            if not len(reached):
                break
            dist[reached] = step
            frontier = reached
        return dist

    def _ends(self, source: str, targets: Iterable[str], area: str) -> tuple[int, list[int]]:
        """The source's index and the targets a route in ``area`` ends at (services of the
        area, professions, the family), or (-1, []) when there is nothing to search."""
        g, services = self.graph, self.model.services
        _, _, _, _, _, present = self._view(area)
        s = g.index.get(source, -1)
        if s < 0 or not present[s]:
            return -1, []
        ends = sorted(g.index[t] for t in set(targets)
                      if t != source and t in g.index and present[g.index[t]]
                      and (t not in services or services[t].area == area))
        return s, ends

    # -- the routes ----------------------------------------------------------------------------

    def shortest(self, source: str, targets: Iterable[str], area: str, *,
                 max_hops: int) -> list[str] | None:
        """The first by ids of the shortest routes in ``area`` from ``source`` to the
        nearest of ``targets`` within ``max_hops`` hops, or None."""
        g = self.graph
        s, ends = self._ends(source, targets, area)
        if not ends:
            return None
        src, dst, out_ptr, rsrc, in_ptr, _ = self._view(area)
        dist = self._levels(out_ptr, dst, [s], max_hops)
        reached = dist[ends]
        if not (reached >= 0).any():
            return None
        best = int(reached[reached >= 0].min())
        back = self._levels(in_ptr, rsrc, ends, best)
        path = [s]
        for step in range(best):  # the smallest id that still reaches an end in time
            row = dst[out_ptr[path[-1]]:out_ptr[path[-1] + 1]]
            left = back[row]
            path.append(int(row[(left >= 0) & (left <= best - step - 1)].min()))
        return [g.nodes[i] for i in path]

    def all_paths(self, source: str, targets: Iterable[str], area: str, *,
                  max_hops: int) -> list[tuple[str, ...]]:
        """Every simple route in ``area`` of at most ``max_hops`` hops from ``source`` to
        the first of ``targets`` it reaches (networkx's ``all_simple_paths`` over the
        edges that lie on such a route)."""
        import networkx as nx

        g = self.graph
        s, ends = self._ends(source, targets, area)
        if not ends:
            return []
        src, dst, out_ptr, rsrc, in_ptr, _ = self._view(area)
        dist = self._levels(out_ptr, dst, [s], max_hops)
        back = self._levels(in_ptr, rsrc, ends, max_hops)
        on = (dist[src] >= 0) & (back[dst] >= 0) & (dist[src] + 1 + back[dst] <= max_hops)
        pairs = sorted(set(zip(src[on].tolist(), dst[on].tolist(), strict=True)))
        if not pairs:
            return []
        view = nx.DiGraph()
        view.add_edges_from((g.nodes[u], g.nodes[v]) for u, v in pairs)
        names = {g.nodes[i] for i in ends}
        found = []
        for path in nx.all_simple_paths(view, g.nodes[s], names & set(view), cutoff=max_hops):
            if not names.intersection(path[1:-1]):
                found.append(tuple(path))
        return found

    def relations(self, u: str, v: str) -> list[Relation]:
        """The relations from ``u`` to ``v`` the family can take (a hop of a route)."""
        np, g, model = self._np, self.graph, self.model
        i, j = g.index[u], g.index[v]
        lo, hi = int(g.indptr[i]), int(g.indptr[i + 1])
        first = lo + int(np.searchsorted(g.dst[lo:hi], j, side="left"))
        last = lo + int(np.searchsorted(g.dst[lo:hi], j, side="right"))
        edges = np.arange(first, last)
        found: dict[str, Relation] = {}
        for e in edges[self._open(edges)].tolist():
            st = int(g.statement[e])
            if st == PART_OF:
                rel = part_of_relation(model, model.services[v])
            elif st == STAFFED_BY:
                rel = staffed_by_relation(model, model.services[u], v)
            else:
                rel = dataclasses.replace(g.statement_at(st), targets=(v,)).relations()[0]
            found[rel.id] = rel
        return list(found.values())


# -- making, writing and reading ----------------------------------------------------------------

def make_route_graph(model: Model) -> RouteGraph:
    """The route graph of ``model``: every relation, and the hops into parts and to staff.

    >>> from carepath import load_reference
    >>> model = load_reference()
    >>> graph = make_route_graph(model)
    >>> graph.nodes[:2]   # professions and services, sorted by id
    ('attachment-practitioner', 'care-coordinator')
    >>> graph.edge_count - model.relation_count   # the hops into parts and to staff
    27
    """
    import numpy as np

    from carepath.graph.bulk import paused_gc

    with paused_gc():
        services, professions, statements = model.services, model.professions, model.statements
        parts = [svc for svc in services.values() if svc.part_of in services]
        staff = [(svc.id, p) for svc in services.values() for p in svc.professions
                 if p in professions]
        added = [(u, v, PART_OF) for u, v in ((s.part_of, s.id) for s in parts)]
        added += [(u, v, STAFFED_BY) for u, v in staff]
        targets = list(chain.from_iterable(st.targets for st in statements))
        nodes = tuple(sorted({*targets, *(st.source for st in statements),
                              *(n for u, v, _ in added for n in (u, v))}))
        index = {n: i for i, n in enumerate(nodes)}
        areas = tuple(sorted(model.areas))
        area_index = {a: i for i, a in enumerate(areas)}
        cond_index: dict[Any, int] = {}
        kind_code = {k: i for i, k in enumerate(KINDS)}
        per = np.array([(index[st.source], kind_code[st.kind],
                         cond_index.setdefault((st.windows, st.concerns, st.severities),
                                               len(cond_index)))
                        for st in statements], dtype=np.int32).reshape(-1, 3)
        counts = np.fromiter((len(st.targets) for st in statements), dtype=np.int64,
                             count=len(statements))
        refers = kind_code[RelationKind.REFERS_TO]
        src_a = np.concatenate([np.repeat(per[:, 0], counts),
                                [index[u] for u, _, _ in added]]).astype(np.int32)
        dst_a = np.concatenate([np.fromiter(map(index.__getitem__, targets), dtype=np.int32,
                                            count=len(targets)),
                                [index[v] for _, v, _ in added]]).astype(np.int32)
        stmt_a = np.concatenate([np.repeat(np.arange(len(statements), dtype=np.int32), counts),
                                 [code for _, _, code in added]]).astype(np.int32)
        kind_a = np.concatenate([np.repeat(per[:, 1], counts),
                                 [refers] * len(added)]).astype(np.int8)
        cond_a = np.concatenate([np.repeat(per[:, 2], counts),
                                 [-1] * len(added)]).astype(np.int16)
        order = np.lexsort((stmt_a, dst_a, src_a))
        src_a, dst_a, stmt_a = src_a[order], dst_a[order], stmt_a[order]
        node_area = np.array([area_index[services[n].area] if n in services else -1
                              for n in nodes], dtype=np.int32)
        # each area's edges: those with an end at one of its services, in edge order
        a_src, a_dst = node_area[src_a], node_area[dst_a]
        edge_ids = np.arange(len(src_a), dtype=np.int32)
        pick = np.concatenate([a_src >= 0, (a_dst >= 0) & (a_dst != a_src)])
        owners = np.concatenate([a_src, a_dst])[pick]
        ids = np.concatenate([edge_ids, edge_ids])[pick]
        by_area = np.lexsort((ids, owners))
        texts = _statement_texts(statements)
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        arrays = {
            "indptr": np.searchsorted(src_a, np.arange(len(nodes) + 1)).astype(np.int64),
            "dst": dst_a,
            "kind": kind_a[order],
            "statement": stmt_a,
            "condition": cond_a[order],
            "area_ptr": np.searchsorted(owners[by_area], np.arange(len(areas) + 1))
                        .astype(np.int64),
            "area_edges": ids[by_area],
            "node_area": node_area,
            "statement_ptr": np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64),
            "statement_json": np.frombuffer(b"".join(texts), dtype=np.uint8),
        }
        conditions = tuple(cond_index)
    return RouteGraph(nodes, areas, conditions, arrays)


def _statement_texts(statements: Sequence[Statement]) -> list[bytes]:
    """Each statement as snapshot JSON, without its targets (a relation's target is its
    edge's): what :meth:`RouteGraph.statement_at` reads back."""
    from carepath.snapshot import _encoder

    names = [f.name for f in dataclasses.fields(Statement)]
    at = names.index("targets")
    encode = _encoder(Statement)
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    texts = []
    for st in statements:
        values = [getattr(st, n) for n in names]
        values[at] = ()
        texts.append(dumps(encode(Statement(*values))).encode())
    return texts


def write_route_graph(graph: RouteGraph, folder: Path, *, stamp: dict[str, Any]) -> None:
    """Write ``graph`` into ``folder`` (a new folder: the caller renames it into place):
    one ``.npy`` file per array and ``meta.json`` with the nodes, areas, condition sets and
    ``stamp`` (what it belongs to: checked by :func:`read_route_graph`)."""
    import numpy as np

    folder.mkdir(parents=True)
    for name in ARRAYS:
        np.save(folder / f"{name}.npy", graph.arrays[name], allow_pickle=False)
    meta = {"format": FORMAT, **stamp, "nodes": list(graph.nodes), "areas": list(graph.areas),
            "conditions": [[[[w.start, w.end] for w in windows], sorted(concerns),
                            sorted(severities)]
                           for windows, concerns, severities in graph.conditions]}
    (folder / META).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")


def read_route_graph(folder: Path, *, stamp: dict[str, Any]) -> RouteGraph:
    """The route graph in ``folder``, its arrays memory-mapped read-only; ``stamp`` must be
    the one it was written with.

    Raises:
        RouteGraphError: a file is missing or damaged, or the stamp differs (another build's).
    """
    import numpy as np

    try:
        meta = json.loads((folder / META).read_text(encoding="utf-8"))
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise RouteGraphError(f"{META} is not a carepath route graph")
        for key, value in stamp.items():
            if meta.get(key) != value:
                raise RouteGraphError(f"it was made for another build ({key} differs)")
        arrays = {name: np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False)
                  for name in ARRAYS}
        nodes, areas = tuple(meta["nodes"]), tuple(meta["areas"])
        conditions = tuple((tuple(Interval(int(a), int(b)) for a, b in windows),
                            frozenset(concerns), frozenset(severities))
                           for windows, concerns, severities in meta["conditions"])
    except RouteGraphError:
        raise
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise RouteGraphError(f"{type(exc).__name__}: {str(exc)[:200]}") from None
    edges = len(arrays["dst"])
    sizes = {"indptr": len(nodes) + 1, "node_area": len(nodes), "kind": edges,
             "statement": edges, "condition": edges, "area_ptr": len(areas) + 1}
    bad = [name for name, size in sizes.items() if len(arrays[name]) != size]
    bounds = {"dst": len(nodes), "area_edges": edges,
              "statement": len(arrays["statement_ptr"]) - 1}  # indices stay inside
    bad += [name for name, bound in bounds.items()
            if len(arrays[name]) and not (int(arrays[name].max()) < bound
                                          and int(arrays[name].min()) >= -2)]
    if bad or (edges and int(arrays["indptr"][-1]) != edges):
        raise RouteGraphError(f"damaged arrays ({', '.join(bad) or 'indptr'})")
    return RouteGraph(nodes, areas, conditions, arrays)


def route_graph_of(model: Model) -> RouteGraph:
    """The route graph of ``model``: the one it was given (a build's part, read on first
    use), else made from its statements (:func:`make_route_graph`) and kept.

    >>> from carepath import load_reference
    >>> model = load_reference()
    >>> route_graph_of(model) is route_graph_of(model)
    True
    """
    found = model._route_graph
    if isinstance(found, RouteGraph):
        return found
    graph = found() if callable(found) else make_route_graph(model)
    model._route_graph = graph
    return graph


def attach(model: Model, read: Callable[[], RouteGraph] | None) -> Model:
    """Give ``model`` the function that reads its route graph (a build's part); the model."""
    if not isinstance(model._route_graph, RouteGraph):
        model._route_graph = read
    return model
