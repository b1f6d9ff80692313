"""The focus view: ``--focus SERVICE --hops N`` exports one service and everything around it."""

from __future__ import annotations

import pytest

from carepath.errors import QueryError
from carepath.html import select
from carepath.html.network import network_data, relation_count

from ..conftest import cli, run_cli
from .test_cli import one_error_line


def test_one_hop_is_the_service_and_everything_it_relates_to(reference):
    near = select(reference, focus="dorset-pmmhs", hops=1)
    touching = [r for r in reference.relations if "dorset-pmmhs" in (r.source, r.target)]
    expected = {"dorset-pmmhs"} | {n for r in touching for n in (r.source, r.target)}
    assert {s.id for s in near.services} == expected & set(reference.services)
    assert set(touching) <= set(near.relations)
    nodes = expected
    assert all(r.source in nodes and r.target in nodes for r in near.relations)
    assert near.describe() == "around Perinatal and Maternal Mental Health Service (Dorset, 1 step)"


def test_more_hops_reach_further_but_never_through_a_profession(reference):
    one = select(reference, focus="dorset-mbu", hops=1)
    two = select(reference, focus="dorset-mbu", hops=2)
    assert {s.id for s in one.services} < {s.id for s in two.services}
    # the GP is two steps from the MBU (via the perinatal team) but is not gone through:
    # the services GPs refer to elsewhere stay out
    assert "gp" in {n for r in two.relations for n in (r.source, r.target)}
    assert {s.area for s in two.services} == {"dorset"}


def test_a_focus_outside_the_other_filters_is_refused(reference):
    with pytest.raises(QueryError, match="is not in Scotland"):
        select(reference, area="scotland", focus="dorset-mbu")


def test_export_focus_from_the_command_line(reference, tmp_path):
    out = tmp_path / "focus.html"
    result = cli("export", "html", "--view", "network", "--focus",
                 "Perinatal and Maternal Mental Health Service", "--hops", "2", "-o", str(out))
    assert result.returncode == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert "around Perinatal and Maternal Mental Health Service (Dorset, 2 steps)" in html
    same_name = run_cli("export", "html", "--view", "network", "--focus",  # exit 1, a process
                        "Mother and Baby Unit", "-o", str(tmp_path / "x.html"))
    assert same_name.returncode == 1
    alike = [s.id for s in reference.services.values() if s.name == "Mother and Baby Unit"]
    assert len(alike) == 2
    assert one_error_line(same_name) == (
        f"error: 'Mother and Baby Unit' names 2 services: {', '.join(alike)}; give the id")
    bad = cli("export", "html", "--view", "network", "--focus", "atlantis-mbu",
              "-o", str(tmp_path / "x.html"))
    assert bad.returncode == 1
    assert one_error_line(bad).startswith("error: unknown service 'atlantis-mbu'; expected one")
    lone = cli("export", "html", "--view", "network", "--hops", "2",
               "-o", str(tmp_path / "x.html"))
    assert lone.returncode == 2 and "--hops goes with --focus" in one_error_line(lone)
    assert [p.name for p in tmp_path.iterdir()] == ["focus.html"]


def test_the_focus_page_opens_on_its_service(reference, tmp_path, open_page):
    out = tmp_path / "focus.html"
    assert cli("export", "html", "--view", "network", "--focus", "dorset-pmmhs",
               "-o", str(out)).returncode == 0
    expected = network_data(reference, focus="dorset-pmmhs")
    tab = open_page(out)
    tab.wait_network()
    tab.page.wait_for_function("() => cp.net.network.getSelectedNodes()[0] === 'dorset-pmmhs'")
    counts = tab.page.evaluate("() => cp.net.drawn()")
    assert counts == {"nodes": len(expected["nodes"]), "edges": relation_count(expected)}
    assert tab.page.locator("#cp-details h2").inner_text() == (
        "Perinatal and Maternal Mental Health Service")
    assert tab.axe() == []
    tab.assert_clean()
