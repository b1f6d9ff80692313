"""The command line, run as a user runs it: in this process (:func:`tests.conftest.cli`, as
``main()`` runs it), and as a real process once per exit code (0, 1, 2) and in the gaps test."""

import json
from pathlib import Path

from .conftest import FIXTURES, cli, run_cli


def test_build_prints_a_summary(tmp_path):
    result = run_cli("build", "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert "services" in result.stdout and "62" in result.stdout
    assert (tmp_path / "out" / "carepath.ttl").exists()


def test_validate_reports_every_problem_without_a_traceback(tmp_path):
    (tmp_path / "area.yaml").write_text(
        "source: s\nsources: [{id: s, title: S}]\narea: {id: a, name: A}\n"
        "services:\n  - {id: a-x, name: X, tier: nope}\n"
        "relations:\n  - {kind: refers_to, from: a-x, to: a-missing}\n")
    result = run_cli("validate", str(tmp_path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert any(f"{tmp_path / 'area.yaml'}:5: tier: unknown tier 'nope'" in line for line in lines)
    assert any("unknown target 'a-missing'" in line for line in lines)


def test_build_of_bad_data_writes_nothing(tmp_path):
    (tmp_path / "area.yaml").write_bytes(b"services:\n  - id: caf\xe9\n")
    result = cli("build", "--data", str(tmp_path), "-o", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "not UTF-8" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_info_as_json(tmp_path):
    result = cli("info", "--data", str(FIXTURES / "tiny"), "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    counts = {r["id"]: r["count"] for r in rows if r["section"] == "count"}
    assert counts["services"] == 2 and counts["relations"] == 3


def test_template_then_validate(tmp_path):
    book = tmp_path / "mine.xlsx"
    assert cli("template", str(book)).returncode == 0
    result = cli("validate", str(book))
    assert result.returncode == 0
    assert "no services found" in result.stderr


def test_unknown_command_is_a_usage_error():
    result = run_cli("frobnicate")
    assert result.returncode == 2
    assert "No such command" in result.stderr


def test_refers_as_json_traces_each_answer_to_its_source():
    result = cli("refers", "--to", "dorset-pmmhs", "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert {r["source"] for r in rows} == {"gp", "relatives", "dorset-cmht",
                                            "dorset-social-care", "midwife", "health-visitor"}
    assert all(r["evidence"].startswith("doc-002:") for r in rows)


def test_routes_respect_the_age_of_the_child():
    args = ("routes", "p05-health-visiting", "p05-adult-mental-health-services", "-f", "json")
    at_4_weeks = json.loads(cli(*args, "--at", "4 weeks").stdout)
    at_30_weeks = json.loads(cli(*args, "--at", "30 weeks").stdout)
    assert at_4_weeks and not at_30_weeks


def test_named_query_through_the_cli_as_csv():
    result = cli("query", "run", "who-refers-to", "--param", "service=dorset-pmmhs",
                 "--engine", "cypher", "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "source,source_name,evidence_source,evidence_line"
    assert len(result.stdout.splitlines()) == 7


def test_query_errors_are_one_line_with_exit_1():
    for args in (("query", "run", "who-refers-to"),
                 ("query", "run", "no-such-query"),
                 ("query", "sparql", "SELEC ?x"),
                 ("query", "cypher", "MATCH (n RETURN n")):
        result = cli(*args)
        assert result.returncode == 1, args
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_bad_param_syntax_is_a_usage_error():
    result = cli("query", "run", "who-refers-to", "--param", "service")
    assert result.returncode == 2
    assert "NAME=VALUE" in result.stderr


def test_gaps_as_csv_name_their_reason_and_evidence():
    result = run_cli("gaps", "--area", "dorset", "--kind", "transition", "--format", "csv")
    assert result.returncode == 0, result.stderr
    header, *rows = result.stdout.splitlines()
    assert header.split(",")[:4] == ["area", "kind", "basis", "subject"]
    # doc-002:40: a discharge plan "may include referral to other services": a hand-over
    # stated with its receivers not named (issue 22), so not stated, never absent
    assert rows and all(row.startswith("dorset,transition,not-stated,") for row in rows)


def test_gaps_table_starts_with_a_summary_and_filters_by_basis():
    result = run_cli("gaps", "--area", "dorset", "--basis", "not-stated",
                     env={"COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.index("gaps by area, kind and basis") < result.stdout.index(
        "transition")
    summary = result.stdout.split("\ngaps\n")[0]
    assert " basis " in summary and "not-stated" in summary  # one row per basis found
    assert "outside-scope" not in summary  # the filter applies to the summary too
    assert "rows by kind (down)" not in result.stdout  # one summary, not two of the same
    as_csv = run_cli("gaps", "--area", "dorset", "--basis", "outside-scope", "-f", "csv").stdout
    assert {line.split(",")[2] for line in as_csv.splitlines()[1:]} == {"outside-scope"}
    bad = run_cli("gaps", "--basis", "missing")
    assert bad.returncode == 2 and "'missing' is not one of" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_pathway_cells_overlapping_an_age_by_service_name():
    rows = json.loads(cli("pathway", "--service", "health visiting", "--at", "7 weeks",
                          "-f", "json").stdout)
    assert {r["stage_text"] for r in rows} == {"1 week - 6/8 weeks", "All Age Groups",
                                               "Birth - 6 months"}
    assert all(r["service"] == "p05-health-visiting" and r["evidence"].startswith("doc-001:")
               for r in rows)


def test_eligible_answers_yes_no_or_unknown():
    rows = json.loads(cli("eligible", "--at", "4 months", "--concern",
                          "maternal-mental-health", "--severity", "moderate", "--area",
                          "dorset", "-f", "json").stdout)
    verdicts = {r["service"]: r["accepts"] for r in rows}
    assert verdicts["dorset-pmmhs"] == "yes"
    assert {verdicts[s] for s in ("dorset-camhs", "dorset-general-practice",
                                  "dorset-social-care", "dorset-mbu")} == {"unknown"}


def test_stepped_care_sizes_need_for_the_births_given():
    rows = json.loads(cli("stepped-care", "--area", "cheshire-merseyside", "--births",
                          "10000", "-f", "json").stdout)
    iapt = next(r for r in rows if r["tier"] == "primary-care-mh")
    assert (iapt["families_min"], iapt["families_max"]) == (1200, 1700)


def test_table_output_names_the_columns_it_leaves_out():
    result = cli("overlaps", "--area", "cheshire-merseyside")
    assert result.returncode == 0, result.stderr
    assert "other columns (--columns, --format csv/json)" in result.stdout
    assert "evidence" in result.stdout


def test_diff_and_whatif_from_the_command_line():
    analysis = Path(__file__).parent / "data" / "analysis"
    changes = json.loads(cli("diff", str(analysis / "compare-old.yaml"),
                             str(analysis / "compare-new.yaml"), "-f", "json").stdout)
    assert {"added", "removed", "changed"} == {c["change"] for c in changes}
    lost = json.loads(cli("whatif", "rh-triage", "--data",
                          str(analysis / "compare-routes.yaml"), "-f", "json").stdout)
    assert {"midwife", "rh-hv"} <= {r["subject"] for r in lost if r["kind"] == "broken-route"}
    bad = cli("whatif", "rh-nowhere", "--data", str(analysis / "compare-routes.yaml"))
    assert bad.returncode == 2 and "unknown service 'rh-nowhere'" in bad.stderr


def test_validate_says_when_shacl_is_skipped():
    result = cli("validate", "--shacl-limit", "100")
    assert result.returncode == 0, result.stderr
    assert "SHACL check skipped" in result.stderr and "--shacl-limit 0" in result.stderr


def test_self_referral_stated_not_yet_is_an_answer():
    # doc-002:35 "Receiving referrals from service users is being explored"
    result = cli("refers", "--self", "--area", "dorset")
    assert result.returncode == 0, result.stderr
    assert "not-yet" in result.stdout and "doc-002:35" in result.stdout
    # the only self-referrals are the 24/7 crisis access of doc-002:27 (issue 22)
    referrals = result.stdout.split("\nreferrals\n")[1]
    assert "doc-002:27" in referrals and "dorset-pmmhs" not in referrals

