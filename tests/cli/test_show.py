"""`carepath show`: one card per service, profession, concern or area, every fact cited."""

import json

from carepath.graph.model import RelationKind

from ..conftest import run_cli


def card_json(*args):
    result = run_cli("show", *args, "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def section(card, label):
    return next(s["lines"] for s in card["sections"] if s["label"] == label)


def test_a_service_card_by_an_alias_has_every_referral_with_its_source(reference):
    card = card_json("CRUISE")
    assert (card["kind"], card["id"]) == ("service", "p05-cruse")
    incoming = [r for r in reference.relations
                if r.target == "p05-cruse" and r.kind.value == "refers_to"]
    lines = section(card, "Referred in by")
    assert sorted(line["evidence"][0] for line in lines) == sorted(r.provenance.ref
                                                                   for r in incoming)
    cited = {s["evidence"]: s["passage"] for s in card["sources"]}
    assert all(cited[r.provenance.ref] == r.provenance.passage for r in incoming)


def test_the_card_says_what_the_sources_leave_unstated(reference):
    card = card_json("dorset-pmmhs")
    svc = reference.services["dorset-pmmhs"]
    times = section(card, "Response times")
    assert [t["text"] for t in times] == [f"{rt.urgency}: within {rt.within}"
                                          for rt in svc.response_times]
    assert [t["evidence"] for t in times] == [[rt.provenance.ref] for rt in svc.response_times]
    # doc-002:37, 38: referrals whose receivers the document does not name (issue 22)
    out = section(card, "Refers out to")
    assert [t["evidence"] for t in out] == [["doc-002:37"], ["doc-002:38"]]
    assert all(t["text"].startswith("Services or professionals not named") for t in out)
    # the criteria, then whether they are the only ones (doc-002:7: a closed list)
    eligibility = section(card, "Eligibility")
    assert len(eligibility) == len(svc.eligibility) + 1
    assert eligibility[-1] == {"text": "the only criteria (a closed list)",
                               "evidence": ["doc-002:7"]}


def test_the_printed_card_quotes_each_cited_passage_and_fits_80_columns(reference):
    area = run_cli("show", "Dorset", env={"COLUMNS": "80"})  # tier names as labels
    assert max(len(line) for line in area.stdout.splitlines()) <= 80
    result = run_cli("show", "dorset-pmmhs", env={"COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    text = " ".join(result.stdout.split())
    for ev in reference.services["dorset-pmmhs"].evidence:
        assert " ".join(ev.passage.split()) in text
    assert "Documents" in result.stdout and reference.sources["doc-002"].title[:30] in text


def test_cards_for_a_profession_a_concern_and_an_area():
    assert card_json("gp")["kind"] == "profession"  # the id wins over a service's alias
    assert card_json("anxiety")["id"] == "maternal-mental-health"
    area = card_json("Dorset")
    assert area["kind"] == "area" and any("dorset-pmmhs" in line["text"]
                                          for s in area["sections"] for line in s["lines"])


def test_an_ambiguous_name_lists_the_candidates_with_their_areas():
    result = run_cli("show", "mother baby")
    assert result.returncode == 2
    assert "dorset-mbu" in result.stderr and "scotland" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    narrowed = run_cli("show", "mother baby", "--area", "scotland", "--format", "json")
    assert json.loads(narrowed.stdout)["id"] == "scot-mbu"


def test_a_part_takes_its_parents_referrals_and_response_times(reference):
    """doc-002 lines 14 and 22: the Maternal Mental Health Service is part of the combined
    service, whose referral process (lines 30-35) and response times (lines 37-39) apply."""
    card = card_json("dorset-mmhs")
    parent = reference.services["dorset-pmmhs"]
    times = section(card, "Response times")
    assert "dorset-pmmhs" in times[0]["text"]
    assert [t["evidence"] for t in times[1:]] == [[rt.provenance.ref]
                                                  for rt in parent.response_times]
    referred = section(card, "Referred in by")
    incoming = [r for r in reference.relations
                if r.target == "dorset-pmmhs" and r.kind.value == "refers_to"]
    assert "part of" in referred[0]["text"]
    assert sorted(line["evidence"][0] for line in referred[1:]) == sorted(
        r.provenance.ref for r in incoming)


def test_the_printed_card_answers_first_at_80_columns(reference):
    """Issue 23: response times near the top, not on line 198 after the other relations;
    the other relations one line per kind; the source's list markup read as text."""
    from .invoke import cli

    result = cli("show", "dorset-pmmhs", columns=80)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    heads = {line.split("  ")[0]: n for n, line in enumerate(lines, 1)
             if line[:1].isalpha() and "  " in line}
    assert heads["Response times"] <= 20
    assert (heads["Window"] < heads["Response times"] < heads["Referred in by"]
            < heads["Eligibility"] < heads["Refers out to"] < heads["Other relations"])
    svc = reference.services["dorset-pmmhs"]
    assert lines[heads["Response times"] - 1].endswith(
        f"{svc.response_times[0].urgency}: within {svc.response_times[0].within} "
        f"[{svc.response_times[0].provenance.ref}]")
    others = [r for r in reference.relations if svc.id in (r.source, r.target)
              and r.kind is not RelationKind.REFERS_TO]
    kinds = {(r.kind, r.source == svc.id) for r in others}
    block = lines[heads["Other relations"] - 1:heads["Team"] - 1]
    assert sum(line[17:].startswith("- ") for line in block) == len(kinds) + 1  # + the pointer
    assert "<li>" not in result.stdout and '"GP; Families"' in result.stdout
    every = cli("show", "dorset-pmmhs", "--all", columns=80).stdout
    for rel in others:  # --all: each relation with its conditions and notes
        if rel.note:
            assert " ".join(rel.note.split())[:40] in " ".join(every.split())
