"""Issue 27: carepath's RDF read back. The JSON-LD export and the Turtle ``carepath build``
writes come back as the model they were written from, but for what RDF does not hold (each
listed by :func:`~carepath.standards.jsonld.rdf_report`) and the order of lists (RDF holds
sets); malformed RDF is a one-line error."""

from __future__ import annotations

import dataclasses
import shutil

import pytest

import carepath
from carepath.errors import DataValidationError
from carepath.graph.rdf import write_turtle
from carepath.graph.stages import Interval
from carepath.standards.common import model_facts
from carepath.standards.jsonld import import_jsonld, rdf_report, read_rdf, write_jsonld

from ..conftest import FIXTURES, cli

WRITERS = {"jsonld": lambda m, folder: write_jsonld(m, folder / "g.jsonld").artifact,
           "turtle": lambda m, folder: write_turtle(m, folder / "carepath.ttl")}


def unordered(facts: set[tuple]) -> set[tuple]:
    """Facts with their lists as sets; a criterion's stage windows keep their order (RDF
    numbers them)."""
    out = set()
    for fact in facts:
        if fact[0] == "criterion-conditions":
            out.add(fact)
            continue
        out.add(tuple(tuple(sorted(x, key=str)) if isinstance(x, tuple) else x for x in fact))
    return out


@pytest.mark.parametrize("way", sorted(WRITERS))
@pytest.mark.parametrize("data", ["reference", "tiny"])
def test_what_does_not_come_back_is_what_the_report_lists(way, data, request, tmp_path):
    model = request.getfixturevalue(data)
    back = read_rdf(WRITERS[way](model, tmp_path))
    report = rdf_report("RDF", model)
    before, after = unordered(model_facts(model)), unordered(model_facts(back.model))
    assert after - before == set()  # nothing invented
    assert before - after == unordered(report.facts) - after  # but lists' order
    assert back.warnings == []
    assert back.model.sources == model.sources and back.model.areas == model.areas
    assert sorted(s.id for s in back.model.statements) == sorted(s.id for s in model.statements)
    for sid, svc in model.services.items():  # provenance comes back too
        other = back.model.services[sid]
        assert (other.provenance, [c.provenance for c in other.eligibility]) == (
            svc.provenance, [c.provenance for c in svc.eligibility]), sid


def test_the_region_presets_build_turtle_comes_back(region, tmp_path):
    back = read_rdf(WRITERS["turtle"](region, tmp_path)).model
    before, after = unordered(model_facts(region)), unordered(model_facts(back))
    lost = unordered(rdf_report("RDF", region).facts) - after  # but lists' order
    assert (after - before, before - after) == (set(), lost)
    assert back.relation_count == region.relation_count > 100_000


def test_import_writes_a_data_folder(reference, tmp_path):
    path = WRITERS["turtle"](reference, tmp_path)
    result = import_jsonld(path, tmp_path / "back")
    again = carepath.load(tmp_path / "back")
    assert len(result.services) == len(again.services) == len(reference.services)
    assert unordered(model_facts(again)) == unordered(model_facts(read_rdf(path).model))


@pytest.mark.parametrize("suffix, text, message", [
    pytest.param(".ttl", "<a> <b> .", "not Turtle", id="turtle-cut"),
    pytest.param(".jsonld", '{"@context": "http://example.org/remote", "a": 1}', "not JSON-LD",
                 id="jsonld-remote-context-never-fetched"),
    pytest.param(".jsonld", '{"@id": ', "not JSON-LD", id="jsonld-cut"),
])
def test_malformed_rdf_is_one_line(suffix, text, message, tmp_path):
    path = tmp_path / f"bad{suffix}"
    path.write_text(text)
    with pytest.raises(DataValidationError) as caught:
        read_rdf(path)
    assert len(caught.value.problems) == 1 and message in caught.value.problems[0].message
    done = cli("import", "jsonld", str(path), "-o", str(tmp_path / "out"))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_an_edited_turtle_file_names_the_subject(tiny, tmp_path):
    path = WRITERS["turtle"](tiny, tmp_path)
    text = path.read_text()
    tier = "cpid:tier\\/specialist-perinatal"  # as Oxigraph writes the prefixed name
    assert tier in text
    path.write_text(text.replace(tier, "cpid:tier\\/specialst"))
    with pytest.raises(DataValidationError) as caught:
        read_rdf(path)
    (problem,) = caught.value.problems
    assert (problem.code, problem.field) == ("unknown-tier", "tier")
    assert problem.file == f"{path} <https://w3id.org/carepath/id/service/tiny-pmh>"


CRITERIA = """    eligibility:
      - {type: exclusion, text: parents under 18, parent_age_below: 18}
      - {type: inclusion, text: "severe illness after birth or in pregnancy, parents 16 or over",
         stages: ["up to two years postnatally", "Pregnancy"], severity: [severe],
         concerns: [maternal-mental-health], parent_age_from: 16}
"""


@pytest.mark.parametrize("way", sorted(WRITERS))
def test_a_criterion_comes_back_no_broader_than_its_source(way, reference, tmp_path):
    """Issue 27: a criterion's stage windows (in the source's order), severities, concerns and
    parent ages come back, on the reference (cm-pmhs's inclusion criteria are for moderate and
    severe illness only) and on a criterion that states them all."""
    folder = tmp_path / "data"
    shutil.copytree(FIXTURES / "tiny", folder)
    data = folder / "tiny.yaml"
    text = data.read_text(encoding="utf-8")
    data.write_text(text.replace(
        "    eligibility:\n      - {type: exclusion, text: parents under 18, "
        "parent_age_below: 18}\n", CRITERIA), encoding="utf-8")
    for model in (reference, carepath.load(folder)):
        (tmp_path / way).mkdir(exist_ok=True)
        back = read_rdf(WRITERS[way](model, tmp_path / way)).model
        for sid, svc in model.services.items():
            assert back.services[sid].eligibility == svc.eligibility, sid
        assert rdf_report("RDF", model).not_held.get("criterion windows") is None
    stated = model.services["tiny-pmh"].eligibility[1]
    assert ([(w.start, w.end) for w in stated.windows], stated.parent_age_from) == (
        [(0, 104), (-40, 0)], 16)
    assert any(c.severities for c in reference.services["cm-pmhs"].eligibility)


def test_a_window_no_stage_text_reads_as_is_reported_and_warned(tiny, tmp_path):
    """A window starting during pregnancy, not at a stage, has no text the loaders read: the
    export report lists it and the reader warns, naming the window."""
    svc = tiny.services["tiny-pmh"]
    crit = dataclasses.replace(svc.eligibility[0], windows=(Interval(-30, -20),))
    model = dataclasses.replace(tiny, services={
        **tiny.services, svc.id: dataclasses.replace(svc, eligibility=(crit,))})
    done = write_jsonld(model, tmp_path / "g.jsonld")
    assert len(done.report.not_held["criterion windows"]) == 1
    back = read_rdf(done.artifact)
    (warning,) = back.warnings
    assert warning.code == "window-not-read" and warning.file.endswith("/criterion/1/window/1>")
    before, after = model_facts(model), model_facts(back.model)
    assert before - after == set(done.report.facts)


def test_an_edited_window_without_its_weeks_is_one_error_naming_it(tmp_path):
    path = WRITERS["turtle"](carepath.load_reference(), tmp_path)
    text = path.read_text()
    assert text.count("cp:endWeek 82") > 1
    path.write_text(text.replace("cp:endWeek 82", "cp:endWeek \"82\""))
    with pytest.raises(DataValidationError) as caught:
        read_rdf(path)
    assert {(p.code, p.field) for p in caught.value.problems} == {("bad-window", "endWeek")}
    assert all(p.file.startswith(f"{path} <") and "/window/" in p.file
               for p in caught.value.problems)
    done = cli("import", "turtle", str(path), "-o", str(tmp_path / "out"))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()
