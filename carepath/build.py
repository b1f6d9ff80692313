"""The build: load and validate data, generate every view, write them to one folder that
every command can open again instead of re-reading the sources (``--graph DIR``).

A build folder holds the persisted engines (``rdf.oxigraph``, an on-disk Oxigraph store opened
read-only; ``graph.lbdb``, the LadybugDB database), ``routes`` (the route graph as arrays that
route searches memory-map, :mod:`carepath.graph.routegraph`), ``model.json`` (a snapshot of
the model that loads without parsing or validating the sources, :mod:`carepath.snapshot`),
``parts/`` (the same model by area, what a question about one area or service reads:
:meth:`Build.model_of`, :mod:`carepath.parts`), the files for people and other tools (Turtle),
and ``manifest.json``: the carepath version, the build format, the model's field fingerprint
and a content hash of the source files. A folder written
by another carepath version or for other model fields is refused with the reason, never read.

The output folder is written atomically: a failed build leaves the previous one untouched,
and a folder holding files carepath did not write is refused (:mod:`carepath.writing`). A
large build is committed in two steps, the first answer first: the parts the analyses read,
with a manifest listing the stores pending (``parts``, :meth:`Build.ready`), then each store
as it is made. Asked of a store still pending, a question says so and what to do.

>>> import tempfile, pathlib
>>> result = build(out=pathlib.Path(tempfile.mkdtemp()) / "out")
>>> sorted(p.name for p in result.out.iterdir())  # doctest: +NORMALIZE_WHITESPACE
['.carepath-output.json', 'carepath.ttl', 'graph.lbdb', 'manifest.json', 'model.json',
 'ontology.ttl', 'parts', 'rdf.oxigraph', 'routes', 'shapes.ttl']
>>> opened = open_build(result.out)
>>> opened.model.services["dorset-pmmhs"].tier
'specialist-perinatal'
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from carepath.errors import BuildError, DataValidationError, Problem
from carepath.graph.bulk import give_back_memory, paused_gc
from carepath.graph.model import Model
from carepath.writing import atomic_dir, atomic_path

Step = Callable[[str], None]

BUILD_FORMAT = 3  # the layout of a build folder (2: no graph.json, a two-line model.json;
# 3: parts/, the model by area)
MANIFEST = "manifest.json"
SNAPSHOT = "model.json"
PARTS = "parts"  # as carepath.parts.PARTS: the model by area
PARTS_INDEX = "index.json"  # as carepath.parts.INDEX
OXIGRAPH = "rdf.oxigraph"
LADYBUG = "graph.lbdb"
ROUTES = "routes"  # the route graph as arrays (carepath.graph.routegraph)
TURTLE = "carepath.ttl"
ONTOLOGY_FILE = "ontology.ttl"
SHAPES_FILE = "shapes.ttl"
DATA_SUFFIXES = (".yaml", ".yml", ".csv", ".xlsx")
VOCABULARY_FILE = "vocabularies.yaml"  # as carepath.loaders.VOCABULARY_FILE


@dataclass(slots=True)
class BuildResult:
    model: Model
    out: Path
    warnings: list[Problem] = field(default_factory=list)
    triples: int = 0
    graph_nodes: int = 0
    graph_edges: int = 0
    parts: dict[str, float | None] = field(default_factory=dict)
    """Seconds from the start of the build at which each part was ready (as the manifest)."""


def _noop(_: str) -> None:
    pass


def _version() -> str:
    from carepath import __version__

    return __version__


def source_files(data: Sequence[Path | str] = ()) -> list[Path]:
    """Every file loading ``data`` may read (default: the bundled reference data), the bundled
    vocabularies first, as absolute paths.

    >>> [p.name for p in source_files()][:1]
    ['vocabularies.yaml']
    """
    from importlib.util import find_spec

    # found without importing carepath.loaders (pydantic, YAML): a cached question needs
    # only the files' names and contents
    spec = find_spec("carepath.data")
    bundled = Path(next(iter(spec.submodule_search_locations)))
    found = [(bundled / VOCABULARY_FILE).resolve(),  # always loaded first
             (bundled / "sources.yaml").resolve()]  # the documents any fact may cite
    for path in map(Path, data or [bundled]):
        path = path.resolve()
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            found += sorted(p for p in path.rglob("*")
                            if p.suffix.lower() in DATA_SUFFIXES and p.is_file())
    seen: set[Path] = set()
    return [p for p in found if not (p in seen or seen.add(p))]


def content_hash(files: Iterable[Path]) -> str:
    """A hash of the files' paths and contents (which data, exactly as it is now).

    >>> len(content_hash(source_files()))
    64
    """
    h = hashlib.sha256()
    for path in files:
        h.update(os.fsencode(path) + b"\0")
        with path.open("rb") as fh:
            h.update(hashlib.file_digest(fh, "sha256").digest())
    return h.hexdigest()


def manifest_for(data: Sequence[Path | str], files: list[Path] | None = None, *,
                 digest: str | None = None) -> dict[str, Any]:
    """The manifest of a build of ``data``: carepath version, build format, model fields,
    content hash (``digest``, if already made: :func:`content_hash` of ``files``) and the
    source files."""
    from carepath.snapshot import model_schema

    files = source_files(data) if files is None else files
    digest = content_hash(files) if digest is None else digest
    return {"format": "carepath-build", "build_format": BUILD_FORMAT, "carepath": _version(),
            "model_schema": model_schema(), "content_hash": digest,
            "sources": [str(p) for p in files]}


FIRST_PARTS = (SNAPSHOT, PARTS, ROUTES, ONTOLOGY_FILE, SHAPES_FILE)
"""What a question on the model reads (the analyses, cards, search): written and committed
first, so a build answers its first question within seconds at national scale."""
LATER_PARTS = (LADYBUG, TURTLE, OXIGRAPH)
"""Made after :data:`FIRST_PARTS`, one store at a time, each added to the folder when made."""


def build(data: Sequence[Path | str] = (), *, out: Path | str = "carepath-build",
          shacl: bool = True, shacl_limit: int | None = None,
          step: Step = _noop, force: bool = False) -> BuildResult:
    """Load ``data`` (default: the bundled reference data), validate, and write every view.

    SHACL is skipped, with a warning, above ``shacl_limit`` triples (0: no limit).
    ``step`` is called with the name of each stage as it starts (for progress display).
    The first answer comes first. The parts the analyses read (:data:`FIRST_PARTS`: the
    model snapshot and its parts by area, the route graph, the ontology and shapes) are
    written and the folder committed with a
    manifest listing them ready and the stores pending; a question asked of the folder from
    then on is answered. The stores follow one at a time (:data:`LATER_PARTS`: LadybugDB,
    with the Turtle file written beside its ``COPY``, which releases the GIL; then Oxigraph),
    each moved into the folder when made, with the manifest's ``parts`` (seconds from the
    start of the build at which each part was ready, null while pending) updated in the same
    step. One store at a time keeps their inputs apart: at national, LadybugDB's COPY and
    Oxigraph's bulk load each add about 1.5 GB beside the 0.5 GB model.

    A build whose RDF SHACL checks (at most ``shacl_limit`` triples; the model's size says
    so before the stores are made) is committed in one step after the check, as a failed
    check must leave the previous folder untouched.

    The networkx view is not written: it is made from the model in a second
    (:func:`carepath.graph.networkx.to_networkx`), and its node-link JSON is
    ``carepath export networkx``.

    Raises:
        DataValidationError: with every problem, if the data or the RDF is invalid.
        OutputExistsError: ``out`` holds files carepath did not write (unless ``force``).
    """
    from carepath.loaders import load_with_warnings
    from carepath.writing import Previous, check_target

    started = time.monotonic()
    # before the work: a folder of the user's files is refused, and a file of theirs named
    # like a store
    check_target(out, force=force, later=LATER_PARTS)
    from carepath.ontology import SHACL_LIMIT, shacl_problems, shacl_skipped

    shacl_limit = SHACL_LIMIT if shacl_limit is None else shacl_limit
    step("load and validate data")
    files = source_files(data)
    manifest = manifest_for(data, files)
    model, warnings = load_with_warnings(*data)
    give_back_memory()  # what loading made and dropped (the rows read, the records checked)
    loading_warnings = list(warnings)  # what every later question on the build repeats
    parts: dict[str, float | None] = dict.fromkeys((*FIRST_PARTS, *LATER_PARTS))

    def ready(*names: str) -> None:
        for name in names:
            parts[name] = round(time.monotonic() - started, 2)

    if shacl and not (shacl_limit and _surely_more_triples(model, shacl_limit)):
        # checked before anything is committed: one step, as before
        with atomic_dir(out, force=force) as tmp, paused_gc():
            step("write the model snapshot")
            _write_first(model, tmp, manifest)
            nodes, edges, triples, store = _write_stores(
                model, tmp, step=step, ready=_noop_ready, keep=shacl_limit or -1)
            problems = []
            if shacl_limit and triples > shacl_limit:
                warnings = [*warnings, shacl_skipped(triples, shacl_limit)]
            else:
                step("check RDF against SHACL shapes")
                problems = shacl_problems(store, limit=0)  # the store just written
            # closed here, not when the garbage is collected: an open store writes its LOG
            # and MANIFEST after the folder's record of written files is made, and the next
            # build would take them for files the user changed
            del store
            if problems:
                raise DataValidationError(problems)
            step("write outputs")
            ready(*parts)  # every part is there for questions when the folder is committed
            write_manifest(tmp, manifest, loading_warnings, model=model, parts=parts)
        return BuildResult(model, Path(out), warnings, triples, nodes, edges, dict(parts))

    token = secrets.token_hex(8)  # this build's, to tell its folder from a later build's
    step("write the model snapshot (questions on the model can be asked once it is there)")
    previous = Previous()  # the folder's last build, put back if the stores fail
    with atomic_dir(out, force=force, later=LATER_PARTS, previous=previous) as tmp:
        _write_first(model, tmp, manifest)
        ready(*FIRST_PARTS)
        write_manifest(tmp, {**manifest, "build_id": token, "builder_pid": os.getpid()},
                       loading_warnings, model=model, parts=parts)
        written = json.loads((tmp / MANIFEST).read_text(encoding="utf-8"))

    def ours(folder: Path) -> bool:
        try:
            found = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        return isinstance(found, dict) and found.get("build_id") == token

    try:
        nodes, edges, triples = _add_stores(model, out, written, parts, ready, ours, step=step)
    except BaseException:
        previous.restore(still=ours)  # a failed build leaves the previous one as it was
        raise
    previous.drop()
    if shacl:
        warnings = [*warnings, shacl_skipped(triples, shacl_limit)]
    return BuildResult(model, Path(out), warnings, triples, nodes, edges, dict(parts))


def _add_stores(model: Model, out: Path | str, written: dict[str, Any],
                parts: dict[str, float | None], ready: Callable[..., None],
                ours: Callable[[Path], bool], *, step: Step) -> tuple[int, int, int]:
    """The second step of a build: each store made beside the committed folder and added
    to it with the manifest (``written``) saying it is ready (``ready`` fills ``parts``)."""
    from carepath.writing import add_entries, later_dir

    with later_dir(out) as tmp, paused_gc():
        def publish(*names: str) -> None:
            ready(*names)
            written["parts"] = dict(parts)
            if all(t is not None for t in parts.values()):
                written.pop("builder_pid", None)
            (tmp / MANIFEST).write_text(json.dumps(written, indent=2) + "\n",
                                        encoding="utf-8")
            if not add_entries(out, [*(tmp / n for n in names), tmp / MANIFEST], still=ours):
                raise BuildError(f"{out} was written by another carepath build while this "
                                 "one made its stores; that build's folder is kept")

        nodes, edges, triples, store = _write_stores(model, tmp, step=step, ready=publish,
                                                     keep=0)
        del store
    return nodes, edges, triples


def _noop_ready(*names: str) -> None:
    pass


def _triples_at_least(model: Model) -> int:
    """A lower bound of the model's RDF triples, known without making them: per relation a
    ``cp:target`` and per statement a ``cp:source``."""
    return model.relation_count + len(model.statements)


def _surely_more_triples(model: Model, limit: int) -> bool:
    return _triples_at_least(model) > limit


def _write_first(model: Model, folder: Path, manifest: dict[str, Any]) -> None:
    """:data:`FIRST_PARTS` into ``folder``: what the analyses read (the snapshot and its
    parts by area, the route graph stamped with ``manifest``'s hashes)."""
    from carepath.graph.rdf import ontology_turtle
    from carepath.ontology import SHAPES_FILE as SHAPES_RESOURCE
    from carepath.ontology import read_resource

    write_snapshot(model, folder / SNAPSHOT)  # and parts/, the same model by area
    write_routes(model, folder, manifest)
    (folder / ONTOLOGY_FILE).write_text(ontology_turtle(), encoding="utf-8")
    (folder / SHAPES_FILE).write_text(read_resource(SHAPES_RESOURCE), encoding="utf-8")


def _write_stores(model: Model, folder: Path, *, step: Step, ready: Callable[..., None],
                  keep: int) -> tuple[int, int, int, Any]:
    """:data:`LATER_PARTS` into ``folder``, calling ``ready(name...)`` as each is made:
    LadybugDB in a thread while this one writes the Turtle file (LadybugDB's ``COPY``
    releases the GIL), then the Oxigraph store alone. Returns the database's node and edge
    counts, the triple count and the store (see :func:`_write_rdf` for ``keep``)."""
    from carepath.graph.rdf import write_turtle

    step("build the Cypher store (LadybugDB) and write the Turtle file")
    with ThreadPoolExecutor(max_workers=1) as pool:
        cypher = pool.submit(write_ladybug, model, folder / LADYBUG)
        write_turtle(model, folder / TURTLE)
        ready(TURTLE)
        nodes, edges = cypher.result()
    ready(LADYBUG)
    give_back_memory()  # at national 1.1 GB LadybugDB's COPY freed but the allocators kept
    step("build the RDF store (Oxigraph)")
    triples, store = _write_rdf(model, folder, keep)
    give_back_memory()
    ready(OXIGRAPH)  # (a store kept for SHACL is closed by the caller before its commit)
    return nodes, edges, triples, store


def write_manifest(folder: Path, manifest: dict[str, Any],
                   warnings: Sequence[Problem] = (), *, model: Model | None = None,
                   parts: dict[str, float | None] | None = None) -> None:
    """``manifest.json`` in ``folder`` with the loading warnings, the snapshot's hash and
    (given the ``model``) its service ids, written last (atomically): its presence says the
    parts beside it are complete, except those ``parts`` lists as pending (None; else the
    seconds from the start of the build at which the part was ready)."""
    from dataclasses import astuple

    snapshot, parts_index = folder / SNAPSHOT, folder / PARTS / PARTS_INDEX
    manifest = {**manifest, "warnings": [list(astuple(w)) for w in warnings],
                "snapshot_sha256": _file_hash(snapshot) if snapshot.exists() else None,
                "parts_sha256": _file_hash(parts_index) if parts_index.exists() else None}
    if parts is not None:
        manifest["parts"] = dict(parts)
    if model is not None:  # a question naming a service by id then needs no model at all
        manifest["service_ids"] = sorted(model.services)
    with atomic_path(folder / MANIFEST) as tmp:
        tmp.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def _file_hash(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def write_snapshot(model: Model, path: Path) -> None:
    """The model snapshot, and beside it the model by area (:mod:`carepath.parts`, what a
    question about one area or service reads), each file written atomically."""
    from carepath.parts import write_parts
    from carepath.snapshot import dumps, encode

    encoded = encode(model)  # made once for both
    with atomic_path(path) as tmp:
        tmp.write_bytes(dumps(model, encoded=encoded))
    write_parts(model, path.parent, encoded=encoded)


def _write_rdf(model: Model, folder: Path, keep: int) -> tuple[int, Any]:
    """The RDF view: an on-disk Oxigraph store with the model's triples and the ontology; the
    model's triple count, and the store itself if the model has at most ``keep`` triples
    (-1: any number; 0: never), for SHACL to check without building it again (the caller
    drops it before the folder is renamed)."""
    import pyoxigraph as ox

    from carepath.graph.rdf import ontology_turtle

    store = write_oxigraph(model, folder / OXIGRAPH, with_ontology=False)
    triples = len(store)
    store.bulk_load(ontology_turtle().encode("utf-8"), ox.RdfFormat.TURTLE)
    store.flush()
    if keep == -1 or triples <= keep:
        return triples, store
    return triples, None


def write_oxigraph(model: Model, path: Path, *, with_ontology: bool = True) -> Any:
    """The model's RDF bulk-loaded into a new on-disk Oxigraph store at ``path``; the store,
    still open for writing (drop it before opening the folder read-only).

    One bulk load reads every N-Triples text as it is made (a stream, never all of it in
    memory): at national, 14 s against 19 s for a bulk load per text.
    """
    import pyoxigraph as ox

    from carepath.graph.rdf import ntriples_stream, ontology_turtle

    store = ox.Store(str(path))
    with paused_gc():
        odd: list[Any] = []
        store.bulk_load(ntriples_stream(model, odd), ox.RdfFormat.N_TRIPLES, lenient=True)
        store.bulk_extend(odd)
    if with_ontology:
        store.bulk_load(ontology_turtle().encode("utf-8"), ox.RdfFormat.TURTLE)
    store.flush()
    return store


def route_stamp(manifest: dict[str, Any]) -> dict[str, Any]:
    """What a build's route graph belongs to: the data (content hash), the carepath and the
    model fields of its manifest (:func:`carepath.graph.routegraph.read_route_graph` checks
    it, so another build's route graph is refused)."""
    return {key: manifest.get(key) for key in ("content_hash", "carepath", "model_schema")}


def write_routes(model: Model, folder: Path, manifest: dict[str, Any]) -> None:
    """The route graph of ``model`` as ``folder/routes`` (a new folder; at national 27 MB,
    made in about 2 s), stamped with :func:`route_stamp` of ``manifest``."""
    from carepath.graph.routegraph import make_route_graph, write_route_graph

    write_route_graph(make_route_graph(model), folder / ROUTES, stamp=route_stamp(manifest))


def write_ladybug(model: Model, path: Path) -> tuple[int, int]:
    """The LadybugDB database at ``path`` (a new file), closed; its node and relationship
    counts."""
    import ladybug

    from carepath.graph.cypher import to_ladybug

    conn = to_ladybug(model, path)
    nodes = conn.execute("MATCH (n) RETURN count(n)").get_next()[0]
    edges = conn.execute("MATCH ()-[r]->() RETURN count(r)").get_next()[0]
    db = getattr(conn, "database", None)
    conn.close()
    if isinstance(db, ladybug.Database):
        db.close()
    return nodes, edges


@dataclass
class Build:
    """A build folder opened for reading: the model, and the engines' stores read-only.

    Every part is opened on first use; a missing or damaged part raises :class:`BuildError`.
    """

    folder: Path
    manifest: dict[str, Any]
    _model: Model | None = None
    warnings: list[Problem] = field(default_factory=list)
    _service_ids: frozenset[str] | None = None

    def __post_init__(self) -> None:
        self.warnings = [Problem(*w) for w in self.manifest.get("warnings") or []]

    @property
    def model(self) -> Model:
        from carepath.graph.routegraph import attach

        if self._model is None:
            self._model = read_snapshot(self.part(SNAPSHOT),
                                        self.manifest.get("snapshot_sha256"))
        return attach(self._model, self.route_graph)

    @property
    def names(self) -> Model:
        """The model without its relations, for looking up names and ids (services,
        professions, areas and the vocabularies): at national 0.1 s against 2.5 s for
        :attr:`model`. Never give it to an analysis but the route searches
        (:mod:`carepath.queries.routes`): they read the build's route graph
        (:meth:`route_graph`), not the relations."""
        from carepath.graph.routegraph import attach

        if self._model is not None:
            return self.model
        names = read_snapshot(self.part(SNAPSHOT), self.manifest.get("snapshot_sha256"),
                              statements=False)
        return attach(names, self.route_graph)  # routes read the build's route graph

    def model_of(self, *, areas: Iterable[str] | None = None,
                 services: Iterable[str] | None = None) -> Model:
        """The model a question about ``areas`` and ``services`` needs, read from their
        areas' parts (:mod:`carepath.parts`): every source, area and vocabulary; the areas'
        services, every relation statement with an end in them, their overlaps and pathway
        cells, and the services of other areas those name. It answers a question about
        those areas, or those services, with the same rows as :attr:`model`. At national
        0.1 s for one area, against 1.2 s for the whole model, and the same at region.

        Neither given: the whole model; empty: the vocabularies and areas alone (for looking
        up an area). The whole model too when it is already read, when the build has no
        parts (a folder written before them), or when a service is not in the build (so an
        unknown id is reported as the whole model reports it).

        >>> import tempfile, pathlib
        >>> opened = open_build(build(out=pathlib.Path(tempfile.mkdtemp()) / "out").out)
        >>> dorset = opened.model_of(areas=["dorset"])
        >>> "dorset-pmmhs" in dorset.services, len(dorset.services) < len(opened.model.services)
        (True, True)
        """
        if (areas is None and services is None) or self._model is not None:
            return self.model
        from carepath.parts import Parts, PartsError

        if not self.has(PARTS) or self.manifest.get("parts_sha256") is None:
            return self.model
        try:
            self.part(PARTS)
            parts = Parts(self.folder, self.manifest["parts_sha256"])
            wanted = list(areas or ())
            for service in services or ():
                area = parts.area_of(service)
                if area is None:
                    return self.model
                wanted.append(area)
            return parts.model(wanted)
        except PartsError as exc:
            raise BuildError(f"cannot read the model of build {self.folder}: {exc}; build it "
                             "again with carepath build") from None

    def is_service(self, ident: str) -> bool | None:
        """Whether ``ident`` is a service id, from the manifest alone (None: it does not say,
        a folder written without the list).

        >>> import tempfile, pathlib
        >>> folder = build(out=pathlib.Path(tempfile.mkdtemp()) / "out").out
        >>> opened = open_build(folder)
        >>> opened.is_service("dorset-pmmhs"), opened.is_service("Dorset PMMHS")
        (True, False)
        """
        ids = self.manifest.get("service_ids")
        if ids is None:
            return None
        if self._service_ids is None:
            self._service_ids = frozenset(ids)
        return ident in self._service_ids

    def has(self, part: str) -> bool:
        return (self.folder / part).exists()

    def ready(self, part: str) -> bool:
        """Whether ``part`` of this build is made: a folder whose manifest lists its parts
        (a build committed in two steps) says so; an older one has every part or none.

        >>> import tempfile, pathlib
        >>> opened = open_build(build(out=pathlib.Path(tempfile.mkdtemp()) / "out").out)
        >>> opened.ready(SNAPSHOT), opened.ready(OXIGRAPH)
        (True, True)
        """
        parts = self.manifest.get("parts")
        if isinstance(parts, dict) and part in parts:
            return parts[part] is not None
        return self.has(part)

    def _not_ready(self, part: str, what: str) -> BuildError:
        """The error for a store this build has not made (yet)."""
        parts = self.manifest.get("parts")
        if isinstance(parts, dict) and parts.get(part, 0) is None:
            pid = self.manifest.get("builder_pid")
            if isinstance(pid, int) and _running(pid):
                return BuildError(f"build {self.folder}: its {what} ({part}) is still being "
                                  f"made by carepath build (process {pid}); ask again when "
                                  "that build has finished (questions on the model can be "
                                  "asked now)")
            return BuildError(f"build {self.folder}: its {what} ({part}) was never made (the "
                              "build stopped before it); run carepath build again")
        return BuildError(f"build {self.folder} has no {part}")

    def part(self, part: str) -> Path:
        """The path of a part of this build, checked to be its own: a part (or a file in
        it) that is a link, or resolves outside the folder, is refused; another build's
        store would answer for this one (61 services for a 2-service build).

        Raises:
            BuildError: the part is a link, or leads out of the build folder.
        """
        path = self.folder / part
        root = self.folder.resolve()
        inside = list(path.iterdir()) if path.is_dir() and not path.is_symlink() else []
        for entry in (path, *inside):
            if entry.is_symlink() or (entry.exists()
                                      and not entry.resolve().is_relative_to(root)):
                shown = part if entry == path else f"{part}/{entry.name}"
                raise BuildError(f"build {self.folder}: {shown} is a link to "
                                 f"{entry.resolve()}; a build's stores are its own, not "
                                 "another folder's: build it again with carepath build")
        return path

    def route_graph(self) -> Any:
        """The route graph (:class:`carepath.graph.routegraph.RouteGraph`), its arrays
        memory-mapped read-only, checked to be this build's own (:func:`route_stamp`); for
        a folder built before it had one, made from the model.

        Raises:
            BuildError: the part is a link, damaged, or another build's.
        """
        from carepath.graph.routegraph import (
            RouteGraph,
            RouteGraphError,
            make_route_graph,
            read_route_graph,
        )

        path = self.folder / ROUTES
        if not (path.exists() or path.is_symlink()):
            model = self.model
            if not isinstance(model._route_graph, RouteGraph):
                model._route_graph = make_route_graph(model)
            return model._route_graph
        path = self.part(ROUTES)
        try:
            return read_route_graph(path, stamp=route_stamp(self.manifest))
        except RouteGraphError as exc:
            raise BuildError(f"the route graph {path} cannot be used ({exc}); build it "
                             "again with carepath build") from None

    def oxigraph(self) -> Any:
        """The on-disk Oxigraph store, opened read-only (checked to be this build's own and
        readable: a damaged store raises :class:`BuildError` naming it)."""
        import pyoxigraph as ox

        path = self.part(OXIGRAPH)
        if not path.is_dir():
            raise self._not_ready(OXIGRAPH, "RDF store")
        try:
            store = ox.Store.read_only(str(path))
            if next(iter(store.quads_for_pattern(None, None, None)), None) is None:
                raise OSError("it holds no triples")
        except (OSError, RuntimeError) as exc:
            raise BuildError(f"the RDF store {path} is damaged "
                             f"({str(exc).splitlines()[0][:200]}); build it again with "
                             "carepath build") from None
        return store

    def ladybug(self) -> Any:
        """A connection to the LadybugDB database, opened read-only (checked to be this
        build's own and readable: a damaged database raises :class:`BuildError` naming it)."""
        import ladybug

        path = self.part(LADYBUG)
        if not path.exists():
            raise self._not_ready(LADYBUG, "Cypher database")
        try:
            conn = ladybug.Connection(ladybug.Database(str(path), read_only=True))
            tables = conn.execute("CALL show_tables() RETURN count(*)").get_next()[0]
        except RuntimeError as exc:
            raise BuildError(f"the LadybugDB database {path} is damaged "
                             f"({str(exc).splitlines()[0][:200]}); build it again with "
                             "carepath build") from None
        if not tables:
            conn.close()
            raise BuildError(f"the LadybugDB database {path} is damaged (it holds no "
                             "tables); build it again with carepath build")
        return conn


def _running(pid: int) -> bool:
    """Whether process ``pid`` still runs on this machine."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def read_snapshot(path: Path, sha256: str | None = None, *, statements: bool = True) -> Model:
    """The model of a snapshot written by :func:`write_snapshot` (without its relation
    statements if not ``statements``); with ``sha256``, its bytes are checked first (a
    damaged or replaced file is refused, not half read)."""
    from carepath.errors import SnapshotError
    from carepath.snapshot import loads

    try:
        data = path.read_bytes()
        if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256:
            raise SnapshotError(f"{path.name} is not the file the build wrote (its hash differs)")
        return loads(data, statements=statements)
    except (OSError, SnapshotError) as exc:
        raise BuildError(f"cannot read the model of build {path.parent}: {exc}") from None


def read_manifest(folder: Path | str) -> dict[str, Any]:
    """The manifest of a build folder, checked: this carepath can read that folder.

    Raises:
        BuildError: no build folder there, a damaged manifest, or one written by another
            carepath version, build format or model fields.
    """
    from carepath.snapshot import model_schema

    folder = Path(folder)
    path = folder / MANIFEST
    if not path.is_file():
        what = "does not exist" if not folder.exists() else f"has no {MANIFEST}"
        raise BuildError(f"{folder} is not a carepath build folder: it {what}; "
                         "make one with carepath build")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BuildError(f"damaged build folder {folder}: {MANIFEST}: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != "carepath-build":
        raise BuildError(f"damaged build folder {folder}: {MANIFEST} is not a build manifest")
    made = (manifest.get("carepath"), manifest.get("build_format"), manifest.get("model_schema"))
    if made != (_version(), BUILD_FORMAT, model_schema()):
        raise BuildError(
            f"build folder {folder} was made by carepath {made[0]} (build format {made[1]}, "
            f"model {made[2]}); this is carepath {_version()} (build format {BUILD_FORMAT}, "
            f"model {model_schema()}): build it again with this carepath")
    return manifest


def open_build(folder: Path | str) -> Build:
    """Open a build folder for reading (its manifest checked first).

    Raises:
        BuildError: see :func:`read_manifest`.
    """
    return Build(Path(folder), read_manifest(folder))


def is_build(path: Path | str) -> bool:
    """Whether ``path`` is a build folder (has a manifest), whatever its version."""
    return (Path(path) / MANIFEST).is_file()
