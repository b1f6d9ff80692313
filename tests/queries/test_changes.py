"""What changed between hand-made versions of the reference data, families first: each edit
in its own section, with the right families' effect."""

from __future__ import annotations

import dataclasses

import pytest

import carepath
from carepath.queries.changes import SECTIONS, changes, copy_model, word_diff

from ..support import versions


@pytest.fixture(scope="module")
def old(tmp_path_factory):
    return carepath.load(versions.copy_reference(tmp_path_factory.mktemp("old") / "data"))


def edited(tmp_path, *edits) -> carepath.Model:
    data = versions.copy_reference(tmp_path / "data")
    for edit in edits:
        edit(data)
    return carepath.load(data)


def rows(found, section):
    return found[found.section == section].to_dict("records")


def test_same_data_has_no_changes(old):
    assert changes(old, old).empty


def test_a_referral_route_removed_is_lost_by_the_families_it_carried(old, tmp_path):
    found = changes(old, edited(tmp_path, versions.remove_midwife_route))
    lost = rows(found, "reachability")
    # midwives lose Dorset's perinatal service, and its maternal service (part of it), at
    # every stage the service takes families; GPs and health visitors keep their own routes
    assert {(r["subject"], r["field"], r["change"]) for r in lost} == {
        ("midwife", "dorset-pmmhs", "became unreachable"),
        ("midwife", "dorset-mmhs", "became unreachable")}
    row = next(r for r in lost if r["field"] == "dorset-pmmhs")
    assert row["stages"].split(", ")[:2] == ["Preconception", "Pregnancy"]
    assert "relation removed: Midwife refers to Perinatal" in row["why"]
    assert row["old"] == "<li>Midwives</li>" and row["old_evidence"] == ["doc-002:34"]
    assert [(r["change"], r["old"]) for r in rows(found, "relations")] == [
        ("removed", "Midwife refers to Perinatal and Maternal Mental Health Service")]
    assert found.section.iloc[0] == "reachability"  # families first


def test_a_shortened_window_closes_the_second_year_for_every_entry_point(old, tmp_path):
    found = changes(old, edited(tmp_path, versions.shorten_window))
    lost = rows(found, "reachability")
    assert {r["subject"] for r in lost} == {"gp", "midwife", "health-visitor"}
    assert {r["stages"] for r in lost} == {"1-2 years"}
    assert all("window changed from Preconception, Pregnancy, up to two years postnatally to "
               "Preconception, Pregnancy, up to one year postnatally" in r["why"] for r in lost)
    assert [(r["subject"], r["field"]) for r in rows(found, "services")] == [
        ("dorset-pmmhs", "stages")]
    transition = [r for r in rows(found, "gaps") if r["field"] == "transition"]
    assert {r["change"] for r in transition} == {"opened", "closed"}


def test_a_service_renamed_keeps_its_identity(old, tmp_path):
    found = changes(old, edited(tmp_path, versions.rename_cmht))
    assert [(r["section"], r["change"], r["field"], r["why"])
            for r in found.to_dict("records")] == [
        ("services", "renamed", "name", "the old name is kept as an alias")]


def test_a_new_id_is_a_rename_when_the_old_name_is_an_alias(old):
    new = copy_model(old)
    cmht = old.services["dorset-cmht"]
    del new.services["dorset-cmht"]
    new.services["dorset-cmhs"] = dataclasses.replace(
        cmht, id="dorset-cmhs", name="Community Mental Health Services",
        aliases=(cmht.name, *cmht.aliases))
    new.statements = [dataclasses.replace(
        st, source="dorset-cmhs" if st.source == "dorset-cmht" else st.source,
        targets=tuple("dorset-cmhs" if t == "dorset-cmht" else t for t in st.targets))
        for st in old.statements]
    found = changes(old, new)
    assert [(r["section"], r["change"], r["field"], r["old"], r["new"])
            for r in found.to_dict("records")] == [
        ("services", "renamed", "name",
         "Community Mental Health Teams (secondary care mental health)",
         "Community Mental Health Services")]
    assert found.why.iloc[0] == ("the old name is kept as an alias; "
                                 "id dorset-cmht -> dorset-cmhs")


def test_a_passage_re_cited_is_collapsed_not_a_change(old, tmp_path):
    found = changes(old, edited(tmp_path, versions.recite_cmht_route))
    assert set(found.section) == {"re-cited"}
    row = found.iloc[0]
    assert (row.old_evidence, row.new_evidence) == (["doc-002:32"], ["doc-002:30"])


def test_a_fact_deleted_is_a_loss_of_information(old, tmp_path):
    found = changes(old, edited(tmp_path, versions.drop_response_times))
    assert rows(found, "response-time") == []
    [row] = rows(found, "three-valued")
    assert (row["subject"], row["field"], row["change"]) == (
        "dorset-pmmhs", "response_times", "stated -> not stated")
    assert row["old"] == "emergency: 4 hours; routine: 28 days"
    assert row["new"] is None and row["old_evidence"] == ["doc-002:39"]
    # dorset-mmhs answers with its parent's response times: not its own fact, not a change
    assert set(found.subject) == {"dorset-pmmhs"}


def test_a_stated_value_changed_is_in_its_own_section(old):
    new = copy_model(old)
    svc = old.services["dorset-pmmhs"]
    new.services["dorset-pmmhs"] = dataclasses.replace(
        svc, response_times=(dataclasses.replace(svc.response_times[1], within="14 days"),
                             svc.response_times[0]))
    [row] = changes(old, new).to_dict("records")
    assert (row["section"], row["old"], row["new"]) == (
        "response-time", "routine: 28 days", "routine: 14 days")


def test_pathway_cell_text_changes_as_a_word_diff(old):
    new = copy_model(old)
    i, cell = next((i, c) for i, c in enumerate(old.pathway) if c.rationale)
    new.pathway[i] = dataclasses.replace(cell, rationale=cell.rationale + " and after")
    [row] = rows(changes(old, new), "pathway")
    assert row["change"] == "text changed" and row["field"] == "rationale"
    assert row["why"] == f"{cell.rationale} {{+and after+}}"


def test_sections_are_in_the_documented_order(old, tmp_path):
    found = changes(old, edited(tmp_path, versions.remove_midwife_route,
                               versions.drop_response_times, versions.recite_cmht_route))
    order = [SECTIONS.index(s) for s in found.section]
    assert order == sorted(order)
    assert list(dict.fromkeys(found.section)) == [
        "reachability", "gaps", "three-valued", "relations", "re-cited"]


def test_word_diff_marks_removed_and_added_words():
    assert word_diff("within 28 days", "within 14 days") == "within [-28-] {+14+} days"
    assert word_diff(None, "new text") == "{+new text+}"


def test_an_eligibility_criterion_changed_is_in_its_section_with_both_texts(old):
    new = copy_model(old)
    svc = old.services["dorset-pmmhs"]
    crit = svc.eligibility[0]
    new.services["dorset-pmmhs"] = dataclasses.replace(
        svc, eligibility=(dataclasses.replace(crit, text=crit.text + " or Somerset"),
                          *svc.eligibility[1:]))
    [row] = changes(old, new).to_dict("records")
    assert (row["section"], row["field"]) == ("eligibility", "eligibility")
    assert row["old"] == f"{crit.type}: {crit.text}"
    assert row["new"] == f"{crit.type}: {crit.text} or Somerset"


def test_a_tier_change_says_why_a_specialist_is_out_of_reach(old):
    new = copy_model(old)
    new.services["dorset-mmhs"] = dataclasses.replace(old.services["dorset-mmhs"],
                                                      tier="secondary-care-mh")
    found = changes(old, new)
    lost = rows(found, "reachability")
    assert {r["field"] for r in lost} == {"dorset-mmhs"}
    assert {r["subject"] for r in lost} == {"gp", "midwife", "health-visitor"}
    assert all("tier changed from specialist-perinatal to secondary-care-mh" in r["why"]
               for r in lost)
    assert [(r["field"], r["old"], r["new"]) for r in rows(found, "tier")] == [
        ("tier", "specialist-perinatal", "secondary-care-mh")]
