"""Dated versions of a data folder: saved beside it, never overwritten, found by date; and
every question answered ``--as-of`` a date from the version valid then."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from carepath.cli import app
from carepath.errors import DataValidationError, HistoryError, UsageError
from carepath.history import (
    find_version,
    history_folder,
    save_version,
    version_at,
    versions,
)

from .conftest import run_cli
from .support import versions as edits


@pytest.fixture()
def saved(tmp_path):
    """A data folder with two versions: 2023-v3 (as curated) and 2024-v4 (the midwives'
    route removed, the window shortened)."""
    data = edits.copy_reference(tmp_path / "data")
    save_version(data, label="2023-v3", valid_from="2023-04-01", note="as curated")
    edits.remove_midwife_route(data)
    edits.shorten_window(data)
    save_version(data, label="2024-v4", valid_from="2024-08-01")
    return data


def cli(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=True)


def test_a_version_records_its_files_hash_and_the_documents_own_versions(saved, tmp_path):
    history = tmp_path / ".carepath-history"
    assert history_folder(saved) == history
    old, new = versions(history)
    assert (old.label, old.valid_from, old.note) == ("2023-v3", "2023-04-01", "as curated")
    assert sorted(old.files) == ["areas/cheshire-merseyside.yaml", "areas/dorset.yaml",
                                 "areas/pathway-0-5.yaml", "areas/pmh-lead.yaml",
                                 "areas/scotland.yaml", "sources.yaml"]
    assert old.documents == {"doc-002": {"version": "01/MRFH/0009 v4 (from 01 August 2024)",
                                         "dated": "2024-08-01", "cite": "doc-002:6"}}
    assert old.build_format is not None and len(old.content_hash) == 64
    assert old.content_hash != new.content_hash  # dorset.yaml was edited in between
    saved_text = (old.data / "areas" / "dorset.yaml").read_text(encoding="utf-8")
    assert "<li>Midwives</li>" in saved_text  # the copy is as it was, not as it is now
    assert "<li>Midwives</li>" not in (saved / "areas" / "dorset.yaml").read_text()


def test_a_version_is_never_overwritten(saved, tmp_path):
    before = (tmp_path / ".carepath-history" / "2023-v3" / "version.json").read_bytes()
    with pytest.raises(HistoryError, match="already exists.*never overwritten"):
        save_version(saved, label="2023-v3", valid_from="2025-01-01")
    with pytest.raises(HistoryError, match="already valid from 2024-08-01"):
        save_version(saved, label="again", valid_from="2024-08-01")
    assert (tmp_path / ".carepath-history" / "2023-v3" / "version.json").read_bytes() == before
    assert [v.label for v in versions(tmp_path / ".carepath-history")] == ["2023-v3", "2024-v4"]


@pytest.mark.parametrize(("label", "date", "message"), [
    pytest.param("../up", "2024-01-01", "cannot name a version", id="label-with-a-path"),
    pytest.param("ok", "01/08/2024", "not a date; write it as YYYY-MM-DD", id="date-not-iso"),
])
def test_bad_labels_and_dates_are_refused(saved, label, date, message):
    with pytest.raises(HistoryError, match=message):
        save_version(saved, label=label, valid_from=date)


def test_invalid_data_saves_nothing(saved, tmp_path):
    (saved / "areas" / "dorset.yaml").write_text("services: [{id: Bad Id}]\n")
    with pytest.raises(DataValidationError):
        save_version(saved, label="broken", valid_from="2025-01-01")
    assert not (tmp_path / ".carepath-history" / "broken").exists()
    assert [p.name for p in (tmp_path / ".carepath-history").iterdir()
            if p.name.startswith(".")] == []  # no temporary folder left behind


def test_the_version_valid_on_a_date(saved):
    history = history_folder(saved)
    assert version_at(history, "2024-07-31").label == "2023-v3"
    assert version_at(history, "2024-08-01").label == "2024-v4"
    assert find_version(history, "2023-v3").label == "2023-v3"
    with pytest.raises(HistoryError, match="earliest, '2023-v3', is valid from 2023-04-01"):
        version_at(history, "2020-01-01")
    with pytest.raises(HistoryError, match=r"expected a label \(2023-v3, 2024-v4\)"):
        find_version(history, "v9")


def test_history_list_shows_the_versions(saved):
    result = cli("history", "list", "--data", str(saved), "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["label"], r["valid_from"]) for r in rows] == [("2023-v3", "2023-04-01"),
                                                              ("2024-v4", "2024-08-01")]


def test_questions_answer_from_the_version_valid_then(saved):
    def routes(as_of: str) -> list:
        result = cli("routes", "midwife", "dorset-pmmhs", "--data", str(saved),
                     "--as-of", as_of, "--format", "json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    assert routes("2024-01-31") != []  # v3: midwives refer to the service
    assert routes("2024-09-01") == []  # v4: they no longer do

    def window(as_of: str) -> str:
        result = cli("show", "dorset-pmmhs", "--data", str(saved), "--as-of", as_of,
                     "--format", "json")
        assert result.exit_code == 0, result.output
        return result.stdout

    assert "up to two years postnatally" in window("2024-01-31")
    assert "up to one year postnatally" in window("2024-09-01")
    for command in (["services", "--area", "dorset"], ["gaps", "--area", "dorset"],
                    ["refers", "--from", "midwife"]):
        old = cli(*command, "--data", str(saved), "--as-of", "2024-01-31", "--format", "json")
        new = cli(*command, "--data", str(saved), "--as-of", "2024-09-01", "--format", "json")
        assert old.exit_code == new.exit_code == 0, (old.output, new.output)
        assert old.stdout != new.stdout, command


def test_as_of_is_not_given_with_a_build_folder(saved, tmp_path):
    result = cli("services", "--graph", str(tmp_path), "--as-of", "2024-01-31")
    assert isinstance(result.exception, UsageError)


def test_as_of_before_any_version_is_one_line_and_exit_2(saved):
    result = run_cli("services", "--data", str(saved), "--as-of", "2020-01-01")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: no version was valid on 2020-01-01: the earliest, '2023-v3', is valid from "
        "2023-04-01"]


def test_versions_in_rdf_are_revisions_of_the_one_before(saved):
    import rdflib
    from rdflib.namespace import PROV

    result = cli("history", "list", "--data", str(saved), "--format", "turtle")
    assert result.exit_code == 0, result.output
    g = rdflib.Graph().parse(data=result.stdout, format="turtle")
    base = "https://w3id.org/carepath/id/version/data/"
    assert set(g.subject_objects(PROV.wasRevisionOf)) == {
        (rdflib.URIRef(base + "2024-v4"), rdflib.URIRef(base + "2023-v3"))}
