"""Every kind of bad input gets a located, one-line error and builds nothing."""

from pathlib import Path

import pytest

import carepath
from carepath import DataValidationError

HEAD = """\
source: s
sources: [{id: s, title: S}]
area: {id: a, name: A}
services:
  - {id: a-hv, name: HV, tier: universal, stages: ["Birth - 5 years"]}
"""

BAD = {
    "referral-to-unknown-service": (
        HEAD + "relations:\n  - {kind: refers_to, from: a-hv, to: a-nowhere}\n",
        7, "unknown target 'a-nowhere'"),
    "referral-to-misspelt-service": (
        HEAD + "relations:\n  - {kind: refers_to, from: a-hv, to: a-hvv}\n",
        7, "unknown target 'a-hvv' (did you mean 'a-hv'?)"),
    "referral-from-unknown-profession": (
        HEAD + "relations:\n  - {kind: refers_to, from: plumber, to: a-hv}\n",
        7, "unknown source 'plumber'"),
    "duplicate-service-id": (
        HEAD + "  - {id: a-hv, name: Again}\n", 6, "duplicate id 'a-hv'"),
    "unknown-tier": (
        HEAD + "  - {id: a-x, name: X, tier: specialst}\n", 6,
        "unknown tier 'specialst' (did you mean 'specialist-"),
    "unknown-stage": (
        HEAD + "  - {id: a-x, name: X, stages: [sometime]}\n", 6,
        "cannot read age range 'sometime'"),
    "unknown-profession": (
        HEAD + "  - {id: a-x, name: X, professions: [wizard]}\n", 6,
        "unknown profession 'wizard'"),
    "end-before-start": (
        HEAD + "  - {id: a-x, name: X, stages: ['6 months - 2 weeks']}\n", 6,
        "ends before it starts"),
    "missing-required-field": (
        HEAD + "  - {id: a-x}\n", 6, "missing required field 'name'"),
    "misspelt-field": (
        HEAD + "  - {id: a-x, name: X, teir: universal}\n", 6, "unknown field 'teir'"),
    "family-as-target": (
        HEAD + "relations:\n  - {kind: refers_to, from: a-hv, to: family}\n", 7,
        "family can only be the source"),
    "unknown-relation-kind": (
        HEAD + "relations:\n  - {kind: pushes, from: a-hv, to: a-hv}\n", 7,
        "unknown relation kind 'pushes'"),
    "malformed-yaml": ("services: [\n  - {id: x\n", None, "malformed YAML"),
    "duplicate-yaml-key": (
        HEAD + "  - id: a-x\n    name: X\n    name: Y\n", 8, "duplicate key 'name'"),
    "need-max-below-min": (
        HEAD + "  - {id: a-x, name: X, need: {min: 5, max: 3}}\n", 6, "need max 3"),
    "unknown-source": (
        HEAD + "  - {id: a-x, name: X, source: nowhere}\n", 6, "unknown source 'nowhere'"),
    "no-sources-defined": (
        HEAD.replace("sources: [{id: s, title: S}]\n", ""), 2,
        "(carepath's bundled documents); or add it to a `sources:` list in the area file or a "
        "sources.yaml"),
    "unreadable-response-time": (
        HEAD + "  - {id: a-x, name: X, response_times: [{urgency: routine, within: soon}]}\n",
        6, "cannot read response time 'soon'"),
    # open-world readings (issue 22): a list closed, or a margin given, only with its passage
    "closed-list-without-its-passage": (
        HEAD + "  - id: a-x\n    name: X\n    addresses_closed: {line: 3}\n", 8,
        "addresses_closed needs the passage that says so"),
    "unknown-window-kind": (
        HEAD + "  - {id: a-x, name: X, window_kind: seen}\n", 6, "window_kind"),
    "unknown-self-referral-status": (
        HEAD + "  - {id: a-x, name: X, self_referral: {status: maybe, line: 2}}\n", 6,
        "self_referral.status: Input should be 'yes', 'no' or 'not-yet' (got 'maybe')"),
    "unknown-criterion-type": (
        HEAD + "  - id: a-x\n    name: X\n    eligibility: [{type: include, text: T}]\n", 8,
        "type: Input should be 'inclusion' or 'exclusion' (got 'include')"),
    "condition-on-a-profession-the-service-lacks": (
        HEAD + "  - id: a-x\n    name: X\n    conditions:\n      - {text: big boards, "
        "births_over: 3000, governs: ['profession:gp']}\n", 9, "a condition governs"),
    "unnamed-end-spelt-wrong": (
        HEAD + "relations:\n  - {kind: hands_over_to, from: a-hv, to: services-unnamed}\n",
        7, "'services-not-named' (the document states the relation"),
}


def test_an_unnamed_end_loads_as_a_relation_end(tmp_path: Path):
    (tmp_path / "area.yaml").write_text(
        HEAD + "relations:\n  - {kind: hands_over_to, from: a-hv, to: services-not-named}\n"
        "  - {kind: refers_to, from: services-not-named, to: a-hv}\n", encoding="utf-8")
    model = carepath.load(tmp_path)
    assert [(r.source, r.target) for r in model.relations] == [
        ("a-hv", "services-not-named"), ("services-not-named", "a-hv")]
    assert str(model.node_kind("services-not-named")) == "Unnamed"


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_bad_input_is_reported_with_file_and_line(tmp_path: Path, case: str):
    text, line, message = BAD[case]
    path = tmp_path / "area.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        carepath.load(tmp_path)
    problem = next(p for p in info.value.problems if message in p.message)
    assert problem.file == str(path)
    if line is not None:
        assert problem.line == line


def test_wrong_encoding_names_the_byte(tmp_path: Path):
    (tmp_path / "area.yaml").write_bytes(HEAD.encode() + "  - {id: a-x, name: Caf\xe9}\n".encode(
        "latin-1"))
    with pytest.raises(DataValidationError, match=r"not UTF-8 \(byte 0xe9"):
        carepath.load(tmp_path)


def test_every_problem_is_reported_at_once(tmp_path: Path):
    (tmp_path / "one.yaml").write_text(
        HEAD + "  - {id: a-x, name: X, tier: nope, stages: [never]}\n"
        "relations:\n  - {kind: refers_to, from: a-hv, to: a-none}\n", encoding="utf-8")
    (tmp_path / "two.yaml").write_text("services: [\n", encoding="utf-8")
    problems = carepath.validate(tmp_path)
    codes = sorted(p.code for p in problems)
    assert codes == ["bad-range", "malformed-yaml", "unknown-reference", "unknown-tier"]


def test_a_missing_path_is_an_error_not_a_crash(tmp_path: Path):
    with pytest.raises(DataValidationError, match="no such file or folder"):
        carepath.load(tmp_path / "absent")
