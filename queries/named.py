"""The named query library (``library/*.rq`` and ``*.cypher``) and the engines that run it.

Each file starts with a header of comment lines::

    # title: Who refers to a service
    # answers: ...
    # param service: service - the service referred to, e.g. dorset-pmmhs

Parameters are always bound by the engine (SPARQL: a ``VALUES`` block of RDF terms
written by Oxigraph, see :func:`with_values`; Cypher ``$params``); no parameter text is
pasted into a query. Oxigraph substitutes only variables in the SELECT list, so
SPARQL library queries project their parameters and the engine drops those columns.
A parameter's type (``service``, ``node``, ``stage``, ...) says how an id becomes an RDF IRI.

>>> from carepath import load_reference
>>> engine = SparqlEngine(load_reference())
>>> df = engine.run_named("who-refers-to", {"service": "dorset-pmmhs"})
>>> sorted(set(df["source"]))
['dorset-cmht', 'dorset-social-care', 'gp', 'health-visitor', 'midwife', 'relatives']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any

import pandas as pd
import pyoxigraph as ox

from carepath.errors import QueryError
from carepath.graph.model import FAMILY, Model, NodeKind
from carepath.graph.rdf import ID, iri, to_store

LANGUAGES = {".rq": "sparql", ".cypher": "cypher"}
# how an id parameter becomes an IRI, per parameter type
PARAM_KINDS: dict[str, NodeKind | str] = {
    "service": NodeKind.SERVICE, "profession": NodeKind.PROFESSION, "stage": NodeKind.AGE_STAGE,
    "tier": NodeKind.TIER, "concern": NodeKind.CONCERN, "area": NodeKind.AREA,
    "intervention": NodeKind.INTERVENTION, "source": NodeKind.SOURCE, "severity": "severity",
    "urgency": "urgency", "level": "level",
}
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_HEADER = re.compile(r"^\s*(?:#|//)\s*(title|answers|param|dialect)\b\s*([^:]*):\s*(.*)$")


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    type: str  # a PARAM_KINDS key, "node" (service/profession/family), "string" or "integer"
    help: str


@dataclass(frozen=True, slots=True)
class NamedQuery:
    name: str
    language: str  # "sparql" | "cypher"
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


def parse_header(name: str, language: str, text: str) -> NamedQuery:
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


def load_library() -> Library:
    """Every named query shipped with carepath."""
    lib = Library()
    for entry in sorted(files("carepath.queries").joinpath("library").iterdir(),
                        key=lambda e: e.name):
        suffix = "." + entry.name.rsplit(".", 1)[-1]
        if suffix in LANGUAGES:
            name = entry.name[: -len(suffix)]
            lang = LANGUAGES[suffix]
            lib.queries[(name, lang)] = parse_header(name, lang, entry.read_text("utf-8"))
    return lib


def check_params(query: NamedQuery, params: dict[str, Any]) -> None:
    """A missing or unexpected parameter is an error before the query runs."""
    wanted = {p.name for p in query.params}
    missing = sorted(wanted - set(params))
    if missing:
        hints = "; ".join(f"{p.name}: {p.help}" for p in query.params if p.name in missing)
        raise QueryError(f"named query {query.name!r} needs parameter {missing[0]!r} "
                         f"(--param {missing[0]}=...); {hints}")
    unknown = sorted(set(params) - wanted)
    if unknown:
        raise QueryError(f"named query {query.name!r} has no parameter {unknown[0]!r}; "
                         f"it takes: {', '.join(sorted(wanted)) or 'no parameters'}")


def _plain_term(term: Any) -> Any:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        value = term.value
        return value.rsplit("/", 1)[-1] if value.startswith(ID) else value
    if isinstance(term, ox.Literal):
        dt = term.datatype.value if term.datatype else ""
        if dt.endswith(("#integer", "#int", "#long")):
            return int(term.value)
        if dt.endswith(("#decimal", "#double", "#float")):
            return float(term.value)
        return term.value
    return str(term)


_SERVICE_CLAUSE = re.compile(r"(?<![?$:\w])SERVICE\s+(SILENT\s+)?(<|\?|[A-Za-z_]*:)",
                             re.IGNORECASE)


_IRI_REF = re.compile(r"<[^<>\"{}|^`\\\s]*>")
_WORD = re.compile(r"[A-Za-z_?$][\w:.\-]*")  # keywords, and ?vars / prefixed names whole


def _skip_string(text: str, i: int) -> int:
    """Offset just after the SPARQL string literal that starts at ``i``."""
    quote = text[i:i + 3] if text[i:i + 3] in ('"""', "'''") else text[i]
    j = i + len(quote)
    while j < len(text):
        if text[j] == "\\":
            j += 2
            continue
        if text.startswith(quote, j):
            return j + len(quote)
        j += 1
    return j


def _where_brace(query: str) -> int:
    """Offset of the ``{`` that opens the query's WHERE group (comments, IRIs, strings,
    a CONSTRUCT template and braces inside parenthesised expressions skipped); -1 if there
    is none."""
    i, n = 0, len(query)
    form, seen_where, depth, parens = None, False, 0, 0
    while i < n:
        c = query[i]
        if c == "#":
            end = query.find("\n", i)
            i = n if end < 0 else end
        elif c in "\"'":
            i = _skip_string(query, i)
        elif c == "<" and (m := _IRI_REF.match(query, i)):
            i = m.end()
        elif c in "({}":
            if c == "(":
                parens += 1
            elif c == "{" and depth == 0 and parens == 0 and (
                    seen_where or form in ("SELECT", "ASK")):
                return i
            else:
                depth += 1 if c == "{" else -1
            i += 1
        elif c == ")":
            parens -= 1
            i += 1
        elif m := _WORD.match(query, i):
            word = m.group().upper()
            if depth == 0 and parens == 0:
                if word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE") and form is None:
                    form = word
                seen_where = seen_where or word == "WHERE"
            i = m.end()
        else:
            i += 1
    return -1


def with_values(text: str, substitutions: dict[ox.Variable, Any]) -> str:
    """``text`` with the parameters bound by a ``VALUES`` block opening its WHERE group.

    Oxigraph applies ``substitutions`` to the solutions of the whole pattern; with an OPTIONAL
    in the query it rescans per solution, so who-refers-to took 1.6 s on 4,400 referrals (and
    grows with the square of them). Inline data opening the group is joined first: 6 ms on
    118,000 referrals (a trailing ``VALUES`` clause, used when there is no WHERE group to
    open, is joined last: 170 ms there). The terms are written by Oxigraph (an IRI cannot hold
    ``>``, a literal's quotes and line breaks are escaped), so parameter text never reaches
    the query unescaped.

    >>> print(with_values("SELECT ?s WHERE { ?s ?p ?o }",
    ...                   {ox.Variable("s"): ox.NamedNode("http://example.org/a")}))
    SELECT ?s WHERE { VALUES (?s) { (<http://example.org/a>) } ?s ?p ?o }
    """
    names = " ".join(str(v) for v in substitutions)
    terms = " ".join(str(t) for t in substitutions.values())
    block = f"VALUES ({names}) {{ ({terms}) }}"
    at = _where_brace(text)
    if at < 0:
        return f"{text}\n{block}"
    return f"{text[:at + 1]} {block}{text[at + 1:]}"


class SparqlEngine:
    """SPARQL over the model's RDF in an embedded Oxigraph store."""

    language = "sparql"

    def __init__(self, model: Model, store: ox.Store | None = None) -> None:
        self.model = model
        self.store = store if store is not None else to_store(model)

    def bind(self, query: NamedQuery, params: dict[str, Any]) -> dict[ox.Variable, Any]:
        out = {}
        for p in query.params:
            value = params[p.name]
            if (p.type == "node" or p.type in PARAM_KINDS) and not _ID.match(str(value)):
                raise QueryError(f"{p.name} {str(value)!r} is not an id: ids are lower-case "
                                 "letters, digits and hyphens, e.g. dorset-pmmhs")
            if p.type == "node":
                kind = self.model.node_kind(str(value))
                if kind is None:
                    raise QueryError(f"unknown {p.name} {value!r}: not a service, profession "
                                     "or 'family'")
                term = iri(kind, str(value))
            elif p.type in PARAM_KINDS:
                term = iri(PARAM_KINDS[p.type], str(value))
            elif p.type == "integer":
                term = ox.Literal(str(int(value)),
                                  datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
            else:
                term = ox.Literal(str(value))
            out[ox.Variable(p.name)] = term
        return out

    def query(self, text: str, substitutions: dict | None = None) -> pd.DataFrame:
        """Run a SELECT (rows), ASK (one row ``result``) or CONSTRUCT (s, p, o rows)."""
        if _SERVICE_CLAUSE.search(text):
            raise QueryError("SERVICE clauses are refused: they would fetch remote data")
        try:
            result = self._run(text, substitutions)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {str(exc).splitlines()[0]}") from None
        if isinstance(result, ox.QueryBoolean):
            return pd.DataFrame({"result": [bool(result)]})
        if isinstance(result, ox.QuerySolutions):
            names = [v.value for v in result.variables]
            rows = [[_plain_term(sol[name]) for name in names] for sol in result]
            return pd.DataFrame(rows, columns=names)
        rows = [[_plain_term(t.subject), _plain_term(t.predicate), _plain_term(t.object)]
                for t in result]
        return pd.DataFrame(rows, columns=["subject", "predicate", "object"])

    def _run(self, text: str, substitutions: dict | None) -> Any:
        if not substitutions:
            return self.store.query(text)
        try:
            return self.store.query(with_values(text, substitutions))
        except SyntaxError:  # e.g. a query that ends in a VALUES clause of its own
            return self.store.query(text, substitutions=substitutions)

    def run_named(self, name: str, params: dict[str, Any] | None = None, *,
                  library: Library | None = None) -> pd.DataFrame:
        query = (library or load_library()).get(name, self.language)
        params = params or {}
        check_params(query, params)
        df = self.query(query.text, self.bind(query, params))
        # parameters are projected only because Oxigraph substitutes projected variables
        return df.drop(columns=[p.name for p in query.params if p.name in df.columns])


class CypherEngine:
    """Cypher over the model bulk-loaded into an embedded LadybugDB."""

    language = "cypher"

    def __init__(self, model: Model, connection: Any = None) -> None:
        from carepath.graph.cypher import to_ladybug

        self.model = model
        self.conn = connection if connection is not None else to_ladybug(model)

    def query(self, text: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
        params = params or {}
        used = set(re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)", text))
        missing = sorted(used - set(params))
        if missing:  # an unbound $param would silently become NULL
            raise QueryError(f"Cypher query needs parameter {missing[0]!r} "
                             f"(--param {missing[0]}=...)")
        try:
            result = self.conn.execute(text, {k: v for k, v in params.items() if k in used})
        except RuntimeError as exc:
            raise QueryError(f"Cypher error: {str(exc).splitlines()[0]}") from None
        results = result if isinstance(result, list) else [result]
        frames = [r.get_as_df() for r in results]
        return frames[-1] if frames else pd.DataFrame()

    def run_named(self, name: str, params: dict[str, Any] | None = None, *,
                  library: Library | None = None) -> pd.DataFrame:
        query = (library or load_library()).get(name, self.language)
        params = params or {}
        check_params(query, params)
        return self.query(query.text, {p.name: _cypher_value(p, params[p.name])
                                       for p in query.params})


def _cypher_value(param: Param, value: Any) -> Any:
    if param.type == "integer":
        return int(value)
    if param.type == "node" and value == FAMILY:
        return FAMILY
    return str(value)


ENGINES = {"sparql": SparqlEngine, "cypher": CypherEngine}
