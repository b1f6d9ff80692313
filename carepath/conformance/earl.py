"""The verdicts as W3C EARL 1.0 assertions, for tools (https://www.w3.org/TR/EARL10-Schema/).

Each area x criterion is an ``earl:Assertion`` by carepath (an ``earl:Software``) about the
area (the ``earl:TestSubject``, the area's carepath IRI) and the criterion (an
``earl:TestRequirement``), with an ``earl:TestResult`` whose outcome maps the verdict:
met -> ``earl:passed``, not met -> ``earl:failed``, not stated -> ``earl:cantTell``, outside
evidence -> ``earl:untested``, not applicable -> ``earl:inapplicable``. The result's
``dct:description`` is the reason, ``earl:info`` the question, and each fact used a
``dct:references`` literal (``doc-002:39: passage``).

>>> from carepath import load_reference
>>> from carepath.conformance import conform, load_sets
>>> m = load_reference()
>>> text = to_earl(m, conform(m, area="dorset", sets=["nice"]), load_sets(model=m))
>>> "earl:failed" in text and "earl:passed" in text
True
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from carepath.conformance.criteria import CriteriaSet
    from carepath.graph.model import Model

__all__ = ["OUTCOMES", "STANDARDS", "to_earl", "write_earl"]

EARL = "http://www.w3.org/ns/earl#"
STANDARDS = "https://w3id.org/carepath/standards/"
OUTCOMES = {"met": "passed", "not met": "failed", "not stated": "cantTell",
            "outside evidence": "untested", "not applicable": "inapplicable"}


def to_earl(model: Model, scored: pd.DataFrame, sets: list[CriteriaSet]) -> str:
    """``scored`` (see :func:`carepath.conformance.conform`) as EARL in Turtle."""
    from rdflib import RDF, Graph, Literal, Namespace, URIRef
    from rdflib.namespace import DCTERMS, FOAF, XSD

    import carepath
    from carepath.graph.model import NodeKind
    from carepath.graph.rdf import iri

    earl = Namespace(EARL)
    g = Graph()
    g.bind("earl", earl)
    g.bind("dct", DCTERMS)
    g.bind("foaf", FOAF)
    g.bind("std", STANDARDS)
    tool = URIRef("https://w3id.org/carepath/id/assertor/carepath")
    g.add((tool, RDF.type, earl.Software))
    g.add((tool, RDF.type, earl.Assertor))
    g.add((tool, DCTERMS.title, Literal("carepath")))
    g.add((tool, DCTERMS.hasVersion, Literal(carepath.__version__)))
    crits = {c.id: (s, c) for s in sets for c in s.criteria}
    for cset in sets:
        node = URIRef(f"{STANDARDS}{cset.id}")
        g.add((node, DCTERMS.title, Literal(cset.title)))
        g.add((node, DCTERMS.source, URIRef(cset.source.url)))
        g.add((node, DCTERMS.description, Literal(f"{cset.source.title}, "
                                                   f"{cset.source.edition}")))
    for area in dict.fromkeys(scored["area"]):
        subject = URIRef(iri(NodeKind.AREA, area).value)
        g.add((subject, RDF.type, earl.TestSubject))
        g.add((subject, DCTERMS.title, Literal(model.areas[area].name)))
    for row in scored.itertuples():
        cset, crit = crits[row.criterion]
        test = URIRef(f"{STANDARDS}{cset.id}#{crit.id}")
        g.add((test, RDF.type, earl.TestRequirement))
        g.add((test, DCTERMS.title, Literal(crit.id)))
        g.add((test, DCTERMS.description, Literal(crit.paraphrase)))
        g.add((test, DCTERMS.isPartOf, URIRef(f"{STANDARDS}{cset.id}")))
        g.add((test, DCTERMS.source, URIRef(crit.url)))
        assertion = URIRef(f"https://w3id.org/carepath/id/assertion/{row.area}/{crit.id}")
        result = URIRef(f"{assertion}/result")
        g.add((assertion, RDF.type, earl.Assertion))
        g.add((assertion, earl.assertedBy, tool))
        g.add((assertion, earl.subject, URIRef(iri(NodeKind.AREA, row.area).value)))
        g.add((assertion, earl.test, test))
        g.add((assertion, earl.mode, earl.automatic))
        g.add((assertion, earl.result, result))
        g.add((result, RDF.type, earl.TestResult))
        g.add((result, earl.outcome, earl[OUTCOMES[row.verdict]]))
        g.add((result, DCTERMS.description, Literal(row.reason)))
        if row.question:
            g.add((result, earl.info, Literal(row.question)))
        for passage in row.passages:
            g.add((result, DCTERMS.references, Literal(passage)))
        g.add((result, DCTERMS.date, Literal(_today(), datatype=XSD.date)))
    return g.serialize(format="turtle")


def _today() -> str:
    import datetime

    return datetime.date.today().isoformat()


def write_earl(model: Model, scored: pd.DataFrame, sets: list[CriteriaSet], path: Path, *,
               force: bool = False) -> Path:
    """:func:`to_earl` written to ``path`` (refused if it exists, unless ``force``)."""
    from carepath.writing import output_file

    text = to_earl(model, scored, sets)
    with output_file(path, force=force) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)
