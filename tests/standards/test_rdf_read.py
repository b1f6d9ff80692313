"""Issue 27: carepath's RDF read back. The JSON-LD export and the Turtle ``carepath build``
writes come back as the model they were written from, but for what RDF does not hold (each
listed by :func:`~carepath.standards.jsonld.rdf_report`) and the order of lists (RDF holds
sets); malformed RDF is a one-line error."""

from __future__ import annotations

import pytest

import carepath
from carepath.errors import DataValidationError
from carepath.graph.rdf import write_turtle
from carepath.standards.common import model_facts
from carepath.standards.jsonld import import_jsonld, rdf_report, read_rdf, write_jsonld

from ..conftest import cli

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
    assert before - after == unordered(report.facts)
    assert back.warnings == []
    assert back.model.sources == model.sources and back.model.areas == model.areas
    assert sorted(s.id for s in back.model.statements) == sorted(s.id for s in model.statements)
    for sid, svc in model.services.items():  # provenance comes back too
        other = back.model.services[sid]
        assert (other.provenance, [c.provenance for c in other.eligibility]) == (
            svc.provenance, [c.provenance for c in svc.eligibility]), sid


def test_the_region_presets_build_turtle_comes_back(region, tmp_path):
    back = read_rdf(WRITERS["turtle"](region, tmp_path)).model
    lost = unordered(rdf_report("RDF", region).facts)
    before, after = unordered(model_facts(region)), unordered(model_facts(back))
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
