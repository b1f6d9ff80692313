"""The per-user cache of builds: the second question on the same data is answered from a
build, with no new option to learn.

A cache entry is a build folder (:mod:`carepath.build`) under the user cache folder
(``$CAREPATH_CACHE_DIR``, else the platform's: ``$XDG_CACHE_HOME/carepath`` or
``~/.cache/carepath`` on Linux), named by a key of the data's content hash and this carepath
(its version, build format, model fields and the size and time of its code files). A changed
data file, or another carepath, is another key. Each part is written beside the entry and
renamed into place, the manifest last, so a half-written entry is never seen as complete;
an entry whose manifest, snapshot (checked by hash) or store cannot be read is removed and
built again, never trusted. The model snapshot is written on first use; the engines' stores
and the route graph when a query first needs them. The :data:`KEEP` most recently used
entries are kept: writing a new one removes the least recently used beyond that (a national
entry is about 500 MB).

>>> import os, tempfile
>>> os.environ["CAREPATH_CACHE_DIR"] = tempfile.mkdtemp()
>>> first = open_data([])
>>> first.hit, open_data([]).hit
(False, True)
>>> clear() >= 1
True
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from carepath.build import (
    BUILD_FORMAT,
    LADYBUG,
    MANIFEST,
    OXIGRAPH,
    ROUTES,
    SNAPSHOT,
    Build,
    content_hash,
    manifest_for,
    open_build,
    source_files,
    write_ladybug,
    write_manifest,
    write_oxigraph,
    write_routes,
    write_snapshot,
)
from carepath.errors import BuildError

ENTRIES = "builds"
LOCKS = ".locks"  # a folder of lock files beside the entries, one per entry key
KEEP = 8
"""Cache entries kept (``$CAREPATH_CACHE_ENTRIES`` changes it): the least recently used go
when a new one is written. A national entry is about 500 MB."""


def cache_dir() -> Path:
    """The user cache folder of carepath (``$CAREPATH_CACHE_DIR`` wins)."""
    if os.environ.get("CAREPATH_CACHE_DIR"):
        return Path(os.environ["CAREPATH_CACHE_DIR"])
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "carepath"


def code_stamp() -> str:
    """This carepath: version, build format, model fields, and the size and modification
    time of its code files (so a changed loader in a development checkout is another key)."""
    import carepath
    from carepath.snapshot import model_schema

    h = hashlib.sha256(f"{carepath.__version__}|{BUILD_FORMAT}|{model_schema()}".encode())
    for package in ("carepath", "carepath.graph", "carepath.loaders"):
        module = sys.modules.get(package) or __import__(package, fromlist=["_"])
        for folder in module.__path__:
            for path in sorted(Path(folder).glob("*.py")):
                st = path.stat()
                h.update(f"{path.name}|{st.st_size}|{st.st_mtime_ns}".encode())
    return h.hexdigest()


@dataclass
class CachedBuild(Build):
    """A cache entry: a :class:`Build` whose missing stores are built on first use."""

    hit: bool = False
    data: tuple[Path | str, ...] = ()
    problem: str | None = None
    """Why the cache could not be written (the answer is made without it), or None."""
    on_problem: Callable[[str], None] | None = None
    """Told :attr:`problem` when it arises after opening (the command line prints a note)."""

    def _unwritable(self, exc: OSError) -> None:
        if self.problem is None:
            self.problem = unwritable_message(exc)
            if self.on_problem is not None:
                self.on_problem(self.problem)

    @property
    def model(self) -> Any:
        try:
            return Build.model.fget(self)
        except BuildError:  # a damaged snapshot: never trusted, built again from the sources
            shutil.rmtree(self.folder, ignore_errors=True)
            fresh = open_data(self.data)
            self.manifest, self._model, self.warnings = fresh.manifest, fresh.model, fresh.warnings
            self.hit = False
            return self._model

    def model_of(self, *, areas: Any = None, services: Any = None) -> Any:
        try:
            return Build.model_of(self, areas=areas, services=services)
        except BuildError:  # a damaged part: the whole model answers the same
            return self.model

    @property
    def names(self) -> Any:
        try:
            return Build.names.fget(self)
        except BuildError:  # damaged: the model is built again from the sources
            return self.model

    def oxigraph(self) -> Any:
        if not self._ensure(OXIGRAPH):
            from carepath.graph.rdf import to_store

            return to_store(self.model)  # in memory: the cache cannot hold it
        try:
            return super().oxigraph()
        except BuildError:  # damaged (or not its own): build it again, once
            _remove(self.folder / OXIGRAPH)
            self._ensure(OXIGRAPH)
            return super().oxigraph()

    def route_graph(self) -> Any:
        if not self._ensure(ROUTES):
            from carepath.graph.routegraph import make_route_graph

            return make_route_graph(self.model)  # in memory: the cache cannot hold it
        try:
            return super().route_graph()
        except BuildError:
            _remove(self.folder / ROUTES)
            self._ensure(ROUTES)
            return super().route_graph()

    def ladybug(self) -> Any:
        if not self._ensure(LADYBUG):
            from carepath.graph.cypher import to_ladybug

            return to_ladybug(self.model)  # in memory: the cache cannot hold it
        try:
            return super().ladybug()
        except BuildError:
            _remove(self.folder / LADYBUG)
            self._ensure(LADYBUG)
            return super().ladybug()

    def _ensure(self, part: str) -> bool:
        """Build ``part`` into the entry if it is missing; False if the cache cannot be
        written (:attr:`problem` says why)."""
        target = self.folder / part
        if target.exists() or target.is_symlink():
            return True
        if self.problem is not None:
            return False
        try:
            with filling(self.folder.name):  # one process builds it; the others wait
                if target.exists():
                    return True
                tmp = Path(tempfile.mkdtemp(prefix=f".{part}.", dir=self.folder))
                try:
                    if part == OXIGRAPH:
                        store = write_oxigraph(self.model, tmp / part)
                        del store
                    elif part == ROUTES:
                        write_routes(self.model, tmp, self.manifest)
                    else:
                        write_ladybug(self.model, tmp / part)
                    (tmp / part).rename(target)
                finally:
                    shutil.rmtree(tmp, ignore_errors=True)
        except OSError as exc:
            self._unwritable(exc)
            return False
        return True


def _remove(path: Path) -> None:
    if path.is_symlink():
        path.unlink(missing_ok=True)
    elif path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


@contextmanager
def filling(key: str) -> Iterator[None]:
    """Hold the lock of cache entry ``key`` while it is written: two processes filling the
    same entry took turns removing each other's half-written parts (one of them failed in 5
    rounds of 10); now the second waits, then finds the entry filled. Without a lock file
    (an unwritable cache, or no ``fcntl``) nothing is shared, and nothing is locked."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no lock
        yield
        return
    locks = cache_dir() / ENTRIES / LOCKS
    try:
        locks.mkdir(parents=True, exist_ok=True)
        fd = os.open(locks / key, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def entry_key(files: list[Path], *, digest: str | None = None) -> str:
    """The cache key of the data in ``files`` (``digest``: their :func:`content_hash`, if
    made) for this carepath."""
    digest = content_hash(files) if digest is None else digest
    return hashlib.sha256(f"{code_stamp()}|{digest}".encode()).hexdigest()[:32]


def open_data(data: Sequence[Path | str]) -> CachedBuild:
    """The cached build of ``data`` (default: the bundled reference data): opened if it is
    there and sound, else loaded from the sources and written (the model snapshot only;
    stores follow when asked for).

    Raises:
        DataValidationError: the data has errors (nothing is cached).
    """
    files = source_files(data)
    digest = content_hash(files)  # once: the key and, on a miss, the manifest
    key = entry_key(files, digest=digest)
    folder = cache_dir() / ENTRIES / key
    entry = _cached(folder, data)
    if entry is not None:
        return entry
    with filling(key):  # another process filling the same entry: wait, then use its work
        entry = _cached(folder, data)
        if entry is not None:
            return entry
        return _fill(folder, data, files, digest)


def open_source(data: Sequence[Path | str] = (), *, graph: Path | str | None = None) -> Build:
    """The build a question is answered from, the one rule every command, the server and
    :func:`carepath.engines.connect` follow: ``graph`` (a build folder, its stores opened
    read-only), else one build folder given as ``data``, else the cached build of the
    ``data`` files (:func:`open_data`; none: the bundled reference data).

    >>> import os, tempfile
    >>> os.environ["CAREPATH_CACHE_DIR"] = tempfile.mkdtemp()
    >>> type(open_source()).__name__
    'CachedBuild'

    Raises:
        BuildError: ``graph`` is not a build folder this carepath can read.
        DataValidationError: the data has problems.
    """
    from carepath.build import is_build

    if graph is not None:
        return open_build(graph)
    if len(data) == 1 and is_build(data[0]):
        return open_build(data[0])
    return open_data(data)


def _cached(folder: Path, data: Sequence[Path | str]) -> CachedBuild | None:
    """The entry at ``folder`` if it is there and its manifest sound (a damaged one is
    removed)."""
    if not (folder / MANIFEST).exists():
        return None
    try:
        found = open_build(folder)
    except BuildError:
        shutil.rmtree(folder, ignore_errors=True)  # damaged: never trusted
        return None
    _used(folder)
    # the snapshot is read (and its hash checked) when the model is first asked for: a
    # SPARQL or Cypher question needs only the stores
    return CachedBuild(found.folder, found.manifest, hit=True, data=tuple(data))


def _fill(folder: Path, data: Sequence[Path | str], files: list[Path],
          digest: str | None = None) -> CachedBuild:
    """Load ``data`` and write its entry at ``folder`` (the snapshot, its parts by area and
    the manifest); ``digest``: the files' content hash, if made."""
    from carepath.loaders import load_with_warnings

    model, warnings = load_with_warnings(*data)
    manifest = manifest_for(data, files, digest=digest)
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
        try:
            write_snapshot(model, tmp / SNAPSHOT)
            write_manifest(tmp, manifest, warnings, model=model)
            if folder.exists():  # a half entry (no manifest) or a damaged one
                shutil.rmtree(folder, ignore_errors=True)
            tmp.rename(folder)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        entry = CachedBuild(folder, open_build(folder).manifest, _model=model, data=tuple(data))
        evict(keep=_keep(), spare=folder)
    except OSError as exc:  # no writable cache: answer from memory all the same
        entry = CachedBuild(folder, {**manifest, "warnings": []}, _model=model,
                            data=tuple(data), problem=unwritable_message(exc))
    entry.warnings = list(warnings)
    return entry


def unwritable_message(exc: OSError) -> str:
    """One line: the cache cannot be written, why, and what to do.

    >>> unwritable_message(OSError(30, "Read-only file system"))  # doctest: +ELLIPSIS
    'the cache ... cannot be written (Read-only file system): answering without it; ...'
    """
    return (f"the cache {cache_dir()} cannot be written ({exc.strerror or exc}): answering "
            "without it; set CAREPATH_CACHE_DIR to a writable folder to keep builds")


def _used(folder: Path) -> None:
    """Mark an entry as just used (its manifest's modification time)."""
    try:
        os.utime(folder / MANIFEST)
    except OSError:  # a read-only cache: the entry is used all the same
        pass


def _keep() -> int:
    try:
        return max(1, int(os.environ.get("CAREPATH_CACHE_ENTRIES", KEEP)))
    except ValueError:
        return KEEP


def evict(*, keep: int = KEEP, spare: Path | None = None) -> list[Path]:
    """Remove the least recently used entries beyond the ``keep`` most recent (never
    ``spare``); the entries removed.

    >>> import os, tempfile
    >>> os.environ["CAREPATH_CACHE_DIR"] = tempfile.mkdtemp()
    >>> entry = open_data([])
    >>> evict(keep=1), evict(keep=0, spare=entry.folder)
    ([], [])
    """
    entries = [e for e in _entries() if (e / MANIFEST).is_file()]
    entries.sort(key=lambda e: (e / MANIFEST).stat().st_mtime, reverse=True)
    removed = []
    for entry in entries[keep:]:
        if spare is not None and entry == spare:
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    return removed


def clear() -> int:
    """Remove every cache entry (and any half-written one); the number removed."""
    removed = 0
    for entry in _entries():
        shutil.rmtree(entry, ignore_errors=True)
        removed += 1
    return removed


def _entries() -> list[Path]:
    """The folders carepath made in the cache: named by an entry key (a half-written one by
    ``.KEY.`` and a suffix), so that nothing else in a cache folder a user chose is touched."""
    root = cache_dir() / ENTRIES
    if not root.is_dir():
        return []
    found = []
    for entry in root.iterdir():
        name = entry.name.lstrip(".").split(".")[0]
        if entry.is_dir() and len(name) == 32 and all(c in "0123456789abcdef" for c in name):
            found.append(entry)
    return found
