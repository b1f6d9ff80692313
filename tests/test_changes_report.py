"""The "what changed" report for a board paper, as Markdown and HTML, from the CLI."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

import carepath
from carepath.changes_report import to_html, to_markdown
from carepath.cli import app
from carepath.errors import OutputExistsError
from carepath.history import save_version
from carepath.queries.changes import changes

from .support import versions as edits


@pytest.fixture(scope="module")
def two(tmp_path_factory):
    """A data folder saved as v3, then edited (route removed, response times dropped, a
    route re-cited) and saved as v4."""
    root = tmp_path_factory.mktemp("report")
    data = edits.copy_reference(root / "data")
    save_version(data, label="v3", valid_from="2023-04-01")
    old = carepath.load(data)
    for edit in (edits.remove_midwife_route, edits.drop_response_times,
                 edits.recite_cmht_route):
        edit(data)
    save_version(data, label="v4", valid_from="2024-08-01")
    return data, changes(old, carepath.load(data))


def test_markdown_leads_with_families_and_collapses_re_citations(two):
    _, found = two
    text = to_markdown(found, old="v3", new="v4")
    headings = re.findall(r"^## (.*)$", text, flags=re.M)
    assert headings == ["Families' routes to specialist care", "Gaps opened and closed",
                        "Stated and not stated", "Relations",
                        "Re-cited (same fact, other citation)"]
    assert ("- **dorset: Midwife can no longer reach Perinatal and Maternal Mental Health "
            "Service (dorset-pmmhs) at Preconception, Pregnancy,") in text
    assert "  - old: \\<li>Midwives\\</li> (doc-002:34)" in text  # a passage stays text
    assert re.search(r"^1 fact is unchanged but cited elsewhere: .*\(doc-002:32 -> "
                     r"doc-002:30\)\.$", text, flags=re.M)


def test_html_is_escaped_and_loads_nothing(two):
    _, found = two
    page = to_html(found, old="v3 <b>", new="v4")
    assert "<li>Midwives</li>" not in page and "&lt;li&gt;Midwives&lt;/li&gt;" in page
    assert "v3 &lt;b&gt;" in page
    csp = re.search(r'Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert csp.startswith("default-src 'none'; style-src 'sha256-")
    assert "<script" not in page and "http" not in page.replace("http-equiv", "")


def test_history_diff_prints_the_report_and_writes_html(two, tmp_path):
    data, _ = two
    page = tmp_path / "board.html"
    result = CliRunner().invoke(app, ["history", "diff", "v3", "2024-09-01", "--data",
                                      str(data), "--html", str(page)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# What changed: v3 (valid from 2023-04-01) -> v4 (valid "
                                    "from 2024-08-01)\n")
    assert "<h2>Families&#39; routes to specialist care (2)</h2>" in page.read_text()
    again = CliRunner().invoke(app, ["history", "diff", "v3", "v4", "--data", str(data),
                                     "--html", str(page)])
    assert isinstance(again.exception, OutputExistsError)  # a file is replaced only with --force


def test_diff_report_on_folders_gives_rows(two):
    data, found = two
    old = data.parent / ".carepath-history" / "v3" / "data"
    result = CliRunner().invoke(app, ["diff", str(old), str(data), "--report", "--format",
                                      "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["section"] for r in rows] == list(found.section)
    assert rows[0]["section"] == "reachability" and rows[0]["subject"] == "midwife"
