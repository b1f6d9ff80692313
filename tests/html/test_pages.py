"""Every exported view opened from disk in a real browser: clean, offline, and interactive."""

from __future__ import annotations

import pytest

from carepath.html import SITE_INDEX, VIEWS
from carepath.html.pathway import cards
from carepath.html.timeline import groups
from carepath.queries.gaps import gaps

PAGES = [pytest.param(SITE_INDEX, id="index")] + [
    pytest.param(view.filename, id=name) for name, view in VIEWS.items()]


@pytest.mark.parametrize("filename", PAGES)
def test_each_page_loads_offline_without_errors(site, open_page, screenshots, filename):
    html = (site / filename).read_text(encoding="utf-8")
    assert "<script src" not in html and "<link" not in html and "cdn" not in html.lower()
    tab = open_page(site / filename)
    if filename == "network.html":
        tab.wait_network()
    tab.page.wait_for_load_state("load")
    assert tab.page.title().endswith("· carepath")
    csp = tab.page.evaluate(
        "() => document.querySelector('meta[http-equiv=Content-Security-Policy]').content")
    assert csp.startswith("default-src 'none'; script-src 'sha256-")
    assert tab.page.locator("main").inner_text().strip()
    tab.page.screenshot(path=screenshots / filename.replace(".html", ".png"))
    tab.assert_clean()


def test_the_index_links_to_every_view_and_the_links_work(site, open_page):
    tab = open_page(site / SITE_INDEX)
    hrefs = tab.page.locator("ul.views a").evaluate_all("links => links.map(a => a.href)")
    assert [h.rsplit("/", 1)[1] for h in hrefs] == [v.filename for v in VIEWS.values()]
    tab.page.click("nav.site >> text=Tables")
    tab.page.wait_for_url("**/table.html")
    assert tab.page.locator("nav.site [aria-current=page]").inner_text() == "Tables"
    tab.assert_clean()


def _visible(tab, selector: str) -> int:
    return tab.page.locator(selector).evaluate_all(
        "els => els.filter(e => e.offsetParent !== null).length")


def test_stepped_care_lists_the_layers_and_filters_by_area(reference, site, open_page):
    tab = open_page(site / "stepped-care.html")
    codes = tab.page.locator("section.layer .code").all_inner_texts()
    assert codes == ["1", "2", "3", "4", "5a", "5b", "6"]  # drawn bottom-up by CSS
    assert tab.page.locator("#layer-inpatient").inner_text().split() == [
        "6", "Inpatient", "(Mother", "and", "Baby", "Unit)"]
    tab.page.select_option("[data-filter=area]", "dorset")
    dorset = [s for s in reference.services.values() if s.area == "dorset"]
    assert _visible(tab, "ul.services li[data-item]") == len(dorset) == 13
    assert "Perinatal and Maternal Mental Health Service" in tab.page.locator(
        "#layer-specialist-perinatal").locator("..").inner_text()
    tab.assert_clean()


def test_timeline_tier_filter_and_coverage_match_the_python_gaps(reference, site, open_page):
    inpatient = groups(reference, tier="inpatient")[0]
    tab = open_page(site / "timeline.html")
    tab.page.select_option("[data-filter=tier]", "inpatient")
    assert _visible(tab, "tr[data-item]") == len(inpatient.rows) == 3
    assert _visible(tab, "tbody.tier-group") == 1
    def shown(mark: str) -> list[str]:
        return tab.page.locator(f"tbody[data-tier=inpatient] .cover span.{mark}").evaluate_all(
            "els => els.map(e => e.dataset.stage)")

    # no source describes inpatient provision (their scopes, data/sources.yaml): an uncovered
    # stage is "not stated (outside the source's scope)", never a gap
    assert shown("gap") == inpatient.gaps == []
    assert shown("unknown") == inpatient.outside and "pregnancy" in inpatient.outside
    tab.page.select_option("[data-filter=area]", "dorset")
    dorset = groups(reference, area="dorset", tier="inpatient")[0]
    assert shown("gap") == dorset.gaps and shown("unknown") == dorset.outside
    tab.assert_clean()


def test_gaps_cells_are_the_gap_analysis(reference, site, open_page, screenshots):
    expected = gaps(reference, area="dorset", kinds=["stage-tier", "missing-tier"])
    tab = open_page(site / "gaps.html")
    # the page leads with a summary per area
    summary = tab.page.locator("table.summary tbody tr").all_inner_texts()
    assert len(summary) == len(reference.areas)
    dorset_row = next(r for r in summary if r.startswith("Dorset"))
    assert dorset_row.split("\t")[1].strip() == str(len(expected)) == "56"
    dorset = tab.page.locator("section.area[data-area=dorset]")
    tier_grid = dorset.locator("table.matrix").first
    # every empty cell of Dorset's grid rests on what is not stated (untiered, windowless
    # services): marked "Not stated", not "Gap"
    cells = tier_grid.locator("td.gap, td.unknown")
    assert cells.count() == len(expected)
    assert set(cells.all_inner_texts()) <= {"Gap", "Not stated"}  # short marks
    reasons = dorset.locator("details.reasons").first
    assert not reasons.evaluate("d => d.open")
    cells.first.locator("a").click()
    assert reasons.evaluate("d => d.open")
    target = tab.page.locator(":focus")
    first = expected.sort_values(["stage", "tier"]).iloc[0]
    text = target.inner_text()
    assert "doc-002" in text and ("no service stated" in text
                                  or "not stated in the sources" in text
                                  or "not stated (outside the source's scope)" in text)
    assert any(r in text for r in expected.reason)
    assert first.reason in reasons.inner_text()
    tab.page.screenshot(path=screenshots / "gaps-reason.png")
    tab.page.select_option("[data-filter=area]", "dorset")
    assert _visible(tab, "section.area") == 1
    tab.assert_clean()


def test_pathway_explorer_picks_a_stage_service_and_level(reference, site, open_page):
    tab = open_page(site / "pathway.html")
    tab.page.select_option("[data-filter=stage]", label="Birth - 6 weeks")
    tab.page.select_option("[data-filter=service]", "p05-midwifery")
    tab.page.select_option("[data-filter=level]", "universal")
    expected = [c for c in cards(reference) if c.cell.stage_text == "Birth - 6 weeks"
                and c.cell.service == "p05-midwifery" and c.cell.level == "universal"]
    assert _visible(tab, "article.card") == len(expected) == 1
    card = tab.page.locator("article.card:visible").inner_text()
    for text in ("Midwifery: Birth - 6 weeks", "Rationale", "At birth or soon after",
                 "Actions", "Referral targets", "Sources", "doc-001:"):
        assert text in card
    targets = tab.page.locator("article.card:visible h4:text('Referral targets') + ul li")
    assert targets.count() == len(expected[0].targets) > 0
    tab.page.select_option("[data-filter=level]", "universal-partnership-plus")
    assert _visible(tab, "article.card") == 0
    assert "no rationales that match" in tab.page.locator("[data-status]").inner_text()
    tab.assert_clean()


def test_pathway_stage_filter_shows_every_overlapping_cell(reference, site, open_page):
    # a planner asking about 1 week - 6/8 weeks also gets "Birth - 8 weeks", "Birth - 6
    # months" and "All Age Groups": the same cells as `carepath pathway --stage`
    from carepath.queries.pathway import pathway_cells

    tab = open_page(site / "pathway.html")
    tab.page.select_option("[data-filter=stage]", label="1 week - 6/8 weeks")
    expected = pathway_cells(reference, stage="1 week - 6/8 weeks")
    assert _visible(tab, "article.card") == len(expected)
    shown = tab.page.locator("article.card:visible h3").all_inner_texts()
    assert {text.split(": ", 1)[1] for text in shown} == set(expected["stage_text"]) >= {
        "Birth - 8 weeks", "Birth - 6 months", "All Age Groups", "1 week - 6/8 weeks"}
    tab.assert_clean()


def test_tables_sort_filter_and_move_by_keyboard(reference, site, open_page):
    tab = open_page(site / "table.html")
    services = tab.page.locator("table#services")
    names = sorted((s.name for s in reference.services.values()), key=str.lower)
    services.locator("thead button", has_text="Service").click()
    assert services.locator("thead th").first.get_attribute("aria-sort") == "ascending"
    first_cell = services.locator("tbody tr").first.locator("th")
    assert first_cell.inner_text().split("\n")[0] == names[0]
    services.locator("thead button", has_text="Service").press("Enter")
    assert services.locator("thead th").first.get_attribute("aria-sort") == "descending"
    assert first_cell.inner_text().split("\n")[0] == names[-1]
    # arrow keys move between cells
    first_cell.focus()
    tab.page.keyboard.press("ArrowRight")
    focused = tab.page.evaluate("() => document.activeElement.textContent")
    assert reference.services[focused].name == names[-1]  # the Id column of the same row
    tab.page.keyboard.press("ArrowDown")
    tab.page.keyboard.press("Home")
    second = tab.page.evaluate("() => document.activeElement.textContent.split('also:')[0]")
    assert second.strip() == names[-2]
    # filters
    tab.page.select_option("[data-filter=area]", "dorset")
    assert services.locator("caption .count").inner_text() == f"(13 of {len(reference.services)})"
    tab.page.fill("#cp-find", "dorset-mbu")
    assert _visible(tab, "table#services tbody tr") == 1
    assert "Showing 1 services" in tab.page.locator("#cp-live").inner_text()
    tab.assert_clean()
