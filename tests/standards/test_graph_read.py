"""Issue 27: carepath's graph files read back. ``read(write(model)) == model`` for GraphML,
GEXF and node-link JSON on the reference data, the tiny fixture and the region preset, field
by field; an analyst's edits come back as edits; an edited file that is not carepath data
lists every problem (file, element line or JSON pointer, field), never a traceback."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import networkx as nx
import pytest
from lxml import etree

import carepath
from carepath.errors import DataValidationError
from carepath.graph.model import Model, RelationKind
from carepath.standards import FORMATS
from carepath.standards.gexf import NS as GEXF
from carepath.standards.graphml import NS as GRAPHML

from ..conftest import cli

FMTS = ("graphml", "gexf", "networkx")
SUFFIX = {"graphml": ".graphml", "gexf": ".gexf", "networkx": ".json"}


def write(fmt: str, model: Model, folder: Path, name: str = "graph") -> Path:
    return FORMATS[fmt].writer()(model, folder / f"{name}{SUFFIX[fmt]}").artifact


def read(fmt: str, path: Path):
    return getattr(FORMATS[fmt].module, f"read_{fmt}")(path)


def model_diff(before: Model, after: Model) -> list[str]:
    """Every field where ``after`` differs from ``before``: table, id, field, both values."""
    out = []
    for f in dataclasses.fields(Model):
        if not f.init:
            continue
        a, b = getattr(before, f.name), getattr(after, f.name)
        if a == b:
            continue
        if isinstance(a, dict):
            out += [f"{f.name}: {k!r} lost" for k in a.keys() - b.keys()]
            out += [f"{f.name}: {k!r} invented" for k in b.keys() - a.keys()]
            for k in a.keys() & b.keys():
                if a[k] != b[k]:
                    out += [f"{f.name}[{k!r}].{g.name}: {getattr(a[k], g.name)!r} -> "
                            f"{getattr(b[k], g.name)!r}" for g in dataclasses.fields(a[k])
                            if getattr(a[k], g.name) != getattr(b[k], g.name)]
        else:
            out += [f"{f.name}[{i}]: {x!r} -> {y!r}"
                    for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y][:5]
            if len(a) != len(b):
                out.append(f"{f.name}: {len(a)} -> {len(b)}")
    return out


# -- round trips ------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", FMTS)
@pytest.mark.parametrize("data", ["reference", "tiny"])
def test_reading_a_written_file_gives_the_model_back(fmt, data, request, tmp_path):
    model = request.getfixturevalue(data)
    done = FORMATS[fmt].writer()(model, tmp_path / f"g{SUFFIX[fmt]}")
    back = read(fmt, done.artifact)
    assert model_diff(model, back.model) == []
    assert back.model == model
    assert back.warnings == []
    assert done.report.lost == 0  # every criterion window has a stage text


@pytest.mark.parametrize("fmt", FMTS)
def test_the_region_preset_comes_back_whole(fmt, region, tmp_path):
    back = read(fmt, write(fmt, region, tmp_path)).model
    assert model_diff(region, back) == []
    assert back.statements == region.statements  # in order: ids, targets, conditions
    assert back.relation_count == region.relation_count > 100_000


@pytest.mark.parametrize("fmt", FMTS)
@pytest.mark.parametrize("data", ["reference", "tiny"])
def test_import_writes_a_data_folder_that_loads_as_the_model(fmt, data, request, tmp_path):
    model = request.getfixturevalue(data)
    result = FORMATS[fmt].importer()(write(fmt, model, tmp_path), tmp_path / "back")
    again = carepath.load(tmp_path / "back")
    assert model_diff(model, again) == []
    assert len(result.services) == len(model.services)
    assert (tmp_path / "back" / "IMPORT-REPORT.md").is_file()


def test_the_cli_imports_what_it_exported(tmp_path):
    from ..conftest import FIXTURES

    out = tmp_path / "tiny.gexf"
    assert cli("export", "gexf", str(out), "--data", str(FIXTURES / "tiny")).returncode == 0
    done = cli("import", "gexf", str(out), "-o", str(tmp_path / "back"))
    assert done.returncode == 0, done.stderr
    assert carepath.load(tmp_path / "back") == carepath.load(FIXTURES / "tiny")


def _but_for_order(model: Model) -> tuple:
    """The model with its statements as a set, each statement's targets as a set: what a
    tool that rewrites the file in its own edge order keeps."""
    return (dataclasses.replace(model, statements=[]),
            {(st.id, frozenset(st.targets), dataclasses.replace(st, targets=()))
             for st in model.statements})


NX_REWRITES = {  # networkx reads carepath's file and writes its own (GEXF: 1.2draft)
    "graphml": lambda src, dst: nx.write_graphml(nx.read_graphml(src), dst),
    "gexf": lambda src, dst: nx.write_gexf(nx.read_gexf(src), dst),
    "networkx": lambda src, dst: dst.write_text(json.dumps(nx.node_link_data(
        nx.node_link_graph(json.loads(src.read_text()), edges="edges"), edges="edges"))),
}


@pytest.mark.parametrize("fmt", FMTS)
def test_a_file_networkx_rewrote_reads_back_but_for_the_order_of_edges(fmt, reference,
                                                                       tmp_path):
    again = tmp_path / f"again{SUFFIX[fmt]}"
    NX_REWRITES[fmt](write(fmt, reference, tmp_path), again)
    assert _but_for_order(read(fmt, again).model) == _but_for_order(reference)


# -- an analyst's edits -----------------------------------------------------------------------

def test_a_notebook_edit_comes_back(tiny, tmp_path):
    path = write("networkx", tiny, tmp_path)
    G = nx.node_link_graph(json.loads(path.read_text()), edges="edges")
    G.nodes["tiny-hv"]["tier"] = "targeted"
    G.nodes["tiny-hv"]["aliases"] = ["HV", "Health visitors"]
    G.remove_edge("tiny-pmh", "cbt")
    path.write_text(json.dumps(nx.node_link_data(G, edges="edges")))
    back = read("networkx", path).model
    hv = back.services["tiny-hv"]
    assert (hv.tier, hv.aliases) == ("targeted", ("HV", "Health visitors"))
    assert back.services["tiny-pmh"].interventions == ("ipt",)
    assert _but_for_order(back)[1] == _but_for_order(tiny)[1]  # networkx's edge order


def _graphml_node(root, ident: str):
    return root.find(f"{{{GRAPHML}}}graph/{{{GRAPHML}}}node[@id='{ident}']")


def _line(path: Path, tag: str, ident: str) -> int:
    """The line of the GraphML node or edge ``ident`` in the file as written."""
    root = etree.parse(str(path)).getroot()
    return root.find(f"{{{GRAPHML}}}graph/{{{GRAPHML}}}{tag}[@id='{ident}']").sourceline


def _set_data(root, element, name: str, value: str | None) -> None:
    """Set (or with None remove) the GraphML attribute ``name`` of ``element``."""
    domain = etree.QName(element).localname
    key = root.find(f"{{{GRAPHML}}}key[@attr.name='{name}'][@for='{domain}']")
    if key is None:  # a new column, as Gephi declares it
        key = etree.Element(f"{{{GRAPHML}}}key", {"id": f"new-{name}", "for": domain,
                                                 "attr.name": name, "attr.type": "string"})
        root.insert(0, key)
    data = element.find(f"{{{GRAPHML}}}data[@key='{key.get('id')}']")
    if value is None:
        element.remove(data)
        return
    if data is None:
        data = etree.SubElement(element, f"{{{GRAPHML}}}data", key=key.get("id"))
    data.text = value


def test_edits_in_graphml_come_back_as_edits(tiny, tmp_path):
    path = write("graphml", tiny, tmp_path)
    tree = etree.parse(str(path))
    root = tree.getroot()
    pmh = _graphml_node(root, "tiny-pmh")
    _set_data(root, pmh, "tier", "secondary-care-mh")
    _set_data(root, pmh, "label", "Perinatal team (renamed in Gephi)")
    _set_data(root, pmh, "eligibility", "inclusion: parents registered with a GP; "
                                        "exclusion: parents under 18")
    edge = etree.SubElement(root.find(f"{{{GRAPHML}}}graph"), f"{{{GRAPHML}}}edge",
                            id="drawn", source="tiny-pmh", target="tiny-hv")
    _set_data(root, edge, "kind", "SIGNPOSTS_TO")
    tree.write(str(path))
    problems = _problems("graphml", path)  # every fact names its document
    assert [(p.code, p.line, p.field) for p in problems] == [
        ("no-source", _line(path, "edge", "drawn"), "evidence_source")]
    _set_data(root, edge, "evidence_source", "tiny-doc")
    tree.write(str(path))
    back = read("graphml", path).model
    svc, was = back.services["tiny-pmh"], tiny.services["tiny-pmh"]
    assert (svc.tier, svc.name) == ("secondary-care-mh", "Perinatal team (renamed in Gephi)")
    assert [(c.type, c.text) for c in svc.eligibility] == [
        ("inclusion", "parents registered with a GP"), ("exclusion", "parents under 18")]
    # the criterion kept keeps its conditions; the new one has the service's provenance
    assert svc.eligibility[1] == was.eligibility[0]
    assert svc.eligibility[0].provenance.source == svc.provenance.source
    drawn = [r for r in back.relations if r.kind is RelationKind.SIGNPOSTS_TO]
    assert [(r.source, r.target) for r in drawn] == [("tiny-pmh", "tiny-hv")]
    assert back.relation_count == tiny.relation_count + 1


def test_a_deleted_edge_in_node_link_json_is_a_deleted_fact(tiny, tmp_path):
    path = write("networkx", tiny, tmp_path)
    doc = json.loads(path.read_text())
    doc["edges"] = [e for e in doc["edges"]
                    if not (e["source"] == "gp" and e["target"] == "tiny-pmh")
                    and not (e["source"] == "tiny-pmh" and e.get("key") == "DELIVERS"
                             and e["target"] == "cbt")]
    path.write_text(json.dumps(doc))
    back = read("networkx", path).model
    assert back.relation_count == tiny.relation_count - 1
    assert not [r for r in back.relations if r.source == "gp"]
    assert back.services["tiny-pmh"].interventions == ("ipt",)


# -- what an edit can break -------------------------------------------------------------------

def _problems(fmt: str, path: Path) -> list:
    with pytest.raises(DataValidationError) as caught:
        read(fmt, path)
    return caught.value.problems


def test_broken_graphml_lists_each_problem_with_its_line_and_field(tiny, tmp_path):
    path = write("graphml", tiny, tmp_path)
    tree = etree.parse(str(path))
    root = tree.getroot()
    graph = root.find(f"{{{GRAPHML}}}graph")
    hv, pmh = _graphml_node(root, "tiny-hv"), _graphml_node(root, "tiny-pmh")
    _set_data(root, hv, "kind", "Servise")
    referral = graph.find(f"{{{GRAPHML}}}edge[@source='gp']")
    _set_data(root, referral, "stage_text", "Pregnancy; soon-ish")
    _set_data(root, pmh, "label", None)
    _set_data(root, pmh, "name", None)
    dangling = etree.SubElement(graph, f"{{{GRAPHML}}}edge", id="x1", source="gp",
                                target="nowhere")
    _set_data(root, dangling, "kind", "REFERS_TO")
    odd = etree.SubElement(graph, f"{{{GRAPHML}}}edge", id="x2", source="gp", target="tiny-pmh")
    _set_data(root, odd, "kind", "LIKES")
    tree.write(str(path))
    lines = {n: _line(path, tag, ident) for n, tag, ident in (
        ("hv", "node", "tiny-hv"), ("pmh", "node", "tiny-pmh"), ("x1", "edge", "x1"),
        ("x2", "edge", "x2"), ("gp", "edge", referral.get("id")))}
    found = {(p.code, p.line, p.field) for p in _problems("graphml", path)
             if p.file == str(path)}
    assert {("unknown-kind", lines["hv"], "kind"), ("bad-range", lines["gp"], "stages"),
            ("bad-field", lines["pmh"], "services[0] (tiny-pmh)"),
            ("dangling-edge", lines["x1"], "target"),
            ("unknown-kind", lines["x2"], "kind")} <= found


def test_broken_node_link_json_names_each_element_by_its_pointer(tiny, tmp_path):
    path = write("networkx", tiny, tmp_path)
    doc = json.loads(path.read_text())
    n = next(i for i, node in enumerate(doc["nodes"]) if node["id"] == "tiny-pmh")
    doc["nodes"][n]["tier"] = "specialst"
    e = next(i for i, edge in enumerate(doc["edges"]) if edge.get("type") == "ADVISES")
    doc["edges"][e]["urgency"] = "whenever"
    path.write_text(json.dumps(doc))
    found = {(p.code, p.file, p.field) for p in _problems("networkx", path)}
    assert ("unknown-tier", f"{path}#/nodes/{n}", "tier") in found
    assert ("unknown-urgency", f"{path}#/edges/{e}", "urgency") in found


@pytest.mark.parametrize("fmt, text, message", [
    pytest.param("graphml", "<graphml><node id='a'>", "not well-formed XML", id="graphml-cut"),
    pytest.param("gexf", "<gexf><graph>", "not well-formed XML", id="gexf-cut"),
    pytest.param("gexf", f'<graphml xmlns="{GRAPHML}"/>', "not GEXF's <gexf>",
                 id="graphml-given-as-gexf"),
    pytest.param("graphml", f'<?xml version="1.0"?><!DOCTYPE g [<!ENTITY a "aaaa">]>'
                 f'<graphml xmlns="{GRAPHML}"><graph><node id="&a;"/></graph></graphml>',
                 "may not contain a DOCTYPE", id="graphml-with-entities"),
    pytest.param("networkx", '{"nodes": [', "not JSON", id="json-cut"),
    pytest.param("networkx", '{"a": 1}', "not node-link JSON", id="json-not-node-link"),
])
def test_a_file_that_cannot_be_parsed_is_one_line(fmt, text, message, tmp_path):
    path = tmp_path / f"bad{SUFFIX[fmt]}"
    path.write_text(text)
    problems = _problems(fmt, path)
    assert len(problems) == 1 and message in problems[0].message
    done = cli("import", fmt, str(path), "-o", str(tmp_path / "out"))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and str(path) in done.stderr
    assert not (tmp_path / "out").exists()


def test_the_cli_lists_every_problem_of_an_edited_gexf(tiny, tmp_path):
    path = write("gexf", tiny, tmp_path)
    text = path.read_text().replace('kind="ADVISES"', 'kind="ADMIRES"').replace(
        'target="tiny-pmh"', 'target="tiny-pmhx"', 1)
    path.write_text(text)
    done = cli("import", "gexf", str(path), "-o", str(tmp_path / "out"))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "unknown edge kind 'ADMIRES'" in done.stderr
    assert "'tiny-pmhx' is not a node of the file" in done.stderr
    assert not (tmp_path / "out").exists()
    assert f'<gexf xmlns="{GEXF}"' in text


def test_a_taxonomy_mapping_is_refused(tiny, tmp_path):
    """The graph imports offer no --map (their terms are carepath's own), and the library
    refuses a mapping given in code, writing nothing."""
    from carepath.errors import DataValidationError
    from carepath.standards.graphml import import_graphml

    path = write("graphml", tiny, tmp_path)
    done = cli("import", "graphml", str(path), "-o", str(tmp_path / "out"), "--map",
               str(tmp_path / "map.csv"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "No such option" in done.stderr
    with pytest.raises(DataValidationError, match="a taxonomy mapping does not apply"):
        import_graphml(path, tmp_path / "out", mapping=tmp_path / "map.csv")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("bad", [[1], "text", 3, [{"line": 5}]], ids=["list-of-numbers",
                                                                    "text", "number",
                                                                    "list-for-one-record"])
def test_details_of_the_wrong_shape_are_listed_not_a_crash(reference, tmp_path, bad):
    path = write("networkx", reference, tmp_path)
    doc = json.loads(path.read_text())
    n = next(i for i, node in enumerate(doc["nodes"]) if node["id"] == "dorset-mmhs")
    doc["nodes"][n]["details"] = {"part_of": bad, "hours": bad}  # each one record
    path.write_text(json.dumps(doc))
    found = {(p.code, p.file, p.field) for p in _problems("networkx", path)}
    assert {("bad-details", f"{path}#/nodes/{n}", f"details.{key}")
            for key in ("part_of", "hours")} <= found


@pytest.mark.parametrize("fmt", ["networkx", "graphml"])
def test_control_characters_are_refused_where_they_are(fmt, dirty, tmp_path):
    """A node-link file holds them (GraphML drops what XML cannot hold): they are refused as a
    data file's are, naming the element and field, before anything is written."""
    path = write(fmt, dirty, tmp_path)
    if fmt == "graphml":
        back = read(fmt, path).model  # XML cannot hold them: the text is clean
        assert back.services["dorset-pmmhs"].name == "Perinatal and Maternal Mental Health Service"
        return
    doc = json.loads(path.read_text())
    n = next(i for i, node in enumerate(doc["nodes"]) if node["id"] == "dorset-pmmhs")
    found = {(p.code, p.file, p.field) for p in _problems(fmt, path)}
    assert {("control-character", f"{path}#/nodes/{n}", f) for f in ("name", "aliases", "notes")
            } <= found
    done = cli("import", fmt, str(path), "-o", str(tmp_path / "out"))
    assert done.returncode == 1 and not (tmp_path / "out").exists()
    assert "carepath-tmp" not in done.stderr  # never a temporary file's name
