"""The build's first answer comes first (issue 28): the parts the analyses read are committed
before the stores, with a manifest that lists which parts are ready; each store joins the
folder when made; a build stopped between the two steps says so and is built again; a build
committed over a build still making its stores is never mixed with it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from carepath.build import (
    FIRST_PARTS,
    LADYBUG,
    LATER_PARTS,
    MANIFEST,
    OXIGRAPH,
    SNAPSHOT,
    BuildError,
    build,
    open_build,
)
from carepath.errors import OutputExistsError
from carepath.writing import read_manifest

from .conftest import FIXTURES


def _parts(folder: Path) -> dict[str, float | None]:
    return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["parts"]


def test_the_model_is_ready_and_answers_before_the_stores_are_made(tmp_path):
    out = tmp_path / "out"
    seen: dict[str, object] = {}

    def step(name: str) -> None:
        if name.startswith("build the Cypher store"):  # the first step after the commit
            opened = open_build(out)
            seen["services"] = len(opened.model.services)
            seen["ready"] = {part: opened.ready(part) for part in (*FIRST_PARTS, *LATER_PARTS)}
            with pytest.raises(BuildError, match="still being made by carepath build"):
                opened.oxigraph()
            with pytest.raises(BuildError, match="questions on the model can be asked now"):
                opened.ladybug()

    result = build([FIXTURES / "tiny"], out=out, shacl=False, step=step)
    assert seen["services"] == len(result.model.services)
    assert seen["ready"] == {**dict.fromkeys(FIRST_PARTS, True),
                             **dict.fromkeys(LATER_PARTS, False)}
    parts = _parts(out)
    assert all(parts[p] is not None for p in (*FIRST_PARTS, *LATER_PARTS))
    assert max(parts[p] for p in FIRST_PARTS) <= min(parts[p] for p in LATER_PARTS)
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert "builder_pid" not in manifest
    opened = open_build(out)
    assert len(opened.oxigraph()) >= result.triples
    assert opened.ladybug().execute("MATCH (s:Service) RETURN count(s)").get_next()[0] == len(
        result.model.services)
    # every file of the folder is recorded as carepath's: the next build replaces them all
    recorded = {rel.split("/", 1)[0] for rel in read_manifest(out)}
    assert recorded == {p.name for p in out.iterdir()} - {".carepath-output.json"}


def test_a_build_checked_by_shacl_is_committed_once_with_every_part_ready(tmp_path):
    out = tmp_path / "out"
    seen = []
    build([FIXTURES / "tiny"], out=out, step=lambda name: seen.append(out.exists()))
    assert seen and not any(seen)  # nothing in place until the check has passed
    ready = set(_parts(out).values())  # every part there for questions at the commit
    assert len(ready) == 1 and None not in ready


_STOPPED = """
import os, sys
from carepath.build import build

def step(name):
    if name.startswith("build the RDF store"):
        os._exit(3)  # killed: LadybugDB made, Oxigraph not

build([sys.argv[1]], out=sys.argv[2], shacl=False, step=step)
"""


def test_a_build_stopped_before_its_stores_says_so_and_builds_again(tmp_path):
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-c", _STOPPED, str(FIXTURES / "tiny"), str(out)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 3, done.stderr
    opened = open_build(out)
    assert opened.ready(SNAPSHOT) and opened.ready(LADYBUG) and not opened.ready(OXIGRAPH)
    assert len(opened.model.services) == 2
    with pytest.raises(BuildError, match="was never made .*run carepath build again"):
        opened.oxigraph()
    result = build([FIXTURES / "tiny"], out=out, shacl=False)
    assert len(open_build(out).oxigraph()) >= result.triples
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # its temporary folder gone


def test_a_users_file_named_like_a_store_is_refused_before_any_work(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / LADYBUG).write_text("my notes")
    seen = []
    with pytest.raises(OutputExistsError, match=LADYBUG):
        build([FIXTURES / "tiny"], out=out, shacl=False, force=True, step=seen.append)
    assert seen == []  # not even loaded
    assert (out / LADYBUG).read_text() == "my notes"
    assert sorted(p.name for p in out.iterdir()) == [LADYBUG]


def test_a_build_committed_meanwhile_is_kept_whole(tmp_path):
    out = tmp_path / "out"
    reference_services = []

    def step(name: str) -> None:
        if name.startswith("build the RDF store") and not reference_services:
            other = build(out=out, shacl=False)  # the reference data, over the tiny build
            reference_services.append(len(other.model.services))

    with pytest.raises(BuildError, match="written by another carepath build"):
        build([FIXTURES / "tiny"], out=out, shacl=False, step=step)
    opened = open_build(out)
    assert len(opened.model.services) == reference_services[0]
    count = "MATCH (s:Service) RETURN count(s)"
    assert opened.ladybug().execute(count).get_next()[0] == reference_services[0]
    assert all(t is not None for t in _parts(out).values())


def _listing(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _fail_at_the_rdf_store(name: str) -> None:
    if name.startswith("build the RDF store"):
        raise OSError("the disk failed")


def test_a_build_failing_in_its_second_step_leaves_the_previous_one_as_it_was(tmp_path):
    out = tmp_path / "out"
    before = build(out=out, shacl=False)
    listing = _listing(out)
    (out / "my-notes.txt").write_text("mine")  # a file of the user's, kept throughout
    with pytest.raises(OSError, match="the disk failed"):
        build([FIXTURES / "tiny"], out=out, shacl=False, step=_fail_at_the_rdf_store)
    assert _listing(out) == {**listing, "my-notes.txt": _listing(out)["my-notes.txt"]}
    assert len(open_build(out).model.services) == len(before.model.services)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no temporary folder left
    build([FIXTURES / "tiny"], out=out, shacl=False)  # and the next build works
    assert len(open_build(out).model.services) == 2
    assert (out / "my-notes.txt").read_text() == "mine"


def test_a_first_build_failing_in_its_second_step_leaves_no_folder(tmp_path):
    with pytest.raises(OSError, match="the disk failed"):
        build([FIXTURES / "tiny"], out=tmp_path / "out", shacl=False,
              step=_fail_at_the_rdf_store)
    assert list(tmp_path.iterdir()) == []
