"""Readable output: data printed literally, tables fitted to the terminal, big results cut
and summarised, JSON and CSV keeping everything."""

import json
import re

from ..conftest import FIXTURES, run_cli

LITERAL = str(FIXTURES / "literal")
ESCAPE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def test_text_from_data_is_never_markup_nor_escape_sequences():
    for args in (("services",), ("show", "lit-iapt"), ("refers", "--columns", "note"),
                 ("info",)):
        result = run_cli(*args, "--data", LITERAL)
        assert result.returncode == 0, (args, result.stderr)
        assert not ESCAPE.search(result.stdout), args
        assert "http://evil.example" not in result.stdout
    card = run_cli("show", "lit-iapt", "--data", LITERAL).stdout
    assert "Talking therapies [iapt] [/] [link=http://x]y[/link]" in card
    assert "[/] closes nothing" in card and "Escape red and click" in " ".join(card.split())


def test_error_messages_print_an_id_pattern_intact(tmp_path):
    (tmp_path / "a.yaml").write_text("source: s\nsources: [{id: s, title: S}]\n"
                                     "area: {id: a, name: A}\n"
                                     "services:\n  - {id: Bad Id, name: X}\n")
    result = run_cli("validate", str(tmp_path))
    assert result.returncode == 1
    assert "'^[a-z0-9][a-z0-9-]*$'" in result.stderr


def test_refers_shows_the_key_columns_within_80_columns():
    result = run_cli("refers", "--to", "dorset-pmmhs", env={"COLUMNS": "80"})
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert len(lines) < 25  # six referrals, not 190 lines
    header = next(line for line in lines if "evidence" in line).split()
    assert header == ["source", "target", "conditions", "evidence"]


def test_columns_pick_others_and_an_unknown_column_is_a_usage_error():
    result = run_cli("refers", "--to", "dorset-pmmhs", "--columns", "source_name,note")
    assert "Open referral process" in result.stdout and "doc-002:31" not in result.stdout
    bad = run_cli("refers", "--to", "dorset-pmmhs", "--columns", "nope")
    assert bad.returncode == 2 and "this answer has: source, source_name" in bad.stderr


def test_a_big_result_is_summarised_then_cut_and_csv_keeps_every_row():
    table = run_cli("gaps", "--limit", "5", env={"COLUMNS": "100"}).stdout
    every = run_cli("gaps", "--format", "csv").stdout.splitlines()[1:]
    assert f"first 5 of {len(every):,} rows" in table
    assert f"{len(every):,} rows by kind (down) and area (across)" in table
    records = json.loads(run_cli("gaps", "--format", "json").stdout)
    assert len(records) == len(every) and "subject_name" in records[0]
