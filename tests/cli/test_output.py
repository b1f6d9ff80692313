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
    card = run_cli("show", "lit-iapt", "--data", LITERAL).stdout
    assert "Talking therapies [iapt] [/] [link=http://x]y[/link]" in card
    assert "[/] closes nothing" in card
    assert ("Escape [red]red[/red] and [link=http://evil.example]click[/link] here"
            in " ".join(card.split()))


def test_escape_sequences_in_data_never_reach_the_terminal():
    """The loaders refuse control characters, but a model can come from elsewhere (an import,
    a build folder's snapshot): a table prints its text without them."""
    import io

    import pandas as pd
    from rich.console import Console

    from carepath.printing import Format, emit

    note = ("Escape \x1b[31mred\x1b[0m and \x1b]8;;http://evil.example\x1b\\click"
            "\x1b]8;;\x1b\\ here; bell \x07")
    buffer = io.StringIO()
    console = Console(file=buffer, width=100, markup=False, highlight=False, emoji=False)
    emit(pd.DataFrame({"service": ["lit-iapt"], "note": [note]}), Format.table, console=console)
    printed = buffer.getvalue()
    assert not ESCAPE.search(printed) and "http://evil.example" not in printed
    assert "Escape red and click here; bell" in " ".join(printed.split())


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
    table = run_cli("overlaps", "--limit", "5", env={"COLUMNS": "100"}).stdout
    every = run_cli("overlaps", "--format", "csv").stdout.splitlines()[1:]
    assert f"first 5 of {len(every):,} rows" in table
    assert f"{len(every):,} rows by kind (down) and area (across)" in table
    records = json.loads(run_cli("overlaps", "--format", "json").stdout)
    assert len(records) == len(every) and "names" in records[0]



def test_structure_says_what_each_cut_point_separates(reference):
    rows = json.loads(run_cli("structure", "--area", "dorset", "-f", "json").stdout)
    cuts = [r for r in rows if r["cut_vertex"]]
    assert cuts and all(r["separates"] for r in cuts)
    for row in cuts:  # each separated node is joined to the cut point by a stated relation
        joined = {n for rel in reference.relations if row["service"] in (rel.source, rel.target)
                  for n in (rel.source, rel.target)}
        # or by a stated part-of (doc-002:14: the MMHS is part of the combined service)
        joined |= {s.id for s in reference.services.values() if s.part_of == row["service"]}
        assert set(row["separates"]) <= joined
    table = run_cli("structure", "--area", "dorset", env={"COLUMNS": "80"}).stdout
    assert f"{cuts[0]['service']}" in table and "separates" in table


def test_compare_is_a_tier_by_stage_matrix_of_counts():
    rows = json.loads(run_cli("compare", "dorset", "pathway-0-5", "-f", "json").stdout)
    table = run_cli("compare", "Dorset", "pathway-0-5", env={"COLUMNS": "80"}).stdout
    assert max(len(line) for line in table.splitlines()) <= 80
    header = next(line for line in table.splitlines() if line.lstrip().startswith("tier "))
    assert header.split()[1:4] == ["precon", "preg", "0-6w"]
    cell = next(r for r in rows if r["stage"] == "weeks-0-6" and r["tier"] == "universal")
    universal = next(line for line in table.splitlines() if line.startswith(" universal "))
    assert universal.split()[3] == f"{cell['count_a']}/{cell['count_b']}"
