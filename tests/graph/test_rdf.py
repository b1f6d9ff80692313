"""The RDF view: relation statements described once, a direct edge and a cp:target per relation;
the bulk N-Triples path the store is filled by says exactly what the triple-by-triple definition
in carepath.graph.rdf.triples says."""

import dataclasses
from pathlib import Path

import pyoxigraph as ox
import pytest

import carepath
from carepath.graph.model import NodeKind, Provenance
from carepath.graph.rdf import CP, ID, iri, to_store, triples

ANALYSIS = Path(__file__).parents[1] / "data" / "analysis"


def _quads(store: ox.Store) -> set:
    return {(q.subject, q.predicate, q.object) for q in store}


def _with_ids_the_text_path_leaves_out(model: carepath.Model) -> carepath.Model:
    """The model with a statement id, a statement's concern and a service's source document
    that are not plain ids (upper case, underscores): those facts go the object path."""
    first, second, *rest = model.statements
    statements = [dataclasses.replace(first, id="Statement_1"),
                  dataclasses.replace(second, concerns=frozenset({"Odd_Concern"})), *rest]
    svc = next(iter(model.services.values()))
    services = {**model.services,
                svc.id: dataclasses.replace(svc, provenance=Provenance("Doc_1", 3))}
    return dataclasses.replace(model, statements=statements, services=services)


@pytest.mark.parametrize("data", ["reference", "overton", "ids-not-plain"])
def test_bulk_store_holds_the_same_triples_as_the_definition(data):
    if data == "overton":
        model = carepath.load(ANALYSIS / "overlaps-town.yaml")
    else:
        model = carepath.load_reference()
    if data == "ids-not-plain":
        model = _with_ids_the_text_path_leaves_out(model)
    defined = ox.Store()  # a store, so both sides get Oxigraph's canonical literals
    defined.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples(model))
    stored = _quads(to_store(model, with_ontology=False))
    assert stored == _quads(defined)
    if data == "ids-not-plain":
        odd = ox.NamedNode(f"{ID}statement/Statement_1")
        assert any(s == odd for s, _, _ in stored)
        assert (iri(NodeKind.SERVICE, next(iter(model.services))),
                ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom"),
                iri(NodeKind.SOURCE, "Doc_1")) in stored
        assert any(o == iri(NodeKind.CONCERN, "Odd_Concern") for _, _, o in stored)


REFERRALS = f"""PREFIX cp: <{CP}>
SELECT ?source ?relation ?target WHERE {{
  ?r cp:source ?source ; cp:relation ?relation ; cp:target ?target .
  ?source ?relation ?target .
}}"""


def test_the_statement_pattern_has_one_solution_per_relation(reference):
    rows = list(to_store(reference).query(REFERRALS))
    relations = {(iri(reference.node_kind(r.source), r.source), ox.NamedNode(CP + r.kind.rdf_name),
                  iri(reference.node_kind(r.target), r.target)) for r in reference.relations}
    assert len(rows) == len(reference.relations) > len(reference.statements)
    assert {(row["source"], row["relation"], row["target"]) for row in rows} == relations


def test_a_statement_says_its_conditions_once_whatever_its_targets(reference):
    store = to_store(reference, with_ontology=False)
    statement = max(reference.statements, key=lambda st: len(st.targets))
    node = ox.NamedNode(f"{ID}statement/{statement.id}")
    said = [q.predicate.value.rsplit("#", 1)[-1] for q in store.quads_for_pattern(node, None, None)]
    assert said.count("target") == len(statement.targets) > 1
    assert said.count("source") == said.count("relation") == said.count("wasDerivedFrom") == 1
    assert said.count("forConcern") == len(statement.concerns)


def test_decimals_are_valid_xsd_decimals_on_both_paths(reference):
    """A need of 0.00001 % is written 0.00001, not 1e-05 (not an xsd:decimal lexical form),
    by the bulk text path and by the triple-by-triple definition alike."""
    svc = reference.services["dorset-pmmhs"]
    model = dataclasses.replace(reference, services={
        **reference.services, svc.id: dataclasses.replace(svc, need_min=1e-05)})
    subject, need = iri(NodeKind.SERVICE, svc.id), ox.NamedNode(CP + "needMin")
    defined = [t.object for t in triples(model) if t.subject == subject and t.predicate == need]
    stored = [q.object for q in to_store(model).quads_for_pattern(subject, need, None)]
    assert [o.value for o in defined] == [o.value for o in stored] == ["0.00001"]
    assert stored[0].datatype.value.endswith("#decimal")


# -- issue 13: what is not stated stays unstated; part-of; pathway cells ----------------------

def _objects(store, subject, local):
    return [q.object for q in store.quads_for_pattern(subject, ox.NamedNode(CP + local), None)]


def test_a_service_without_a_stated_window_has_no_weeks(reference):
    store = to_store(reference, with_ontology=False)
    mbu = iri(NodeKind.SERVICE, "dorset-mbu")  # doc-002 states no window for the unit
    assert _objects(store, mbu, "startWeek") == [] and _objects(store, mbu, "endWeek") == []
    pmmhs = iri(NodeKind.SERVICE, "dorset-pmmhs")
    assert [o.value for o in _objects(store, pmmhs, "endWeek")] == ["104"]


def test_part_of_and_self_referral_are_in_the_graph(reference):
    store = to_store(reference, with_ontology=False)
    mmhs, pmmhs = iri(NodeKind.SERVICE, "dorset-mmhs"), iri(NodeKind.SERVICE, "dorset-pmmhs")
    assert _objects(store, mmhs, "partOf") == [pmmhs]
    assert [o.value for o in _objects(store, pmmhs, "selfReferral")] == ["not-yet"]
    relatives = ox.NamedNode(ID + "relatives")
    assert list(store.quads_for_pattern(relatives, ox.NamedNode(CP + "refersTo"), pmmhs))


def test_pathway_cells_are_first_class(reference):
    store = to_store(reference, with_ontology=False)
    cls = ox.NamedNode(CP + "PathwayCell")
    a = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    cells = [q.subject for q in store.quads_for_pattern(None, a, cls)]
    assert len(cells) == len(reference.pathway)
    rows = list(store.query(
        "PREFIX cp: <" + CP + "> SELECT ?stage ?target WHERE { ?c a cp:PathwayCell ; "
        "cp:cellService ?s ; cp:stageText ?stage ; cp:line 114 ; cp:cellTarget ?target }"))
    assert {r["target"] for r in rows} >= {iri(NodeKind.SERVICE, "p05-mother-and-baby-unit")}
    assert {r["stage"].value for r in rows} == {"1 week - 6/8 weeks"}


def test_the_shapes_accept_the_reference_graph(reference):
    pyshacl = pytest.importorskip("pyshacl")
    import rdflib

    data = rdflib.Graph().parse(data=carepath.graph.rdf.to_turtle(reference, with_ontology=True),
                                format="turtle")
    shapes = rdflib.Graph().parse(
        Path(carepath.graph.rdf.__file__).parents[1] / "ontology" / "shapes.ttl")
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes)
    assert conforms, text


def test_a_source_scope_is_in_the_graph(reference):
    # doc-000:10 describes five tiers, not inpatient or targeted; doc-004 maps none
    store = to_store(reference, with_ontology=False)
    rows = store.query(
        "PREFIX cp: <" + CP + "> SELECT ?src ?tier ?line WHERE { ?src cp:scope ?s . "
        "?s a cp:Scope ; cp:restricts 'tiers' ; cp:line ?line . "
        "OPTIONAL { ?s cp:scopeTier ?tier } }")
    tiers: dict[str, set] = {}
    for r in rows:
        tiers.setdefault(r["src"].value.rsplit("/", 1)[1], set()).update(
            [r["tier"].value.rsplit("/", 1)[1]] if r["tier"] else [])
    assert tiers["doc-000"] == set(reference.sources["doc-000"].scope.tiers)
    assert "inpatient" not in tiers["doc-000"]
    assert tiers["doc-004"] == set()  # restricted with none: describes no tier


def test_the_shapes_refuse_an_unknown_kind_of_fact(reference):
    pyshacl = pytest.importorskip("pyshacl")
    import rdflib

    src = reference.sources["doc-000"]
    bad = dataclasses.replace(src, scope=dataclasses.replace(
        src.scope, facts=frozenset({"rumours"})))
    model = dataclasses.replace(reference, sources={**reference.sources, src.id: bad})
    data = rdflib.Graph().parse(data=carepath.graph.rdf.to_turtle(model, with_ontology=True),
                                format="turtle")
    shapes = rdflib.Graph().parse(
        Path(carepath.graph.rdf.__file__).parents[1] / "ontology" / "shapes.ttl")
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes)
    assert not conforms and "rumours" in text


def test_the_open_world_readings_are_in_the_graph_with_their_passages(reference):
    """Issue 22: a by-discussion margin, a closed list, a board-size condition, commitments and
    the unnamed end of a relation, each queryable with its source line."""
    store = to_store(reference, with_ontology=False)
    rows = list(store.query(
        "PREFIX cp: <" + CP + "> SELECT ?line ?passage WHERE { ?s cp:byDiscussionMargin ?r . "
        "?r a cp:Reading ; cp:line ?line ; cp:passage ?passage }"))
    assert [(r["line"].value, "individual basis" in r["passage"].value) for r in rows] == [
        ("7", True)]
    births = list(store.query(
        "PREFIX cp: <" + CP + "> SELECT ?s ?n WHERE { ?s cp:hasCondition ?c . "
        "?c cp:birthsOver ?n ; cp:governs \"service\" }"))
    assert [(r["s"], r["n"].value) for r in births] == [
        (iri(NodeKind.SERVICE, "scot-imh-team"), "3000")]
    unnamed = ox.NamedNode(ID + "services-not-named")
    assert list(store.quads_for_pattern(unnamed, None, ox.NamedNode(CP + "UnnamedServices")))
    pmmhs = iri(NodeKind.SERVICE, "dorset-pmmhs")
    assert list(store.quads_for_pattern(pmmhs, ox.NamedNode(CP + "handsOverTo"), unnamed))
    assert len(_objects(store, pmmhs, "hasCommitment")) == len(
        reference.services["dorset-pmmhs"].commitments)
    seen = iri(NodeKind.SERVICE, "p05-midwifery")
    assert [o.value for o in _objects(store, seen, "windowKind")] == ["seen-at"]


def test_the_shapes_refuse_a_reading_without_its_passage(reference):
    pyshacl = pytest.importorskip("pyshacl")
    import rdflib

    svc = reference.services["dorset-pmmhs"]
    broken = dataclasses.replace(reference, services={
        **reference.services,
        svc.id: dataclasses.replace(svc, by_discussion=Provenance("doc-002", 7))})
    data = rdflib.Graph().parse(data=carepath.graph.rdf.to_turtle(broken, with_ontology=True),
                                format="turtle")
    shapes = rdflib.Graph().parse(
        Path(carepath.graph.rdf.__file__).parents[1] / "ontology" / "shapes.ttl")
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes)
    assert not conforms and "passage" in text


def test_a_criterion_states_its_windows_severities_and_parent_ages(reference):
    """Issue 27: a criterion's conditions are in the graph, so that it reads no broader than
    its source: each window a numbered cp:AgeWindow with its weeks, in the source's order."""
    store = to_store(reference, with_ontology=False)
    rows = list(store.query(
        "PREFIX cp: <" + CP + "> SELECT ?c ?w ?start ?end WHERE { ?s cp:hasCriterion ?c . "
        "?c cp:hasWindow ?w . ?w a cp:AgeWindow ; cp:startWeek ?start ; cp:endWeek ?end }"))
    got: dict[str, list] = {}
    for r in sorted(rows, key=lambda r: int(r["w"].value.rsplit("/", 1)[1])):
        got.setdefault(r["c"].value, []).append((int(r["start"].value), int(r["end"].value)))
    want = {f"{iri(NodeKind.SERVICE, svc.id).value}/criterion/{n}":
            [(w.start, w.end) for w in crit.windows]
            for svc in reference.services.values()
            for n, crit in enumerate(svc.eligibility, start=1) if crit.windows}
    assert got == want and any(len(w) > 1 for w in want.values())
    severities = list(store.query(
        "PREFIX cp: <" + CP + "> SELECT ?c ?sev WHERE { ?s cp:hasCriterion ?c . "
        "?c cp:atSeverity ?sev }"))
    assert len(severities) == sum(len(c.severities) for s in reference.services.values()
                                  for c in s.eligibility) > 0


def test_a_criterion_states_its_lower_parent_age(reference):
    svc = reference.services["dorset-pmmhs"]
    first, *rest = svc.eligibility
    model = dataclasses.replace(reference, services={
        **reference.services,
        svc.id: dataclasses.replace(svc, eligibility=(
            dataclasses.replace(first, parent_age_from=16, parent_age_below=25), *rest))})
    store = to_store(model, with_ontology=False)
    crit = ox.NamedNode(iri(NodeKind.SERVICE, svc.id).value + "/criterion/1")
    assert [o.value for o in _objects(store, crit, "parentAgeFrom")] == ["16"]
    assert [o.value for o in _objects(store, crit, "parentAgeBelow")] == ["25"]


def test_the_shapes_refuse_a_criterion_window_without_its_end(reference):
    pyshacl = pytest.importorskip("pyshacl")
    import rdflib

    data = rdflib.Graph().parse(data=carepath.graph.rdf.to_turtle(reference, with_ontology=True),
                                format="turtle")
    window = next(data.subjects(rdflib.RDF.type, rdflib.URIRef(CP + "AgeWindow")))
    data.remove((window, rdflib.URIRef(CP + "endWeek"), None))
    shapes = rdflib.Graph().parse(
        Path(carepath.graph.rdf.__file__).parents[1] / "ontology" / "shapes.ttl")
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes)
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    found = {(report.value(r, sh.focusNode), report.value(r, sh.resultPath))
             for r in report.subjects(rdflib.RDF.type, sh.ValidationResult)}
    assert not conforms and found == {(window, rdflib.URIRef(CP + "endWeek"))}
