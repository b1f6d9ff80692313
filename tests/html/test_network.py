"""The network view in a real browser: what is drawn, filters, hover, click, search, layout,
physics and scale."""

from __future__ import annotations

import itertools
import time

import pytest

from carepath import RelationKind
from carepath.errors import ExportError
from carepath.graph.networkx import PART_OF_PREFIX, STAFFED_BY_PREFIX, relation_graph
from carepath.html import to_html, write_html, write_site
from carepath.html._page import RELATION_STYLES
from carepath.html.network import MAX_NODES, network_data, relation_count

from .conftest import synthetic


def drawn(tab) -> dict:
    """Nodes and edges in the page's vis DataSets, and what vis-network actually drew."""
    return tab.page.evaluate("""() => ({nodes: cp.net.nodes.length, edges: cp.net.edges.length,
                                        drawn: cp.net.drawn()})""")


def test_drawn_nodes_and_edges_are_the_graphs_and_physics_settles(reference, site, open_page,
                                                                   screenshots):
    G = relation_graph(reference, kinds=tuple(RelationKind))
    expected_nodes = set(G) | set(reference.services)
    tab = open_page(site / "network.html")
    tab.wait_network()
    counts = drawn(tab)
    # 75: the unnamed end of doc-002:37-40 and doc-004:7 (issue 22) is drawn too
    assert counts["nodes"] == counts["drawn"]["nodes"] == len(expected_nodes) == 75
    # the view draws the relations; relation_graph also holds the part-of hops (doc-002:14)
    # and a service's hops to the professions staffing it (issue 22), which are not relations
    relations = sum(1 for *_, key in G.edges(keys=True)
                    if not key.startswith((PART_OF_PREFIX, STAFFED_BY_PREFIX)))
    assert counts["edges"] == counts["drawn"]["edges"] == relations
    ids = set(tab.page.evaluate("() => cp.net.nodes.getIds()"))
    assert ids == expected_nodes
    # physics settles by itself, or is stopped SETTLE_MS after the first drawing
    start = time.monotonic()
    tab.page.wait_for_function("() => cp.net.stable", timeout=15_000)
    assert tab.page.evaluate("() => cp.net.settledMs") < 6_000
    assert time.monotonic() - start < 10
    tab.page.screenshot(path=screenshots / "network-reference.png")
    tab.assert_clean()


FILTERS = [
    pytest.param("area", "dorset", id="area-dorset"),
    pytest.param("stage", "months-2-6", id="stage-2-6-months"),
    pytest.param("tier", "universal", id="tier-universal"),
    pytest.param("concern", "perinatal-loss-bereavement", id="concern-bereavement"),
]


@pytest.mark.parametrize(("name", "value"), FILTERS)
def test_a_filter_draws_what_the_python_selection_holds(reference, site, open_page, name,
                                                        value):
    expected = network_data(reference, **{name: value})
    tab = open_page(site / "network.html")
    tab.wait_network()
    before = drawn(tab)
    tab.page.select_option(f"select[data-net-filter={name}]", value)
    after = drawn(tab)
    assert (after["nodes"], after["edges"]) == (len(expected["nodes"]), relation_count(expected))
    assert after["drawn"] == {"nodes": after["nodes"], "edges": after["edges"]}
    assert (after["nodes"], after["edges"]) != (before["nodes"], before["edges"])
    status = tab.page.locator("#cp-status").text_content()
    assert f"{relation_count(expected)} relations" in status
    tab.page.select_option(f"select[data-net-filter={name}]", "")
    assert drawn(tab) == before
    tab.assert_clean()


def test_the_relation_filter_keeps_one_kind(reference, site, open_page):
    referrals = [r for r in reference.relations if r.kind is RelationKind.REFERS_TO]
    tab = open_page(site / "network.html")
    tab.wait_network()
    tab.page.select_option("select[data-net-filter=relation]", "refers_to")
    kinds = tab.page.evaluate("() => [...new Set(cp.net.edges.get().map(e => e.kind))]")
    assert kinds == ["refers_to"]
    assert drawn(tab)["edges"] == len(referrals) == 75
    tab.assert_clean()


def _centre_on(tab, node: str) -> tuple[float, float]:
    """Put ``node`` in the middle of the canvas; return its position on the page."""
    tab.page.evaluate(f"""() => {{ cp.net.network.stopSimulation();
        cp.net.network.setOptions({{physics: {{enabled: false}}}});
        cp.net.network.focus({node!r}, {{scale: 2.5, animation: false}}); }}""")
    box = tab.page.locator("#cp-network").bounding_box()
    dom = tab.page.evaluate(f"""() => cp.net.network.canvasToDOM(
        cp.net.network.getPositions([{node!r}])[{node!r}])""")
    return box["x"] + dom["x"], box["y"] + dom["y"]


def test_hover_shows_tier_stages_eligibility_response_times_and_sources(site, open_page,
                                                                      screenshots):
    tab = open_page(site / "network.html")
    tab.wait_network()
    x, y = _centre_on(tab, "dorset-pmmhs")
    tab.page.mouse.move(x - 40, y - 40)
    tab.page.mouse.move(x, y, steps=4)
    tooltip = tab.page.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible", timeout=5_000)
    text = tooltip.inner_text()
    assert text.startswith("Perinatal and Maternal Mental Health Service")
    for expected in ("Tier: Specialist perinatal mental health (step 5b)",
                     "Stages: Preconception; Pregnancy; 0-6 weeks", "Eligibility (17):",
                     "Response times: emergency: 4 hours; routine: 28 days",
                     "Sources: doc-002:5, doc-002:7"):
        assert expected in text
    tab.page.screenshot(path=screenshots / "network-hover.png")
    tab.assert_clean()


def test_click_shows_the_details_with_sources_and_passages(site, open_page):
    tab = open_page(site / "network.html")
    tab.wait_network()
    x, y = _centre_on(tab, "dorset-mbu")
    tab.page.mouse.click(x, y)
    details = tab.page.locator("#cp-details")
    assert details.locator("h2").inner_text() == "Mother and Baby Unit"
    evidence = details.locator("ul.sources .evidence").all_inner_texts()
    assert evidence and all(e.startswith("doc-002:") for e in evidence)
    assert "Sources" in details.locator("h3").all_inner_texts()
    tab.assert_clean()


def test_search_finds_and_focuses_services(reference, site, open_page):
    tab = open_page(site / "network.html")
    tab.wait_network()
    tab.page.fill("#cp-search", "mother and baby")
    matches = tab.page.locator("#cp-matches button").all_inner_texts()
    found = [n for n in network_data(reference)["nodes"] if "mother and baby" in n["search"]]
    # each match names its area: three services called "Mother and Baby Unit" look alike
    expected = [f"{n['name']} ({reference.areas[n['area']].name})" for n in found]
    assert matches == expected and len(matches) == 3
    assert len({n["name"] for n in found}) < 3
    tab.page.press("#cp-search", "Enter")
    assert tab.page.locator("#cp-details h2").inner_text() == found[0]["name"]
    assert tab.page.evaluate("() => cp.net.network.getSelectedNodes().length") == 1
    tab.assert_clean()


def test_layout_by_tier_puts_each_tier_in_its_own_column(reference, site, open_page,
                                                          screenshots):
    tab = open_page(site / "network.html")
    tab.wait_network()
    tab.page.select_option("#cp-layout", "tier")
    positions = tab.page.evaluate("() => cp.net.network.getPositions()")
    xs: dict[str, list[float]] = {}
    for svc in reference.services.values():
        xs.setdefault(svc.tier or "untiered", []).append(positions[svc.id]["x"])
    people = [positions[n]["x"] for n in positions if n not in reference.services]
    spans = [(min(people), max(people))] + [
        (min(xs[t]), max(xs[t])) for t in [t.id for t in reference.tiers_in_order()]
        + ["untiered"] if t in xs]
    assert all(a[1] < b[0] for a, b in itertools.pairwise(spans)), spans  # left to right
    assert max(len({round(y) for y in xs[t]}) for t in xs) <= 12  # tall tiers wrap
    tab.page.screenshot(path=screenshots / "network-by-tier.png")
    tab.assert_clean()


def test_a_graph_of_thousands_of_services_is_drawn_in_groups_that_expand(
        reference, tmp_path, open_page, screenshots):
    big = synthetic(reference, areas=10, per_area=200)
    page = write_html(big, tmp_path / "big.html", view="network")
    start = time.monotonic()
    tab = open_page(page)
    tab.wait_network()
    assert time.monotonic() - start < 10
    counts = drawn(tab)
    assert counts["nodes"] == 11 and counts["edges"] == 10  # 10 area groups and the GP
    assert tab.page.evaluate("() => cp.net.expand('group:synth-03')") is True
    counts = drawn(tab)
    assert counts["nodes"] == 11 - 1 + 200
    assert counts["edges"] == 9 + 1 + 199  # GP to the other groups; the chain drawn in full
    tab.page.wait_for_function("() => cp.net.stable", timeout=15_000)
    tab.page.screenshot(path=screenshots / "network-aggregated.png")
    assert tab.axe() == []
    tab.assert_clean()


def test_a_graph_too_large_to_draw_is_refused_with_how_to_filter(reference, tmp_path):
    huge = synthetic(reference, areas=6, per_area=1000)
    with pytest.raises(ExportError, match=r"6,001 nodes.*at most 5,000.*`area` \(one of: "
                                          r"synth-00, synth-01"):
        to_html(huge, "network")
    assert MAX_NODES == 5_000
    site = write_site(huge, tmp_path / "site")
    assert not (site / "network.html").exists()
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "Network</strong> (not drawn)" in index
    assert "export part of it with area (one of" in index
    assert to_html(huge, "network", area="synth-02").count('"kind": "service"') == 1000


def test_details_list_who_relates_in_and_out_with_conditions_and_source_lines(
        reference, site, open_page):
    tab = open_page(site / "network.html")
    tab.wait_network()
    tab.page.evaluate("() => cp.net.show('dorset-pmmhs')")
    details = tab.page.locator("#cp-details")
    incoming = [r for r in reference.relations if r.target == "dorset-pmmhs"]
    outgoing = [r for r in reference.relations if r.source == "dorset-pmmhs"]
    lists = details.locator("ul.rels")
    heads = details.locator("h3").all_inner_texts()
    assert f"In: who refers to it (and advises, trains, hands over…) ({len(incoming)})" in heads
    assert f"Out: where it refers (and advises, trains, hands over…) ({len(outgoing)})" in heads
    shown_in = lists.nth(0).locator("li").all_inner_texts()
    assert len(shown_in) == len(incoming) > 5
    for rel in incoming:  # who, how (read from this end), the source line, for each one in
        style = RELATION_STYLES[rel.kind]
        line = f"{style.inverse or style.label} {reference.name_of(rel.source)}"
        assert any(t.startswith(line) and rel.provenance.ref in t for t in shown_in), line
    gp = next(r for r in incoming if r.source == "gp")
    # the GP refers to the service, not the other way round
    gp_line = next(t for t in shown_in if t.startswith("referred in by General practitioner"))
    for stage in gp.stage_texts:  # its conditions
        assert stage in gp_line
    shown_out = lists.nth(1).locator("li").all_inner_texts()
    assert len(shown_out) == len(outgoing)
    for rel in outgoing:
        name = reference.name_of(rel.target)
        assert any(name in t and rel.provenance.ref in t for t in shown_out), name
    # each relation's kind shows the relation with its passage
    lists.nth(0).locator("button.kind").first.click()
    assert details.locator("h2").inner_text() == "Relation"
    assert details.locator("ul.sources .evidence").count() == 1
    tab.page.evaluate("() => cp.net.show('dorset-pmmhs')")
    # each name goes to that node, by keyboard too
    lists.nth(1).locator("button.goto:not(.kind)", has_text="Mother and Baby Unit").first.focus()
    tab.page.keyboard.press("Enter")
    assert details.locator("h2").inner_text() == "Mother and Baby Unit"
    assert tab.page.evaluate("() => cp.net.network.getSelectedNodes()") == ["dorset-mbu"]
    tab.assert_clean()


def test_the_first_view_shows_everything_and_no_name_too_small_to_read(site, open_page,
                                                                       reference):
    tab = open_page(site / "network.html", width=1400, height=900)
    tab.wait_network()
    tab.page.wait_for_function("() => cp.net.stable", timeout=15_000)
    box = tab.page.locator("#cp-network").bounding_box()
    # every node's centre is inside the canvas: nothing clipped until "Fit to view"
    inside = tab.page.evaluate("""() => {
      const net = cp.net.network, c = net.canvas.frame.canvas;
      return net.body.nodeIndices.filter(id => {
        const p = net.canvasToDOM(net.getPositions([id])[id]);
        return p.x >= 0 && p.y >= 0 && p.x <= c.clientWidth && p.y <= c.clientHeight;
      }).length + " of " + net.body.nodeIndices.length; }""")
    drawn = tab.page.evaluate("() => cp.net.drawn().nodes")
    assert inside == f"{drawn} of {drawn}" and box["width"] > 900
    options = tab.page.evaluate("() => cp.data().options.nodes")
    threshold = options["scaling"]["label"]["drawThreshold"]
    assert threshold >= 10  # a name smaller than that on screen is not drawn
    on_screen = tab.page.evaluate("() => cp.net.network.getScale()") * options["font"]["size"]
    status = tab.page.locator("#cp-status").inner_text()
    assert (on_screen < threshold) == ("Names show when you zoom in" in status)
    legend = tab.page.locator("section[aria-labelledby=legend-heading]").bounding_box()
    assert legend["y"] + legend["height"] <= 900
    tab.assert_clean()
