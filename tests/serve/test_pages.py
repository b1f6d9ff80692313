"""Every page of the explorer in a real Chromium: clean, offline but for the server, linked,
usable by keyboard, and saying what the sources say (and only that)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from carepath.card import passage_text
from carepath.directory import describe_window
from carepath.graph.model import RelationKind

from ..html.conftest import XSS_NAME

PAGES = {
    "directory": "/",
    "directory-search": "/?q=baby+unit&area=dorset",
    "service": "/service/dorset-pmmhs",
    "routes": "/routes?from=health-visitor&to=dorset-pmmhs",
    "gaps": "/gaps?area=dorset",
    "network": "/network?focus=dorset-pmmhs&hops=2",
    "table": "/table?view=relations&sort=from&dir=desc",
    "stepped-care": "/stepped-care?area=dorset",
    "timeline": "/timeline?tier=inpatient",
    "pathway": "/pathway",
    "sparql-form": "/sparql",
    "cypher-form": "/cypher",
}

EXPORTS = ("stepped-care", "timeline", "pathway")


def test_every_page_loads_clean_from_the_server_alone(server, open_page, screenshots):
    for name, path in PAGES.items():
        tab = open_page(server.url.rstrip("/") + path)
        response = tab.page.request.get(server.url.rstrip("/") + path,
                                        headers={"Accept": "text/html"})
        assert response.status == 200, name
        csp = response.headers["content-security-policy"]
        meta = tab.page.evaluate("() => document.querySelector("
                                 "'meta[http-equiv=Content-Security-Policy]').content")
        assert csp == meta + "; frame-ancestors 'none'", name
        assert tab.page.title().endswith("· carepath"), name
        assert tab.page.locator("main").inner_text().strip(), name
        if name in EXPORTS:  # the export views as they are: their own scripts, by hash
            assert csp.startswith("default-src 'none'; script-src 'sha256-"), name
        else:  # the explorer's own pages work without JavaScript
            assert csp.startswith("default-src 'none'; script-src 'none'"), name
            assert tab.page.locator("script").count() == 0, name
        if name in ("directory", "service"):
            tab.page.screenshot(path=screenshots / f"serve-{name}.png", full_page=False)
        tab.assert_clean()


def test_search_then_follow_links_between_cards(server, open_page, reference):
    tab = open_page(server.url)
    page = tab.page
    page.fill("input[name=q]", "perinatal maternal")
    page.select_option("select[name=area]", "dorset")
    page.click("button[type=submit]")
    assert parse_qs(urlsplit(page.url).query) == {"q": ["perinatal maternal"],
                                                   "area": ["dorset"]}
    links = page.locator("ol.results a")
    dorset = {s.name for s in reference.services.values() if s.area == "dorset"}
    assert set(links.all_inner_texts()) <= dorset
    page.click("ol.results a[href='/service/dorset-pmmhs']")
    assert urlsplit(page.url).path == "/service/dorset-pmmhs"
    # who refers in: every stated referral into the service, each linking on
    into = [r for r in reference.relations
            if r.target == "dorset-pmmhs" and r.kind is RelationKind.REFERS_TO]
    section = page.locator("section[aria-labelledby=h-in]")
    assert section.locator("li").count() == len(into) > 0
    first = next(r for r in into if r.source in reference.services)
    section.locator(f"a[href='/service/{first.source}']").first.click()
    assert urlsplit(page.url).path == f"/service/{first.source}"
    page.click("nav.site >> text=Table")
    assert urlsplit(page.url).path == "/table"
    assert page.locator("nav.site [aria-current=page]").inner_text() == "Table"
    tab.assert_clean()


def test_the_card_states_each_fact_with_its_source_and_says_what_is_not_stated(
        server, open_page, reference):
    svc = reference.services["dorset-mbu"]
    assert not svc.windows  # the document states no age window for the unit
    tab = open_page(server.url + "service/dorset-mbu")
    card = tab.page.locator("dl.card")
    window = card.locator("dt:text-is('Age window') + dd").inner_text()
    assert window == "not stated"
    for summary in tab.page.locator("details > summary").all():  # the folded rest, unfolded
        summary.click()
    text = tab.page.locator("main").inner_text()
    for rel in reference.relations:
        if "dorset-mbu" in (rel.source, rel.target):
            assert rel.provenance.ref in text
            if rel.provenance.passage:
                assert passage_text(rel.provenance.passage) in " ".join(text.split())
    for criterion in svc.eligibility:
        assert criterion.text in text
    tab.assert_clean()


def test_the_card_answers_first_and_folds_the_rest(server, open_page, reference):
    """Issue 23: response times, who refers in and eligibility at the top; the other
    relations folded; list markup read as text; "within" kept; one window wording."""
    tab = open_page(server.url + "service/dorset-pmmhs")
    page = tab.page
    tops = {h: page.locator(f"#{h}").bounding_box()["y"]
            for h in ("h-resp", "h-in", "h-elig", "h-other", "h-src")}
    assert tops["h-resp"] < tops["h-in"] < tops["h-elig"] < tops["h-other"] < tops["h-src"]
    assert tops["h-resp"] < 800  # was 4,758 px down, after the other relations
    others = page.locator("section[aria-labelledby=h-other] details")
    assert others.get_attribute("open") is None
    assert not page.locator("section[aria-labelledby=h-other] li").first.is_visible()
    svc = reference.services["dorset-pmmhs"]
    resp = page.locator("section[aria-labelledby=h-resp]").inner_text()
    assert all(f"within {rt.within}" in resp for rt in svc.response_times)
    window = page.locator("dl.card dt:text-is('Age window') + dd").inner_text()
    assert window.splitlines()[0] == describe_window(svc)
    assert "conception – birth" not in window
    refer_in = page.locator("section[aria-labelledby=h-in]").inner_text()
    raw = [r.provenance.passage for r in reference.relations
           if r.target == svc.id and "<li>" in (r.provenance.passage or "")]
    assert raw and "<li>" not in refer_in
    assert all(passage_text(p) in refer_in for p in raw)
    assert tab.axe() == []
    for summary in page.locator("details > summary").all():
        summary.click()
    assert page.locator("section[aria-labelledby=h-other] li").first.is_visible()
    assert tab.axe() == []
    tab.assert_clean()


def test_keyboard_alone_searches_the_directory_and_opens_a_card(server, open_page, reference):
    tab = open_page(server.url)
    page = tab.page
    assert page.evaluate("document.activeElement.name") == "q"  # the search box has focus
    page.keyboard.type("bereavement")
    page.keyboard.press("Enter")
    page.wait_for_url("**/?q=bereavement")
    for _ in range(40):
        page.keyboard.press("Tab")
        href = page.evaluate("document.activeElement.getAttribute('href') || ''")
        if href.startswith("/service/"):
            break
    else:
        pytest.fail("no result link reached by Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{href}")
    assert page.locator("h1").inner_text() == reference.services[href.rsplit("/", 1)[1]].name
    tab.assert_clean()


def test_keyboard_sorts_and_pages_the_table(server, open_page, reference):
    tab = open_page(server.url + "table?view=services&size=10")
    page = tab.page
    page.locator("th a", has_text="name").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**sort=name**")
    names = sorted(s.name for s in reference.services.values())
    shown = page.locator("#table tbody tr td:first-child").all_inner_texts()
    assert shown == names[:10]
    assert page.locator("th[aria-sort=ascending]").inner_text().startswith("name")
    page.locator("a[rel=next]").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**page=2**")
    assert page.locator("#table tbody tr td:first-child").all_inner_texts() == names[10:20]
    tab.assert_clean()


def test_markup_in_the_data_stays_text(hostile_server, open_page):
    for path in ("/", f"/?q={XSS_NAME[:4]}", "/table", "/table?view=relations"):
        tab = open_page(hostile_server.url.rstrip("/") + path)
        assert tab.page.locator("main img, main script, main iframe").count() == 0
        tab.assert_clean()
    tab = open_page(hostile_server.url)
    link = tab.page.locator("ol.results a", has_text=XSS_NAME)
    assert link.count() == 1
    link.click()
    assert tab.page.locator("h1").inner_text() == XSS_NAME
    assert tab.page.locator("main img").count() == 0
    tab.assert_clean()


def test_routes_to_it_from_the_card_lists_routes_from_every_entry_point(
        server, open_page, reference):
    from carepath.queries import referral_routes

    tab = open_page(server.url + "service/dorset-pmmhs")
    tab.page.click("a:text-is('Routes to it')")
    assert urlsplit(tab.page.url).path == "/routes"
    assert parse_qs(urlsplit(tab.page.url).query) == {"to": ["dorset-pmmhs"]}
    assert tab.page.input_value("input[name=to]") == "dorset-pmmhs"
    starts = {"gp", "midwife", "health-visitor", "family", "relatives"} | {
        s.id for s in reference.services_in("dorset") if s.tier == "universal"}
    want = {start: referral_routes(reference, start, "dorset-pmmhs") for start in starts}
    reached = {reference.name_of(s) for s, df in want.items() if len(df)}
    assert "General practitioner" in reached  # doc-002:31: the GP refers to the service
    heads = tab.page.locator("main h2").all_inner_texts()
    assert {h.removeprefix("From ") for h in heads} == reached
    routes = tab.page.locator("ol.results > li")
    assert routes.count() == sum(len(df) for df in want.values())
    unreached = tab.page.locator("main p.muted", has_text="No route within").inner_text()
    assert set(unreached.split(": ", 1)[1].rstrip(".").split(", ")) == {
        reference.name_of(s) for s, df in want.items() if df.empty}
    tab.assert_clean()


REFLOW = [*PAGES.values(), "/routes?to=dorset-pmmhs", "/gaps", "/table", "/timeline",
          "/no-such-page"]


def test_every_page_reflows_at_320_pixels(server, open_page, screenshots):
    """WCAG 1.4.10: no sideways scrolling of the page at 320 px; long lists of choices shrink
    to the page, and wide tables scroll in their own focusable region (the exception the
    criterion allows for data tables). One tab visits every page type."""
    tab = open_page(server.url, width=320, height=640)
    wide = {}
    for path in REFLOW:
        tab.page.goto(server.url.rstrip("/") + path)
        width = tab.page.evaluate("() => document.documentElement.scrollWidth")
        if width > 320:
            wide[path] = width
        for region in tab.page.locator("main [role=region]").all():
            assert region.get_attribute("tabindex") == "0", path
        if path in ("/", "/table?view=relations&sort=from&dir=desc", "/routes?to=dorset-pmmhs"):
            name = path.strip("/").split("?")[0] or "directory"
            tab.page.screenshot(path=screenshots / f"serve-{name}-320.png")
    assert wide == {}
    assert tab.errors == ["Failed to load resource: the server responded with a status of "
                          "404 (Not Found)"]  # the page that is not there, and nothing else
    assert tab.outside == [] and tab.dialogs == []


def test_a_neighbourhood_is_drawn_nearest_first_with_a_show_more_step(server, open_page,
                                                                     reference):
    from carepath.serve.index import Index

    everything, all_relations = Index(reference).neighbourhood("p05-health-visiting", 2)
    assert len(all_relations) > 60  # more than the first step draws
    tab = open_page(server.url + "network?focus=p05-health-visiting&hops=2")
    page = tab.page
    assert page.locator("svg.network").get_attribute("role") != "img"  # it holds links
    assert tab.axe() == []  # no nested-interactive: an image holding links
    assert page.locator("svg.network line").count() == 60
    assert page.locator("main table tbody tr").count() == 60
    status = page.locator("p.status").inner_text()
    assert "the nearest only" in status
    page.click("a:text-is('Show more (up to 80 nodes)')")
    assert parse_qs(urlsplit(page.url).query)["nodes"] == ["80"]
    assert page.locator("svg.network line").count() == len(all_relations)
    assert page.locator("svg.network a").count() == len(everything)
    assert "nearest only" not in page.locator("p.status").inner_text()
    assert page.locator("a", has_text="Show more").count() == 0
    tab.assert_clean()
