"""Dated versions of a data folder: save one, list them, find the one valid on a date.

A version is a copy of the data files, with what was true of them when saved: the label,
the date the version is valid from, a note, the content hash of the files, the build format,
and the source documents' own versions where the data states them (``version:`` in
``sources.yaml``; document 002 says "v4 (from 01 August 2024)"). Versions live in a history
folder beside the data: ``.carepath-history/`` next to the data folder (next to the current
folder for the bundled reference data), one sub-folder per label::

    .carepath-history/
      2024-v4/
        version.json        the record above
        data/               the data files as they were

A version is never overwritten (a label already used is refused), and each is written
atomically (:mod:`carepath.writing`): a failed save leaves nothing behind. A version is valid
from its ``valid_from`` date until the next version's; :func:`version_at` finds it.

>>> import tempfile, pathlib, shutil
>>> from carepath.build import source_files
>>> work = pathlib.Path(tempfile.mkdtemp())
>>> data = work / "data"
>>> _ = shutil.copytree(source_files()[0].parent / "areas", data / "areas")
>>> _ = shutil.copy(source_files()[0].parent / "sources.yaml", data)
>>> v = save_version(data, label="v3", valid_from="2023-04-01", note="as commissioned")
>>> v.folder == work / ".carepath-history" / "v3"
True
>>> v.documents["doc-002"]["version"]
'01/MRFH/0009 v4 (from 01 August 2024)'
>>> _ = save_version(data, label="v4", valid_from="2024-08-01")
>>> [x.label for x in versions(history_folder(data))]
['v3', 'v4']
>>> version_at(history_folder(data), "2024-01-31").label
'v3'
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from carepath.errors import HistoryError, naming

HISTORY_FOLDER = ".carepath-history"
VERSION_FILE = "version.json"
DATA_FOLDER = "data"
FORMAT = "carepath-version"
_LABEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True, slots=True)
class Version:
    """One saved version of a data folder (see the module docstring)."""

    label: str
    valid_from: str
    folder: Path
    saved_at: str = ""
    note: str | None = None
    data_name: str = ""
    content_hash: str = ""
    build_format: int | None = None
    carepath: str = ""
    files: tuple[str, ...] = ()
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def data(self) -> Path:
        """The folder holding the version's data files."""
        return self.folder / DATA_FOLDER

    def record(self) -> dict[str, Any]:
        """The version as a flat row (for ``history list``)."""
        return {"label": self.label, "valid_from": self.valid_from, "note": self.note,
                "saved_at": self.saved_at, "files": len(self.files),
                "documents": [f"{k}: {v['version']}" for k, v in sorted(self.documents.items())],
                "content_hash": self.content_hash[:12], "build_format": self.build_format,
                "folder": str(self.folder)}


def parse_date(text: str, what: str = "date") -> str:
    """``text`` as an ISO date (``YYYY-MM-DD``); a bad one is a :class:`HistoryError`.

    ``what`` names the value in the message: the caller's option it came from, which the
    command line gives as its flag (see :func:`carepath.errors.naming`).

    >>> parse_date("2024-08-01")
    '2024-08-01'
    >>> parse_date("1 Aug 2024", "valid_from")
    Traceback (most recent call last):
    ...
    carepath.errors.HistoryError: `valid_from` '1 Aug 2024' is not a date; write it as ...
    """
    try:
        return datetime.date.fromisoformat(str(text).strip()).isoformat()
    except ValueError:
        raise naming(HistoryError(f"`{what}` {text!r} is not a date; write it as YYYY-MM-DD, "
                                  "e.g. 2024-08-01"), what) from None


def _bundled() -> Path:
    from carepath.build import source_files

    return source_files()[0].parent


def data_name(data: Path | str | None) -> str:
    """The name versions of ``data`` are filed under: the folder's (or file's) name, or
    ``reference`` for the bundled data."""
    if data is None:
        return "reference"
    return Path(data).resolve().name


def history_folder(data: Path | str | None) -> Path:
    """The history folder of ``data``: ``.carepath-history`` beside it (beside the current
    folder for the bundled reference data, which lives inside the installed package)."""
    if data is None:
        return Path.cwd() / HISTORY_FOLDER
    return Path(data).resolve().parent / HISTORY_FOLDER


def data_files(data: Path | str | None) -> list[tuple[Path, str]]:
    """The files a version of ``data`` copies, with the relative name each is saved under.

    A folder's data files (``.yaml``, ``.csv``, ``.xlsx``; hidden folders skipped), or the one
    file given. A copy of the bundled vocabularies is left out: they always load anyway.
    """
    from carepath.build import DATA_SUFFIXES, VOCABULARY_FILE

    root = _bundled() if data is None else Path(data)
    if not root.exists():
        raise naming(HistoryError(f"no data at {root}; give `data` a data folder or file"),
                     "data")
    if root.is_file():
        return [(root, root.name)]
    vocab = (_bundled() / VOCABULARY_FILE).read_bytes()
    found = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts) or not path.is_file():
            continue
        if path.suffix.lower() not in DATA_SUFFIXES:
            continue
        if path.name == VOCABULARY_FILE and path.read_bytes() == vocab:
            continue
        found.append((path, rel.as_posix()))
    if not found:
        raise HistoryError(f"{root} holds no data files (.yaml, .csv, .xlsx)")
    return found


def files_hash(files: list[tuple[Path, str]]) -> str:
    """A hash of the files' saved names and contents (the same wherever the folder is)."""
    h = hashlib.sha256()
    for path, rel in files:
        h.update(rel.encode() + b"\0")
        with path.open("rb") as fh:
            h.update(hashlib.file_digest(fh, "sha256").digest())
    return h.hexdigest()


def document_versions(data: Path | str | None) -> dict[str, dict[str, Any]]:
    """The source documents' own versions, where the data states them, with the citation."""
    from carepath.cache import open_data

    built = open_data([] if data is None else [data])
    out = {}
    for src in built.model.sources.values():
        if src.version:
            prov = src.version_provenance
            out[src.id] = {"version": src.version, "dated": src.dated,
                           "cite": prov.ref if prov else src.id}
    return out


def save_version(data: Path | str | None, *, label: str, valid_from: str,
                 note: str | None = None, history: Path | str | None = None) -> Version:
    """Save the data files of ``data`` (default: the bundled reference data) as a version.

    Raises:
        HistoryError: a bad label or date, or a label already used (a version is never
            overwritten).
        DataValidationError: invalid data (nothing is saved).
    """
    from carepath.build import BUILD_FORMAT, _version
    from carepath.writing import output_dir

    if not _LABEL.match(label):
        raise HistoryError(f"label {label!r} cannot name a version; use letters, digits, '.', "
                           "'-' or '_' (e.g. 2024-v4)")
    valid_from = parse_date(valid_from, "valid_from")
    folder = Path(history) if history is not None else history_folder(data)
    target = folder / label
    if target.exists():
        raise HistoryError(f"version {label!r} already exists in {folder}; choose another "
                           "label (a saved version is never overwritten)")
    name = data_name(data)
    for other in versions(folder, data_name=name):
        if other.valid_from == valid_from:
            raise naming(HistoryError(f"version {other.label!r} is already valid from "
                                      f"{valid_from}; give another `valid_from` date"),
                         "valid_from")
    files = data_files(data)
    documents = document_versions(data)  # loads the data: invalid data is refused here
    record = {"format": FORMAT, "label": label, "valid_from": valid_from, "note": note,
              "saved_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
              "data_name": name, "content_hash": files_hash(files),
              "build_format": BUILD_FORMAT, "carepath": _version(),
              "files": [rel for _, rel in files], "documents": documents}
    with output_dir(target) as tmp:
        for path, rel in files:
            dest = tmp / DATA_FOLDER / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, dest)
        (tmp / VERSION_FILE).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    return _read(target)


def _read(folder: Path) -> Version:
    try:
        record = json.loads((folder / VERSION_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise HistoryError(f"{folder / VERSION_FILE} cannot be read ({exc}); "
                           "it is not a carepath version") from None
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        raise HistoryError(f"{folder / VERSION_FILE} is not a carepath version record")
    return Version(label=record["label"], valid_from=record["valid_from"], folder=folder,
                   saved_at=record.get("saved_at", ""), note=record.get("note"),
                   data_name=record.get("data_name", ""),
                   content_hash=record.get("content_hash", ""),
                   build_format=record.get("build_format"), carepath=record.get("carepath", ""),
                   files=tuple(record.get("files", ())), documents=record.get("documents", {}))


def versions(history: Path | str, *, data_name: str | None = None) -> list[Version]:
    """The versions in a history folder (of the data named ``data_name``, if given), by
    ``valid_from``. A missing folder has none."""
    folder = Path(history)
    if not folder.is_dir():
        return []
    found = [_read(p) for p in sorted(folder.iterdir())  # not a save still being written
             if p.is_dir() and not p.name.startswith(".") and (p / VERSION_FILE).is_file()]
    if data_name is not None:
        found = [v for v in found if v.data_name == data_name]
    return sorted(found, key=lambda v: (v.valid_from, v.label))


def version_at(history: Path | str, date: str, *, data_name: str | None = None) -> Version:
    """The version valid on ``date``: the latest whose ``valid_from`` is on or before it."""
    date = parse_date(date)
    found = versions(history, data_name=data_name)
    if not found:
        raise HistoryError(f"no saved versions in {history}; save one first with "
                           "carepath history save --label L --valid-from DATE")
    valid = [v for v in found if v.valid_from <= date]
    if not valid:
        raise HistoryError(f"no version was valid on {date}: the earliest, "
                           f"{found[0].label!r}, is valid from {found[0].valid_from}")
    return valid[-1]


def find_version(history: Path | str, ref: str, *, data_name: str | None = None) -> Version:
    """A version by label, or the one valid on a date (``YYYY-MM-DD``)."""
    found = versions(history, data_name=data_name)
    for v in found:
        if v.label == ref:
            return v
    try:
        datetime.date.fromisoformat(ref)
    except ValueError:
        labels = ", ".join(v.label for v in found) or "none saved"
        raise HistoryError(f"no version {ref!r} in {history}; expected a label ({labels}) "
                           "or a date YYYY-MM-DD") from None
    return version_at(history, ref, data_name=data_name)


def data_as_of(data: Path | str | None, date: str) -> Version:
    """The version of ``data`` (default: the bundled data) valid on ``date``."""
    return version_at(history_folder(data), date, data_name=data_name(data))


def versions_turtle(found: list[Version]) -> str:
    """The versions as RDF (Turtle): each a ``prov:Entity`` with its label, the date it is
    valid from and when it was saved, and ``prov:wasRevisionOf`` the version before it (by
    ``valid_from``, among the versions of the same data).

    >>> v3 = Version("v3", "2023-04-01", Path("h/v3"), data_name="data")
    >>> v4 = Version("v4", "2024-08-01", Path("h/v4"), data_name="data")
    >>> text = versions_turtle([v3, v4])
    >>> print([line for line in text.splitlines() if "wasRevisionOf" in line][0].strip())
    prov:wasRevisionOf <https://w3id.org/carepath/id/version/data/v3> ;
    """
    from urllib.parse import quote

    import rdflib
    from rdflib.namespace import PROV, RDF, RDFS, XSD

    from carepath.graph.rdf import CP, ID

    g = rdflib.Graph()
    g.bind("prov", PROV)
    g.bind("cp", CP)
    cp = rdflib.Namespace(CP)
    previous: dict[str, rdflib.URIRef] = {}
    for v in sorted(found, key=lambda v: (v.data_name, v.valid_from, v.label)):
        node = rdflib.URIRef(f"{ID}version/{quote(v.data_name or 'data', safe='')}/{v.label}")
        g.add((node, RDF.type, PROV.Entity))
        g.add((node, RDFS.label, rdflib.Literal(v.label)))
        g.add((node, cp.validFrom, rdflib.Literal(v.valid_from)))
        if v.saved_at:
            g.add((node, PROV.generatedAtTime, rdflib.Literal(v.saved_at,
                                                               datatype=XSD.dateTime)))
        if v.note:
            g.add((node, RDFS.comment, rdflib.Literal(v.note)))
        if v.content_hash:
            g.add((node, cp.contentHash, rdflib.Literal(v.content_hash)))
        for source in sorted(v.documents):
            g.add((node, PROV.wasDerivedFrom, rdflib.URIRef(f"{ID}source/{source}")))
        if v.data_name in previous:
            g.add((node, PROV.wasRevisionOf, previous[v.data_name]))
        previous[v.data_name] = node
    return g.serialize(format="turtle")
