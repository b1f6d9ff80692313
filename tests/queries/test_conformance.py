"""Conformance on the reference data: verdicts worked out by hand from the documents.

Each case names the document lines that decide it. "not met" only where a document states
the opposite; silence is "not stated", with a question.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import carepath
from carepath.conformance import conform, letter, levels, load_sets, questions
from carepath.conformance.criteria import bundled_files
from carepath.errors import DataValidationError
from carepath.loaders import bundled_data_dir

# (area, criterion, verdict, doc:line facts the verdict must cite)
BY_HAND = [
    # --- NHS Long Term Plan
    pytest.param("dorset", "LTP-1", "met", ["doc-002:5"],
                 id="ltp1-dorset-met-preconception-to-two-years-doc002-l7-l12-l16"),
    pytest.param("cheshire-merseyside", "LTP-1", "not stated", ["doc-000:44"],
                 id="ltp1-cm-not-stated-perinatal-period-undefined-doc000-l44-l46"),
    pytest.param("dorset", "LTP-2", "met", ["doc-002:25"],
                 id="ltp2-dorset-met-dads-and-partners-signposted-doc002-l25"),
    pytest.param("dorset", "LTP-3", "not stated", ["doc-002:5"],
                 id="ltp3-dorset-not-stated-family-work-but-no-parent-infant-therapy-doc002-l23"),
    pytest.param("dorset", "LTP-4", "met", ["doc-002:22"],
                 id="ltp4-dorset-met-mmhs-loss-trauma-tokophobia-doc002-l22"),
    pytest.param("cheshire-merseyside", "LTP-4", "not stated", [],
                 id="ltp4-cm-not-stated-no-service-names-birth-trauma-doc000"),
    pytest.param("dorset", "LTP-5", "outside evidence", [],
                 id="ltp5-dorset-outside-evidence-no-caseload-in-service-data"),
    # --- NICE CG192 and QS115
    pytest.param("dorset", "QS115-6", "not met", ["doc-002:39"],
                 id="qs115-6-dorset-not-met-routine-referrals-within-28-days-doc002-l39"),
    pytest.param("dorset", "CG192-3", "met", ["doc-002:23"],
                 id="cg192-dorset-met-medication-advice-doc002-l7-l23"),
    pytest.param("dorset", "CG192-4", "met", ["doc-002:31"],
                 id="cg192-dorset-met-gp-refers-to-pmmhs-doc002-l31"),
    pytest.param("dorset", "CG192-5", "met", ["doc-002:29"],
                 id="cg192-dorset-met-works-with-the-mbu-doc002-l29"),
    pytest.param("cheshire-merseyside", "CG192-1", "not stated", ["doc-000:44"],
                 id="cg192-cm-not-stated-no-professions-named-doc000-l44-l52"),
    pytest.param("cheshire-merseyside", "CG192-2", "met", ["doc-000:34"],
                 id="cg192-cm-met-advice-to-secondary-care-staff-doc000-l34"),
    pytest.param("cheshire-merseyside", "CG192-6", "outside evidence", [],
                 id="cg192-cm-outside-evidence-network-board"),
    # --- MMHA Everyone's Business levels
    pytest.param("dorset", "MMHA-1", "met", ["doc-002:14"],
                 id="mmha1-dorset-met-psychiatrists-in-the-team-doc002-l14"),
    pytest.param("dorset", "MMHA-2", "not stated", ["doc-002:5"],
                 id="mmha2-dorset-not-stated-no-nurse-named-doc002-l14-l15"),
    pytest.param("cheshire-merseyside", "MMHA-1", "not stated", ["doc-000:44"],
                 id="mmha1-cm-not-stated-team-not-described-doc000-l44"),
    # --- Scotland's model (no births stated: board size decides)
    pytest.param("scotland", "SCOT-4", "met", ["doc-003:72"],
                 id="scot4-met-mbus-with-embedded-imh-specialists-doc003-l72"),
    pytest.param("scotland", "SCOT-5", "met", ["doc-003:71"],
                 id="scot5-met-regional-networks-give-specialist-input-doc003-l71"),
    pytest.param("scotland", "SCOT-1", "not stated", [],
                 id="scot1-not-stated-depends-on-board-size-doc003-l77"),
    # --- Parent-Infant Foundation team definition
    pytest.param("scotland", "PIF-4", "met", ["doc-003:18"],
                 id="pif4-scotland-met-universal-to-imh-via-care-pathways-doc003-l18"),
    pytest.param("scotland", "PIF-5", "met", ["doc-003:69"],
                 id="pif5-scotland-met-conception-to-3-doc003-l79"),
    pytest.param("cheshire-merseyside", "PIF-3", "met", ["doc-000:34"],
                 id="pif3-cm-met-pimhs-trains-and-advises-staff-doc000-l34-l58"),
    pytest.param("cheshire-merseyside", "PIF-1", "not stated", ["doc-000:56"],
                 id="pif1-cm-not-stated-pimhs-team-not-described-doc000-l56-l58"),
    pytest.param("pmh-lead-area", "PIF-2", "met", ["doc-004:9"],
                 id="pif2-lead-met-vig-www-parent-infant-therapy-doc004-l9"),
    pytest.param("dorset", "PIF-1", "not stated", [],
                 id="pif1-dorset-not-stated-no-parent-infant-team-named-doc002"),
]


@pytest.fixture(scope="module")
def scored(reference):
    return conform(reference).set_index(["area", "criterion"])


@pytest.mark.parametrize(("area", "criterion", "verdict", "facts"), BY_HAND)
def test_verdicts_worked_out_by_hand(scored, area, criterion, verdict, facts):
    row = scored.loc[(area, criterion)]
    assert row["verdict"] == verdict, row["reason"]
    assert set(facts) <= set(row["evidence"]), row["evidence"]
    if verdict == "not stated":
        assert row["question"].endswith("?")
    else:
        assert row["question"] == ""


def test_every_set_has_met_and_not_stated_and_nice_has_not_met(scored):
    by_set = scored.groupby("set")["verdict"].agg(set)
    for cset, verdicts in by_set.items():
        assert {"met", "not stated"} <= verdicts, cset
    assert "not met" in by_set["nice"]


def test_not_met_always_rests_on_a_stated_fact(scored):
    not_met = scored[scored["verdict"] == "not met"]
    assert len(not_met) >= 1
    assert all(len(ev) >= 1 for ev in not_met["evidence"])


def test_every_passage_a_verdict_quotes_is_on_its_cited_line(reference, scored, seeds):
    lines = {src.id: (seeds / src.file).read_text(encoding="utf-8").splitlines()
             for src in reference.sources.values()}

    def norm(text: str) -> str:
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip().lower()

    checked = 0
    for passages in scored["passages"]:
        for item in passages:
            ref, _, passage = item.partition(": ")
            source, line = ref.split(":")
            if passage:
                checked += 1
                assert norm(passage).rstrip(".… ") in norm(lines[source][int(line) - 1]), item
    assert checked > 50


def test_mmha_level_stops_at_the_first_criterion_not_met(reference):
    ranked = levels(reference).set_index("area")
    assert ranked.loc["dorset", ["level", "rating", "stopped_by"]].tolist() == [
        1, "at least 1", "MMHA-2 (not stated)"]
    assert ranked.loc["cheshire-merseyside", "rating"] == "not stated"


@pytest.mark.parametrize(("births", "expected"), [
    pytest.param(5000, {"SCOT-1": "met", "SCOT-2": "met", "SCOT-3": "not applicable"},
                 id="larger-board-doc003-l69-l77-l80"),
    pytest.param(2000, {"SCOT-1": "not applicable", "SCOT-2": "not applicable",
                        "SCOT-3": "met"}, id="smaller-board-doc003-l70"),
])
def test_scotland_by_board_size(reference, births, expected):
    df = conform(reference, area="scotland", sets=["scotland"], births=births)
    assert dict(zip(df["criterion"], df["verdict"], strict=True)) | expected == dict(
        zip(df["criterion"], df["verdict"], strict=True))


def test_questions_group_not_stated_verdicts_by_provider_into_a_letter(reference):
    scored = conform(reference, area="dorset")
    asked = questions(reference, scored)
    asked_for = {c for ids in asked["criterion"] for c in ids.split(", ")}
    assert asked_for == set(scored.loc[scored["verdict"] == "not stated", "criterion"])
    assert not asked.duplicated(["area", "service", "question"]).any()
    nurse = asked[asked["criterion"] == "MMHA-2"]
    assert nurse["provider"].tolist() == ["Perinatal and Maternal Mental Health Service"]
    assert "specialist perinatal mental health nurse" in nurse["question"].iloc[0]
    text = letter(reference, asked)
    assert text.startswith("# Questions for Dorset")
    assert "## Perinatal and Maternal Mental Health Service" in text
    assert "## (the area's commissioner)" in text  # no parent-infant team named


@pytest.fixture(scope="module")
def answered(tmp_path_factory) -> carepath.Model:
    """The reference data with Dorset's answers come back as a new version of its file: the
    team names a perinatal nurse, and the window stops at one year (a stated no)."""
    folder = tmp_path_factory.mktemp("answered") / "data"
    shutil.copytree(bundled_data_dir(), folder,
                    ignore=shutil.ignore_patterns("__init__.py", "__pycache__", "*.md"))
    (folder / "vocabularies.yaml").write_text(  # extra terms: the bundled ones always load
        "professions:\n  - id: perinatal-nurse\n"
        "    name: Specialist perinatal mental health nurse\n", encoding="utf-8")
    dorset = folder / "areas" / "dorset.yaml"
    text = dorset.read_text(encoding="utf-8")
    text = text.replace("      - psychiatrist\n", "      - psychiatrist\n      - perinatal-nurse\n",
                        1)
    text = text.replace('stages: ["Preconception", "Pregnancy", "up to two years postnatally"]',
                        'stages: ["Preconception", "Pregnancy", "Birth - 1 year"]', 1)
    dorset.write_text(text, encoding="utf-8")
    return carepath.load(folder)


def test_an_answer_in_the_data_changes_the_verdict(answered):
    df = conform(answered, area="dorset", sets=["mmha", "ltp"]).set_index("criterion")
    assert df.loc["MMHA-2", "verdict"] == "met"
    assert "Specialist perinatal mental health nurse" in df.loc["MMHA-2", "reason"]
    # a stated window that stops at one year is the opposite of "to two years": not met
    assert df.loc["LTP-1", "verdict"] == "not met"
    assert "Birth - 1 year" in df.loc["LTP-1", "reason"]
    assert levels(answered, area="dorset")["stopped_by"].tolist() == ["MMHA-3 (not stated)"]


GOOD_CRITERION = """\
  - id: LTP-9
    theme: Access
    paraphrase: A criterion written for this test only.
    section: "1"
    url: https://example.org/
    must: must
    applies_to: the area
"""

BAD = [  # the criterion's lines after GOOD_CRITERION, the message, the line it names
    pytest.param("    test: {outside: audits}\n    colour: red\n", "colour: unknown field",
                 "colour", id="unknown-field"),
    pytest.param("    test: {service: {tier: specialist-perinatal}, outside: audits}\n",
                 "a test has exactly one of", "test", id="two-kinds-in-one-test"),
    pytest.param("    test: {exists: {tier: inpatient}}\n", "unknown test kind 'exists'; "
                 "expected one of: service, staffed_by", "test", id="unknown-test-kind"),
    pytest.param("    test: {service: {tier: specialst-perinatal}}\n",
                 "unknown tier 'specialst-perinatal'", "- id: LTP-9", id="unknown-tier"),
    pytest.param("    test: {function: no_such_check}\n", "unknown function 'no_such_check'",
                 "- id: LTP-9", id="unknown-function"),
    pytest.param("    test: {service: {tier: inpatient, covers: [soon-ish]}}\n",
                 "cannot read age range", "- id: LTP-9", id="unreadable-stage"),
]


@pytest.mark.parametrize(("lines", "message", "named"), BAD)
def test_a_bad_criteria_file_is_one_clear_error_naming_file_and_line(reference, tmp_path,
                                                                     lines, message, named):
    head = bundled_files()[0].read_text(encoding="utf-8").split("criteria:\n")[0]
    text = head + "criteria:\n" + GOOD_CRITERION + lines
    path = tmp_path / "mine.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        load_sets([path], model=reference)
    assert len(caught.value.problems) == 1
    problem = caught.value.problems[0]
    assert str(problem).startswith(f"{path}:"), problem
    assert message in str(problem), problem
    assert text.splitlines()[problem.line - 1].strip().startswith(named), problem


def test_the_bundled_criteria_are_in_carepaths_own_words(seeds):
    """No paraphrase copies a source document's sentence (six words in a row)."""
    texts = " ".join(re.sub(r"\s+", " ", p.read_text(encoding="utf-8")).lower()
                     for p in Path(seeds).glob("*.txt"))
    for cset in load_sets():
        for crit in cset.criteria:
            words = re.findall(r"[a-z0-9']+", crit.paraphrase.lower())
            runs = [" ".join(words[i:i + 6]) for i in range(len(words) - 5)]
            assert not [r for r in runs if r in texts], crit.id
