"""`carepath conform`: the table, JSON and CSV, --list, --questions, --levels, and the files
a planner and a tool read (a workbook, EARL), on the reference data."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess

import pytest
import rdflib
from typer.testing import CliRunner

from carepath.cli import app
from carepath.conformance.earl import OUTCOMES
from carepath.errors import OutputExistsError

from ..conftest import need, run_cli

EARL = rdflib.Namespace("http://www.w3.org/ns/earl#")


def invoke(*args: str, code: int = 0):
    result = CliRunner().invoke(app, ["conform", *args], env={"COLUMNS": "80"})
    assert result.exit_code == code, (result.output, result.exception)
    return result


def test_json_rows_carry_verdict_facts_and_question():
    rows = json.loads(invoke("--area", "dorset", "--against", "nice", "--format",
                             "json").stdout)
    by_id = {r["criterion"]: r for r in rows}
    assert set(by_id) == {"CG192-1", "CG192-2", "CG192-3", "CG192-4", "CG192-5", "CG192-6",
                          "QS115-6"}
    assert by_id["QS115-6"]["verdict"] == "not met"  # doc-002:39: routine within 28 days
    assert by_id["QS115-6"]["passages"] == [
        "doc-002:39: Emergency Referrals within 4 Hours • Routine Referrals within 28 days"]
    assert by_id["CG192-6"]["verdict"] == "outside evidence"


def test_the_table_reads_at_80_columns_with_the_level_first():
    text = invoke("--area", "dorset", "--against", "mmha").stdout
    assert max(len(line) for line in text.splitlines()) <= 80
    assert text.index("MMHA-2 (not stated)") < text.index("conformance")
    assert "at least 1" in text


def test_list_names_every_set_and_criterion():
    rows = list(csv.DictReader(io.StringIO(invoke("--list", "--format", "csv").stdout)))
    assert {r["set"] for r in rows} == {"ltp", "nice", "mmha", "scotland", "pif"}
    assert {r["criterion"] for r in rows if r["set"] == "mmha"} == {f"MMHA-{n}"
                                                                   for n in range(1, 6)}
    assert all(r["url"].startswith("https://") and r["edition"] for r in rows)


def test_births_decide_scotlands_board_model():
    rows = json.loads(invoke("--area", "scotland", "--against", "scotland", "--births", "5000",
                             "--format", "json").stdout)
    verdicts = {r["criterion"]: r["verdict"] for r in rows}
    assert verdicts["SCOT-1"] == "met"  # doc-003:69, 77-79: stand-alone team, conception to 3
    assert verdicts["SCOT-3"] == "not applicable"
    rows = json.loads(invoke("--area", "scotland", "--against", "scotland", "--format",
                             "json").stdout)
    assert {r["criterion"]: r["question"] for r in rows}["SCOT-1"] == (
        "How many babies are born in Scotland (IMH service model) each year?")


def test_questions_as_a_letter_and_as_csv():
    letter = invoke("--area", "dorset", "--questions").stdout
    assert letter.startswith("# Questions for Dorset")
    assert ("Does Perinatal and Maternal Mental Health Service include a specialist "
            "perinatal mental health nurse with dedicated time? (MMHA-2)") in letter
    rows = list(csv.DictReader(io.StringIO(invoke("--area", "dorset", "--questions",
                                                  "--format", "csv").stdout)))
    assert {r["provider"] for r in rows} == {"Perinatal and Maternal Mental Health Service",
                                            "(the area's commissioner)"}


def test_an_unknown_set_names_the_sets_there_are():
    result = invoke("--against", "nhs", code=1)
    assert "unknown criteria set 'nhs'; expected one of: ltp, mmha, nice, pif, scotland" in \
        str(result.exception)


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    folder = tmp_path_factory.mktemp("conform")
    invoke("--workbook", str(folder / "scores.xlsx"), "--earl", str(folder / "scores.ttl"))
    return folder


def test_the_workbook_has_a_sheet_per_theme_with_evidence_and_a_workshop_column(
        written, reference):
    from openpyxl import load_workbook

    from carepath.conformance import conform

    book = load_workbook(written / "scores.xlsx")
    scored = conform(reference)
    assert book.sheetnames == ["Summary", *sorted(set(scored["theme"]))]
    sheet = book["Timeliness"]
    header = [c.value for c in sheet[1]]
    assert header[-2:] == ["Workshop score (0-5)", "Workshop notes"]
    rows = {(r[0], r[2]): dict(zip(header, r, strict=True))
            for r in sheet.iter_rows(min_row=2, values_only=True)}
    dorset = rows[("Dorset", "QS115-6")]
    assert dorset["carepath verdict"] == "not met"
    assert dorset["Suggested score (0-5)"] == 0
    assert "doc-002:39: Emergency Referrals within 4 Hours" in dorset["Evidence (doc:line)"]
    assert dorset["Workshop score (0-5)"] is None
    assert rows[("Cheshire & Merseyside", "QS115-6")]["Suggested score (0-5)"] is None
    data_rows = sum(book[name].max_row - 1 for name in book.sheetnames[1:])
    assert data_rows == len(scored)


def test_libreoffice_opens_the_workbook_with_the_evidence_visible(written, tmp_path):
    soffice = shutil.which("soffice")
    need(soffice is not None, "LibreOffice not installed (apt-get install "
                              "libreoffice-calc-nogui)")
    result = subprocess.run([soffice, "--headless", "--norestore",
                             f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                             "--convert-to", "html", "--outdir", str(tmp_path),
                             str(written / "scores.xlsx")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "scores.html").read_text(encoding="utf-8", errors="replace")
    assert "Routine Referrals within 28 days" in html
    assert "Workshop score (0-5)" in html


def test_earl_parses_and_each_outcome_maps_its_verdict(written, reference):
    from carepath.conformance import conform

    g = rdflib.Graph().parse(written / "scores.ttl", format="turtle")
    scored = conform(reference)
    assertions = set(g.subjects(rdflib.RDF.type, EARL.Assertion))
    assert len(assertions) == len(scored)
    outcomes = {}
    for a in assertions:
        result = g.value(a, EARL.result)
        outcomes[str(a).rsplit("/", 2)[-2:][0], str(a).rsplit("/", 1)[-1]] = \
            str(g.value(result, EARL.outcome)).rsplit("#", 1)[-1]
    expected = {(r.area, r.criterion): OUTCOMES[r.verdict] for r in scored.itertuples()}
    assert outcomes == expected
    assert outcomes[("dorset", "QS115-6")] == "failed"


def test_jena_parses_the_earl_strictly(written, reference):
    from tests.support.validators import missing_java, run_java

    why = missing_java()
    need(why is None, why or "")
    out = run_java("jena", f"parse={written / 'scores.ttl'}")
    line = next(line for line in out.splitlines() if line.startswith(str(written)))
    _, status, triples = line.split("\t")
    assert status == "parsed", triples
    assert int(triples) == len(rdflib.Graph().parse(written / "scores.ttl", format="turtle"))


def test_a_single_file_output_is_never_overwritten_without_force(tmp_path):
    mine = tmp_path / "workshop.xlsx"
    mine.write_text("the planners' own workbook", encoding="utf-8")
    result = invoke("--workbook", str(mine), code=1)
    assert isinstance(result.exception, OutputExistsError)
    assert mine.read_text(encoding="utf-8") == "the planners' own workbook"
    invoke("--workbook", str(mine), "--force", "--area", "dorset")
    assert mine.read_bytes()[:2] == b"PK"


def test_a_refused_output_is_one_line_and_exit_code_2(tmp_path):
    mine = tmp_path / "assertions.ttl"
    mine.write_text("# mine", encoding="utf-8")
    result = run_cli("conform", "--earl", str(mine))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"error: {mine} already exists; give a new file name, or --force to replace it"]
    assert result.stdout == ""


def test_compare_shows_two_areas_conformance_side_by_side():
    result = CliRunner().invoke(app, ["compare", "dorset", "cheshire-merseyside",
                                      "--conformance", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = {r["criterion"]: r for r in json.loads(result.stdout)}
    # doc-002:39 states 28 days; doc-000 states no response time
    assert (rows["QS115-6"]["dorset"], rows["QS115-6"]["cheshire-merseyside"]) == (
        "not met", "not stated")
    assert rows["CG192-6"]["same"] is True
    assert "SCOT-1" not in rows  # both areas are in England


def test_a_build_folder_gives_the_same_verdicts(tmp_path):
    from carepath.build import build

    out = build(out=tmp_path / "build", shacl=False).out
    from_build = json.loads(invoke("--graph", str(out), "--format", "json").stdout)
    from_data = json.loads(invoke("--format", "json").stdout)
    assert from_build == from_data


def test_own_criteria_files_replace_the_bundled_sets(tmp_path):
    from carepath.conformance.criteria import bundled_files
    from carepath.errors import DataValidationError

    pif = next(p for p in bundled_files() if p.name == "pif.yaml")
    mine = tmp_path / "mine.yaml"
    mine.write_text(pif.read_text(encoding="utf-8").replace("id: pif\n", "id: ours\n", 1),
                    encoding="utf-8")
    rows = json.loads(invoke("--criteria", str(mine), "--area", "scotland", "--format",
                             "json").stdout)
    assert {r["set"] for r in rows} == {"ours"}
    assert {r["criterion"]: r["verdict"] for r in rows}["PIF-4"] == "met"  # doc-003:18
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: x\ntitle: X\n", encoding="utf-8")
    result = invoke("--criteria", str(broken), code=1)
    assert isinstance(result.exception, DataValidationError)
    assert str(result.exception).startswith(f"{broken}:")
