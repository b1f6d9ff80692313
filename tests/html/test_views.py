"""The HTML views without a browser: selection, content, escaping, pictures, atomic writes."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from carepath.errors import ExportError, QueryError
from carepath.html import VIEWS, select, to_html, to_image, write_html, write_site
from carepath.html.gaps import matrices
from carepath.html.images import IMAGES, write_image
from carepath.html.pathway import cards
from carepath.html.stepped_care import layers
from carepath.queries.gaps import coverage_matrix

from .conftest import XSS_NAME

AREAS = ["cheshire-merseyside", "dorset", "pathway-0-5", "pmh-lead-area", "scotland"]


@pytest.mark.parametrize(("kind", "value", "expected"), [
    pytest.param("tier", "inpatient", {"dorset-mbu", "p05-mother-and-baby-unit", "scot-mbu"},
                 id="tier-by-id"),
    pytest.param("tier", "Inpatient (Mother and Baby Unit)",
                 {"dorset-mbu", "p05-mother-and-baby-unit", "scot-mbu"}, id="tier-by-name"),
    pytest.param("area", "Dorset", None, id="area-by-name"),
    pytest.param("stage", "preconception", None, id="stage-by-id"),
    pytest.param("concern", "perinatal-loss-bereavement", None, id="concern-by-id"),
])
def test_select_takes_ids_or_names(reference, kind, value, expected):
    sel = select(reference, **{kind: value})
    ids = {s.id for s in sel.services}
    if expected is not None:
        assert ids == expected
    the_filter = getattr(sel, kind)
    for svc in sel.services:
        if kind == "area":
            assert svc.area == the_filter.id == "dorset"
        elif kind == "stage":
            assert svc.covers(the_filter.interval)
        elif kind == "concern":
            assert the_filter.id in svc.concerns
    for rel in sel.relations:  # every relation touches a kept service
        assert rel.source in ids or rel.target in ids


def test_a_concern_keeps_relations_that_state_no_concern(reference):
    sel = select(reference, concern="perinatal-loss-bereavement")
    assert any(not r.concerns for r in sel.relations)
    assert all(not r.concerns or "perinatal-loss-bereavement" in r.concerns
               for r in sel.relations)


@pytest.mark.parametrize(("kind", "value"), [
    pytest.param("area", "atlantis", id="unknown-area"),
    pytest.param("stage", "teenage", id="unknown-stage"),
    pytest.param("tier", "specialst", id="unknown-tier"),
    pytest.param("concern", "boredom", id="unknown-concern"),
])
def test_unknown_filters_name_the_valid_ids(reference, kind, value):
    with pytest.raises(QueryError, match=rf"unknown {kind} '{value}'; expected one of: "):
        to_html(reference, "table", **{kind: value})


@pytest.mark.parametrize("area", AREAS)
@pytest.mark.parametrize("view", list(VIEWS))
def test_every_view_of_every_area_is_one_offline_page(reference, view, area):
    html = to_html(reference, view, area=area)
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    markup = re.sub(r"<script>.*?</script>", "", html, flags=re.DOTALL)  # (licence URLs)
    for outside in ("http://", "https://", "<link", "<script src", "<iframe", "<img"):
        assert outside not in markup
    assert "None" not in markup and "undefined" not in markup
    assert reference.areas[area].name.replace("&", "&amp;") in markup


def test_gaps_view_cells_are_the_coverage_matrix(reference):
    for entry in matrices(reference):
        matrix = coverage_matrix(reference, area=entry.area.id)
        for stage in entry.tier.rows:
            for tier in entry.tier.columns:
                cell = entry.tier.cells[stage][tier]
                assert [s.name for s in cell.services] == matrix.loc[stage, tier]
                assert not (cell.gap and cell.services)


def test_stepped_care_layers_carry_the_stated_need(reference):
    by_tier = {layer.tier.id: layer for layer in layers(reference)}
    assert by_tier["primary-care-mh"].need == (12.0, 17.0)
    assert by_tier["specialist-perinatal"].need == (3.0, 5.0)
    assert by_tier["inpatient"].need is None  # no source states it
    assert [layer.code for layer in layers(reference)] == ["1", "2", "3", "4", "5a", "5b", "6"]


def test_pathway_cards_are_document_001s_cells(reference):
    all_cards = cards(reference)
    assert len(all_cards) == len(reference.pathway) == 26
    assert all(c.cell.provenance.source == "doc-001" for c in all_cards)
    assert cards(reference, area="dorset") == []
    assert "There are no pathway cells in this selection" in to_html(
        reference, "pathway", area="dorset")


@pytest.mark.parametrize("area", [None, *AREAS])
@pytest.mark.parametrize("name", list(IMAGES))
def test_pictures_are_well_formed_svg(reference, name, area):
    svg = to_image(reference, name, area=area)
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert int(root.get("width")) > 500 and int(root.get("height")) > 200
    texts = "".join(root.itertext())
    assert ("Stepped care" if name == "stepped-care" else "Service age windows") in texts


def test_pictures_escape_the_data(hostile):
    for name in IMAGES:
        root = ET.fromstring(to_image(hostile, name))
        assert XSS_NAME in "".join(root.itertext())
        assert not root.findall(".//{http://www.w3.org/2000/svg}image")


def test_a_failed_export_leaves_no_file(reference, tmp_path):
    out = tmp_path / "page.html"
    with pytest.raises(QueryError):
        write_html(reference, out, view="network", area="atlantis")
    with pytest.raises(QueryError):
        write_image(reference, tmp_path / "t.svg", view="timeline", tier="nope")
    with pytest.raises(QueryError, match="expected a name ending in .svg or .png"):
        write_image(reference, tmp_path / "t.gif", view="timeline")
    with pytest.raises(ExportError, match="does not exist"):
        write_html(reference, tmp_path / "missing" / "page.html", view="table")
    assert list(tmp_path.iterdir()) == []


def test_a_site_replaces_an_earlier_site_but_never_other_files(reference, tmp_path):
    site = write_site(reference, tmp_path / "site", area="dorset")
    assert "Dorset" in (site / "index.html").read_text(encoding="utf-8")
    write_site(reference, site, area="scotland")
    assert "Scotland" in (site / "index.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no temporary folders
    # a file the user adds to carepath's site is kept when the site is written again
    (site / "notes.txt").write_text("mine", encoding="utf-8")
    write_site(reference, site)
    assert (site / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    with pytest.raises(ExportError, match="is a file, not a folder"):
        write_site(reference, site / "notes.txt")


def test_every_relation_line_has_3_to_1_contrast_on_white():
    from carepath.html._page import RELATION_STYLES, contrast

    low = {style.label: round(contrast(style.colour), 2) for style in RELATION_STYLES.values()
           if contrast(style.colour) < 3}
    assert low == {}


@pytest.mark.parametrize("view", ["network", "table", "timeline", "gaps", "stepped-care"])
def test_exported_filters_are_chosen_in_the_pages_own_dropdowns(reference, view):
    html = to_html(reference, view, area="dorset")
    assert re.search(r'<option value="dorset" selected>Dorset</option>', html)
    if view in ("network", "timeline"):
        staged = to_html(reference, view, stage="pregnancy")
        assert '<option value="pregnancy" selected>Pregnancy</option>' in staged


def test_not_stated_gaps_are_drawn_apart_from_absent_ones(reference, monkeypatch):
    """The trustworthy-answers work adds ``basis`` (absent | not-stated) to the gaps frame;
    a not-stated cell is marked "Not stated", not "Gap", and the legend says what it means."""
    from carepath.html import gaps as gaps_view

    real = gaps_view.gaps

    def with_basis(model, **kwargs):
        found = real(model, **kwargs)
        found["basis"] = ["not-stated" if s == "pregnancy" else "absent" for s in found.stage]
        return found

    before = to_html(reference, "gaps", area="dorset")
    # the real basis already marks Dorset's cells not-stated (its untiered services state no
    # window); the patched frame below checks the marking on a known split
    assert 'class="unknown unknown-mark"' in before
    monkeypatch.setattr(gaps_view, "gaps", with_basis)
    grid = gaps_view.matrices(reference, area="dorset")[0].tier
    unknown = [(r, c) for r, c, cell in grid.gap_cells() if cell.unknown]
    assert unknown and {r for r, _ in unknown} == {"pregnancy"}
    html = to_html(reference, "gaps", area="dorset")
    marks = re.findall(r'<td class="(gap gap-mark|unknown unknown-mark)"><a [^>]*>([^<]*)</a>',
                       html)
    assert {m for m in marks if m[0].startswith("unknown")} == {("unknown unknown-mark",
                                                                 "Not stated")}
    assert len([m for m in marks if m[0].startswith("unknown")]) == len(unknown) + len(
        [1 for r, _, c in gaps_view.matrices(reference, area="dorset")[0].concern.gap_cells()
         if c.unknown])
    assert "the sources do not say (unknown, not absent)" in html
    assert "not stated in the sources" in html  # the basis in the list of reasons


def test_a_service_without_a_stated_window_is_drawn_as_not_stated(reference):
    silent = [s for s in reference.services.values() if not s.windows]
    assert silent
    html = to_html(reference, "timeline", area=silent[0].area)
    assert html.count('<span class="unstated">window not stated') == len(
        [s for s in silent if s.area == silent[0].area])
    assert "window not stated: the sources do not say which ages it serves" in html


@pytest.mark.parametrize("view", ["table", "timeline", "network"])
def test_windows_read_as_people_write_them(reference, view):
    """Weeks read as people write them, not '92 weeks before birth'; one week is '1 week'.
    'All Age Groups' (document 001) is a heading of a postnatal tool, the stage of some cells,
    never a service's window (issue 22)."""
    assert not any("All Age Groups" in s.stage_texts for s in reference.services.values())
    assert any(c.stage_text == "All Age Groups" for c in reference.pathway)
    html = to_html(reference, view, area="pathway-0-5").replace("\\u2013", "–")  # JSON
    assert "92 weeks before birth" not in html and "1 weeks" not in html
    assert "1 week – 8 weeks" in html
