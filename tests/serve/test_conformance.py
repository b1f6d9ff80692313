"""The conformance page in a real Chromium: clean, accessible (axe), each fact linked to the
card of the service it is about, and data shown as text."""

from __future__ import annotations

import pytest

from carepath.conformance import conform


def test_the_page_passes_axe_and_links_facts_to_service_cards(server, open_page, reference):
    tab = open_page(server.url.rstrip("/") + "/conformance?area=dorset")
    assert tab.page.locator("h1").inner_text() == "Conformance"
    assert tab.axe() == []
    scored = conform(reference, area="dorset")
    rows = tab.page.locator("table.data").nth(1).locator("tbody tr")
    assert rows.count() == len(scored)
    qs = rows.filter(has_text="QS115-6")
    assert "not met" in qs.inner_text()
    assert "doc-002:39" in qs.inner_text()
    link = qs.locator("a[href^='/service/']")
    assert link.all_inner_texts() == ["Perinatal and Maternal Mental Health Service"]
    link.click()
    assert tab.page.url.endswith("/service/dorset-pmmhs")
    tab.assert_clean()


def test_the_level_and_the_question_for_a_silent_document(server, open_page):
    tab = open_page(server.url.rstrip("/") + "/conformance?area=dorset&set=mmha")
    levels = tab.page.locator("table.data").first.inner_text()
    assert "at least 1" in levels and "MMHA-2 (not stated)" in levels
    nurse = tab.page.locator("table.data").nth(1).locator("tbody tr", has_text="MMHA-2")\
        .inner_text()
    assert "Ask: Does Perinatal and Maternal Mental Health Service include a specialist " \
           "perinatal mental health nurse with dedicated time?" in nurse
    assert tab.axe() == []
    tab.assert_clean()


@pytest.mark.parametrize("query", ["area=nowhere", "area=dorset&set=nhs"])
def test_a_bad_choice_is_a_400_naming_the_choices(server, query):
    answer = server.request(f"/conformance?{query}", headers={"Accept": "text/html"})
    assert answer.status == 400
    assert "must be one of" in answer.text


def test_the_json_twin_gives_rows_and_levels(server, reference):
    body = server.request("/api/conformance?area=scotland&set=scotland").json()
    assert {r["criterion"]: r["verdict"] for r in body["rows"]}["SCOT-4"] == "met"
    assert body["levels"] == []
    assert server.request("/api/conformance").status == 400


def test_markup_in_the_data_stays_text(hostile_server, open_page):
    from tests.html.conftest import XSS_NAME

    tab = open_page(hostile_server.url.rstrip("/") + "/conformance?area=hostile")
    main = tab.page.locator("main")
    assert main.locator("img, script, iframe, svg").count() == 0
    assert "doc:2: <img src=x onerror=alert('passage')>" in main.inner_text()
    assert XSS_NAME in main.locator("a[href='/service/hostile-xss']").all_inner_texts()
    tab.assert_clean()
