"""The build: load and validate data, generate every view, write them to one folder.

The output folder is written atomically: a failed build leaves the previous one untouched.

>>> import tempfile, pathlib
>>> result = build(out=pathlib.Path(tempfile.mkdtemp()) / "out")
>>> sorted(p.name for p in result.out.iterdir())
['carepath.ttl', 'graph.json', 'graph.lbdb', 'ontology.ttl', 'shapes.ttl']
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from carepath.errors import DataValidationError, Problem
from carepath.files import atomic_dir
from carepath.graph.model import Model
from carepath.ontology import SHACL_LIMIT

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
          step: Step = _noop) -> BuildResult:
    """Load ``data`` (default: the bundled reference data), validate, and write every view.

    SHACL is skipped, with a warning, above ``shacl_limit`` triples (0: no limit).
    ``step`` is called with the name of each stage as it starts (for progress display).
    Raises :class:`DataValidationError` with every problem if the data or the RDF is invalid.
    """
    from carepath.graph.networkx import to_networkx
    from carepath.graph.rdf import to_store
    from carepath.loaders import load_with_warnings
    from carepath.ontology import SHAPES_FILE, read_resource, shacl_problems, shacl_skipped

    step("load and validate data")
    model, warnings = load_with_warnings(*data)
    step("build RDF view (Oxigraph)")
    import pyoxigraph as ox

    from carepath.graph.rdf import PREFIXES, ontology_turtle

    store = to_store(model, with_ontology=False)
    if shacl and shacl_limit and len(store) > shacl_limit:
        warnings = [*warnings, shacl_skipped(len(store), shacl_limit)]
    elif shacl:
        step("check RDF against SHACL shapes")
        problems = shacl_problems(model, limit=0)
        if problems:
            raise DataValidationError(problems)
    step("build networkx view")
    G = to_networkx(model)
    result = BuildResult(model, Path(out), warnings, len(store), G.number_of_nodes(),
                         G.number_of_edges())
    step("write outputs")
    with atomic_dir(out) as tmp:
        store.dump(tmp / "carepath.ttl", format=ox.RdfFormat.TURTLE,
                   from_graph=ox.DefaultGraph(), prefixes=PREFIXES)
        (tmp / "ontology.ttl").write_text(ontology_turtle(), encoding="utf-8")
        (tmp / "shapes.ttl").write_text(read_resource(SHAPES_FILE), encoding="utf-8")
        node_link = nx.node_link_data(G, edges="edges")
        (tmp / "graph.json").write_text(json.dumps(node_link, ensure_ascii=False, default=list),
                                        encoding="utf-8")
        del store, G, node_link  # each view is written and let go before the next is built
        step("build Cypher view (LadybugDB)")
        from carepath.graph.cypher import to_ladybug

        to_ladybug(model, tmp / "graph.lbdb").close()
    return result
