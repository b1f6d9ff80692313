"""Binding parameters: typed values to RDF terms (a ``VALUES`` block) or Cypher values.

The one place where a query's parameters become values. A parameter's type (a named query's
``# param NAME: TYPE`` header, or ``NAME:TYPE=VALUE`` on the command line) says how: an id of
a ``service``, ``stage``, ``concern``... becomes that thing's IRI; ``node`` is a service,
profession or the family (the engine says which); ``integer`` an integer; ``string`` a
literal. Nothing is pasted into query text: RDF terms are written by Oxigraph's serialiser
into a ``VALUES`` block that opens the query's WHERE group (:func:`with_values`).

>>> import pyoxigraph as ox
>>> print(with_values("SELECT ?s WHERE { ?s ?p ?o }",
...                   {ox.Variable("s"): ox.NamedNode("http://example.org/a")}))
SELECT ?s WHERE { VALUES (?s) { (<http://example.org/a>) } ?s ?p ?o }
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import pyoxigraph as ox

from carepath.engines.sandbox import expand_codepoints, sparql_tokens
from carepath.errors import QueryError
from carepath.graph.model import FAMILY, NodeKind

# how an id parameter becomes an IRI, per parameter type
PARAM_KINDS: dict[str, NodeKind | str] = {
    "service": NodeKind.SERVICE, "profession": NodeKind.PROFESSION, "stage": NodeKind.AGE_STAGE,
    "tier": NodeKind.TIER, "concern": NodeKind.CONCERN, "area": NodeKind.AREA,
    "intervention": NodeKind.INTERVENTION, "source": NodeKind.SOURCE, "severity": "severity",
    "urgency": "urgency", "level": "level",
}
TYPES = ("node", "string", "integer", *PARAM_KINDS)
NODE_KINDS = (NodeKind.SERVICE, NodeKind.PROFESSION, NodeKind.FAMILY)
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")

NodeKindOf = Callable[[str], "NodeKind | None"]


def check_type(name: str, ptype: str) -> None:
    if ptype not in TYPES:
        raise QueryError(f"parameter {name!r} has unknown type {ptype!r}; expected one of: "
                         f"{', '.join(TYPES)}")


def _check_id(name: str, value: str) -> None:
    if not _ID.match(value):
        raise QueryError(f"{name} {value!r} is not an id: ids are lower-case letters, digits "
                         "and hyphens, e.g. dorset-pmmhs")


def _integer(name: str, value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise QueryError(f"{name} {value!r} is not an integer") from None


def rdf_terms(params: Mapping[str, Any], types: Mapping[str, str],
              node_kind: NodeKindOf) -> dict[ox.Variable, Any]:
    """RDF terms for ``params``, by their ``types`` (a missing type: ``string``).

    >>> rdf_terms({"n": "3", "s": "dorset-pmmhs"}, {"n": "integer", "s": "service"},
    ...           lambda _: None)[ox.Variable("s")].value
    'https://w3id.org/carepath/id/service/dorset-pmmhs'
    """
    from carepath.graph.rdf import iri

    out = {}
    for name, value in params.items():
        ptype = types.get(name, "string")
        check_type(name, ptype)
        if ptype == "integer":
            term = ox.Literal(str(_integer(name, value)), datatype=_XSD_INTEGER)
        elif ptype == "string":
            term = ox.Literal(str(value))
        else:
            _check_id(name, str(value))
            if ptype == "node":
                kind = node_kind(str(value))
                if kind is None:
                    raise QueryError(f"unknown {name} {value!r}: not a service, profession "
                                     "or 'family'")
                term = iri(kind, str(value))
            else:
                term = iri(PARAM_KINDS[ptype], str(value))
        out[ox.Variable(name)] = term
    return out


def cypher_values(params: Mapping[str, Any], types: Mapping[str, str]) -> dict[str, Any]:
    """Cypher ``$parameter`` values for ``params`` by their ``types``: ids are strings,
    ``integer`` an int.

    >>> cypher_values({"n": "3", "s": "gp"}, {"n": "integer", "s": "node"})
    {'n': 3, 's': 'gp'}
    """
    out = {}
    for name, value in params.items():
        ptype = types.get(name, "string")
        check_type(name, ptype)
        if ptype == "integer":
            out[name] = _integer(name, value)
        else:
            if ptype != "string":
                _check_id(name, str(value))
            out[name] = FAMILY if value == FAMILY else str(value)
    return out


def parse_param(item: str) -> tuple[str, str | None, str]:
    """``NAME=VALUE`` or ``NAME:TYPE=VALUE`` as (name, type or None, value).

    >>> parse_param("service:service=dorset-pmmhs"), parse_param("n=3")
    (('service', 'service', 'dorset-pmmhs'), ('n', None, '3'))
    """
    name, sep, value = item.partition("=")
    name, _, ptype = name.partition(":")
    if not sep or not name.strip():
        raise QueryError(f"bad parameter {item!r}; write it as NAME=VALUE or NAME:TYPE=VALUE, "
                         "e.g. service:service=dorset-pmmhs")
    ptype = ptype.strip() or None
    if ptype is not None:
        check_type(name.strip(), ptype)
    return name.strip(), ptype, value.strip()


# --- the WHERE scanner: where a VALUES block goes -----------------------------------------



def where_brace(query: str) -> int:
    """Offset of the ``{`` that opens the query's WHERE group (comments, IRIs, strings,
    prefixed names, a CONSTRUCT template and braces inside parenthesised expressions
    skipped, by the sandbox's lexer :func:`~carepath.engines.sandbox.sparql_tokens`); -1 if
    there is none. Give the text after codepoint escapes are expanded.

    >>> where_brace('SELECT ?s WHERE { ?s ?p "{" }')
    16
    >>> where_brace('CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }')
    29
    >>> where_brace(r'PREFIX ex: <http://e/> CONSTRUCT { ?s ex:a\\#b ?o } WHERE { ?s ?p ?o }')
    57
    """
    form, seen_where, depth, parens = None, False, 0, 0
    for at, token in sparql_tokens(query):
        if token == "(":
            parens += 1
        elif token == ")":
            parens -= 1
        elif token == "{" and depth == 0 and parens == 0 and (
                seen_where or form in ("SELECT", "ASK")):
            return at
        elif token in "{}":
            depth += 1 if token == "{" else -1
        elif depth == 0 and parens == 0:
            word = token.upper()
            if word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE") and form is None:
                form = word
            seen_where = seen_where or word == "WHERE"
    return -1


def with_values(text: str, substitutions: Mapping[ox.Variable, Any]) -> str:
    """``text`` with the parameters bound by a ``VALUES`` block opening its WHERE group.

    Oxigraph applies ``substitutions`` to the solutions of the whole pattern; with an OPTIONAL
    in the query it rescans per solution, so who-refers-to took 1.6 s on 4,400 referrals (and
    grows with the square of them). Inline data opening the group is joined first: 6 ms on
    118,000 referrals. A query with no WHERE group to open (``DESCRIBE <x>``) gets the block
    as a trailing ``VALUES`` clause. The terms are written by Oxigraph (an IRI cannot hold
    ``>``, a literal's quotes and line breaks are escaped), so parameter text never reaches
    the query unescaped.
    """
    if not substitutions:
        return text
    names = " ".join(str(v) for v in substitutions)
    terms = " ".join(str(t) for t in substitutions.values())
    block = f"VALUES ({names}) {{ ({terms}) }}"
    text = expand_codepoints(text)  # as SPARQL reads it: offsets are of this text
    at = where_brace(text)
    if at < 0:
        return f"{text}\n{block}"
    return f"{text[:at + 1]} {block}{text[at + 1:]}"
