"""An answer as plain rows: column names and one list of values per column, for results where
a DataFrame adds nothing but its import (pandas, numpy and pyarrow cost ~0.5-1 s of start-up).
:func:`carepath.printing.emit` prints these and DataFrames alike; :meth:`Rows.to_frame` makes
the DataFrame the library's functions return.

>>> rows = Rows.from_records([{"id": "a", "n": 1}, {"id": "b", "n": 2}], ["id", "n"])
>>> len(rows), rows.columns, rows.column("n")
(2, ['id', 'n'], [1, 2])
>>> rows.head(1).records()
[{'id': 'a', 'n': 1}]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


class Rows:
    """A table of plain Python values, held a column at a time (``columns`` and
    ``values``, one list per column, all of one length)."""

    __slots__ = ("columns", "values")

    def __init__(self, columns: Sequence[str], values: Sequence[list[Any]]) -> None:
        if len(columns) != len(values) or len({len(v) for v in values}) > 1:
            raise ValueError("Rows needs one list of values per column, all of one length")
        self.columns = list(columns)
        self.values = [list(v) for v in values]

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]],
                     columns: Sequence[str]) -> Rows:
        """Rows from dicts (a missing key is None), in ``columns``' order."""
        records = list(records)
        return cls(columns, [[r.get(c) for r in records] for c in columns])

    @classmethod
    def from_tuples(cls, tuples: Iterable[Sequence[Any]], columns: Sequence[str]) -> Rows:
        """Rows from one tuple per row, in ``columns``' order."""
        tuples = list(tuples)
        return cls(columns, [[t[i] for t in tuples] for i in range(len(columns))])

    @classmethod
    def of(cls, table: Rows | pd.DataFrame) -> Rows:
        """``table`` as Rows: itself, or a DataFrame's columns as lists (no index)."""
        if isinstance(table, Rows):
            return table
        return cls([str(c) for c in table.columns],
                   [table.iloc[:, i].tolist() for i in range(table.shape[1])])

    def __len__(self) -> int:
        return len(self.values[0]) if self.values else 0

    @property
    def empty(self) -> bool:
        """Whether there are no rows (or no columns), as a DataFrame says it."""
        return not self.columns or len(self) == 0

    def column(self, name: str) -> list[Any]:
        """The values of column ``name``."""
        return self.values[self.columns.index(name)]

    def select(self, columns: Sequence[str]) -> Rows:
        """These columns, in this order."""
        return Rows(columns, [self.column(c) for c in columns])

    def slice(self, start: int, stop: int | None = None) -> Rows:
        """Rows ``start`` to ``stop`` (not included)."""
        return Rows(self.columns, [v[start:stop] for v in self.values])

    def head(self, n: int) -> Rows:
        """The first ``n`` rows."""
        return self.slice(0, n)

    def filter(self, keep: Iterable[bool]) -> Rows:
        """The rows where ``keep`` is true."""
        picked = [i for i, k in enumerate(keep) if k]
        return Rows(self.columns, [[v[i] for i in picked] for v in self.values])

    def tuples(self) -> Iterator[tuple[Any, ...]]:
        """One tuple per row."""
        return zip(*self.values, strict=True) if self.values else iter(())

    def records(self) -> list[dict[str, Any]]:
        """One dict per row."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.tuples()]

    def to_frame(self) -> pd.DataFrame:
        """The rows as a pandas DataFrame (pandas imported here)."""
        import pandas as pd

        return pd.DataFrame(list(self.tuples()), columns=self.columns)

    def __repr__(self) -> str:
        return f"Rows({len(self)} rows: {', '.join(self.columns)})"
