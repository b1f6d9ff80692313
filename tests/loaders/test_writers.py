"""carepath's own writers (``write_yaml``, ``write_csv``, ``write_xlsx``) against whatever a
planner's file may hold: every model the loaders accept is written so that it loads back the
same (YAML), or the same but for what the report lists (the spreadsheet's columns)."""

from __future__ import annotations

import pytest
import yaml

hypothesis = pytest.importorskip("hypothesis")  # in the dev extra; see pyproject.toml
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import carepath  # noqa: E402
from carepath.errors import DataValidationError  # noqa: E402
from carepath.loaders.spreadsheet import write_csv  # noqa: E402
from carepath.loaders.yamlfile import write_yaml  # noqa: E402
from tests.standards.test_registry import assert_same_model  # noqa: E402

from .test_fuzz import FUZZ, HEAD, SERVICE_FIELDS, VALUES  # noqa: E402

# any text the loaders take: every character but the controls they refuse (newlines, quotes,
# '#', ': ', ';', leading '-' or '=', non-Latin scripts, emoji...)
TEXTS = st.text(st.characters(blacklist_categories=("Cc", "Cs"),
                              blacklist_characters="\u2028\u2029\x85") | st.sampled_from("\n\t"),
                min_size=1, max_size=40).map(str.strip).filter(bool)
RELATION = st.fixed_dictionaries({"kind": st.sampled_from(["refers_to", "signposts_to"]),
                                  "from": st.sampled_from(["gp", "family", "a-x"]),
                                  "to": st.just(["a-x"])},
                                 optional={"note": TEXTS, "passage": TEXTS,
                                           "stages": st.lists(st.sampled_from(
                                               ["Pregnancy", "Birth - 6 weeks", "up to 2 years"]),
                                               max_size=2),
                                           "line": st.integers(1, 10**6)})


REFERENCE = carepath.load_reference()
STAGE_TEXTS = st.sampled_from(["Pregnancy", "Birth - 6 weeks", "up to 2 years", "Preconception",
                               "8 weeks to 6 months"])
CITED = {"source": st.just("s"), "line": st.integers(1, 10**6), "passage": TEXTS}
# services a planner writes: every field with values the loaders accept, and any text
SERVICE = st.fixed_dictionaries({"id": st.just("a-x"), "name": TEXTS}, optional={
    "aliases": st.lists(TEXTS, max_size=3, unique=True),
    "tier": st.sampled_from(sorted(REFERENCE.tiers)),
    "tier_note": TEXTS, "notes": TEXTS, "passage": TEXTS, "line": st.integers(1, 10**6),
    "stages": st.lists(STAGE_TEXTS, max_size=3),
    "window_kind": st.sampled_from(["stated", "seen-at"]),
    "need": st.fixed_dictionaries({}, optional={"min": st.floats(0, 50), "max": st.floats(50, 100),
                                                "note": TEXTS}),
    "addresses": st.lists(st.fixed_dictionaries(
        {"concern": st.sampled_from(sorted(REFERENCE.concerns))},
        optional={"severity": st.lists(st.sampled_from(sorted(REFERENCE.severities)),
                                       max_size=2, unique=True)}), max_size=3),
    "professions": st.lists(st.sampled_from(sorted(REFERENCE.professions)), max_size=3),
    "eligibility": st.lists(st.fixed_dictionaries(
        {"type": st.sampled_from(["inclusion", "exclusion"]), "text": TEXTS},
        optional={"stages": st.lists(STAGE_TEXTS, max_size=2),
                  "parent_age_below": st.integers(10, 30), **CITED}), max_size=3),
    "response_times": st.lists(st.fixed_dictionaries(
        {"urgency": st.sampled_from(sorted(REFERENCE.urgencies)),
         "within": st.sampled_from(["4 hours", "28 days", "2 weeks"])}, optional=CITED),
        max_size=3),
    "hours": st.fixed_dictionaries({"text": TEXTS}, optional=CITED),
    "commitments": st.lists(st.fixed_dictionaries({"text": TEXTS}, optional=CITED), max_size=2),
    "evidence": st.lists(st.fixed_dictionaries({}, optional=CITED), max_size=2),
})


def _loaded(tmp_path_factory, service: dict, relations: list) -> carepath.Model | None:
    folder = tmp_path_factory.mktemp("in")
    text = yaml.safe_dump({**HEAD, "services": [service], "relations": relations},
                          allow_unicode=True)
    (folder / "area.yaml").write_text(text, encoding="utf-8")
    try:
        return carepath.load(folder)
    except DataValidationError:
        return None  # refused with located problems: test_fuzz's concern


@FUZZ
@given(st.one_of(SERVICE, st.dictionaries(st.sampled_from(SERVICE_FIELDS), VALUES, max_size=6)
                 .map(lambda fields: {"id": "a-x", "name": "X", **fields})),
       st.lists(RELATION, max_size=3))
def test_any_model_the_loaders_accept_loads_back_from_its_yaml(tmp_path_factory, service,
                                                             relations):
    model = _loaded(tmp_path_factory, service, relations)
    if model is None:
        return
    done = write_yaml(model, tmp_path_factory.mktemp("out") / "yaml")
    assert done.report.lost == 0
    assert_same_model(model, carepath.load(done.artifact))


@FUZZ
@given(SERVICE, st.lists(RELATION, max_size=3))
def test_any_model_the_loaders_accept_loads_back_from_its_csv(tmp_path_factory, service,
                                                            relations):
    model = _loaded(tmp_path_factory, service, relations)
    if model is None:
        return
    done = write_csv(model, tmp_path_factory.mktemp("out") / "csv")
    if done.report.lost == 0:
        assert_same_model(model, carepath.load(done.artifact))
