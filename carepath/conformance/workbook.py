"""The verdicts as a workbook shaped like the Pathway Assessment Tool (openpyxl).

A first sheet summarises each area: its levels (where a set defines them) and its verdicts
counted. Then one sheet per theme (the Tool's themed worksheets): for each area x criterion
the standard in carepath's words, its source and section, must/should, carepath's verdict, a
suggested 0-5 score (5 met, 0 not met, blank otherwise: silence is never scored), the
evidence (``doc:line: passage``, one a line), the question that would settle it, and empty
columns for the workshop's own score and notes. Every text cell is made inert for
spreadsheets (:func:`carepath.writing.spreadsheet_safe`).

>>> import tempfile, pathlib
>>> from openpyxl import load_workbook
>>> from carepath import load_reference
>>> from carepath.conformance import conform, levels, load_sets
>>> m = load_reference()
>>> scored = conform(m, area="dorset")
>>> path = pathlib.Path(tempfile.mkdtemp()) / "dorset.xlsx"
>>> _ = write_workbook(m, scored, levels(m, scored=scored), load_sets(model=m), path)
>>> load_workbook(path).sheetnames[:2]
['Summary', 'Access and reach']
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from carepath.conformance.criteria import CriteriaSet
    from carepath.graph.model import Model

__all__ = ["HEADERS", "SCORES", "write_workbook"]

SCORES = {"met": 5, "not met": 0}
"""Suggested 0-5 scores; other verdicts get none (the workshop scores them)."""
HEADERS = ["Area", "Set", "Standard", "Standard (in carepath's words)", "Source and section",
           "Must/should", "carepath verdict", "Suggested score (0-5)", "Evidence (doc:line)",
           "Why", "Question to settle it", "Workshop score (0-5)", "Workshop notes"]
_WIDTHS = [18, 9, 10, 48, 36, 9, 14, 10, 60, 48, 48, 12, 30]


def _sheet_name(theme: str, taken: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", "-", theme)[:31] or "Theme"
    base, n = name, 2
    while name in taken:
        name = f"{base[:28]} {n}"
        n += 1
    taken.add(name)
    return name


def write_workbook(model: Model, scored: pd.DataFrame, ranked: pd.DataFrame,
                   sets: list[CriteriaSet], path: Path, *, force: bool = False) -> Path:
    """The workbook for ``scored`` and the levels ``ranked``, written to ``path`` (refused if
    it exists, unless ``force``)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    from carepath.writing import output_file, spreadsheet_safe

    crits = {c.id: (s, c) for s in sets for c in s.criteria}
    book = Workbook()
    summary = book.active
    summary.title = "Summary"
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    summary.append(["carepath conformance: verdicts from the documents carepath holds. "
                    "'not stated' means the documents are silent, never that a standard is "
                    "unmet; 'outside evidence' needs evidence service data cannot hold."])
    summary.append([])
    summary.append(["Area", "Set", "Level", "Stopped by", "Why"])
    for cell in summary[3]:
        cell.font = bold
    for row in ranked.itertuples():
        summary.append([spreadsheet_safe(v) for v in (model.areas[row.area].name, row.set,
                                                      row.rating, row.stopped_by,
                                                      row.reason)])
    summary.append([])
    verdicts = ["met", "not met", "not stated", "outside evidence", "not applicable"]
    summary.append(["Area", "Set", *verdicts])
    for cell in summary[summary.max_row]:
        cell.font = bold
    counts = scored.groupby(["area", "set", "verdict"]).size()
    for area, cset in dict.fromkeys(zip(scored["area"], scored["set"], strict=True)):
        summary.append([spreadsheet_safe(model.areas[area].name), cset,
                        *(int(counts.get((area, cset, v), 0)) for v in verdicts)])
    for col, width in zip("ABCDE", [28, 10, 12, 22, 70], strict=True):
        summary.column_dimensions[col].width = width

    taken = {"Summary"}
    for theme in sorted(dict.fromkeys(scored["theme"])):
        sheet = book.create_sheet(_sheet_name(theme, taken))
        sheet.append(HEADERS)
        for cell in sheet[1]:
            cell.font = bold
            cell.alignment = wrap
        rows = scored[scored["theme"] == theme]
        for row in rows.itertuples():
            cset, crit = crits[row.criterion]
            sheet.append([spreadsheet_safe(v) for v in (
                model.areas[row.area].name, cset.id, crit.id, crit.paraphrase,
                f"{cset.source.title}, {cset.source.edition}: {crit.section} ({crit.url})",
                crit.must, row.verdict, SCORES.get(row.verdict), "\n".join(row.passages),
                row.reason, row.question, None, None)])
        for line in sheet.iter_rows(min_row=2):
            for cell in line:
                cell.alignment = wrap
        for i, width in enumerate(_WIDTHS):
            sheet.column_dimensions[chr(ord("A") + i)].width = width
        sheet.freeze_panes = "D2"
        check = DataValidation(type="whole", operator="between", formula1="0", formula2="5",
                               allow_blank=True, showErrorMessage=True,
                               error="A score from 0 to 5")
        sheet.add_data_validation(check)
        check.add(f"L2:L{max(sheet.max_row, 2)}")
    with output_file(path, force=force) as tmp:
        book.save(tmp)
    return Path(path)
