"""Every exported view against axe-core (WCAG 2.1 A and AA, run inside the page) in its
initial state and after its main interactions, and the keyboard paths through them: Tab order
with a visible focus, every scroll region reachable and scrollable, a network node chosen and
its details read without a mouse."""

from __future__ import annotations

import json
import shutil

import pytest

from carepath.html import SITE_INDEX, VIEWS

from ..conftest import need
from .conftest import HERE, install_axe

PAGES = [pytest.param(SITE_INDEX, id="index")] + [
    pytest.param(view.filename, id=name) for name, view in VIEWS.items()]


def opened(open_page, path):
    tab = open_page(path)
    if path.name == "network.html":
        tab.wait_network()
    return tab


@pytest.mark.parametrize("filename", PAGES)
def test_no_axe_violations_when_the_page_opens(site, open_page, filename):
    tab = opened(open_page, site / filename)
    assert tab.axe() == []
    tab.assert_clean()


def _network(tab):
    tab.page.focus("#cp-nodes")
    tab.page.keyboard.press("ArrowDown")  # the first node: its details, in and out
    tab.page.fill("#cp-search", "perinatal")
    tab.page.select_option("#cp-layout", "tier")


def _table(tab):
    tab.page.click("#relations thead button >> text=To")
    tab.page.fill("#cp-find", "dorset")
    tab.page.click("#services-caption")
    tab.page.locator("#services tbody details summary").first.click()


def _gaps(tab):
    # opens the reasons (every empty cell of the reference data is "not stated": issue 22)
    tab.page.locator("section.area td.gap a, section.area td.unknown a").first.click()
    tab.page.locator("td.has summary").first.click()
    tab.page.select_option("[data-filter=area]", "dorset")


def _timeline(tab):
    tab.page.select_option("[data-filter=tier]", "inpatient")
    tab.page.select_option("[data-filter=stages]", "pregnancy")


def _stepped(tab):
    tab.page.select_option("[data-filter=area]", "dorset")
    tab.page.locator("details.rels summary").first.click()


def _pathway(tab):
    tab.page.select_option("[data-filter=stage]", index=1)


INTERACTIONS = {"network.html": _network, "table.html": _table, "gaps.html": _gaps,
                "timeline.html": _timeline, "stepped-care.html": _stepped,
                "pathway.html": _pathway}


@pytest.mark.parametrize("filename", list(INTERACTIONS))
def test_no_axe_violations_after_the_main_interactions(site, open_page, filename):
    tab = opened(open_page, site / filename)
    INTERACTIONS[filename](tab)
    tab.page.wait_for_timeout(100)
    assert tab.axe() == []
    tab.assert_clean()


FOCUS = """() => { const e = document.activeElement; const s = getComputedStyle(e);
  return {tag: e.tagName.toLowerCase(), id: e.id, role: e.getAttribute('role'),
          name: e.getAttribute('aria-label') || e.textContent.trim().slice(0, 60),
          outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2}; }"""


@pytest.mark.parametrize("filename", PAGES)
def test_tab_order_starts_with_the_skip_link_and_focus_is_always_visible(site, open_page,
                                                                         filename):
    tab = opened(open_page, site / filename)
    seen = []
    for _ in range(12):
        tab.page.keyboard.press("Tab")
        now = tab.page.evaluate(FOCUS)
        if now["tag"] == "body":
            break
        seen.append(now)
    assert seen[0]["name"] == "Skip to content"
    assert all(s["outline"] for s in seen), [s for s in seen if not s["outline"]]
    assert all(s["name"] or s["tag"] in ("select", "input") for s in seen), seen
    tab.assert_clean()


# elements that scroll (a <select> list scrolls by moving its choice: see the network test)
SCROLLERS = """() => (window.scrollers = [...document.querySelectorAll(':not(select)')]
  .filter(e => {
  const s = getComputedStyle(e);
  return /(auto|scroll)/.test(s.overflowX + s.overflowY) && e.offsetParent !== null &&
         (e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1) &&
         !e.closest('.vis-network');
})).map(e => e.id || e.getAttribute('aria-label') || e.getAttribute('aria-labelledby')
                 || e.className)"""


@pytest.mark.parametrize("filename", ["gaps.html", "table.html", "network.html"])
def test_every_scroll_region_takes_the_focus_and_scrolls_by_keyboard(site, open_page,
                                                                     filename):
    tab = open_page(site / filename, width=900, height=700)
    if filename == "network.html":
        tab.wait_network()
        tab.page.evaluate("() => cp.net.show('dorset-pmmhs')")  # a long details panel
    regions = tab.page.evaluate(SCROLLERS)
    assert regions, "expected something to scroll at 900x700"
    for i in range(len(regions)):
        element = tab.page.evaluate_handle("i => window.scrollers[i]", i)
        assert element.evaluate("e => e.tabIndex") >= 0, regions[i]
        element.evaluate("e => e.focus()")
        before = element.evaluate("e => [e.scrollLeft, e.scrollTop]")
        wide = element.evaluate("e => e.scrollWidth > e.clientWidth + 1")
        tab.page.keyboard.press("ArrowRight" if wide else "PageDown")
        tab.page.wait_for_timeout(150)
        after = element.evaluate("e => [e.scrollLeft, e.scrollTop]")
        assert after != before, f"{regions[i]} did not scroll"
    tab.assert_clean()


def test_network_by_keyboard_reaches_the_canvas_and_reads_a_nodes_details(reference, site,
                                                                        open_page):
    tab = opened(open_page, site / "network.html")
    frame = tab.page.locator("#cp-network .vis-network")
    assert frame.get_attribute("role") == "application"
    assert frame.get_attribute("aria-label").startswith(
        f"Network diagram of {len(reference.services)} services")
    stops = []
    for _ in range(20):
        tab.page.keyboard.press("Tab")
        stops.append(tab.page.evaluate(FOCUS))
        if stops[-1]["id"] == "cp-nodes":
            break
    assert [s["role"] for s in stops].count("application") == 1  # one stop for the canvas
    assert stops[-1]["id"] == "cp-nodes"
    names = tab.page.locator("#cp-nodes option").all_inner_texts()
    # 75 nodes: 74 and the unnamed end of a stated relation (issue 22)
    assert len(names) == 75 and any(n.startswith("Mother and Baby Unit (Dorset, step 6)")
                                    for n in names)
    target = next(i for i, n in enumerate(names) if n.startswith("Mother and Baby Unit (Dorset"))
    for _ in range(target + 1):
        tab.page.keyboard.press("ArrowDown")
    assert tab.page.locator("#cp-details h2").inner_text() == "Mother and Baby Unit"
    assert tab.page.evaluate("() => cp.net.network.getSelectedNodes()") == ["dorset-mbu"]
    incoming = [r for r in reference.relations if r.target == "dorset-mbu"]
    heads = tab.page.locator("#cp-details h3").all_inner_texts()
    assert any(h.startswith("In: who refers to it") and f"({len(incoming)})" in h
               for h in heads), heads
    tab.assert_clean()


@pytest.mark.parametrize("filename", PAGES)
def test_pages_reflow_at_320_pixels(site, open_page, filename):
    """WCAG 1.4.10: no sideways scrolling of the page at 320 px; wide tables scroll in their
    own focusable region (data tables are the exception the criterion allows)."""
    tab = open_page(site / filename, width=320, height=640)
    if filename == "network.html":
        tab.wait_network()
    assert tab.page.evaluate("() => document.documentElement.scrollWidth") <= 320
    tab.assert_clean()


def test_axe_core_installs_itself_on_a_clean_checkout(tmp_path):
    """A fresh clone has no tests/html/node_modules: the first accessibility test installs
    axe-core with npm ci (the locked version), so none of them skips."""
    need(shutil.which("npm") is not None, "npm is not on PATH (apt-get install npm)")
    for name in ("package.json", "package-lock.json"):
        shutil.copy(HERE / name, tmp_path / name)
    script = install_axe(tmp_path)
    assert script == tmp_path / "node_modules" / "axe-core" / "axe.min.js"
    wanted = json.loads((HERE / "package.json").read_text(encoding="utf-8"))
    assert f"axe v{wanted['devDependencies']['axe-core']}" in script.read_text(
        encoding="utf-8")[:200]
    installed = script.stat().st_mtime_ns
    assert install_axe(tmp_path) == script and script.stat().st_mtime_ns == installed
