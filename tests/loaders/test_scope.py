"""A source's scope (what it describes) in the YAML and spreadsheet formats, checked like every
other field, and read by the one function the analyses ask."""

from pathlib import Path

import pytest

import carepath
from carepath import DataValidationError
from carepath.queries.gaps import gaps
from carepath.queries.scope import within_scope

AREA = """\
source: s
sources:
  - id: s
    title: S
    scope: {scope_body}
area: {{id: a, name: A}}
services:
  - {{id: a-hv, name: HV, tier: universal, stages: ["Birth - 5 years"]}}
"""


def _load(tmp_path: Path, scope: str) -> carepath.Model:
    (tmp_path / "area.yaml").write_text(AREA.format(scope_body=scope), encoding="utf-8")
    return carepath.load(tmp_path)


def test_a_scope_restricts_only_what_it_names(tmp_path):
    model = _load(tmp_path, "{tiers: [universal], stages: [years-1-2], line: 1, "
                            "passage: 'Show'}")
    scope = model.sources["s"].scope
    assert scope.tiers == {"universal"} and scope.concerns is None
    assert within_scope(model, "a", tier="universal", stage="years-1-2")
    assert within_scope(model, "a", concern="domestic-abuse")  # concerns not restricted
    assert not within_scope(model, "a", tier="inpatient")
    assert not within_scope(model, "a", stage="pregnancy")


def test_outside_the_scope_no_gap_is_absent(tmp_path):
    # the same data without a scope says "absent"; with one that leaves the tier out, the
    # answer weakens to "not stated (outside the source's scope)", never the other way
    (tmp_path / "plain").mkdir()
    (tmp_path / "scoped").mkdir()
    plain = _load(tmp_path / "plain", "null")
    scoped = _load(tmp_path / "scoped", "{tiers: [universal]}")
    before = gaps(plain, kinds=["missing-tier"], tier="inpatient")
    after = gaps(scoped, kinds=["missing-tier"], tier="inpatient")
    assert set(before.basis) == {"absent"} and set(after.basis) == {"outside-scope"}
    assert len(before) == len(after)


@pytest.mark.parametrize("scope, message", [
    ("{tiers: [inpatiant]}", "unknown tier 'inpatiant' (did you mean 'inpatient'?)"),
    ("{stages: [teens]}", "unknown stage 'teens'"),
    ("{concerns: [unicorns]}", "unknown concern 'unicorns'"),
    ("{facts: [rumours]}", "unknown kind of fact 'rumours'"),
    ("{tires: [universal]}", "unknown field 'scope.tires'"),
], ids=["tier", "stage", "concern", "fact", "misspelt-field"])
def test_bad_scope_is_reported_with_file_and_line(tmp_path, scope, message):
    with pytest.raises(DataValidationError) as info:
        _load(tmp_path, scope)
    problem = next(p for p in info.value.problems if message in p.message)
    assert problem.file == str(tmp_path / "area.yaml") and problem.line == 5


def test_the_spreadsheet_takes_a_scope_and_hours(tmp_path):
    (tmp_path / "sources.csv").write_text(
        "id,title,scope_tiers,scope_facts,scope_line,scope_passage\n"
        "doc-x,My doc,none,services;referrals,3,the passage\n", encoding="utf-8")
    (tmp_path / "areas.csv").write_text("id,name,source,line\nmy-area,My area,doc-x,1\n",
                                        encoding="utf-8")
    (tmp_path / "services.csv").write_text(
        "id,name,area,tier,hours,source,line\n"
        "my-a,A,my-area,universal,Monday to Friday 9-5,doc-x,2\n", encoding="utf-8")
    model = carepath.load(tmp_path)
    assert model.services["my-a"].hours == "Monday to Friday 9-5"  # the services sheet's hours
    scope = model.sources["doc-x"].scope
    assert scope.tiers == frozenset() and scope.facts == {"services", "referrals"}
    assert scope.stages is None and scope.provenance.line == 3
