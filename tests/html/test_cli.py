"""``carepath export html`` and ``carepath export image``, run as a user runs them: in this
process (:func:`tests.conftest.cli`), and once per exit path as a real process."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from carepath.html import VIEWS, to_image
from carepath.writing import MANIFEST

from ..conftest import cli, need, run_cli
from .conftest import CHROMIUM


def one_error_line(result) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def test_export_html_writes_one_self_contained_page(tmp_path):
    out = tmp_path / "dorset-network.html"
    result = run_cli("export", "html", "--view", "network", "--area", "dorset",  # a process
                     "--concern", "maternal-mental-health", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"wrote {out} (")
    html = out.read_text(encoding="utf-8")
    assert "Dorset · Maternal (parental) mental health" in html
    assert "vis.Network" in html and "<script src" not in html
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


def test_export_html_all_writes_a_site(tmp_path):
    result = cli("export", "html", "--view", "all", "--tier", "inpatient",
                 "-o", str(tmp_path / "site"))
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in (tmp_path / "site").iterdir() if p.name != MANIFEST)
    assert names == ["conformance.html", "gaps.html", "index.html", "network.html",
                     "pathway.html",
                     "stepped-care.html", "stepped-care.svg", "table.html", "timeline.html",
                     "timeline.svg"]
    assert "open " + str(tmp_path / "site" / "index.html") in result.stdout


@pytest.mark.parametrize(("args", "code", "message"), [
    pytest.param(["--view", "map"], 2, "error: unknown view 'map' for --view; expected one of: "
                 f"{', '.join(VIEWS)}, all", id="bad-view"),
    pytest.param(["--view", "table", "--area", "atlantis"], 2,
                 "error: unknown area 'atlantis'; expected one of: cheshire-merseyside, dorset, "
                 "pathway-0-5, pmh-lead-area, scotland", id="unknown-area"),
])
def test_bad_options_give_one_line_and_write_nothing(tmp_path, args, code, message):
    out = tmp_path / "page.html"
    result = cli("export", "html", *args, "-o", str(out))
    assert result.returncode == code
    assert one_error_line(result).startswith(message)
    assert list(tmp_path.iterdir()) == []


def test_export_into_a_missing_folder_or_a_busy_folder_is_refused(tmp_path):
    result = run_cli("export", "html", "--view", "table", "-o",  # exit 2 in a real process
                     str(tmp_path / "nowhere" / "page.html"))
    assert result.returncode == 2
    assert "folder" in one_error_line(result) and "does not exist" in result.stderr
    (tmp_path / "mine.txt").write_text("keep me", encoding="utf-8")
    result = cli("export", "html", "--view", "all", "-o", str(tmp_path))
    assert result.returncode == 2
    assert "not written by carepath (it holds mine.txt)" in one_error_line(result)
    assert [p.name for p in tmp_path.iterdir()] == ["mine.txt"]


def test_export_image_writes_svg_and_refuses_views_without_a_picture(tmp_path):
    out = tmp_path / "steps.svg"
    result = cli("export", "image", "--view", "stepped-care", "--area", "scotland",
                 "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8").startswith("<svg")
    result = cli("export", "image", "--view", "network", "-o", str(tmp_path / "n.svg"))
    assert result.returncode == 2
    assert one_error_line(result) == ("error: unknown picture 'network' for --view; expected "
                                      "one of: stepped-care, timeline")
    result = cli("export", "html", "--view", "timeline", "-o", str(tmp_path / "t.png"))
    assert result.returncode == 2
    assert "carepath export image" in one_error_line(result)
    assert [p.name for p in tmp_path.iterdir()] == ["steps.svg"]


def test_export_image_png_is_the_svg_drawn_by_chromium(reference, tmp_path):
    need(Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    out = tmp_path / "timeline.png"
    result = cli("export", "image", "--view", "timeline", "--area", "dorset",
                 "--scale", "1", "-o", str(out), env={"CAREPATH_CHROMIUM": CHROMIUM})
    assert result.returncode == 0, result.stderr
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    head = to_image(reference, "timeline", area="dorset").split(">", 1)[0]
    assert f'width="{width}" height="{height}"' in head  # scale 1: one pixel per SVG unit
