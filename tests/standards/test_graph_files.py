"""GraphML and GEXF: valid against their XML Schemas, read whole by graphology and networkx;
JSON-LD read back by rdflib as the Turtle's triples."""

from __future__ import annotations

import json
from collections import Counter

import networkx as nx
import pytest
import rdflib
from lxml import etree

from carepath.graph.rdf import to_turtle
from carepath.standards.common import clean_text
from carepath.standards.gexf import to_gexf, write_gexf
from carepath.standards.graph_files import carried_graph, flat_graph
from carepath.standards.graphml import to_graphml, write_graphml
from carepath.standards.jsonld import to_jsonld, write_jsonld

from ..conftest import FIXTURES, cli, run_cli
from .conftest import CONTROL, DATA

READERS = {"graphml": (write_graphml, nx.read_graphml), "gexf": (write_gexf, nx.read_gexf)}
# the XML Schemas, bundled: GraphML 1.0 (graphml.graphdrawing.org, as mirrored by
# codaco/graphml-schemas) and GEXF 1.3 (gephi/gexf, CC BY 4.0)
SCHEMAS = {"graphml": DATA / "xsd" / "graphml-1.0" / "graphml.xsd",
           "gexf": DATA / "xsd" / "gexf-1.3" / "gexf.xsd"}


def _kinds(G: nx.MultiDiGraph) -> Counter:
    return Counter(d.get("type") or k.split(":")[0] for *_, k, d in G.edges(keys=True, data=True))


@pytest.fixture(scope="module")
def schemas() -> dict[str, etree.XMLSchema]:
    return {fmt: etree.XMLSchema(etree.parse(str(path))) for fmt, path in SCHEMAS.items()}


@pytest.mark.parametrize("name", ["reference", "dirty"])
@pytest.mark.parametrize("fmt", sorted(SCHEMAS))
def test_file_is_valid_against_the_xml_schema(schemas, graph_exports, fmt, name):
    doc = etree.parse(str(graph_exports[f"{name}.{fmt}"]))  # well-formed, or this raises
    schema = schemas[fmt]
    assert schema.validate(doc), [str(e) for e in list(schema.error_log)[:5]]


@pytest.mark.parametrize("fmt", sorted(SCHEMAS))
def test_graphology_reads_every_node_and_edge(reference, graphology, fmt):
    G = carried_graph(reference)
    read = graphology[f"reference.{fmt}"]
    assert "error" not in read, read
    assert (read["nodes"], read["edges"]) == (G.number_of_nodes(), G.number_of_edges())
    assert read["kinds"] == dict(_kinds(G))
    node = read["node"]
    assert (node["kind"], node["tier"], node["evidence_source"]) == (
        "Service", "specialist-perinatal", "doc-002")
    assert node["start_week"] == reference.services["dorset-pmmhs"].span.start  # typed: a number


@pytest.mark.parametrize("fmt", sorted(SCHEMAS))
def test_graphology_reads_the_file_with_control_characters_too(dirty, graphology, fmt):
    read = graphology[f"dirty.{fmt}"]
    assert "error" not in read, read
    assert read["node"]["label"] == clean_text(dirty.services["dorset-pmmhs"].name)
    assert not set(CONTROL) & set(read["node"]["label"] + read["node"]["aliases"])


@pytest.mark.parametrize("fmt", sorted(READERS))
def test_file_reads_back_with_the_same_nodes_and_edges(reference, tmp_path, fmt):
    write, read = READERS[fmt]
    G = read(write(reference, tmp_path / f"carepath.{fmt}").artifact)
    original = carried_graph(reference)
    assert G.number_of_nodes() == original.number_of_nodes()
    assert G.number_of_edges() == original.number_of_edges()
    assert set(G.nodes) == set(original.nodes)
    node = G.nodes["dorset-pmmhs"]
    assert (node["kind"], node["tier"], node["area"]) == ("Service", "specialist-perinatal",
                                                          "dorset")
    assert node["stages"].split("; ")[:2] == ["preconception", "pregnancy"]
    kinds = {d["kind"] for *_, d in G.in_edges("dorset-pmmhs", data=True)}
    assert kinds == {"REFERS_TO", "HANDS_OVER_TO", "PART_OF"}  # PART_OF: the MMHS, doc-002:14


def test_edge_ids_are_unique_xml_tokens(reference):
    root = etree.fromstring(to_graphml(reference).artifact.encode("utf-8"))
    ids = [e.get("id") for e in root.iter("{http://graphml.graphdrawing.org/xmlns}edge")]
    assert len(ids) == len(set(ids)) == carried_graph(reference).number_of_edges()
    assert all(i.replace("_", "").isalnum() for i in ids)


def test_gexf_edges_carry_their_kind_and_keep_a_valid_edge_type(reference):
    root = etree.fromstring(to_gexf(reference).artifact.encode("utf-8"))
    edges = list(root.iter("{http://gexf.net/1.3}edge"))
    assert Counter(e.get("kind") for e in edges) == _kinds(carried_graph(reference))
    assert {e.get("type") for e in edges} == {None}  # directed by default; never a kind
    assert root.get("version") == "1.3"


def test_a_relation_keeps_its_evidence_and_its_ends(reference):
    G = flat_graph(reference)
    rel = next(r for r in reference.relations
               if r.source == "relatives" and r.target == "dorset-pmmhs")
    (data,) = [d for *_, d in G.edges("relatives", data=True) if d.get("rel_id") == rel.id]
    assert (data["evidence_source"], data["line"], data["kind"]) == ("doc-002", 31, "REFERS_TO")


def test_every_attribute_is_a_scalar(reference):
    G = flat_graph(reference)
    values = [v for _, d in G.nodes(data=True) for v in d.values()]
    values += [v for *_, d in G.edges(data=True) for v in d.values()]
    assert all(isinstance(v, (str, int, float, bool)) for v in values)


def test_report_says_the_graph_files_hold_everything(reference):
    report = to_graphml(reference).report
    assert report.lost == 0 and not report.not_held  # overlaps and pathway cells are nodes
    G = flat_graph(reference)
    kinds = Counter(d["kind"] for _, d in G.nodes(data=True))
    assert (kinds["Overlap"], kinds["PathwayCell"]) == (len(reference.overlaps),
                                                        len(reference.pathway))


def test_jsonld_parses_to_the_same_triples_as_turtle(reference):
    turtle = rdflib.Graph().parse(data=to_turtle(reference), format="turtle")
    text = to_jsonld(reference).artifact
    jsonld = rdflib.Graph().parse(data=text, format="json-ld")
    assert len(jsonld) == len(turtle) > 1000
    assert set(jsonld) == set(turtle)
    assert isinstance(json.loads(text)["@context"], dict)  # local context: nothing to fetch


def test_jsonld_of_a_small_area_is_the_same_too(tiny, tmp_path):
    path = write_jsonld(tiny, tmp_path / "tiny.jsonld").artifact
    jsonld = rdflib.Graph().parse(path, format="json-ld")
    assert set(jsonld) == set(rdflib.Graph().parse(data=to_turtle(tiny), format="turtle"))


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "jsonld"])
def test_cli_writes_each_format(tmp_path, fmt):
    out = tmp_path / f"tiny.{fmt}"
    result = cli("export", fmt, str(out), "--data", str(FIXTURES / "tiny"))
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 0


def test_cli_export_into_a_missing_folder_is_one_line_exit_2(tmp_path):
    result = run_cli("export", "graphml", str(tmp_path / "nope" / "g.graphml"))
    assert result.returncode == 2
    assert result.stderr.strip().startswith("error: cannot write")
