"""The build: the bundled data passes SHACL, every view agrees with the model, output is atomic."""

import json

import pytest

import carepath
from carepath.build import build
from carepath.graph.networkx import to_networkx
from carepath.graph.rdf import to_rdflib, to_store
from carepath.ontology import shacl_problems as shacl_of_store


def shacl_problems(model, **options):
    return shacl_of_store(to_store(model, with_ontology=False), **options)


def test_reference_data_builds_and_passes_shacl(reference):
    assert shacl_problems(reference) == []


def test_shacl_catches_a_service_without_an_area(reference):
    import dataclasses

    broken = dataclasses.replace(reference, services=dict(reference.services))
    svc = broken.services["cm-iapt"]
    broken.services["cm-iapt"] = dataclasses.replace(svc, need_min=150.0)
    problems = shacl_problems(broken)
    assert [p.field for p in problems] == ["needMin"]
    assert problems[0].file.endswith("/service/cm-iapt")


def test_views_agree_with_the_model(reference):
    G = to_networkx(reference)
    rdf = to_rdflib(reference)
    referrals = [r for r in reference.relations if r.kind is carepath.RelationKind.REFERS_TO]
    nx_referrals = [e for e in G.edges(keys=True, data=True) if e[3].get("type") == "REFERS_TO"]
    assert len(nx_referrals) == len(referrals)
    q = """PREFIX cp: <https://w3id.org/carepath/ontology#>
           SELECT (COUNT(*) AS ?n) WHERE { ?r a cp:Referral ; cp:target ?t }"""
    assert int(next(iter(rdf.query(q)))[0]) == len(referrals)
    services = [n for n, d in G.nodes(data=True) if d["label"] == "Service"]
    assert len(services) == len(reference.services)


def test_build_writes_every_output(tmp_path):
    result = build(out=tmp_path / "out")
    names = sorted(p.name for p in result.out.iterdir())
    assert names == [".carepath-output.json", "carepath.ttl", "graph.lbdb", "manifest.json",
                     "model.json", "ontology.ttl", "parts", "rdf.oxigraph", "routes",
                     "shapes.ttl"]
    # the counts the build prints are the property graph's, the same in every engine
    G = to_networkx(result.model)
    assert (result.graph_nodes, result.graph_edges) == (G.number_of_nodes(),
                                                        G.number_of_edges())
    import rdflib

    assert len(rdflib.Graph().parse(result.out / "carepath.ttl")) == result.triples
    import ladybug

    conn = ladybug.Connection(ladybug.Database(str(result.out / "graph.lbdb"), read_only=True))
    services = conn.execute("MATCH (s:Service) RETURN count(*) AS n").get_as_df()["n"][0]
    assert services == len(result.model.services)


def test_failed_build_leaves_the_previous_output_untouched(tmp_path):
    out = tmp_path / "out"
    build(out=out)
    before = (out / "carepath.ttl").read_bytes()
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "area.yaml").write_text("services: [\n")
    with pytest.raises(carepath.DataValidationError):
        build([bad], out=out)
    assert (out / "carepath.ttl").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad", "out"]


def test_shacl_is_skipped_with_a_warning_above_the_limit(tmp_path):
    result = build(out=tmp_path / "out", shacl_limit=1_000)
    assert [p.code for p in result.warnings if p.code.startswith("shacl")] == ["shacl-skipped"]
    assert f"{result.triples:,} triples" in str(result.warnings[-1])
    assert (tmp_path / "out" / "graph.lbdb").exists()


def test_shacl_limit_zero_checks_everything(reference):
    assert shacl_problems(reference, limit=0) == []
    assert [p.code for p in shacl_problems(reference, limit=10)] == ["shacl-skipped"]


def _no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict:
    keys = [k for k, _ in pairs]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    assert not duplicates, f"duplicate keys {duplicates} in {dict(pairs)}"
    return dict(pairs)


def test_graph_json_has_distinct_keys_and_keeps_both_ends_and_the_evidence(reference, tmp_path):
    import networkx as nx

    from carepath.standards.graph_files import carried_graph
    from carepath.standards.networkx import write_networkx

    G = carried_graph(reference)  # the property graph and what the data files say beyond it
    write_networkx(reference, tmp_path / "graph.json")
    again = nx.node_link_graph(json.loads((tmp_path / "graph.json").read_text()),
                               edges="edges", source="source", target="target")
    assert (again.number_of_nodes(), again.number_of_edges()) == (G.number_of_nodes(),
                                                                 G.number_of_edges())
    doc = json.loads((tmp_path / "graph.json").read_text(encoding="utf-8"),
                     object_pairs_hook=_no_duplicate_keys)
    rel = next(r for r in reference.relations
               if r.source == "relatives" and r.target == "dorset-pmmhs")
    edge = next(e for e in doc["edges"] if e.get("rel_id") == rel.id)
    assert (edge["source"], edge["target"]) == ("relatives", "dorset-pmmhs")
    assert (edge["evidence_source"], edge["line"]) == (rel.provenance.source,
                                                       rel.provenance.line)
    assert len(doc["edges"]) == G.number_of_edges()
    service = next(n for n in doc["nodes"] if n["id"] == "dorset-pmmhs")
    assert service["evidence_source"] == reference.services["dorset-pmmhs"].provenance.source
