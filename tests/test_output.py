"""carepath.output: tables that fit, stream and print data literally."""

import io

import pandas as pd
from rich.console import Console

from carepath.output import emit, literal


def render(df, width=60, **options):
    buffer = io.StringIO()
    emit(df, "table", console=Console(file=buffer, width=width, markup=False,
                                      highlight=False), **options)
    return buffer.getvalue()


def test_a_long_table_streams_in_one_layout_with_every_row():
    n = 450  # more than one chunk of 200 rows
    df = pd.DataFrame({"id": [f"service-{i}" for i in range(n)],
                       "reason": ["words that wrap within a column of a narrow table"] * n,
                       "evidence": [f"doc-00{i % 5}:{i}" for i in range(n)]})
    text = render(df, limit=0)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 60
    starts = [line.split()[0] for line in lines if line.startswith(" service-")]
    assert starts == list(df["id"])  # every row, in order, ids never wrapped
    ev_column = {line.index("doc-") for line in lines if "doc-" in line}
    assert len(ev_column) == 1  # the rows after the first chunk keep the first's widths
    row_199 = next(i for i, line in enumerate(lines) if line.startswith(" service-199 "))
    assert lines[row_199 + 2].startswith(" service-200 ")  # no gap where the chunks meet


def test_the_default_limit_cuts_and_says_so():
    df = pd.DataFrame({"id": [f"s-{i}" for i in range(120)]})
    text = render(df)
    assert "first 50 of 120 rows" in text and " s-49" in text and " s-50" not in text


def test_literal_removes_escape_sequences_and_keeps_brackets():
    assert literal("[bold]x[/] \x1b[2J\x1b]8;;http://e\x07link\x1b]8;;\x07\x07") == \
        "[bold]x[/] link"
