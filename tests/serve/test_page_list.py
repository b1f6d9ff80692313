"""The server's pages are listed once (carepath.serve.pages.PAGES): the routes, the navigation
bar and the 404 message are made from that list, so none of them can leave a page out."""

from __future__ import annotations

import re

import pytest

from carepath.serve.app import create_app
from carepath.serve.pages import NAV, PAGES


def test_the_404_message_names_every_page(server):
    answer = server.request("/no-such-page", headers={"Accept": "text/plain"})
    assert answer.status == 404
    named = answer.text.partition("the pages are ")[2]
    for page in PAGES:
        assert re.search(rf"(^|, ){re.escape(page.shown)}(,| and )", named), page.shown
    assert "/api/..." in named


def test_the_navigation_bar_links_every_page_with_a_label(server):
    html = server.request("/", headers={"Accept": "text/html"}).text
    nav = html[html.index("<nav"):html.index("</nav>")]
    linked = re.findall(r'href="([^"?#]+)', nav)
    labelled = [page.path for page in PAGES if page.label]
    assert [href for href in linked if href in labelled] == labelled == [p for p, _ in NAV]


@pytest.fixture(scope="module")
def routed(graph):
    return {route.path: route for route in create_app(graph).routes}


@pytest.mark.parametrize("page", PAGES, ids=[p.shown for p in PAGES])
def test_every_page_is_routed_and_answers(routed, server, reference, page):
    assert page.path in routed and set(page.methods) <= routed[page.path].methods
    path = page.path.replace("{id}", next(iter(reference.services)))
    answer = server.request(path, headers={"Accept": "text/html"})
    assert answer.status != 404, path
