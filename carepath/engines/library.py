"""The named query library (``carepath/queries/library/*.rq`` and ``*.cypher``), run by the
engines of :mod:`carepath.engines` (also importable as ``carepath.queries.named``, with
``SparqlEngine``, ``CypherEngine`` and ``with_values`` as before).

Each file starts with a header of comment lines::

    # title: Who refers to a service
    # answers: ...
    # param service: service - the service referred to, e.g. dorset-pmmhs

Parameters are always bound by the engine (SPARQL: a ``VALUES`` block of RDF terms
written by Oxigraph; Cypher ``$params``), by their declared types, in one place
(:mod:`carepath.engines.binding`); no parameter text is pasted into a query. SPARQL library
queries project their parameters and the engine drops those columns.

>>> from carepath import load_reference
>>> from carepath.engines import connect
>>> engine = connect(load_reference(), language="sparql")
>>> df = engine.run_named("who-refers-to", {"service": "dorset-pmmhs"})
>>> sorted(set(df["source"]))
['dorset-cmht', 'dorset-social-care', 'gp', 'health-visitor', 'midwife', 'relatives']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from carepath.engines.base import QueryLanguage
from carepath.engines.binding import PARAM_KINDS  # noqa: F401 - part of this module's API
from carepath.errors import QueryError

LANGUAGES = {".rq": "sparql", ".cypher": "cypher"}
_HEADER = re.compile(r"^\s*(?:#|//)\s*(title|answers|param|dialect)\b\s*([^:]*):\s*(.*)$")
ENGINE_NAMES = ("sparql", "cypher")


def __getattr__(name: str) -> Any:
    """The engines, where they were before :mod:`carepath.engines` (imported on use)."""
    if name == "SparqlEngine":
        from carepath.engines.oxigraph import SparqlEngine
        return SparqlEngine
    if name == "CypherEngine":
        from carepath.engines.ladybug import CypherEngine
        return CypherEngine
    if name == "with_values":
        from carepath.engines.binding import with_values
        return with_values
    raise AttributeError(name)


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    type: str  # a PARAM_KINDS key, "node" (service/profession/family), "string" or "integer"
    help: str


@dataclass(frozen=True, slots=True)
class NamedQuery:
    name: str
    language: QueryLanguage
    title: str
    answers: str
    text: str
    params: tuple[Param, ...] = ()
    dialect: str | None = None


@dataclass(slots=True)
class Library:
    queries: dict[tuple[str, str], NamedQuery] = field(default_factory=dict)

    def names(self) -> list[str]:
        return sorted({name for name, _ in self.queries})

    def get(self, name: str, language: str) -> NamedQuery:
        if (name, language) in self.queries:
            return self.queries[(name, language)]
        if name not in self.names():
            raise QueryError(f"unknown named query {name!r}; expected one of: "
                             f"{', '.join(self.names())}")
        other = [lang for n, lang in self.queries if n == name]
        raise QueryError(f"named query {name!r} has no {language} version (only {other[0]})")

    def table(self) -> pd.DataFrame:
        rows = {}
        for (name, lang), q in sorted(self.queries.items()):
            row = rows.setdefault(name, {"name": name, "title": q.title, "languages": [],
                                         "params": ", ".join(p.name for p in q.params),
                                         "answers": q.answers})
            row["languages"].append(lang)
        return pd.DataFrame(list(rows.values()))


def parse_header(name: str, language: QueryLanguage, text: str) -> NamedQuery:
    """Read a named query's header.

    >>> text = "# title: T\\n# answers: A\\n# param s: service - S\\nSELECT"
    >>> q = parse_header("x", "sparql", text)
    >>> q.params
    (Param(name='s', type='service', help='S'),)
    """
    meta: dict[str, str] = {}
    params = []
    for line in text.splitlines():
        m = _HEADER.match(line)
        if not m:
            if line.strip() and not line.lstrip().startswith(("#", "//")):
                break
            continue
        key, arg, value = m.group(1), m.group(2).strip(), m.group(3).strip()
        if key == "param":
            ptype, _, help_text = value.partition(" - ")
            params.append(Param(arg, ptype.strip(), help_text.strip()))
        else:
            meta[key] = f"{arg}: {value}" if arg else value
    if "title" not in meta:
        raise QueryError(f"named query {name!r} has no '# title:' header line")
    return NamedQuery(name, language, meta["title"], meta.get("answers", ""), text,
                      tuple(params), meta.get("dialect"))


def _library_folder() -> Path:
    """The folder of the library's files (found without importing ``carepath.queries``,
    whose analyses import networkx: half the time of a question)."""
    from importlib.util import find_spec

    spec = find_spec("carepath.queries")
    if spec is None or not spec.submodule_search_locations:
        raise QueryError("the named query library is missing from this installation")
    return Path(next(iter(spec.submodule_search_locations))) / "library"


def load_library() -> Library:
    """Every named query shipped with carepath."""
    lib = Library()
    for entry in sorted(_library_folder().iterdir(), key=lambda e: e.name):
        suffix = "." + entry.name.rsplit(".", 1)[-1]
        if suffix in LANGUAGES:
            name = entry.name[: -len(suffix)]
            lang = LANGUAGES[suffix]
            lib.queries[(name, lang)] = parse_header(name, lang, entry.read_text("utf-8"))
    return lib


def check_params(query: NamedQuery, params: dict[str, Any]) -> None:
    """An unexpected (first: a misspelt name explains a missing one) or missing parameter
    is an error before the query runs."""
    import difflib

    wanted = {p.name for p in query.params}
    unknown = sorted(set(params) - wanted)
    if unknown:
        close = difflib.get_close_matches(unknown[0], sorted(wanted), n=1)
        mean = f" (did you mean {close[0]}?)" if close else ""
        raise QueryError(f"named query {query.name!r} has no parameter {unknown[0]!r}{mean}; "
                         f"it takes: {', '.join(sorted(wanted)) or 'no parameters'}")
    missing = sorted(wanted - set(params))
    if missing:
        hints = "; ".join(f"{p.name}: {p.help}" for p in query.params if p.name in missing)
        raise QueryError(f"named query {query.name!r} needs parameter {missing[0]!r}; {hints}")


def resolve_params(query: NamedQuery, params: dict[str, Any], names: Any) -> dict[str, Any]:
    """``params`` with each id parameter resolved against ``names`` (a model, or a build
    whose names are read on demand; None: taken as given): an id, a name or an alias
    becomes the id, and an unknown or wrong-kind value is an error with the ids it may mean,
    so a named query never answers "no rows" for a typo, from Python as on the command
    line. A service id a build's manifest lists is taken as it is, without reading names.

    >>> from carepath import load_reference
    >>> lib = load_library()
    >>> resolve_params(lib.get("who-refers-to", "sparql"), {"service": "dorset-pmhs"},
    ...                load_reference())
    Traceback (most recent call last):
    ...
    carepath.errors.NameLookupError: unknown service 'dorset-pmhs'; did you mean dorset-pmmhs...
    """
    if names is None:
        return params
    from carepath.graph.model import Model
    from carepath.lookup import ID_PARAM_TYPES, check_param

    out = dict(params)
    for p in query.params:
        if p.name not in out or p.type not in ID_PARAM_TYPES:
            continue
        value = str(out[p.name])
        if isinstance(names, Model):
            out[p.name] = check_param(names, p.type, value)
        elif p.type == "service" and names.is_service(value):
            out[p.name] = value
        else:
            out[p.name] = check_param(names.names, p.type, value)
    return out
