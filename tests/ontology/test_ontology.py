"""The ontology and shapes, checked by tools carepath did not write: Apache Jena parses the
Turtle and JSON-LD strictly and runs the SHACL shapes (agreeing with pyshacl), ROBOT finds the
ontology with the reference data in the OWL 2 DL profile and HermiT finds it consistent."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from carepath.graph.rdf import CP, to_store, to_turtle
from carepath.ontology import ONTOLOGY_FILE, SHAPES_FILE, read_resource, shacl_problems
from carepath.standards.jsonld import write_jsonld

from ..conftest import need

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
OWL = rdflib.OWL
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def _broken(store: ox.Store) -> tuple[ox.Store, set[tuple[str, str]]]:
    """The reference RDF with three facts taken away, and the (focus, path) each breaks."""
    broken = ox.Store()
    broken.extend(store.quads_for_pattern(None, None, None, None))
    taken = set()
    for cls, prop in (("ConcernNeed", "forConcern"), ("ResponseTime", "urgency"),
                      ("Area", "http://www.w3.org/2000/01/rdf-schema#label")):
        focus = next(q.subject for q in broken.quads_for_pattern(None, RDF_TYPE,
                                                                 ox.NamedNode(CP + cls)))
        path = ox.NamedNode(prop if prop.startswith("http") else CP + prop)
        for q in list(broken.quads_for_pattern(focus, path, None)):
            broken.remove(q)
        taken.add((focus.value, path.value.rsplit("#", 1)[-1]))
    return broken, taken


@pytest.fixture(scope="module")
def files(reference, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("rdf")
    store = to_store(reference, with_ontology=False)
    out = {"data.ttl": folder / "data.ttl", "ontology.ttl": folder / "ontology.ttl",
           "shapes.ttl": folder / "shapes.ttl", "data.jsonld": folder / "data.jsonld",
           "broken.ttl": folder / "broken.ttl", "all.ttl": folder / "all.ttl"}
    store.dump(out["data.ttl"], format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph())
    out["ontology.ttl"].write_text(read_resource(ONTOLOGY_FILE), encoding="utf-8")
    out["shapes.ttl"].write_text(read_resource(SHAPES_FILE), encoding="utf-8")
    write_jsonld(reference, out["data.jsonld"])
    broken, _ = _broken(store)
    broken.dump(out["broken.ttl"], format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph())
    out["all.ttl"].write_text(to_turtle(reference, with_ontology=True), encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def jena(files) -> list[list[str]]:
    """Jena's output lines (tab-separated fields), from one JVM run."""
    from tests.support.validators import missing_java, run_java

    why = missing_java()
    need(why is None, why or "")
    ontology, shapes = files["ontology.ttl"], files["shapes.ttl"]
    text = run_java("jena", *(f"parse={files[n]}" for n in ("data.ttl", "ontology.ttl",
                                                            "shapes.ttl", "data.jsonld")),
                    f"shacl={shapes}:{files['data.ttl']},{ontology}",
                    f"shacl={shapes}:{files['broken.ttl']},{ontology}")
    assert text.rstrip().endswith("done"), text[-2000:]
    return [line.split("\t") for line in text.splitlines() if "\t" in line]


def test_jena_parses_turtle_and_jsonld_strictly_to_the_same_triples(files, jena):
    parsed = {Path(line[0]).name: line[1:] for line in jena if line[1] in ("parsed", "error")}
    assert all(status == "parsed" for status, _ in parsed.values()), parsed
    assert parsed["data.ttl"][1] == parsed["data.jsonld"][1]
    assert int(parsed["data.ttl"][1]) == len(rdflib.Graph().parse(files["data.ttl"]))


def test_jena_shacl_passes_the_reference_data_and_agrees_with_pyshacl_on_broken_data(
        reference, jena):
    runs = [line for line in jena if line[1] == "conforms"]
    assert [r[2] for r in runs] == ["true", "false"]
    found = {(line[2], line[3].strip("<>").rsplit("#", 1)[-1])
             for line in jena if line[1] == "result"}
    broken, taken = _broken(to_store(reference, with_ontology=False))
    assert found == taken
    ours = {(p.file, p.field) for p in shacl_problems(broken)}
    assert ours == taken


def test_every_class_the_data_uses_has_a_shape(reference):
    store = to_store(reference, with_ontology=False)
    used = {q.object.value for q in store.quads_for_pattern(None, RDF_TYPE, None)
            if q.object.value.startswith(CP)}
    shapes = rdflib.Graph().parse(data=read_resource(SHAPES_FILE), format="turtle")
    targeted = {str(o) for o in shapes.objects(None, SH.targetClass)}
    assert used - targeted == set()
    assert {CP + c for c in ("ConcernNeed", "Area", "DeliberateOverlap")} <= used


def test_the_ontology_declares_what_it_uses_and_says_what_it_is():
    onto = rdflib.Graph().parse(data=read_resource(ONTOLOGY_FILE), format="turtle")
    head = rdflib.URIRef("https://w3id.org/carepath/ontology")
    dcterms = rdflib.Namespace("http://purl.org/dc/terms/")
    assert onto.value(head, OWL.versionIRI) and onto.value(head, dcterms.title)
    assert onto.value(head, dcterms.license)
    classes = set(onto.subjects(rdflib.RDF.type, OWL.Class))
    ours = {c for c in classes if str(c).startswith(CP)}
    skos = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
    assert {c for c in ours if onto.value(c, skos.definition) is None} == set()
    assert any(onto.subjects(rdflib.RDF.type, OWL.AllDisjointClasses))


@pytest.fixture(scope="module")
def robot_dl(files):
    from tests.support.validators import missing_java, robot

    why = missing_java()
    need(why is None, why or "")
    report = files["all.ttl"].with_name("dl-report.txt")
    result = robot("validate-profile", "--input", str(files["all.ttl"]), "--profile", "DL",
                   "--output", str(report), "reason", "--reasoner", "HermiT")
    return result, report.read_text(encoding="utf-8")


def test_robot_finds_the_ontology_with_the_data_in_owl2_dl_and_consistent(robot_dl):
    result, report = robot_dl
    assert result.returncode == 0, (report[:2000], result.stderr[-2000:])
    assert "[Ontology and imports closure in profile]" in report
