"""Printing results as terminal tables, JSON (an array of objects) or CSV.

Text from the data is printed literally: never read as rich markup (``[iapt]`` stays), and
with control characters and terminal escape sequences removed (no colours, cursor moves or
hyperlinks smuggled in by a data file). Terminal tables show a command's key columns, fit the
terminal's width, stop after ``limit`` rows and stream, so a big result costs about what CSV
costs; JSON and CSV carry every row and column. Every function takes a pandas DataFrame or
plain :class:`carepath.rows.Rows` (and imports no pandas for the latter).

>>> import pandas as pd
>>> print(to_json(pd.DataFrame({"service": ["Health Visiting"], "weeks": [260]})))
[{"service": "Health Visiting", "weeks": 260}]
>>> literal("IAPT [iapt] \\x1b]8;;http://x\\x1b\\\\link\\x1b]8;;\\x1b\\\\ \\x1b[31mred")
'IAPT [iapt] link red'
"""

from __future__ import annotations

import io
import json
import math
import re
from collections.abc import Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from carepath.rows import Rows

if TYPE_CHECKING:  # pandas and rich load only when something is printed
    import pandas as pd
    from rich.console import Console
    from rich.table import Table

    Table_ = Rows | pd.DataFrame  # what the functions here print

#: rows a terminal table shows unless --limit says otherwise
DEFAULT_LIMIT = 50
_CHUNK = 200  # rows rendered at a time: the table streams
# CSI and OSC sequences (colours, cursor moves, OSC 8 hyperlinks), then any other control char
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?"
                      r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def literal(text: Any) -> str:
    """``text`` as a string safe to print to a terminal: escape sequences and control
    characters (except new lines and tabs) removed, bidi controls shown inert; markup-looking
    text is kept as it is."""
    from carepath.writing import inert_bidi

    return inert_bidi(_ESCAPES.sub("", str(text)))  # a name cannot display reversed


def _plain(value: Any) -> Any:
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def records(df: Table_) -> list[dict[str, Any]]:
    """Rows as plain Python dicts (NaN as None, lists kept)."""
    rows = Rows.of(df)
    return [{col: _plain(val) for col, val in zip(rows.columns, row, strict=True)}
            for row in rows.tuples()]


def to_json(df: Table_) -> str:
    return json.dumps(records(df), ensure_ascii=False)


def _cell(value: Any) -> str:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return f"{value:.3g}" if abs(value) < 1 else f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def to_csv(df: Table_) -> str:
    """``df`` as CSV text for people: lists joined by ``; ``, formula-like text made inert
    (:func:`carepath.writing.spreadsheet_safe`). A column at a time, plain text passed
    through as it is (65,000 overlaps at national: 0.5 s, not 9 s cell by cell).

    >>> import pandas as pd
    >>> print(to_csv(pd.DataFrame({"a": ["x", "=1+1"], "b": [[1, 2], None]})), end="")
    a,b
    x,1; 2
    '=1+1,
    """
    import csv

    from carepath.writing import FORMULA_START, spreadsheet_safe_text

    def column(values: list[Any]) -> list[str]:
        texts = [v if type(v) is str else _text_list(v) for v in values]
        return [spreadsheet_safe_text(t) if t.startswith(FORMULA_START) else t for t in texts]

    rows = Rows.of(df)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([str(c) for c in rows.columns])
    writer.writerows(zip(*(column(v) for v in rows.values), strict=True))
    return buffer.getvalue()


def _text_list(value: Any) -> str:
    """:func:`_csv_cell`, quicker for the commonest cell that is not text: a list of texts."""
    if type(value) in (list, tuple) and all(type(v) is str for v in value):
        return "; ".join(value)
    return _csv_cell(value)


def _csv_cell(value: Any) -> str:
    value = _plain(value)
    if isinstance(value, float) and not value.is_integer():
        return str(value)  # CSV keeps full precision; tables round
    return _cell(value)


def to_rich_table(df: Table_, title: str | None = None) -> Table:
    """``df`` as a rich table whose cells are literal text (never markup)."""
    rows = Rows.of(df)
    table = _new_table(rows.columns, title)
    _add_rows(table, rows.tuples())
    return table


def _new_table(columns: Sequence[str], title: str | None = None, *,
               widths: Sequence[int] | None = None, header: bool = True,
               compact: bool = False) -> Table:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(literal(title)) if title else None, box=box.SIMPLE_HEAD,
                  header_style="bold", show_header=header, pad_edge=False,
                  title_justify="left", padding=(0, 0) if compact else (0, 1))
    for i, col in enumerate(columns):
        width = widths[i] if widths else None
        table.add_column(Text(literal(col)), overflow="fold", width=width,
                         min_width=None if width else min(len(str(col)), 12))
    return table


def _add_rows(table: Table, rows) -> None:
    from rich.text import Text

    for row in rows:
        table.add_row(*(Text(literal(_cell(v))) for v in row))


def check_columns(df: Table_, columns: Sequence[str]) -> list[str]:
    """``columns`` (given with ``--columns``, comma-separated or repeated) checked against
    ``df``; a :class:`NameLookupError` names the columns there are."""
    from carepath.errors import NameLookupError

    have = [str(c) for c in df.columns]
    wanted = [c.strip() for item in columns for c in item.split(",") if c.strip()]
    unknown = [c for c in wanted if c not in have]
    if unknown:
        raise NameLookupError(f"unknown column {unknown[0]!r}; this answer has: "
                              f"{', '.join(have)}", have)
    return wanted


def emit(df: Table_, fmt: Format, *, title: str | None = None,
         console: Console | None = None, brief: Sequence[str] | None = None,
         columns: Sequence[str] | None = None, limit: int | None = DEFAULT_LIMIT,
         summary: Sequence[str] | Sequence[Sequence[str]] | None = None,
         compact: bool = False) -> None:
    """Print ``df`` to stdout in ``fmt``.

    JSON and CSV carry every row and column (``columns`` narrows them if given). A terminal
    table shows ``columns``, else the ``brief`` key columns, fitted to the terminal's width;
    at most ``limit`` rows (0 or None: all, streamed), with a caption saying what it leaves
    out; ``compact`` puts one space between columns (a matrix of short cells). When rows are
    left out and ``summary`` names columns (or lists of columns), counts of the rows by those
    columns come first: a matrix for two columns whose second has few values, else the
    largest groups.
    """
    chosen = check_columns(df, columns) if columns else None
    df = Rows.of(df)
    if fmt is Format.json:
        print(to_json(df.select(chosen) if chosen else df))
        return
    if fmt is Format.csv:
        print(to_csv(df.select(chosen) if chosen else df), end="")
        return
    from rich.console import Console
    from rich.text import Text

    console = console or Console(markup=False, highlight=False, emoji=False)
    if df.empty:
        console.print(Text(f"{literal(title) + ': ' if title else ''}no rows", style="dim"))
        return
    shown = chosen or ([c for c in brief if c in df.columns] if brief else list(df.columns))
    pad = 1 if compact else _PAD
    shown, squeezed = _fit(df, shown, console.width, pad) if not chosen else (shown, [])
    hidden = [c for c in df.columns if c not in shown]
    total = len(df)
    cut = bool(limit) and total > limit
    if cut and summary:
        groups = [summary] if isinstance(summary[0], str) else summary
        for by in groups:
            _summarise(df, [c for c in by if c in df.columns], console, title)
    rows = df.select(shown).head(limit) if cut else df.select(shown)
    notes = []
    if cut:
        notes.append(f"first {limit:,} of {total:,} rows (--limit 0 for all, --format csv "
                     f"for everything)")
    if hidden:
        notes.append(f"other columns (--columns, --format csv/json): {', '.join(hidden)}"
                     + (" (left out to fit the width)" if squeezed else ""))
    _stream(rows, console, title, compact=compact)
    if notes:
        import textwrap

        wrapped = [line for n in notes for line in textwrap.wrap(
            literal(n), max(console.width, 20), break_long_words=False,
            break_on_hyphens=False)]  # at spaces: a column name is never split
        console.print(Text("\n".join(wrapped), style="dim"), soft_wrap=True)


def _fit(df: Table_, shown: list[str], width: int,
         pad: int = 3) -> tuple[list[str], bool]:
    """The columns of ``shown`` that fit ``width`` at their narrowest (see :func:`_widths`);
    the last ones go first."""
    kept = list(shown)
    while len(kept) > 1 and sum(_narrowest(df, kept)) + pad * len(kept) > width:
        kept.pop()
    return kept, len(kept) < len(shown)


_PAD = 3  # a column's padding and separator
_MIN_WRAP = 10  # a wrapped column is never narrower than this
_HEADER_MAX = 16  # ... nor than its header, up to this wide
_ID_MAX = 40  # a column of single words (ids, tiers, evidence) up to this wide is never wrapped


def _natural(df: Table_, columns: Sequence[str]) -> list[tuple[int, bool]]:
    """Each column's natural width (its widest cell or header, over the first rows) and
    whether it holds single words (ids, evidence), which read badly wrapped."""
    df = Rows.of(df)
    out = []
    for c in columns:
        values = df.column(c)
        cells = [_cell(v) for v in values[:_CHUNK]]
        if len(df) > _CHUNK and all(" " not in v for v in cells):  # ids: the widest of all
            cells.append(max((_cell(v) for v in values), key=len))
        cell_widest = max([len(v) for v in cells], default=0)
        words = all(" " not in v for v in cells if v != "not stated")
        if words and cell_widest < len(str(c)):  # a long header over short cells may wrap
            widest = max(cell_widest, min(len(str(c)), 12))
        else:
            widest = max(cell_widest, len(str(c)))
        out.append((widest, words and widest <= _ID_MAX))
    return out


_WORD_MAX = 30  # a text column is at least as wide as the longest id in it, up to this
_ID_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+[,;.:)]?")  # an id in a sentence


def _floor(df: Table_, column: Any, natural: int, whole: bool) -> int:
    """The narrowest a column gets: a column of single words (ids, tiers, evidence: what a
    planner copies into the next command) never narrower than its widest cell; a text
    column never narrower than :data:`_MIN_WRAP`, than its header (up to
    :data:`_HEADER_MAX`) nor than the longest id in it (``dorset-access-mental-health``
    in a sentence; up to :data:`_WORD_MAX`), so no id is split mid-word."""
    if whole:
        return natural
    words = {w for v in Rows.of(df).column(column)[:_CHUNK] for w in _cell(v).split()}
    ids = max((len(w) for w in words if _ID_WORD.fullmatch(w)), default=0)
    return min(natural, max(_MIN_WRAP, min(len(str(column)), _HEADER_MAX),
                            min(ids, _WORD_MAX)))


def _narrowest(df: Table_, columns: Sequence[str]) -> list[int]:
    return [_floor(df, c, n, whole) for c, (n, whole) in zip(columns, _natural(df, columns),
                                                             strict=True)]


def _widths(df: Table_, width: int, pad: int = 3) -> list[int] | None:
    """Fixed column widths that fit ``width``: single-word columns (ids, tiers, evidence)
    whole, the text columns (names, reasons, conditions) share what is left in proportion to
    their length, none below its floor (:func:`_floor`). None when everything fits as it is.
    Only when even the floors do not fit (the caller keeps columns that do) are text columns,
    then the others, narrowed further.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"id": ["specialist-perinatal"], "reason": ["a " * 40]})
    >>> _widths(df, 40)
    [20, 14]
    """
    df = Rows.of(df)
    natural = _natural(df, df.columns)
    room = width - pad * len(natural)
    if sum(n for n, _ in natural) <= room:
        return None
    floors = [_floor(df, c, n, whole) for c, (n, whole) in zip(df.columns, natural,
                                                                strict=True)]
    texts = [i for i, (_, whole) in enumerate(natural) if not whole]
    fixed = sum(n for n, whole in natural if whole)
    left = room - fixed
    if not texts or left < sum(floors[i] for i in texts):  # narrow text first, ids last
        widths = [n for n, _ in natural]
        order = [*texts, *(i for i in range(len(natural)) if i not in texts)]
        while sum(widths) > room:
            cands = [i for i in order if widths[i] > 4]
            if not cands:
                break
            pick = max((i for i in cands if i in texts), key=lambda i: widths[i], default=None)
            if pick is None or widths[pick] <= 4:
                pick = max(cands, key=lambda i: widths[i])
            widths[pick] -= 1
        return widths
    # every text column its floor first, then fair shares of what is left over (a column
    # needing less gives the rest back): a floor never pushes the sum past the room
    widths = [n if whole else floors[i] for i, (n, whole) in enumerate(natural)]
    extra = left - sum(floors[i] for i in texts)
    order = sorted(texts, key=lambda i: natural[i][0] - floors[i])
    for k, i in enumerate(order):
        add = min(natural[i][0] - floors[i], extra // (len(order) - k))
        widths[i] += add
        extra -= add
    return widths


def _print(console: Console, renderable: Any, *, more: bool = False) -> None:
    """Print a table without the spaces rich pads each line with (they wrap badly when a
    terminal narrows and make copied text ragged); with ``more`` (rows follow), without the
    blank line that ends it."""
    with console.capture() as captured:
        console.print(renderable)
    lines = [line.rstrip() for line in captured.get().split("\n")]
    if more:
        while lines and not lines[-1]:
            lines.pop()
        lines.append("")
    console.file.write("\n".join(lines))


def _stream(df: Table_, console: Console, title: str | None, *,
            compact: bool = False) -> None:
    """Print ``df`` as a table in chunks: the first chunk sets the column widths, the later
    ones reuse them, so memory and time grow with a chunk, not with the result."""
    df = Rows.of(df)
    first = df.head(_CHUNK)
    widths = _widths(df, console.width, 1 if compact else _PAD)
    if title:  # above the table, not in it: a table's title wraps at the table's width
        from rich.text import Text

        console.print(Text(literal(title), style="italic"), soft_wrap=False)
    table = _new_table(df.columns, None, widths=widths, compact=compact)
    _add_rows(table, first.tuples())
    if len(df) <= _CHUNK:
        _print(console, table)
        return
    measured = widths or [max(w, 1) for w in _measure(table, console)]
    _print(console, table, more=True)
    gap = " " if compact else "   "
    write = console.file.write
    for start in range(_CHUNK, len(df), _CHUNK):  # the rest without rich: ~20x faster
        rows = df.slice(start, start + _CHUNK).tuples()
        write("".join(_plain_row(row, measured, gap) for row in rows))
    write("\n")


def _wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap, folding words longer than ``width`` (textwrap is 5x slower).

    >>> _wrap("a reason that wraps, with averyveryverylongword", 10)
    ['a reason', 'that', 'wraps,', 'with', 'averyveryv', 'erylongwor', 'd']
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            while len(word) > width:
                if line:
                    lines.append(line)
                    line = ""
                lines.append(word[:width])
                word = word[width:]
            if not line:
                line = word
            elif len(line) + 1 + len(word) <= width:
                line += " " + word
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines or [""]


def _plain_row(row: tuple, widths: Sequence[int], gap: str) -> str:
    """One table row laid out as rich lays out a row of the tables above (same widths, same
    gaps), wrapped at spaces and folding longer words."""
    from itertools import zip_longest

    cells = []
    for v, w in zip(row, widths, strict=True):
        text = literal(_cell(v))
        cells.append([text] if len(text) <= w and "\n" not in text else _wrap(text, w))
    lines = []
    for parts in zip_longest(*cells, fillvalue=""):
        lines.append((" " + gap.join(p.ljust(w) for p, w in zip(parts, widths,
                                                                 strict=True))).rstrip())
    return "\n".join(lines) + "\n"


def _measure(table: Table, console: Console) -> list[int]:
    """The widths rich gives the columns of ``table`` on ``console`` (its private measure;
    without it, the widths of the widest cells, shared out over the console's width)."""
    try:
        return table._calculate_column_widths(console, console.options)
    except AttributeError:  # pragma: no cover - a rich without the private method
        share = max(console.width // max(len(table.columns), 1) - 2, 4)
        return [min(max(len(str(c)) for c in col.cells), share) for col in table.columns]


_SUMMARY_ROWS = 10  # groups a list summary shows
_MATRIX_COLUMNS = 8  # a two-column summary becomes a matrix when its second has this few values


def _summarise(df: Table_, by: list[str], console: Console, title: str | None) -> None:
    """Rows counted by ``by``: a matrix when the second column has few values (tier x area),
    else the largest groups. Groups are in key order (a missing value last), as pandas'
    ``groupby`` orders them."""
    from collections import Counter

    if not by:
        return
    df = Rows.of(df)
    keys = list(zip(*([_plain(v) for v in df.column(c)] for c in by), strict=True))
    sizes = Counter(keys)
    if len(sizes) <= 1:
        return  # one group says nothing the rows do not
    what = f"{title}: " if title else ""
    across = sorted({k[-1] for k in sizes}, key=_key_order) if len(by) == 2 else []
    if len(by) == 2 and len(across) <= _MATRIX_COLUMNS:
        down = sorted({k[0] for k in sizes}, key=_key_order)
        header = [by[0], *("nan" if a is None else str(a) for a in across), "all"]
        cells = [[d, *(sizes.get((d, a), 0) for a in across)] for d in down]
        matrix = Rows.from_tuples([[*row, sum(row[1:])] for row in cells], header)
        whole = sum(max(len(c), *(len(_cell(v)) for v in matrix.column(c))) + _PAD
                    for c in matrix.columns)
        if whole <= console.width:  # else the largest groups: ids are never split to fit
            _stream(matrix, console, f"{what}{len(df):,} rows by {by[0]} (down) and {by[1]} "
                                 "(across)")
            return
    ordered = sorted(sizes.items(), key=lambda kv: [_key_order(v) for v in kv[0]])
    ordered.sort(key=lambda kv: -kv[1])  # stable: the largest first, ties in key order
    counts = Rows.from_tuples([[*k, n] for k, n in ordered], [*by, "rows"])
    _stream(counts.head(_SUMMARY_ROWS), console,
            f"{what}{len(df):,} rows by {', '.join(by)}"
            + (f": the {_SUMMARY_ROWS} largest of {len(counts):,}"
               if len(counts) > _SUMMARY_ROWS else ""))


def _key_order(value: Any) -> tuple[bool, Any]:
    """A group key's place: in order, a missing value last."""
    return (value is None, "" if value is None else value)
