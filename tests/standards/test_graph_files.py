"""GraphML and GEXF read back by networkx; JSON-LD read back by rdflib as the Turtle's triples."""

from __future__ import annotations

import json

import networkx as nx
import pytest
import rdflib

from carepath.graph.networkx import to_networkx
from carepath.graph.rdf import to_turtle
from carepath.standards.graph_files import export_gexf, export_graphml, flat_graph
from carepath.standards.jsonld import export_jsonld, to_jsonld

from ..conftest import FIXTURES, run_cli

READERS = {"graphml": (export_graphml, nx.read_graphml), "gexf": (export_gexf, nx.read_gexf)}


@pytest.mark.parametrize("fmt", sorted(READERS))
def test_file_reads_back_with_the_same_nodes_and_edges(reference, tmp_path, fmt):
    write, read = READERS[fmt]
    G = read(write(reference, tmp_path / f"carepath.{fmt}"))
    original = to_networkx(reference)
    assert G.number_of_nodes() == original.number_of_nodes()
    assert G.number_of_edges() == original.number_of_edges()
    assert set(G.nodes) == set(original.nodes)
    node = G.nodes["dorset-pmmhs"]
    assert (node["kind"], node["tier"], node["area"]) == ("Service", "specialist-perinatal",
                                                          "dorset")
    assert node["stages"].split("; ")[:2] == ["preconception", "pregnancy"]
    kinds = {d["kind"] for *_, d in G.in_edges("dorset-pmmhs", data=True)}
    assert kinds == {"REFERS_TO", "HANDS_OVER_TO", "PART_OF"}  # PART_OF: the MMHS, doc-002:14


def test_every_attribute_is_a_scalar(reference):
    G = flat_graph(reference)
    values = [v for _, d in G.nodes(data=True) for v in d.values()]
    values += [v for *_, d in G.edges(data=True) for v in d.values()]
    assert all(isinstance(v, (str, int, float, bool)) for v in values)


def test_gexf_edges_keep_a_valid_edge_type(reference, tmp_path):
    text = export_gexf(reference, tmp_path / "g.gexf").read_text(encoding="utf-8")
    assert 'type="REFERS_TO"' not in text  # GEXF's edge type is directed/undirected only


def test_jsonld_parses_to_the_same_triples_as_turtle(reference):
    turtle = rdflib.Graph().parse(data=to_turtle(reference), format="turtle")
    text = to_jsonld(reference)
    jsonld = rdflib.Graph().parse(data=text, format="json-ld")
    assert len(jsonld) == len(turtle) > 1000
    assert set(jsonld) == set(turtle)
    assert isinstance(json.loads(text)["@context"], dict)  # local context: nothing to fetch


def test_jsonld_of_a_small_area_is_the_same_too(tiny, tmp_path):
    path = export_jsonld(tiny, tmp_path / "tiny.jsonld")
    jsonld = rdflib.Graph().parse(path, format="json-ld")
    assert set(jsonld) == set(rdflib.Graph().parse(data=to_turtle(tiny), format="turtle"))


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "jsonld"])
def test_cli_writes_each_format(tmp_path, fmt):
    out = tmp_path / f"tiny.{fmt}"
    result = run_cli("export", fmt, str(out), "--data", str(FIXTURES / "tiny"))
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 0


def test_cli_export_into_a_missing_folder_is_one_line_exit_2(tmp_path):
    result = run_cli("export", "graphml", str(tmp_path / "nope" / "g.graphml"))
    assert result.returncode == 2
    assert result.stderr.strip().startswith("error: cannot write")
