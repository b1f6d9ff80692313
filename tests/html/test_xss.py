"""Markup in the data stays text: a service named ``<img src=x onerror=alert(1)>``, notes with
``href``, script in names, headings and passages (tests/html/data/hostile) run nothing, make no
element, and show as the text they are, in every view."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from carepath.html import SITE_INDEX, VIEWS, to_html

from .conftest import XSS_NAME

PAGES = [pytest.param(SITE_INDEX, id="index")] + [
    pytest.param(view.filename, id=name) for name, view in VIEWS.items()]

# Elements or attributes the hostile texts would create if any of them were parsed as HTML.
INJECTED = """() => ({
  elements: document.querySelectorAll(
      'img, iframe, b, i, main h1, a[href^="javascript"], a[href^="https"], button[onclick]'
  ).length,
  handlers: [...document.querySelectorAll('*')]
      .filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length,
  scripts: document.querySelectorAll('script:not([type="application/json"])').length,
  text: document.body.innerText,
})"""


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "script" and ("type", "application/json") not in attrs:
            self.count += 1


def count_scripts(html: str) -> int:
    """Script elements other than the JSON data block, as a parser sees them."""
    parser = _Scripts()
    parser.feed(html)
    return parser.count


AREA = "Hostile <script>alert('area')</script> town"
HV = "Health visiting {{7*7}} & \"quotes\" 'too'"
SOURCE = "Hostile directory <script>alert('source')</script>"
NOTE = "<a href='https://example.org/x'>href</a> \"'><svg onload=alert(5)>"
SHOWN = {  # texts each page shows as text (the network's names are drawn on a canvas)
    SITE_INDEX: [SOURCE],
    "network.html": [SOURCE, AREA],
    "stepped-care.html": [SOURCE, AREA, XSS_NAME, HV],
    "timeline.html": [SOURCE, AREA, XSS_NAME, HV],
    "gaps.html": [SOURCE, AREA, XSS_NAME, HV],
    "pathway.html": [SOURCE, XSS_NAME, HV],
    "table.html": [SOURCE, AREA, XSS_NAME, HV, NOTE],
    "conformance.html": [SOURCE, AREA, XSS_NAME],
}


@pytest.mark.parametrize("filename", PAGES)
def test_hostile_texts_stay_inert_text(hostile_site, site, open_page, screenshots, filename):
    expected_scripts = count_scripts((site / filename).read_text(encoding="utf-8"))
    tab = open_page(hostile_site / filename)
    if filename == "network.html":
        tab.wait_network()
    tab.page.click("footer summary")  # the sources list
    tab.page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    tab.page.wait_for_timeout(300)  # an onerror or onload would have fired by now
    found = tab.page.evaluate(INJECTED)
    assert found["elements"] == 0 and found["handlers"] == 0
    assert found["scripts"] == expected_scripts
    for text in SHOWN[filename]:
        assert text in found["text"]
    if XSS_NAME in SHOWN[filename]:
        assert tab.page.get_by_text(XSS_NAME).first.is_visible()
    assert "49" not in found["text"]
    tab.page.screenshot(path=screenshots / f"hostile-{filename.replace('.html', '.png')}")
    tab.assert_clean()


def test_the_pathway_card_shows_markup_as_text(hostile_site, open_page):
    tab = open_page(hostile_site / "pathway.html")
    card = tab.page.locator("article.card").inner_text()
    for text in ("<h1>Heading</h1>", "<iframe src=javascript:alert(6)></iframe>",
                 "<button onclick=alert(7)>act</button>", "{{ 7*7 }}"):
        assert text in card
    assert XSS_NAME in card  # the referral target
    tab.assert_clean()


def test_network_hover_and_details_show_the_hostile_name_and_href_note_as_text(
        hostile_site, open_page):
    tab = open_page(hostile_site / "network.html")
    tab.wait_network()
    tab.page.evaluate("""() => { cp.net.network.stopSimulation();
        cp.net.network.setOptions({physics: {enabled: false}});
        cp.net.network.focus('hostile-xss', {scale: 2, animation: false}); }""")
    box = tab.page.locator("#cp-network").bounding_box()
    dom = tab.page.evaluate("""() => cp.net.network.canvasToDOM(
        cp.net.network.getPositions(['hostile-xss'])['hostile-xss'])""")
    x, y = box["x"] + dom["x"], box["y"] + dom["y"]
    tab.page.mouse.move(x - 30, y - 30)
    tab.page.mouse.move(x, y, steps=3)
    tooltip = tab.page.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible", timeout=5_000)
    assert tooltip.inner_text().startswith(XSS_NAME)
    # plain text: innerText makes a <br> of each newline, and nothing else
    assert tooltip.evaluate("t => [...t.children].every(c => c.tagName === 'BR')")
    tab.page.mouse.click(x, y)
    details = tab.page.locator("#cp-details")
    assert details.locator("h2").inner_text() == XSS_NAME
    text = details.inner_text()
    assert 'See <a href="javascript:alert(2)">the referral form</a>' in text
    assert "<b onmouseover=alert(4)>parents</b> registered here" in text
    assert "<img src=x onerror=alert('passage')>" in text
    assert details.locator("a, img, b").count() == 0
    tab.page.evaluate("() => cp.net.focus('hostile-hv')")
    assert tab.page.locator("#cp-details h2").inner_text() == (
        "Health visiting {{7*7}} & \"quotes\" 'too'")
    tab.assert_clean()


def test_the_embedded_data_cannot_end_its_script_block(hostile):
    html = to_html(hostile, "network")
    data = html.split('<script type="application/json" id="cp-data">', 1)[1].split("</script>")[0]
    assert "<" not in data and ">" not in data
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in data
