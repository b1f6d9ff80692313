"""The spreadsheet template planners fill in: an .xlsx workbook, or a folder of CSV files.

The workbook has one sheet per table (headers with a help comment each), drop-downs for
tiers and relation kinds, and read-only sheets listing every valid vocabulary id.

>>> import tempfile, pathlib
>>> out = write_template(pathlib.Path(tempfile.mkdtemp()) / "my-area.xlsx")
>>> from openpyxl import load_workbook
>>> load_workbook(out).sheetnames[:5]
['README', 'areas', 'sources', 'services', 'relations']
"""

from __future__ import annotations

import io
from pathlib import Path

from carepath.errors import OutputExistsError, naming
from carepath.loaders.records import RELATION_KINDS
from carepath.loaders.spreadsheet import HELP, SHEETS, workbook
from carepath.writing import output_file, spreadsheet_safe

README_LINES = [
    "carepath spreadsheet template",
    "Fill in the sheets areas, sources, services and relations (overlaps is optional).",
    "One row per area, source document, service or relation statement.",
    "Lists go in one cell separated by ';'. A concern with severities: "
    "maternal-mental-health:moderate|severe",
    "Age ranges read like the documents: 'Pregnancy', 'Birth - 6 weeks', "
    "'8 weeks to 6 months', 'up to two years postnatally'.",
    "Valid ids for tiers, stages, concerns, professions and interventions are on the "
    "vocabulary sheets.",
    "Then run: carepath validate THIS-FILE.xlsx   and   carepath build --data THIS-FILE.xlsx",
]


def write_template(path: Path | str, *, force: bool = False) -> Path:
    """Write the template: ``.xlsx`` for a workbook, otherwise a folder of CSV files.

    An existing workbook, or a folder holding files carepath did not write, is refused
    unless ``force`` (and even then a folder's other files are kept: see carepath.writing).
    """
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        return _write_workbook(path, force=force)
    from carepath.graph.model import Model
    from carepath.loaders.spreadsheet import write_csv

    return write_csv(Model(), path, force=force).artifact  # the sheets' headers, no rows


def _write_workbook(path: Path, *, force: bool) -> Path:
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    from carepath.loaders import load_reference

    if path.exists() and not force:  # before the work: a filled-in workbook is never replaced
        raise naming(OutputExistsError(f"{path} already exists (a filled-in workbook is never "
                                       "replaced); give a new file name, or `force=True` to "
                                       "replace it"), "force=True")

    model = load_reference()
    wb = workbook({})  # the sheets of the spreadsheet writer, headers only
    readme = wb.create_sheet("README", 0)
    for n, line in enumerate(README_LINES, start=1):
        readme.cell(row=n, column=1, value=line)
    readme["A1"].font = Font(bold=True)
    for sheet, columns in SHEETS.items():
        for col, name in enumerate(columns, start=1):
            if name in HELP:
                wb[sheet].cell(row=1, column=col).comment = Comment(HELP[name], "carepath")
    vocab = {
        "tiers": [(t.id, t.name) for t in model.tiers_in_order()],
        "stages": [(s.id, s.name) for s in model.stages_in_order()],
        "concerns": [(t.id, t.name) for t in model.concerns.values()],
        "severities": [(t.id, t.name) for t in model.severities.values()],
        "professions": [(t.id, t.name) for t in model.professions.values()],
        "interventions": [(t.id, t.name) for t in model.interventions.values()],
        "levels": [(t.id, t.name) for t in model.levels.values()],
        "urgencies": [(t.id, t.name) for t in model.urgencies.values()],
        "relation kinds": [(k, k.replace("_", " ")) for k in RELATION_KINDS],
    }
    for name, rows in vocab.items():
        ws = wb.create_sheet(f"list {name}")
        ws.append(["id", "name"])
        for row in rows:  # text from data: never a formula when the workbook opens
            ws.append([spreadsheet_safe(cell) for cell in row])
    _dropdown(wb, "services", "tier", "list tiers", len(vocab["tiers"]), DataValidation)
    _dropdown(wb, "relations", "kind", "list relation kinds", len(RELATION_KINDS), DataValidation)
    _dropdown(wb, "relations", "urgency", "list urgencies", len(vocab["urgencies"]),
              DataValidation)
    # saved in memory first: a workbook saved straight to a full disk left its zip file
    # open, and closing it at exit printed a traceback after the one-line error
    content = io.BytesIO()
    wb.save(content)
    with output_file(path, force=force) as tmp:
        tmp.write_bytes(content.getvalue())
    return path


def _dropdown(wb, sheet: str, column: str, source: str, count: int, DataValidation) -> None:
    from openpyxl.utils import get_column_letter

    col = get_column_letter(SHEETS[sheet].index(column) + 1)
    rule = DataValidation(type="list", formula1=f"='{source}'!$A$2:$A${count + 1}",
                          allow_blank=True)
    wb[sheet].add_data_validation(rule)
    rule.add(f"{col}2:{col}1000")
