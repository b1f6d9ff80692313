"""Every curated fact cites a real source, and every quoted passage is on the cited line."""

import re

import pytest

from carepath.graph.model import FAMILY


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def _cited(model):
    for source in model.sources.values():
        if source.version_provenance is not None:
            yield f"source {source.id} version", source.version_provenance
    for src in model.sources.values():
        if src.scope is not None and src.scope.provenance is not None:
            yield f"source {src.id} scope", src.scope.provenance
    for area in model.areas.values():
        yield f"area {area.id}", area.provenance
    for svc in model.services.values():
        yield f"service {svc.id}", svc.provenance
        for ev in svc.evidence:
            yield f"service {svc.id} evidence", ev
        for crit in svc.eligibility:
            yield f"service {svc.id} criterion", crit.provenance
        for resp in svc.response_times:
            yield f"service {svc.id} response time", resp.provenance
        if svc.part_of_provenance is not None:
            yield f"service {svc.id} part of", svc.part_of_provenance
        if svc.self_referral_provenance is not None:
            yield f"service {svc.id} self-referral", svc.self_referral_provenance
        if svc.hours_provenance is not None:
            yield f"service {svc.id} hours", svc.hours_provenance
    for rel in model.relations:
        yield f"relation {rel.source}->{rel.target}", rel.provenance
    for overlap in model.overlaps:
        yield "overlap", overlap.provenance
    for cell in model.pathway:
        yield f"pathway {cell.service} {cell.stage_text}", cell.provenance


def test_every_quoted_passage_is_on_its_cited_line(reference, seeds):
    lines = {src.id: (seeds / src.file).read_text(encoding="utf-8").splitlines()
             for src in reference.sources.values()}
    checked, wrong = 0, []
    for what, prov in _cited(reference):
        assert prov.source in lines, f"{what} cites unknown source {prov.source}"
        if prov.line is None:
            continue
        assert 1 <= prov.line <= len(lines[prov.source]), f"{what}: line {prov.line} out of range"
        if prov.passage:
            checked += 1
            # passages may drop an HTML tag or run over a line break in the extracted text
            text = _norm(re.sub(r"<[^>]+>", " ", lines[prov.source][prov.line - 1]))
            passage = _norm(re.sub(r"<[^>]+>", " ", prov.passage)).rstrip(".… ")
            if passage not in text:
                wrong.append(f"{what}: {prov.source}:{prov.line}: {prov.passage!r}")
    assert checked > 150
    assert wrong == []


def test_every_service_and_relation_has_a_line(reference):
    missing = [s.id for s in reference.services.values() if s.provenance.line is None]
    missing += [r.id for r in reference.relations if r.provenance.line is None]
    assert missing == []


@pytest.mark.parametrize("alias,name", [("CRUISE", "Cruse Bereavement Support"),
                                         ("CRUSE", "Cruse Bereavement Support")],
                         ids=["cruise-typo", "cruse"])
def test_document_spellings_are_kept_as_aliases(reference, alias, name):
    matches = [s for s in reference.services.values() if alias in s.aliases]
    assert [s.name for s in matches] == [name]


def test_the_family_appears_only_as_a_referral_source(reference):
    assert all(r.target != FAMILY for r in reference.relations)
    assert any(r.source == FAMILY for r in reference.relations)
