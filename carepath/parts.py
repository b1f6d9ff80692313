"""The model split by area (a build folder's ``parts/``): a question about one area or one
service reads that area's part, never the nation.

``parts/index.json`` holds what every question needs and is small at any scale (the sources,
areas and vocabularies; 13 kB at national); ``parts/services.json`` says which area each
service is in (read for a question about a service); ``parts/NNN.json`` holds one area:
its services, every relation statement with an end at one of them (whether the area holds its
source or a target), its deliberate overlaps and pathway cells, and the services of other areas
those name (the other end of a statement, a parent it is part of, a part of one of its services,
a service its criteria send families to), so that everything an analysis of the area looks up
is there. Each item keeps its position in the whole model: reading several areas gives them
back in the model's order, once each. A statement, overlap or cell that names no service is in
``rest.json`` (read only for the whole model).

The model of an area answers every question about that area, or about one of its services,
with the same rows as the whole model (``tests/test_parts.py`` compares them on the reference
data and the region preset). Written with :mod:`carepath.snapshot`'s converters: a new model
field needs no change here.

>>> import tempfile, pathlib
>>> from carepath import load_reference
>>> model = load_reference()
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> index = write_parts(model, folder)
>>> dorset = read_parts(folder, areas=["dorset"])
>>> sorted(dorset.areas) == sorted(model.areas), "dorset-pmmhs" in dorset.services
(True, True)
>>> len(dorset.statements) < len(model.statements)
True
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from carepath.errors import PartsError
from carepath.graph.model import Model, Overlap, PathwayCell, Service, Statement
from carepath.writing import atomic_path

PARTS = "parts"  # the folder in a build
INDEX = "index.json"
SERVICES = "services.json"  # each service's area
REST = "rest"  # the part of what names no service
FORMAT = "carepath-parts-1"
SPLIT = ("services", "statements", "overlaps", "pathway")  # the fields split by area
_TYPES = {"services": Service, "statements": Statement, "overlaps": Overlap,
          "pathway": PathwayCell}


def _dump(doc: Any) -> bytes:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def split(model: Model) -> tuple[dict[str, dict[str, list[int]]], dict[str, str]]:
    """Which items of each split field (by position in the model) each area's part holds
    (:data:`REST` for those naming no service), and each service's area.

    >>> from carepath import load_reference
    >>> parts, where = split(load_reference())
    >>> where["dorset-pmmhs"], sorted(parts)[:2]
    ('dorset', ['cheshire-merseyside', 'dorset'])
    """
    services = list(model.services.values())
    position = {s.id: i for i, s in enumerate(services)}
    where = {s.id: s.area for s in services}
    parts: dict[str, dict[str, set[int]]] = {}

    def part(area: str) -> dict[str, set[int]]:
        return parts.setdefault(area, {name: set() for name in SPLIT})

    for i, svc in enumerate(services):
        part(svc.area)["services"].add(i)

    def place(name: str, index: int, ends: Iterable[str]) -> None:
        named = [e for e in ends if e in position]
        areas = {where[e] for e in named} or {REST}
        for area in areas:
            into = part(area)
            into[name].add(index)
            into["services"].update(position[e] for e in named)  # the other ends, too

    for j, st in enumerate(model.statements):
        place("statements", j, (st.source, *st.targets))
    for j, ov in enumerate(model.overlaps):
        place("overlaps", j, ov.services)
    for j, cell in enumerate(model.pathway):
        place("pathway", j, (cell.service,))
    children: dict[str, list[int]] = {}
    for i, svc in enumerate(services):
        if svc.part_of:
            children.setdefault(svc.part_of, []).append(i)
    for area, held in parts.items():
        own = [i for i in held["services"] if area != REST and services[i].area == area]
        for i in own:  # the parts of the area's services, wherever they are
            held["services"].update(children.get(services[i].id, ()))
        todo = list(held["services"])
        while todo:  # every parent up the part-of chain; the services criteria name
            svc = services[todo.pop()]
            named = [svc.part_of] if svc.part_of else []
            named += [d for crit in svc.eligibility for d in crit.discuss_with]
            for other in named:
                k = position.get(other)
                if k is not None and k not in held["services"]:
                    held["services"].add(k)
                    todo.append(k)
    return ({area: {name: sorted(ids) for name, ids in held.items()}
             for area, held in parts.items()}, where)


def write_parts(model: Model, folder: Path, *, encoded: dict[str, Any] | None = None) -> str:
    """The model's parts in ``folder/parts`` (each file written atomically, the index last);
    the index's SHA-256. ``encoded``: the model's snapshot values
    (:func:`carepath.snapshot.encode`), if made (at national they take 4 s to make)."""
    from carepath.snapshot import encode, model_schema

    body = encode(model) if encoded is None else encoded
    items = {name: body[name][1] if name == "services" else body[name] for name in SPLIT}
    parts, where = split(model)
    out = folder / PARTS
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, list[str]] = {}
    for n, area in enumerate(sorted(parts, key=lambda a: (a == REST, a))):
        held = parts[area]
        doc = {name: [held[name], [items[name][i] for i in held[name]]] for name in SPLIT}
        data = _dump(doc)
        name = f"{REST}.json" if area == REST else f"{n:03d}.json"
        with atomic_path(out / name) as tmp:
            tmp.write_bytes(data)
        files[area] = [name, hashlib.sha256(data).hexdigest()]
    head = {name: value for name, value in body.items() if name not in SPLIT}
    ids = list(where)  # each service's area: a file of its own, read by service questions only
    data = _dump([ids, [where[s] for s in ids]])
    with atomic_path(out / SERVICES) as tmp:
        tmp.write_bytes(data)
    index = {"format": FORMAT, "schema": model_schema(), "head": head,
             "rest": files.pop(REST, None), "areas": files,
             "services": [SERVICES, hashlib.sha256(data).hexdigest()]}
    data = _dump(index)
    with atomic_path(out / INDEX) as tmp:
        tmp.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


class Parts:
    """The parts of a build folder, opened (the index read and checked).

    >>> import tempfile, pathlib
    >>> from carepath import load_reference
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = write_parts(load_reference(), folder)
    >>> Parts(folder).area_of("dorset-pmmhs")
    'dorset'
    """

    def __init__(self, folder: Path, sha256: str | None = None) -> None:
        from carepath.snapshot import model_schema

        self.folder = Path(folder) / PARTS
        data = _read(self.folder / INDEX, sha256)
        try:
            index = json.loads(data)
        except ValueError as exc:
            raise PartsError(f"damaged {PARTS}/{INDEX}: {exc}") from None
        if not isinstance(index, dict) or index.get("format") != FORMAT:
            raise PartsError(f"{PARTS}/{INDEX} is not a carepath parts index")
        if index.get("schema") != model_schema():
            raise PartsError(f"{PARTS}/{INDEX} was written for other model fields")
        self._index = index
        self._areas: dict[str, str] | None = None
        self._head: dict[str, Any] | None = None

    def _decoded_head(self) -> dict[str, Any]:
        """The index's sources, areas and vocabularies as model values (decoded once: the
        decoders convert the JSON values in place)."""
        from carepath.snapshot import _decoder, _fields, _hints

        if self._head is None:
            hints, head = _hints(Model), self._index["head"]
            self._head = {}
            for f in _fields(Model):
                if f.name not in SPLIT:
                    dec = _decoder(hints[f.name])
                    self._head[f.name] = head[f.name] if dec is None else dec(head[f.name])
        return self._head

    def area_of(self, service: str) -> str | None:
        """The area of ``service``, or None if the model has no such service."""
        if self._areas is None:
            name, sha = self._index["services"]
            try:
                ids, areas = json.loads(_read(self.folder / name, sha))
                self._areas = dict(zip(ids, areas, strict=True))
            except (TypeError, ValueError) as exc:
                raise PartsError(f"damaged {PARTS}/{name}: {exc}") from None
        return self._areas.get(service)

    def has_area(self, area: str) -> bool:
        return area in self._index["areas"]

    def model(self, areas: Iterable[str] = (), *, rest: bool = False) -> Model:
        """The model of ``areas`` (an unknown area adds nothing: the index's areas still list
        every area, so an analysis says it is unknown as the whole model would); with
        ``rest``, what names no service too."""
        from carepath.graph.bulk import paused_gc
        from carepath.snapshot import _decoder

        files = [self._index["areas"][a] for a in dict.fromkeys(areas)
                 if a in self._index["areas"]]
        if rest and self._index.get("rest"):
            files.append(self._index["rest"])
        with paused_gc():
            got: dict[str, dict[int, Any]] = {name: {} for name in SPLIT}
            for name, sha in files:
                try:
                    doc = json.loads(_read(self.folder / name, sha))
                    for field in SPLIT:
                        positions, values = doc[field]
                        into = got[field]
                        for i, v in zip(positions, values, strict=True):
                            if i not in into:
                                into[i] = v
                except (KeyError, TypeError, ValueError) as exc:
                    raise PartsError(f"damaged {PARTS}/{name}: {exc}") from None
            try:
                values: dict[str, Any] = {}
                for name, value in self._decoded_head().items():  # a model's own copies
                    values[name] = value.copy() if isinstance(value, dict | list) else value
                for name in SPLIT:
                    one = _decoder(_TYPES[name])
                    found = [one(got[name][i]) for i in sorted(got[name])]
                    values[name] = {s.id: s for s in found} if name == "services" else found
                return Model(**values)
            except (KeyError, TypeError, ValueError) as exc:
                raise PartsError(f"damaged {PARTS}: {type(exc).__name__}: {exc}") from None


def _read(path: Path, sha256: str | None) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PartsError(f"cannot read {PARTS}/{path.name}: {exc.strerror or exc}") from None
    if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256:
        raise PartsError(f"{PARTS}/{path.name} is not the file the build wrote "
                         "(its hash differs)")
    return data


def read_parts(folder: Path, *, areas: Iterable[str] = (), services: Iterable[str] = (),
               sha256: str | None = None) -> Model:
    """The model a question about ``areas`` and ``services`` needs, from the parts in
    ``folder`` (see :class:`Parts`): the areas', and those of the services' areas."""
    parts = Parts(folder, sha256)
    wanted = list(areas)
    wanted += [a for s in services if (a := parts.area_of(s)) is not None]
    return parts.model(wanted)
