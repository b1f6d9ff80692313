"""Printing results as rich tables, JSON (an array of objects) or CSV.

>>> import pandas as pd
>>> print(to_json(pd.DataFrame({"service": ["Health Visiting"], "weeks": [260]})))
[{"service": "Health Visiting", "weeks": 260}]
"""

from __future__ import annotations

import io
import json
import math
from enum import StrEnum
from typing import Any

import pandas as pd
from rich.console import Console
from rich.markup import escape
from rich.table import Table


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def _plain(value: Any) -> Any:
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain Python dicts (NaN as None, lists kept)."""
    return [{col: _plain(val) for col, val in zip(df.columns, row, strict=True)}
            for row in df.itertuples(index=False, name=None)]


def to_json(df: pd.DataFrame) -> str:
    return json.dumps(records(df), ensure_ascii=False)


def _cell(value: Any) -> str:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def to_csv(df: pd.DataFrame) -> str:
    flat = pd.DataFrame({col: [_cell(v) for v in df[col]] for col in df.columns},
                        columns=df.columns)
    buffer = io.StringIO()
    flat.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def to_rich_table(df: pd.DataFrame, title: str | None = None) -> Table:
    table = Table(title=title, show_lines=False, header_style="bold")
    for col in df.columns:
        table.add_column(str(col), overflow="fold")
    for row in df.itertuples(index=False, name=None):
        table.add_row(*(escape(_cell(v)) for v in row))  # data is text, never rich markup
    return table


def emit(df: pd.DataFrame, fmt: Format, *, title: str | None = None,
         console: Console | None = None, brief: list[str] | None = None) -> None:
    """Print ``df`` to stdout in ``fmt``; tables through rich, JSON/CSV as plain text.

    ``brief`` names the columns a terminal table shows (JSON and CSV always carry every
    column); a caption says what the table leaves out.
    """
    if fmt is Format.json:
        print(to_json(df))
    elif fmt is Format.csv:
        print(to_csv(df), end="")
    else:
        console = console or Console()
        if df.empty:
            console.print(f"[dim]{title + ': ' if title else ''}no rows[/dim]")
            return
        shown = [c for c in brief if c in df.columns] if brief else list(df.columns)
        table = to_rich_table(df[shown], title)
        if hidden := [c for c in df.columns if c not in shown]:
            table.caption = f"also in --format csv/json: {', '.join(hidden)}"
        console.print(table)
