"""A model snapshot: the whole :class:`~carepath.graph.model.Model` as compact JSON that loads
without YAML parsing or validation (a build folder's ``model.json``).

Generic over the model's dataclasses: every class is written as a list of its
``dataclasses.fields`` in order, read back by converters made once per class from its type
hints, so a new field needs no change here. :func:`model_schema` fingerprints those fields;
a snapshot written with other fields is refused, never read into the wrong places. JSON, not
pickle: build folders are shared between people, and unpickling runs code.

The file has two lines: the model without its relation statements, then the statements (at
national 5.7 MB and 29 MB). Looking up a name needs the first line only
(``loads(data, statements=False)``: 0.1 s against 2.5 s for the whole model at national).

>>> from carepath import load_reference
>>> model = load_reference()
>>> again = loads(dumps(model))
>>> again.services == model.services and again.statements == model.statements
True
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import types
import typing
from collections.abc import Callable
from enum import Enum
from functools import cache
from typing import Any

from carepath.errors import SnapshotError
from carepath.graph.model import Model

FORMAT = "carepath-model-2"  # 2: two lines, the statements on the second
# A tuple of strings is written as one string joined by this (unless an element holds it):
# a national model has a million target ids in 67,000 statements, and JSON reads one long
# string many times faster than many short ones (json.loads 0.85 s -> 0.3 s).
SEP = "|"
_Convert = Callable[[Any], Any] | None  # None: the JSON value is the value


def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _fields(cls: type) -> list[dataclasses.Field]:
    return [f for f in dataclasses.fields(cls) if f.init]


@cache
def model_schema() -> str:
    """A fingerprint of every model class's fields and types (changes when a field does).

    >>> len(model_schema())
    16
    """
    from carepath.graph import model, stages

    # every dataclass and enum of the model's modules, by its fields' names and annotations
    # as written (no evaluation of type hints: 0.15 s a process)
    seen = {}
    for module in (model, stages):
        for name, obj in vars(module).items():
            if isinstance(obj, type) and obj.__module__ == module.__name__:
                if dataclasses.is_dataclass(obj):
                    seen[name] = ",".join(f"{f.name}:{f.type}" for f in _fields(obj))
                elif issubclass(obj, Enum):
                    seen[name] = ",".join(str(m.value) for m in obj)
    text = ";".join(f"{k}({v})" for k, v in sorted(seen.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _unwrap(tp: Any) -> Any:
    while hasattr(tp, "__supertype__"):  # NewType
        tp = tp.__supertype__
    return tp


def _optional(tp: Any) -> Any:
    """``X`` of ``X | None``, else ``tp``."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return tp


@cache
def _encoder(tp: Any) -> _Convert:
    tp = _unwrap(_optional(tp))
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if dataclasses.is_dataclass(tp):
        names = [f.name for f in _fields(tp)]
        hints = _hints(tp)
        convs = [_encoder(hints[n]) for n in names]

        def enc_dataclass(obj: Any) -> Any:
            if obj is None:
                return None
            return [v if c is None or v is None else c(v)
                    for c, v in zip(convs, (getattr(obj, n) for n in names), strict=True)]
        return enc_dataclass
    if isinstance(tp, type) and issubclass(tp, Enum):
        return lambda v: v.value
    if origin is tuple and _unwrap(args[0]) is str:
        return _join
    if origin in (tuple, list):
        inner = _encoder(args[0])
        return list if inner is None else (lambda v: [inner(x) for x in v])
    if origin is frozenset:
        inner = _encoder(args[0])
        return (lambda v: sorted(v)) if inner is None else (lambda v: [inner(x) for x in v])
    if origin is dict:
        value = _encoder(args[1])
        return lambda d: [list(d), list(d.values()) if value is None
                          else [value(v) for v in d.values()]]
    return None


@cache
def _decoder(tp: Any) -> _Convert:
    tp = _unwrap(_optional(tp))
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if dataclasses.is_dataclass(tp):
        hints = _hints(tp)
        fields = _fields(tp)
        # only the fields that need converting are visited, in the list json made (ours)
        convert = [(i, c) for i, f in enumerate(fields)
                   if (c := _decoder(hints[f.name])) is not None]
        size, make = len(fields), tp

        def dec_dataclass(v: Any) -> Any:
            if v is None:
                return None
            if len(v) != size:
                raise ValueError(f"{make.__name__} has {size} fields, not {len(v)}")
            for i, c in convert:
                x = v[i]
                if x is not None:
                    v[i] = c(x)
            return make(*v)
        return dec_dataclass
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp
    if origin is tuple and _unwrap(args[0]) is str:
        return _split
    if origin is tuple:
        inner = _decoder(args[0])
        return tuple if inner is None else (lambda v: tuple(map(inner, v)))
    if origin is list:
        inner = _decoder(args[0])
        return None if inner is None else (lambda v: list(map(inner, v)))
    if origin is frozenset:
        inner = _decoder(args[0])
        return frozenset if inner is None else (lambda v: frozenset(map(inner, v)))
    if origin is dict:
        key, value = _decoder(args[0]), _decoder(args[1])
        if key is not None:
            raise TypeError(f"snapshot dict keys must be strings, not {args[0]}")
        return lambda kv: dict(zip(kv[0], kv[1] if value is None else map(value, kv[1]),
                                   strict=True))
    return None


def _join(v: tuple[str, ...]) -> str | list[str]:
    return list(v) if not v or any(SEP in x for x in v) else SEP.join(v)


def _split(v: str | list[str]) -> tuple[str, ...]:
    return tuple(v.split(SEP)) if isinstance(v, str) else tuple(v)


_LATER = "statements"  # the field on the second line


def encode(model: Model) -> dict[str, Any]:
    """Every field of the model as the JSON values a snapshot holds (made once, written
    twice: the snapshot and its parts by area, :mod:`carepath.parts`).

    >>> from carepath import load_reference
    >>> encode(load_reference())["areas"][0][:2]
    ['cheshire-merseyside', 'dorset']
    """
    hints = _hints(Model)
    body = {}
    for f in _fields(Model):
        enc = _encoder(hints[f.name])
        value = getattr(model, f.name)
        body[f.name] = value if enc is None else enc(value)
    return body


def dumps(model: Model, *, encoded: dict[str, Any] | None = None) -> bytes:
    """The model as snapshot JSON (UTF-8): the model but its statements on the first line,
    the statements on the second; ``encoded``: :func:`encode` of the model, if made."""
    body = dict(encode(model) if encoded is None else encoded)
    later = {_LATER: body.pop(_LATER)}
    doc = {"format": FORMAT, "schema": model_schema(), "model": body}
    # compact JSON escapes every newline inside strings: a newline only ends a line here
    return b"\n".join(json.dumps(part, ensure_ascii=False, separators=(",", ":")).encode()
                       for part in (doc, later)) + b"\n"


def loads(data: bytes | str, *, statements: bool = True) -> Model:
    """The model in snapshot JSON written by :func:`dumps` (of the same model fields); with
    ``statements=False``, without its relation statements (for looking up names).

    >>> loads(b'{"format": "x"}')
    Traceback (most recent call last):
    ...
    carepath.errors.SnapshotError: not a carepath model snapshot
    """
    from carepath.graph.bulk import paused_gc

    if isinstance(data, str):
        data = data.encode("utf-8")
    head, _, tail = data.partition(b"\n")
    with paused_gc():
        try:
            doc = json.loads(head)
        except ValueError as exc:
            raise SnapshotError(f"damaged model snapshot: {exc}") from None
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise SnapshotError("not a carepath model snapshot")
        if doc.get("schema") != model_schema():
            raise SnapshotError("model snapshot written for other model fields "
                                f"(schema {doc.get('schema')}, this carepath {model_schema()})")
        try:
            later = json.loads(tail) if statements else {_LATER: []}
        except ValueError as exc:
            raise SnapshotError(f"damaged model snapshot: {exc}") from None
        hints = _hints(Model)
        try:
            body = {**doc["model"], **later}
            values = {}
            for f in _fields(Model):
                dec = _decoder(hints[f.name])
                values[f.name] = body[f.name] if dec is None else dec(body[f.name])
            return Model(**values)
        except (KeyError, TypeError, ValueError) as exc:
            raise SnapshotError(f"damaged model snapshot: {type(exc).__name__}: {exc}") from None
