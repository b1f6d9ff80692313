"""The explorer's /history and /diff pages over a data folder with two saved versions."""

from __future__ import annotations

from collections.abc import Iterator
from html import unescape

import pytest

from carepath.history import data_name, history_folder, save_version
from carepath.serve.app import LOOPBACK_HOSTS, create_app

from ..support import versions
from .conftest import Running, start


@pytest.fixture(scope="module")
def versioned(graph, tmp_path_factory) -> Iterator[Running]:
    data = versions.copy_reference(tmp_path_factory.mktemp("served") / "data")
    save_version(data, label="2023-v3", valid_from="2023-04-01", note="as <curated>")
    versions.remove_midwife_route(data)
    versions.drop_response_times(data)
    save_version(data, label="2024-v4", valid_from="2024-08-01")
    running = start(create_app(graph, allowed_hosts=LOOPBACK_HOSTS,
                               history=(history_folder(data), data_name(data))))
    yield running
    running.stop()


def html(server: Running, path: str):
    return server.request(path, headers={"Accept": "text/html"})


def test_history_lists_the_versions_oldest_first(versioned):
    page = html(versioned, "/history")
    assert page.status == 200
    assert page.text.index("2023-v3") < page.text.index("2024-v4")
    assert "as &lt;curated&gt;" in page.text and "as <curated>" not in page.text
    assert "01/MRFH/0009 v4 (from 01 August 2024)" in page.text
    assert "default-src 'none'" in page.headers["content-security-policy"]


def test_diff_renders_the_report_families_first(versioned):
    page = html(versioned, "/diff?from=2023-v3&to=2024-08-01")
    assert page.status == 200
    text = page.text
    assert text.index("Families&#39; routes to specialist care") < text.index(
        "Stated and not stated")
    assert "Midwife can no longer reach Perinatal and Maternal Mental Health Service" in text
    assert "&lt;li&gt;Midwives&lt;/li&gt;" in text and "<li>Midwives</li>" not in text
    assert "stated -&gt; not stated" in text


@pytest.mark.parametrize(("path", "message"), [
    pytest.param("/diff?from=2023-v3", "give two versions", id="one-version"),
    pytest.param("/diff?from=2023-v3&to=v9", "no version &#39;v9&#39;", id="unknown-label"),
    pytest.param("/diff?from=2020-01-01&to=2024-v4", "no version was valid on 2020-01-01",
                 id="before-any-version"),
])
def test_bad_diff_requests_are_400_with_the_reason(versioned, path, message):
    page = html(versioned, path)
    assert page.status == 400
    assert message in page.text


def test_a_server_without_history_says_so(server):
    page = html(server, "/history")
    assert page.status == 200 and "No versions are saved" in page.text
    assert html(server, "/diff?from=a&to=b").status == 400


def test_every_page_answers_as_of_a_date(versioned):
    old = html(versioned, "/routes?from=midwife&to=dorset-pmmhs&as_of=2024-01-31")
    new = html(versioned, "/routes?from=midwife&to=dorset-pmmhs&as_of=2024-09-01")
    assert old.status == new.status == 200
    assert "version 2023-v3 (valid from 2023-04-01)" in old.text
    assert "version 2024-v4 (valid from 2024-08-01)" in new.text
    assert "doc-002:34" in old.text and "doc-002:34" not in new.text
    card = html(versioned, "/service/dorset-pmmhs?as_of=2024-01-31")
    assert card.status == 200 and "Response times (2)" in card.text
    assert "Response times (0)" in html(versioned,
                                         "/service/dorset-pmmhs?as_of=2025-01-01").text
    bad = html(versioned, "/?as_of=2020-01-01")
    assert bad.status == 400 and "no version was valid on 2020-01-01" in bad.text
    assert "content-security-policy" in bad.headers
    words = html(versioned, "/?as_of=1+Aug+2024")  # the page names its own parameter
    said = unescape(words.text)
    assert words.status == 400 and "as_of '1 Aug 2024' is not a date" in said
    assert "`" not in said and "--as-of" not in said
