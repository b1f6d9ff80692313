"""The build: load and validate data, generate every view, write them to one folder.

The output folder is written atomically: a failed build leaves the previous one untouched,
and a folder holding files carepath did not write is refused (:mod:`carepath.outputs`).

>>> import tempfile, pathlib
>>> result = build(out=pathlib.Path(tempfile.mkdtemp()) / "out")
>>> sorted(p.name for p in result.out.iterdir())
['.carepath-output.json', 'carepath.ttl', 'graph.json', 'graph.lbdb', 'ontology.ttl', 'shapes.ttl']
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from carepath.errors import DataValidationError, Problem
from carepath.files import atomic_dir
from carepath.graph.bulk import paused_gc
from carepath.graph.model import Model
from carepath.ontology import (
    SHACL_LIMIT,
    SHAPES_FILE,
    read_resource,
    shacl_problems,
    shacl_skipped,
)

Step = Callable[[str], None]


@dataclass(slots=True)
class BuildResult:
    model: Model
    out: Path
    warnings: list[Problem] = field(default_factory=list)
    triples: int = 0
    graph_nodes: int = 0
    graph_edges: int = 0


def _noop(_: str) -> None:
    pass


def build(data: Sequence[Path | str] = (), *, out: Path | str = "carepath-build",
          shacl: bool = True, shacl_limit: int = SHACL_LIMIT,
          step: Step = _noop, force: bool = False) -> BuildResult:
    """Load ``data`` (default: the bundled reference data), validate, and write every view.

    SHACL is skipped, with a warning, above ``shacl_limit`` triples (0: no limit).
    ``step`` is called with the name of each stage as it starts (for progress display).
    Raises :class:`DataValidationError` with every problem if the data or the RDF is invalid.

    The views are built at the same time, each written and let go as soon as it is done:
    two threads build the Cypher and RDF views while this one builds and writes the networkx
    view. LadybugDB's ``COPY`` and Oxigraph's parser release the GIL, so on two cores they
    run beside the Python work. Measured on the national preset (2 cores): 30 s and 3.9 GB
    this way, against 36 s and 3.6 GB with RDF after LadybugDB, and 39 s and 3.5 GB with
    both in one thread beside networkx.
    """
    from carepath.loaders import load_with_warnings
    from carepath.outputs import check_target

    check_target(out, force=force)  # before the work: a folder of the user's files is refused
    step("load and validate data")
    model, warnings = load_with_warnings(*data)
    step("build the views: Cypher (LadybugDB), RDF (Oxigraph) and networkx at once")
    with (atomic_dir(out, force=force) as tmp, paused_gc(),
          ThreadPoolExecutor(max_workers=2) as pool):
        cypher = pool.submit(_write_ladybug, model, tmp / "graph.lbdb")
        keep = 0 if not shacl else (shacl_limit or -1)  # the store SHACL will check, if any
        rdf = pool.submit(_write_rdf, model, tmp, keep)
        nodes, edges = _write_networkx(model, tmp / "graph.json")
        cypher.result()
        triples, store = rdf.result()
        if shacl and shacl_limit and triples > shacl_limit:
            warnings = [*warnings, shacl_skipped(triples, shacl_limit)]
        elif shacl:
            step("check RDF against SHACL shapes")
            problems = shacl_problems(store, limit=0)  # the store just written, not a new one
            del store
            if problems:
                raise DataValidationError(problems)
        step("write outputs")
    return BuildResult(model, Path(out), warnings, triples, nodes, edges)


def _write_rdf(model: Model, folder: Path, keep: int) -> tuple[int, object]:
    """The RDF view as Turtle (with the ontology and shapes beside it); its triple count, and
    the store itself if it has at most ``keep`` triples (-1: any number; 0: never), for SHACL
    to check without building it again."""
    import pyoxigraph as ox

    from carepath.graph.rdf import PREFIXES, ontology_turtle, to_store

    store = to_store(model, with_ontology=False)
    store.dump(folder / "carepath.ttl", format=ox.RdfFormat.TURTLE,
               from_graph=ox.DefaultGraph(), prefixes=PREFIXES)
    (folder / "ontology.ttl").write_text(ontology_turtle(), encoding="utf-8")
    (folder / "shapes.ttl").write_text(read_resource(SHAPES_FILE), encoding="utf-8")
    triples = len(store)
    return triples, store if keep == -1 or triples <= keep else None


def _write_ladybug(model: Model, path: Path) -> None:
    from carepath.graph.cypher import to_ladybug

    to_ladybug(model, path).close()


def _write_networkx(model: Model, path: Path) -> tuple[int, int]:
    """The networkx view as node-link JSON; its node and edge counts."""
    from carepath.graph.networkx import to_networkx

    G = to_networkx(model)
    write_node_link(G, path)
    return G.number_of_nodes(), G.number_of_edges()


def write_node_link(G: nx.MultiDiGraph, path: Path) -> None:
    """Write ``G`` as networkx node-link JSON (``nx.node_link_data(G, edges="edges")``),
    streamed: one object at a time, never the whole document in memory (a national graph's
    document is a copy of a million edges, and its text 700 MB).

    Every key of an object is distinct: node-link JSON names an edge's ends ``source`` and
    ``target``, so the property graph's ``source`` (the evidence document, on relation edges
    and services) is written as ``evidence_source`` on nodes and edges alike. A parser that
    keeps the last of duplicate keys would otherwise lose either the document or the edge's
    start node.

    >>> import tempfile, pathlib
    >>> G = nx.MultiDiGraph([("a", "b", "REFERS_TO", {"note": "é", "source": "doc-1"})])
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "g.json"
    >>> write_node_link(G, out)
    >>> edge = json.loads(out.read_text())["edges"][0]
    >>> edge["source"], edge["target"], edge["evidence_source"]
    ('a', 'b', 'doc-1')
    """
    encode = json.JSONEncoder(ensure_ascii=False, default=list).encode
    head = {"directed": G.is_directed(), "multigraph": G.is_multigraph(), "graph": G.graph}

    def renamed(data: dict) -> dict:
        if "source" not in data:
            return data
        data = data.copy()  # the view's own dict is left as it is
        data["evidence_source"] = data.pop("source")
        return data

    with path.open("w", encoding="utf-8") as fh:
        fh.write(encode(head)[:-1] + ', "nodes": [')
        fh.writelines(("" if i == 0 else ", ") + encode(renamed({**d, "id": n}))
                      for i, (n, d) in enumerate(G.nodes(data=True)))
        fh.write('], "edges": [')
        # each edge's data is encoded as it is, its ends and key appended as text: half the
        # time of encoding a merged copy
        fh.writelines(f'{"" if i == 0 else ", "}{encode(renamed(d))[:-1]}{", " if d else ""}'
                      f'"source": {encode(u)}, "target": {encode(v)}, "key": {encode(k)}}}'
                      for i, (u, v, k, d) in enumerate(G.edges(keys=True, data=True)))
        fh.write("]}")
