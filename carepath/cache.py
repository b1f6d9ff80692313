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
when a query first needs them. The :data:`KEEP` most recently used entries are kept: writing
a new one removes the least recently used beyond that (a national entry is about 500 MB).

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
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from carepath.build import (
    BUILD_FORMAT,
    LADYBUG,
    MANIFEST,
    OXIGRAPH,
    SNAPSHOT,
    Build,
    BuildError,
    content_hash,
    manifest_for,
    open_build,
    source_files,
    write_ladybug,
    write_manifest,
    write_oxigraph,
    write_snapshot,
)

ENTRIES = "builds"
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

    @property
    def names(self) -> Any:
        try:
            return Build.names.fget(self)
        except BuildError:  # damaged: the model is built again from the sources
            return self.model

    def oxigraph(self) -> Any:
        self._ensure(OXIGRAPH)
        try:
            return super().oxigraph()
        except BuildError:  # damaged: build it again, once
            shutil.rmtree(self.folder / OXIGRAPH, ignore_errors=True)
            self._ensure(OXIGRAPH)
            return super().oxigraph()

    def ladybug(self) -> Any:
        self._ensure(LADYBUG)
        try:
            return super().ladybug()
        except BuildError:
            _remove(self.folder / LADYBUG)
            self._ensure(LADYBUG)
            return super().ladybug()

    def _ensure(self, part: str) -> None:
        target = self.folder / part
        if target.exists():
            return
        tmp = Path(tempfile.mkdtemp(prefix=f".{part}.", dir=self.folder))
        try:
            if part == OXIGRAPH:
                store = write_oxigraph(self.model, tmp / part)
                del store
            else:
                write_ladybug(self.model, tmp / part)
            try:
                (tmp / part).rename(target)
            except OSError:  # another process put it there first
                if not target.exists():
                    raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def entry_key(files: list[Path]) -> str:
    """The cache key of the data in ``files`` for this carepath."""
    return hashlib.sha256(f"{code_stamp()}|{content_hash(files)}".encode()).hexdigest()[:32]


def open_data(data: Sequence[Path | str]) -> CachedBuild:
    """The cached build of ``data`` (default: the bundled reference data): opened if it is
    there and sound, else loaded from the sources and written (the model snapshot only;
    stores follow when asked for).

    Raises:
        DataValidationError: the data has errors (nothing is cached).
    """
    from carepath.loaders import load_with_warnings

    files = source_files(data)
    key = entry_key(files)
    folder = cache_dir() / ENTRIES / key
    if (folder / MANIFEST).exists():
        try:
            found = open_build(folder)
            _used(folder)
            # the snapshot is read (and its hash checked) when the model is first asked for:
            # a SPARQL or Cypher question needs only the stores
            return CachedBuild(found.folder, found.manifest, hit=True, data=tuple(data))
        except BuildError:
            shutil.rmtree(folder, ignore_errors=True)  # damaged: never trusted
    model, warnings = load_with_warnings(*data)
    manifest = manifest_for(data, files)
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{key}.", dir=folder.parent))
        try:
            write_snapshot(model, tmp / SNAPSHOT)
            write_manifest(tmp, manifest, warnings, model=model)
            if folder.exists():  # a half entry (no manifest) or a damaged one
                shutil.rmtree(folder, ignore_errors=True)
            try:
                tmp.rename(folder)
            except OSError:  # another process wrote the same entry first
                if not (folder / MANIFEST).exists():
                    raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        entry = CachedBuild(folder, open_build(folder).manifest, _model=model, data=tuple(data))
        evict(keep=_keep(), spare=folder)
    except OSError:  # no writable cache: answer from memory all the same
        entry = CachedBuild(folder, {**manifest, "warnings": []}, _model=model,
                            data=tuple(data))
    entry.warnings = list(warnings)
    return entry


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
