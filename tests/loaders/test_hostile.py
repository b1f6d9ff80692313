"""Careless and hostile input: refused at load with a located, readable one-line message, never
a crash later (in build or a query), a hang, or a message the size of the input.

Each case passed validation or crashed before these checks (issue 19).
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from openpyxl import Workbook

import carepath
from carepath.errors import RangeParseError
from carepath.graph.stages import parse_age, parse_range
from carepath.loaders.records import MAX_TEXT
from tests.conftest import FIXTURES, run_cli
from tests.loaders.test_errors import HEAD


def _problems(tmp_path: Path, text: str, name: str = "area.yaml") -> list:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return [p for p in carepath.validate(tmp_path) if p.level == "error"]


def test_a_huge_age_range_is_refused_at_load(tmp_path):
    # passed validate, then build and every Cypher query crashed on INT64 overflow
    problems = _problems(tmp_path, HEAD + "  - {id: a-x, name: X, stages: "
                         "['0 - 99999999999999999999999 years']}\n")
    assert [(p.code, p.line) for p in problems] == [("bad-range", 6)]
    assert "more than 150 years" in problems[0].message
    with pytest.raises(RangeParseError):
        parse_range("up to 9" * 50 + " years")
    with pytest.raises(RangeParseError):
        parse_age("99999999999999999999999 years")
    with pytest.raises(RangeParseError):
        parse_age(float("inf"))


def test_a_huge_age_is_a_usage_error_not_a_traceback():
    result = run_cli("refers", "--at", "99999999999999999999999 years")
    assert result.returncode in (1, 2) and "Traceback" not in result.stderr
    assert "150 years" in result.stderr


def test_a_stage_week_beyond_the_timeline_is_refused(tmp_path):
    problems = _problems(tmp_path, HEAD + "stages:\n  - {id: forever, name: Forever, "
                         "start_week: 0, end_week: 99999999999999999999}\n")
    assert problems and problems[0].code == "bad-field" and problems[0].line == 7


def test_a_text_field_over_the_limit_is_refused_with_a_short_message(tmp_path):
    # 16 MiB passed validate and crashed LadybugDB in build
    notes = "n" * (MAX_TEXT + 1)
    problems = _problems(tmp_path, HEAD + f"  - {{id: a-x, name: X, notes: {notes}}}\n")
    assert [(p.code, p.line) for p in problems] == [("too-long", 6)]
    assert len(str(problems[0])) < 300


@pytest.mark.parametrize("char", ["\\x01", "\\x0b", "\\e", "\\0", "\\x85", "\\u2028"],
                         ids=["soh", "vertical-tab", "escape", "nul", "next-line",
                              "line-separator"])
def test_control_characters_in_yaml_are_refused_with_file_and_line(tmp_path, char):
    problems = _problems(tmp_path, HEAD + f'  - {{id: a-x, name: "Evil{char}name"}}\n')
    assert [(p.code, p.line) for p in problems] == [("control-character", 6)]
    assert problems[0].file == str(tmp_path / "area.yaml")


@pytest.mark.parametrize("char", ["\f", "\u2028", "\x1b"], ids=["form-feed", "line-separator",
                                                                 "escape"])
def test_a_control_character_in_a_csv_cell_is_one_error(tmp_path, char):
    # a form feed or U+2028 split the row into a dozen unrelated errors
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "tiny-csv", data)
    services = data / "services.csv"
    text = services.read_text(encoding="utf-8").replace("Health visiting", f"Health{char}visiting")
    services.write_text(text, encoding="utf-8")
    problems = [p for p in carepath.validate(data) if p.level == "error"]
    assert [(p.code, p.file, p.line) for p in problems] == [
        ("control-character", str(services), 2)]


def test_a_quoted_newline_in_a_csv_cell_stays_in_its_row(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "tiny-csv", data)
    services = data / "services.csv"
    text = services.read_text(encoding="utf-8").replace("Health visiting",
                                                         '"Health\nvisiting"')
    services.write_text(text, encoding="utf-8")
    model = carepath.load(data)
    assert model.services["tiny-hv"].name == "Health\nvisiting"


def test_yaml_alias_bomb_is_refused_quickly(tmp_path):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefg", "bcdefgh", strict=True):
        lines.append(f"{name}: &{name} [{','.join(['*' + prev] * 9)}]")
    lines.append(f"services: [{','.join(['*h'] * 9)}]")
    start = time.monotonic()
    problems = _problems(tmp_path, "\n".join(lines) + "\n", "bomb.yaml")
    assert time.monotonic() - start < 10
    assert [p.code for p in problems] == ["alias-bomb"]
    assert len(problems[0].message) < 200


def test_a_few_aliases_are_still_fine(tmp_path):
    text = HEAD + ("  - {id: a-x, name: X, stages: &s ['Birth - 6 weeks']}\n"
                   "  - {id: a-y, name: Y, stages: *s}\n")
    assert _problems(tmp_path, text) == []


def test_message_values_are_cut_to_a_readable_length(tmp_path):
    # the whole expanded value was printed: one line was 428,203 characters
    problems = _problems(tmp_path, HEAD + "  - {id: a-x, name: X, need: {min: " +
                         "[" + ",".join(["1"] * 5000) + "]}}\n")
    assert problems and all(len(str(p)) < 400 for p in problems)


def _workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


BOOK = {
    "areas": [["id", "name", "source"], ["x", "X", "doc"]],
    "sources": [["id", "title"], ["doc", "Doc"]],
    "services": [["id", "name", "tier"], ["x-hv", "Health visiting", "universal"]],
}


def test_a_misspelt_sheet_is_an_error(tmp_path):
    book = _workbook(tmp_path / "b.xlsx", {**BOOK, "servicess": [["id", "name"],
                                                                 ["x-pmh", "PMH"]]})
    problems = [p for p in carepath.validate(book) if p.level == "error"]
    assert [(p.code, p.field) for p in problems] == [("unknown-sheet", "servicess")]
    assert "expected: areas, sources, services" in problems[0].message


def test_a_formula_without_a_saved_value_says_so(tmp_path):
    book = _workbook(tmp_path / "b.xlsx", {**BOOK, "services": [
        ["id", "name", "tier"], ["x-hv", '=CONCAT("Health ", "visiting")', "universal"]]})
    problems = [p for p in carepath.validate(book) if p.level == "error"]
    assert [(p.code, p.line, p.field) for p in problems] == [("unsaved-formula", 2, "name")]
    assert "open and save the workbook in a spreadsheet program" in problems[0].message
    assert "B2" in problems[0].message


def test_a_control_character_in_an_xlsx_cell(tmp_path):
    book = _workbook(tmp_path / "b.xlsx", {**BOOK, "services": [
        ["id", "name", "tier"], ["x-hv", "Health\u2028visiting", "universal"]]})
    problems = [p for p in carepath.validate(book) if p.level == "error"]
    assert [(p.code, p.line, p.field) for p in problems] == [("control-character", 2, "name")]


def test_a_service_that_refers_to_itself_is_a_warning(tmp_path):
    problems = [p for p in _all(tmp_path, HEAD + "relations:\n"
                                "  - {kind: refers_to, from: a-hv, to: [a-hv]}\n")]
    assert [(p.level, p.code, p.line) for p in problems] == [("warning", "refers-to-itself", 7)]


def _all(tmp_path: Path, text: str) -> list:
    (tmp_path / "area.yaml").write_text(text, encoding="utf-8")
    return carepath.validate(tmp_path)


@pytest.mark.parametrize("text,code", [
    ("1: a\n1: b\n", "duplicate-key"),
    ("services:\n  - {id: a, [1]: b}\n", "bad-key"),
    ("? {a: 1}\n: b\n", "bad-key"),
], ids=["duplicate-number-key", "list-as-key", "mapping-as-key"])
def test_odd_yaml_keys_are_problems_not_crashes(tmp_path, text, code):
    # KeyError and TypeError tracebacks before
    problems = _problems(tmp_path, text)
    assert code in [p.code for p in problems]
