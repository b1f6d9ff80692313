"""`carepath eligible` as a planner reads it at 80 columns: where a service says no, where the
family can go instead; the many services the documents cannot say for, in one summary."""

import json

from .invoke import cli


def _rows(*args):
    result = cli("eligible", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_a_no_says_where_the_family_can_go_instead():
    args = ("--at", "4m", "--area", "dorset", "--parent-age", "16")
    rows = _rows(*args)
    said_no = [r for r in rows if r["accepts"] == "no" and r["route"].startswith("instead:")]
    assert said_no
    result = cli("eligible", *args)
    assert result.exit_code == 0, result.stderr
    text = " ".join(result.stdout.split())
    for row in said_no:
        block = text[text.index(f"{row['service']} ("):]
        assert block.startswith(f"{row['service']} ({row['name']}, {row['area']}): no")
        instead = " ".join(row["route"].removeprefix("instead:").split())
        assert f"instead {instead}" in block
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


def test_the_unknown_rows_are_one_summary_and_json_csv_keep_every_row():
    rows = _rows("--at", "4m", "--area", "dorset")
    unknown = [r["service"] for r in rows if r["accepts"] == "unknown"]
    assert len(unknown) > len(rows) / 2  # most of Dorset's services state no window
    result = cli("eligible", "--at", "4m", "--area", "dorset")
    lines = result.stdout.splitlines()
    blocks = [line.split(" (")[0] for line in lines if line and not line.startswith(" ")
              and ": " in line and line.split(" (")[0] in {r["service"] for r in rows}]
    assert not set(blocks) & set(unknown)  # no row of its own for an unknown
    summary = " ".join(result.stdout[result.stdout.index("\nand ") + 1:].split())
    assert summary.startswith(f"and {len(unknown)} services the documents cannot say for")
    assert unknown[0] in summary
    csv = cli("eligible", "--at", "4m", "--area", "dorset", "--format", "csv").stdout
    assert len(csv.strip().splitlines()) == len(rows) + 1
