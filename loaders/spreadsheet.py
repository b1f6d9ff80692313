"""The planners' spreadsheet format: CSV files or one .xlsx workbook, a sheet per table.

Sheets (or ``NAME.csv`` files): ``areas``, ``sources``, ``services``, ``relations`` and
optionally ``overlaps``. Lists go in one cell separated by ``;``; a concern with severities is
written ``maternal-mental-health:moderate|severe``. Rows become the same records as YAML, so
both formats load into the same model with the same checks; problems name the sheet and row.

>>> rows = [{"id": "x-hv", "name": "Health visiting", "area": "x", "stages": "Birth - 5 years",
...          "addresses": "maternal-mental-health:mild|moderate"}]
>>> service_records(rows, "services.csv")[0]["addresses"]
[{'concern': 'maternal-mental-health', 'severity': ['mild', 'moderate']}]
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path
from typing import Any

from carepath.errors import DataValidationError, Problem
from carepath.loaders.resolve import RawFile
from carepath.loaders.yamlfile import CONTROL, MAX_TEXT, LineDict, control_problems, read_text

SHEETS: dict[str, list[str]] = {
    "areas": ["id", "name", "country", "births_per_year", "source", "line", "passage"],
    "sources": ["id", "title", "publisher", "file", "scope_tiers", "scope_stages",
                "scope_concerns", "scope_facts", "scope_note", "scope_line", "scope_passage"],
    "services": [
        "id", "name", "area", "aliases", "tier", "tier_note", "level", "need_min", "need_max",
        "need_note", "stages", "addresses", "not_addressed", "professions", "interventions",
        "inclusion_criteria", "exclusion_criteria", "parent_age_below", "response_emergency",
        "response_urgent", "response_routine", "hours", "window_kind", "addresses_closed",
        "criteria_closed", "by_discussion", "births_over", "commitments", "notes", "source",
        "line", "passage",
    ],
    "relations": [
        "kind", "from", "to", "stages", "concerns", "severity", "urgency", "response_time",
        "level", "note", "source", "line", "passage",
    ],
    "overlaps": ["services", "note", "source", "line", "passage"],
}
REQUIRED_SHEETS = ("areas", "sources", "services")
HELP: dict[str, str] = {
    "id": "unique lower-case id, e.g. myarea-health-visiting",
    "aliases": "other spellings, separated by ;",
    "tier": "a tier id (see the tiers sheet)",
    "stages": "age ranges separated by ;, e.g. Pregnancy; Birth - 2 years",
    "addresses": "concern[:severity|severity] separated by ;",
    "inclusion_criteria": "criteria texts separated by ;",
    "kind": "refers_to, signposts_to, advises, trains, collaborates_with, hands_over_to, ...",
    "from": "a service id, a profession id, or family",
    "to": "service or profession ids separated by ;",
    "source": "a source id from the sources sheet",
    "line": "line or page in the source document",
    "hours": "when the service runs, as the document says, e.g. Monday to Friday 9-5",
    "scope_tiers": "tiers the source describes, separated by ; (empty: all; none: no tier)",
    "scope_stages": "stage ids the source describes, separated by ; (empty: all)",
    "scope_concerns": "concern ids the source describes, separated by ; (empty: all)",
    "scope_facts": "kinds of fact it gives (services; referrals; eligibility...; empty: all)",
    "window_kind": "stated (default) or seen-at: stages where the service is only mentioned",
    "addresses_closed": "the passage saying its concerns are the only ones (empty: open list)",
    "criteria_closed": "the passage saying its inclusion criteria are the only ones",
    "by_discussion": "the passage giving a by-discussion margin beyond its window",
    "births_over": "the service is provided only where a board has more births a year",
    "commitments": "aims and commitments the document states, separated by ;",
}
_LIST_FIELDS = {"aliases", "stages", "not_addressed", "professions", "interventions", "to",
                "concerns", "severity", "services"}


def _split(value: str) -> list[str]:
    if ";" not in value:
        value = value.strip()
        return [value] if value else []
    return [part for part in map(str.strip, value.split(";")) if part]


def _cell(value: Any) -> str:
    text = value.strip() if isinstance(value, str) else str(value).strip()
    if text.endswith(".0") and text[:-2].isdigit():  # Excel numbers
        return text[:-2]
    return text


def _clean(row: dict[str, Any]) -> dict[str, str]:
    """The row's non-empty cells, stripped (a CSV row of 13 columns has 3 to 6 of them)."""
    out = {}
    for key, value in row.items():
        if key is None or value is None or value == "":
            continue
        text = _cell(value)
        if text:
            out[key.strip() if isinstance(key, str) else str(key).strip()] = text
    return out


def _record(row: dict[str, str], line: int) -> LineDict:
    """A record whose fields are all on ``line`` (the row): its own line stands for theirs."""
    rec = LineDict(line=line)
    for key, value in row.items():
        rec[key] = _split(value) if key in _LIST_FIELDS else value
    return rec


def service_records(rows: list[dict[str, Any]], sheet: str, first_row: int = 2) -> list[LineDict]:
    """Turn services rows into service records (row numbers as lines)."""
    out = []
    for n, row in enumerate(rows, start=first_row):
        row = _clean(row)
        need = {k[5:]: row.pop(k) for k in ("need_min", "need_max", "need_note") if k in row}
        addresses = []
        for part in _split(row.pop("addresses", "")):
            concern, _, severities = part.partition(":")
            addresses.append({"concern": concern.strip(),
                              "severity": [s.strip() for s in severities.split("|") if s.strip()]})
        criteria = []
        below = row.pop("parent_age_below", None)
        for kind in ("inclusion", "exclusion"):
            for text in _split(row.pop(f"{kind}_criteria", "")):
                criteria.append({"type": kind, "text": text})
        if below is not None:
            criteria.append({"type": "exclusion", "text": f"parents under {below}",
                             "parent_age_below": below})
        responses = [{"urgency": urgency, "within": row.pop(f"response_{urgency}")}
                     for urgency in ("emergency", "urgent", "routine")
                     if f"response_{urgency}" in row]
        hours = row.pop("hours", None)
        # open-world readings: the cell is the passage, on the row's own source line
        cited = {k: v for k in ("source", "line") if (v := row.get(k)) is not None}
        readings = {key: {**cited, "passage": row.pop(key)}
                    for key in ("addresses_closed", "criteria_closed", "by_discussion")
                    if key in row}
        over = row.pop("births_over", None)
        conditions = ([{**cited, "text": f"health boards with over {over} births a year",
                        "births_over": over}] if over is not None else [])
        commitments = [{**cited, "text": text} for text in _split(row.pop("commitments", ""))]
        rec = _record(row, n)
        for key, value in readings.items():
            rec[key] = _record({}, n) | value
            rec.lines[key] = n
        if hours is not None:
            rec["hours"] = _record({}, n) | {"text": hours}
        for key, value in (("need", need), ("addresses", addresses),
                           ("eligibility", criteria), ("response_times", responses),
                           ("conditions", conditions), ("commitments", commitments)):
            if value:
                rec[key] = ([_record({}, n) | v for v in value] if isinstance(value, list)
                            else _record({}, n) | value)
                rec.lines[key] = n
        out.append(rec)
    return out


def _source_record(row: dict[str, str], line: int) -> LineDict:
    """A sources row: its ``scope_*`` cells become the source's ``scope`` (a list cell left
    empty does not restrict; the word ``none`` restricts to nothing)."""
    scope = {}
    for key in ("tiers", "stages", "concerns", "facts"):
        if f"scope_{key}" in row:
            value = row.pop(f"scope_{key}")
            scope[key] = [] if value.strip().lower() == "none" else _split(value)
    for key in ("note", "line", "passage"):
        if f"scope_{key}" in row:
            scope[key] = row.pop(f"scope_{key}")
    rec = _record(row, line)
    if scope:
        rec["scope"] = _record({}, line) | scope
    return rec


def rows_to_file(tables: dict[str, list[dict[str, Any]]], display: str) -> RawFile:
    """Assemble the tables of one spreadsheet into one :class:`RawFile`."""
    data = LineDict(line=1)
    for sheet, rows in tables.items():
        if sheet == "services":
            data["services"] = service_records(rows, f"{display}:{sheet}")
        elif sheet == "sources":
            data["sources"] = [_source_record(_clean(row), n)
                               for n, row in enumerate(rows, start=2)]
        else:
            data[sheet] = [_record(_clean(row), n) for n, row in enumerate(rows, start=2)]
    return RawFile(display, data)


def read_csv_folder(folder: Path) -> list[RawFile]:
    """Read ``areas.csv``, ``services.csv``, ... of a folder; one RawFile per CSV file."""
    files = []
    for sheet in SHEETS:
        path = folder / f"{sheet}.csv"
        if not path.exists():
            continue
        display = str(path)
        text = read_text(path, display)
        # a form feed or line separator in a cell would split its row (str.splitlines does):
        # one clear error instead of a dozen about the pieces
        problems = control_problems(text, display)
        if problems:
            raise DataValidationError(problems)
        reader = csv.DictReader(io.StringIO(text, newline=""))
        try:
            _check_header(reader.fieldnames or [], sheet, display)
            rows = list(reader)
        except csv.Error as exc:
            raise DataValidationError([Problem(
                "error", "malformed-csv", display, reader.line_num or None, None,
                f"malformed CSV: {exc}" + (f" (a cell may hold at most {MAX_TEXT:,} characters)"
                                           if "field limit" in str(exc) else ""))]) from None
        files.append(rows_to_file({sheet: rows}, display))
    return files


_FORMULA_CELL = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*>(?:(?!</c>).)*?<f[ >/]'
                           rb'(?:(?!</c>).)*?</c>', re.DOTALL)
_SAVED_VALUE = re.compile(rb"<v(?: [^>]*)?>[^<]")


def _unsaved_formulas(path: Path, sheetnames: list[str]) -> dict[str, list[tuple[int, int, str]]]:
    """Formula cells with no saved value, per data sheet: (column index, row, cell name).

    openpyxl reads such a cell as empty (``data_only``), so a service whose name is a formula
    would be reported as having no name. A workbook saved by a spreadsheet program stores each
    formula's value; one written by a script often does not.
    """
    from openpyxl.utils import column_index_from_string

    found: dict[str, list[tuple[int, int, str]]] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            for index, name in enumerate(sheetnames, start=1):
                if name not in SHEETS:
                    continue
                try:
                    xml = archive.read(f"xl/worksheets/sheet{index}.xml")
                except KeyError:
                    continue
                if b"<f" not in xml:
                    continue
                for m in _FORMULA_CELL.finditer(xml):
                    if _SAVED_VALUE.search(m.group(0)):
                        continue
                    col, row = m.group(1).decode(), int(m.group(2))
                    found.setdefault(name, []).append(
                        (column_index_from_string(col) - 1, row, f"{col}{row}"))
    except (OSError, zipfile.BadZipFile):
        return {}
    return found


def _check_header(header: list[str], sheet: str, display: str) -> None:
    unknown = [h for h in header if h and h.strip() not in SHEETS[sheet]]
    if unknown:
        raise DataValidationError([Problem(
            "error", "unknown-column", display, 1, unknown[0],
            f"unknown column {unknown[0]!r} in {sheet}; expected: {', '.join(SHEETS[sheet])}")])


def read_workbook(path: Path) -> RawFile:
    """Read an .xlsx workbook with one sheet per table."""
    from openpyxl import load_workbook

    display = str(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        raise DataValidationError([Problem(
            "error", "bad-workbook", display, None, None,
            f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})")]) from None
    tables: dict[str, list[dict[str, Any]]] = {}
    problems: list[Problem] = []
    unknown = [name for name in workbook.sheetnames if name not in SHEETS
               and name != "README" and not name.startswith("list ")]
    for name in unknown:
        problems.append(Problem(
            "error", "unknown-sheet", display, None, name,
            f"unknown sheet {name!r}; expected: {', '.join(SHEETS)} (and the template's README "
            "and 'list ...' sheets)"))
    formulas = _unsaved_formulas(path, workbook.sheetnames)
    try:
        for sheet in SHEETS:
            if sheet not in workbook.sheetnames:
                continue
            rows = list(workbook[sheet].iter_rows(values_only=True))
            if not rows:
                continue
            header = [str(h).strip() if h is not None else "" for h in rows[0]]
            _check_header(header, sheet, f"{display}[{sheet}]")
            for cell in formulas.get(sheet, ()):
                problems.append(Problem(
                    "error", "unsaved-formula", f"{display}[{sheet}]", cell[1],
                    header[cell[0]] if cell[0] < len(header) else None,
                    f"cell {cell[2]} is a formula without a saved value; open and save the "
                    "workbook in a spreadsheet program"))
            for n, row in enumerate(rows[1:], start=2):
                for col, cell in enumerate(row):
                    if isinstance(cell, str) and CONTROL.search(cell):
                        field = header[col] if col < len(header) else None
                        problems.extend(control_problems(cell, f"{display}[{sheet}]", line=n,
                                                         field=field))
            tables[sheet] = [dict(zip(header, row, strict=False)) for row in rows[1:]
                             if any(cell not in (None, "") for cell in row)]
    finally:
        workbook.close()
    if problems:
        raise DataValidationError(problems)
    missing = [s for s in REQUIRED_SHEETS if s not in tables]
    if missing:
        raise DataValidationError([Problem(
            "error", "missing-sheet", display, None, missing[0],
            f"workbook has no {missing[0]!r} sheet; use `carepath template` for the layout")])
    return rows_to_file(tables, display)
