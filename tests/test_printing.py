"""carepath.printing: tables that fit, stream and print data literally."""

import io

import pandas as pd
from rich.console import Console

from carepath.printing import emit, literal


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


def _split_ids(text: str, ids: set[str], words: set[str] = frozenset()) -> list[str]:
    """Words of ``text`` that are the start of an id (ids have hyphens) but neither an id
    nor one of ``words`` (those of the names): an id split mid-word."""
    return [w for w in text.split() if "-" in w and w not in ids and w not in words
            and any(i.startswith(w) for i in ids)
            and not any(w.startswith(i) for i in ids)]


def test_ids_and_headers_are_never_split_to_fit_80_columns(reference):
    """Issue 23: `specialist-perinata/l`, `p05-childrens-centr/es-eyfs`, `service_nam/e`."""
    from .cli.invoke import cli

    ids = {*reference.services, *reference.tiers, *reference.areas}
    assert _split_ids(" p05-health-visi   Health\n ting", ids) == ["p05-health-visi"]
    words = {w for s in reference.services.values() for w in s.name.split()}
    for command in (("services",), ("pathway", "--at", "4m", "--full"),
                    ("pathway",), ("refers", "--area", "dorset"),
                    ("overlaps",), ("stepped-care",), ("structure",),
                    ("need", "--concern", "anxiety", "--at", "4m")):
        result = cli(*command, columns=80)
        assert result.exit_code == 0, (command, result.stderr)
        lines = result.stdout.splitlines()
        assert max(len(line) for line in lines) <= 80, command
        assert _split_ids(result.stdout, ids, words) == [], command
    header = next(line for line in cli("pathway", "--at", "4m", "--full").stdout.splitlines()
                  if "stage_text" in line)
    assert "service_name" in header


def test_a_text_column_narrows_before_an_id_column():
    df = pd.DataFrame({"id": ["p05-childrens-centres-eyfs"], "tier": ["specialist-perinatal"],
                       "name": ["Children's Centres & EYFS"], "why": ["reason " * 30]})
    text = render(df, width=80)
    assert "p05-childrens-centres-eyfs" in text and "specialist-perinatal" in text
    assert max(len(line) for line in text.splitlines()) <= 80
