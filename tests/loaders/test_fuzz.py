"""Property-based tests (hypothesis): whatever a YAML or CSV file holds, and whatever age text
a user types, carepath answers with data or with located problems - never a traceback, never a
hang, and never a half-written output.

The number of examples is bounded (``EXAMPLES``; fixed, derandomised examples in CI) so the
suite stays fast; each example must finish within ``DEADLINE``.
"""

from __future__ import annotations

import csv
import io
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
import yaml

hypothesis = pytest.importorskip("hypothesis")  # in the dev extra; see pyproject.toml
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import carepath  # noqa: E402
from carepath.errors import DataValidationError, Problem, RangeParseError  # noqa: E402
from carepath.graph.stages import MAX_WEEKS, Interval, parse_age, parse_range  # noqa: E402
from carepath.loaders.spreadsheet import SHEETS  # noqa: E402
from carepath.writing import MANIFEST, output_dir  # noqa: E402
from tests.conftest import FIXTURES, IN_CI  # noqa: E402

EXAMPLES = 60 if IN_CI else 150
DEADLINE = timedelta(seconds=10)  # a hang fails the example (the machine may be busy)
FUZZ = settings(max_examples=EXAMPLES, deadline=DEADLINE, derandomize=IN_CI, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# text a person or a hostile file may hold: every code point, control characters included
TEXT = st.text(max_size=60)
AGE_WORDS = st.sampled_from(["birth", "pregnancy", "weeks", "months", "years", "-", "to",
                             "up to", "postnatally", "pregnant", "6/8", "99999999999999999999",
                             "1e400", "0", "two", "until", " ", "nan", "inf", "–"])
AGE_TEXT = st.one_of(TEXT, st.lists(st.one_of(AGE_WORDS, st.integers(-10**30, 10**30).map(str)),
                                    max_size=6).map(" ".join))
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**30, 10**30),
                    st.floats(allow_nan=True, allow_infinity=True), TEXT)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)), max_leaves=12)
SERVICE_FIELDS = ["id", "name", "area", "aliases", "tier", "level", "need", "stages",
                  "addresses", "professions", "eligibility", "response_times", "notes",
                  "source", "line", "passage"]


@FUZZ
@given(AGE_TEXT)
def test_an_age_is_a_bounded_week_or_a_clear_error(text):
    try:
        week = parse_age(text)
    except RangeParseError as exc:
        assert str(exc) and len(str(exc)) < 400
        return
    assert -MAX_WEEKS - 40 <= week <= MAX_WEEKS


@FUZZ
@given(AGE_TEXT)
def test_an_age_range_is_a_bounded_interval_or_a_clear_error(text):
    try:
        interval = parse_range(text)
    except RangeParseError as exc:
        assert str(exc) and len(str(exc)) < 400
        return
    assert isinstance(interval, Interval)
    assert -MAX_WEEKS <= interval.start < interval.end <= MAX_WEEKS


def _validate(folder: Path) -> list[Problem]:
    """``carepath.validate``: every problem located, each message readable."""
    problems = carepath.validate(folder)
    for p in problems:
        assert p.level in ("error", "warning") and p.file
        assert len(str(p)) < 2000, str(p)[:200]
    return problems


def _fresh(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


HEAD = {"source": "s", "sources": [{"id": "s", "title": "S"}], "area": {"id": "a", "name": "A"}}


@FUZZ
@given(st.dictionaries(st.sampled_from(SERVICE_FIELDS), VALUES, max_size=6))
def test_any_yaml_service_is_loaded_or_reported(tmp_path_factory, fields):
    folder = _fresh(tmp_path_factory)
    service = {"id": "a-x", "name": "X", **fields}
    text = yaml.safe_dump({**HEAD, "services": [service]}, allow_unicode=True)
    (folder / "area.yaml").write_text(text, encoding="utf-8")
    _validate(folder)


@FUZZ
@given(st.text(max_size=300))
def test_any_yaml_text_is_loaded_or_reported(tmp_path_factory, text):
    folder = _fresh(tmp_path_factory)
    (folder / "area.yaml").write_text(text, encoding="utf-8", errors="surrogatepass")
    _validate(folder)


YAML_PIECES = st.sampled_from([
    "services:", "relations:", "sources:", "area:", "source: s", "  - id: a-x", "    name: X",
    "  - {id: a, name: A}", "1: a", "1: b", "[1]: x", "? [a]", "? {a: 1}", ": b", "&x [a, b]",
    "*x", "<<: *x", "{", "}", "[", "- ", "-", "stages: [Birth - 6 weeks]", "need: {min: 5}",
    "to: [a-x]", "kind: refers_to", "from: a-x", "!!binary aGk=", "!!set {a}", "~", "''",
    '"\\x01"', '"\\u202e"', "---", "...", "%YAML 1.1", "#", "\t", "!!python/object:os.system"])


@FUZZ
@given(st.lists(YAML_PIECES, max_size=12).map("\n".join))
def test_yaml_made_of_tricky_pieces_is_loaded_or_reported(tmp_path_factory, text):
    folder = _fresh(tmp_path_factory)
    (folder / "area.yaml").write_text(text, encoding="utf-8")
    _validate(folder)


@FUZZ
@given(st.binary(max_size=200))
def test_any_bytes_are_loaded_or_reported(tmp_path_factory, data):
    folder = _fresh(tmp_path_factory)
    (folder / "area.yaml").write_bytes(data)
    _validate(folder)


@FUZZ
@given(st.dictionaries(st.sampled_from(SHEETS["services"]), TEXT, max_size=8))
def test_any_csv_cells_are_loaded_or_reported(tmp_path_factory, cells):
    folder = _fresh(tmp_path_factory)
    for name in ("areas.csv", "sources.csv", "relations.csv"):
        shutil.copy(FIXTURES / "tiny-csv" / name, folder / name)
    row = {"id": "tiny-x", "name": "X", "area": "tiny", "source": "tiny-doc", **cells}
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(row), lineterminator="\n")
    writer.writeheader()
    writer.writerow(row)
    (folder / "services.csv").write_text(buffer.getvalue(), encoding="utf-8",
                                         errors="surrogatepass")
    _validate(folder)


@FUZZ
@given(st.text(max_size=300))
def test_any_csv_text_is_loaded_or_reported(tmp_path_factory, text):
    folder = _fresh(tmp_path_factory)
    for name in ("areas.csv", "sources.csv"):
        shutil.copy(FIXTURES / "tiny-csv" / name, folder / name)
    (folder / "services.csv").write_text("id,name,area,source\n" + text, encoding="utf-8",
                                         errors="surrogatepass")
    _validate(folder)


@FUZZ
@given(files=st.lists(st.text(alphabet="abcdefgh", min_size=1, max_size=6), min_size=1,
                      max_size=5, unique=True),
       fail_at=st.integers(0, 6), user_files=st.booleans())
def test_an_interrupted_write_leaves_the_last_output_whole(tmp_path_factory, files, fail_at,
                                                           user_files):
    """A write that fails part-way leaves the earlier output (and the user's files) as they
    were, and no temporary folder beside it."""
    parent = _fresh(tmp_path_factory)
    target = parent / "out"
    with output_dir(target) as tmp:
        (tmp / "first.txt").write_text("first run", encoding="utf-8")
    if user_files:
        (target / "mine.txt").write_text("the user's", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in target.iterdir()}
    try:
        with output_dir(target) as tmp:
            for n, name in enumerate(files):
                if n == fail_at:
                    raise KeyboardInterrupt  # Ctrl-C part-way through the write
                (tmp / f"{name}.txt").write_text(name, encoding="utf-8")
    except KeyboardInterrupt:
        assert {p.name: p.read_bytes() for p in target.iterdir()} == before
    else:
        assert (target / MANIFEST).is_file()
        assert {f"{name}.txt" for name in files} <= {p.name for p in target.iterdir()}
        assert not (target / "first.txt").exists()  # carepath's own old file went
        if user_files:
            assert (target / "mine.txt").read_text(encoding="utf-8") == "the user's"
    assert sorted(p.name for p in parent.iterdir()) == ["out"]


def test_data_validation_error_is_the_only_way_a_load_fails(tmp_path):
    """The property the suite relies on: a bad file raises DataValidationError, listing it."""
    (tmp_path / "area.yaml").write_text("services: [", encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        carepath.load(tmp_path)
    assert info.value.problems[0].file == str(tmp_path / "area.yaml")
