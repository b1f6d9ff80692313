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
from typing import TYPE_CHECKING, Any

from carepath.errors import DataValidationError, Problem
from carepath.graph.model import Model, Provenance, Service
from carepath.loaders.resolve import RawFile
from carepath.loaders.yamlfile import CONTROL, MAX_TEXT, LineDict, control_problems, read_text

if TYPE_CHECKING:
    from carepath.standards.common import Exported, ExportReport

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


# -- writing ----------------------------------------------------------------------------------

_URGENCIES = ("emergency", "urgent", "routine")


def _list_cell(values: Any) -> str:
    return "; ".join(values)


def _fits(values: Any) -> bool:
    """Whether the values survive a ``;``-separated cell (none holds ``;`` or is empty)."""
    return all(v and ";" not in v and v == v.strip() for v in values)


class _Tables:
    """The rows of each sheet from a model, and what the sheets cannot hold."""

    def __init__(self, model: Model, report: ExportReport) -> None:
        self.model, self.report = model, report
        self.lost: dict[str, list[str]] = {}

    def lose(self, topic: str, line: str) -> None:
        self.lost.setdefault(topic, []).append(line)

    def sources(self) -> list[dict[str, Any]]:
        rows = []
        for src in self.model.sources.values():
            row = {"id": src.id, "title": src.title, "publisher": src.publisher,
                   "file": src.file}
            if src.version is not None:
                self.lose("source versions", f"{src.id}: {src.version}")
            scope = src.scope
            if scope is not None:
                for key in ("tiers", "stages", "concerns", "facts"):
                    value = getattr(scope, key)
                    if value is not None:
                        row[f"scope_{key}"] = _list_cell(sorted(value)) if value else "none"
                prov = scope.provenance
                row |= {"scope_note": scope.note, "scope_line": prov and prov.line,
                        "scope_passage": prov and prov.passage}
                if scope == type(scope)():
                    self.lose("source scopes", f"{src.id}: a scope that restricts nothing")
            rows.append(row)
        return rows

    def areas(self) -> list[dict[str, Any]]:
        return [{"id": a.id, "name": a.name, "country": a.country,
                 "births_per_year": a.births_per_year, "source": a.provenance.source,
                 "line": a.provenance.line, "passage": a.provenance.passage}
                for a in self.model.areas.values()]

    def service(self, svc: Service) -> dict[str, Any]:
        prov = svc.provenance
        bare = Provenance(prov.source)  # what a cell's fact cites: the row's source alone
        row_cited = Provenance(prov.source, prov.line)
        lost: list[str] = []
        row = {"id": svc.id, "name": svc.name, "area": svc.area,
               "aliases": _list_cell(svc.aliases), "tier": svc.tier, "tier_note": svc.tier_note,
               "level": svc.level, "need_min": svc.need_min, "need_max": svc.need_max,
               "need_note": svc.need_note, "stages": _list_cell(svc.stage_texts),
               "addresses": _list_cell(a.concern + (":" + "|".join(sorted(a.severities))
                                                    if a.severities else "")
                                       for a in svc.addresses),
               "not_addressed": _list_cell(svc.not_addressed),
               "professions": _list_cell(svc.professions),
               "interventions": _list_cell(svc.interventions), "notes": svc.notes,
               "source": prov.source, "line": prov.line, "passage": prov.passage}
        if not _fits(svc.aliases) or not _fits(svc.stage_texts):
            lost.append("aliases or stages holding ';'")
        if svc.window_kind != "stated":
            row["window_kind"] = svc.window_kind
        texts: dict[str, list[str]] = {"inclusion": [], "exclusion": []}
        below = []
        for crit in svc.eligibility:
            if (crit.parent_age_below is not None and crit.provenance == bare
                    and crit.type == "exclusion" and not below
                    and crit.text == f"parents under {crit.parent_age_below}"
                    and not (crit.windows or crit.concerns or crit.severities
                             or crit.parent_age_from is not None or crit.discuss_with)):
                below.append(crit)
            elif (crit.provenance == bare and _fits([crit.text]) and not (
                    crit.windows or crit.concerns or crit.severities or crit.discuss_with
                    or crit.parent_age_below is not None or crit.parent_age_from is not None)):
                texts[crit.type].append(crit.text)
            else:
                lost.append(f"criterion {crit.text[:40]!r}")
        # the reader lists criteria by kind: inclusion, exclusion, then the age limit
        kept = [c for c in svc.eligibility if c.text in texts[c.type] or c in below]
        if kept != sorted(kept, key=lambda c: (c in below, c.type != "inclusion")):
            lost.append("the order of its criteria")
        row |= {"inclusion_criteria": _list_cell(texts["inclusion"]),
                "exclusion_criteria": _list_cell(texts["exclusion"]),
                "parent_age_below": below[0].parent_age_below if below else None}
        urgencies = [r.urgency for r in svc.response_times]
        for resp in svc.response_times:
            if (resp.urgency in _URGENCIES and resp.provenance == bare
                    and urgencies.count(resp.urgency) == 1):
                row[f"response_{resp.urgency}"] = resp.within
            else:
                lost.append(f"response time {resp.urgency}")
        if [u for u in urgencies if u in _URGENCIES] != sorted(
                (u for u in urgencies if u in _URGENCIES), key=_URGENCIES.index):
            lost.append("the order of its response times")
        if svc.hours is not None:
            row["hours"] = svc.hours
            if svc.hours_provenance != bare:
                lost.append("the citation of its hours")
        for key in ("addresses_closed", "criteria_closed", "by_discussion"):
            said = getattr(svc, key)
            if said is not None:
                row[key] = said.passage
                if Provenance(said.source, said.line) != row_cited:
                    lost.append(f"the citation of {key}")
        for cond in svc.conditions:
            if (cond.births_over is not None and cond.births_at_most is None
                    and cond.governs == ("service",) and cond.provenance == row_cited
                    and cond.text == f"health boards with over {cond.births_over} births a year"
                    and "births_over" not in row):
                row["births_over"] = cond.births_over
            else:
                lost.append(f"condition {cond.text[:40]!r}")
        commitments = [c.text for c in svc.commitments]
        row["commitments"] = _list_cell(commitments)
        if not _fits(commitments) or any(c.provenance != row_cited for c in svc.commitments):
            lost.append("its commitments' citations or ';' in them")
        for name, value in (("evidence", svc.evidence), ("part_of", svc.part_of),
                            ("self_referral", svc.self_referral),
                            ("valid_from", svc.valid_from), ("valid_to", svc.valid_to),
                            ("assured_date", svc.assured_date)):
            if value:
                lost.append(name)
        if lost:
            self.lose("services", f"{svc.id}: {', '.join(lost)}")
        return row

    def relations(self) -> list[dict[str, Any]]:
        rows = []
        for st in self.model.statements:
            if not _fits(st.stage_texts):
                self.lose("relations", f"{st.id}: stages holding ';'")
            rows.append({"kind": st.kind.value, "from": st.source, "to": _list_cell(st.targets),
                         "stages": _list_cell(st.stage_texts),
                         "concerns": _list_cell(sorted(st.concerns)),
                         "severity": _list_cell(sorted(st.severities)), "urgency": st.urgency,
                         "response_time": st.response_time, "level": st.level, "note": st.note,
                         "source": st.provenance.source, "line": st.provenance.line,
                         "passage": st.provenance.passage})
        return rows

    def overlaps(self) -> list[dict[str, Any]]:
        return [{"services": _list_cell(o.services), "note": o.note,
                 "source": o.provenance.source, "line": o.provenance.line,
                 "passage": o.provenance.passage} for o in self.model.overlaps]

    def tables(self) -> dict[str, list[dict[str, Any]]]:
        from carepath.loaders import load_reference

        bundled = load_reference()
        for table in ("tiers", "stages", "levels", "severities", "urgencies", "concerns",
                      "professions", "interventions"):
            ours, theirs = getattr(self.model, table), getattr(bundled, table)
            for ident, term in ours.items():
                if theirs.get(ident) != term:
                    self.lose("vocabularies", f"{table}: {ident}")
        for cell in self.model.pathway:
            self.lose("pathway cells", f"{cell.service} at {cell.stage_text}")
        tables = {"areas": self.areas(), "sources": self.sources(),
                  "services": [self.service(s) for s in self.model.services.values()],
                  "relations": self.relations(), "overlaps": self.overlaps()}
        from carepath.loaders.model_records import report_scrubbed, scrubbed

        for topic, lines in self.lost.items():
            self.report.lose(topic, lines)
        removed = [0]
        tables = scrubbed(tables, removed)
        report_scrubbed(self.report, removed[0])
        return {sheet: [{k: v for k, v in row.items() if v not in (None, "")} for row in rows]
                for sheet, rows in tables.items()}


def to_tables(model: Model, standard: str = "carepath spreadsheet") -> Exported[
        dict[str, list[dict[str, Any]]]]:
    """The model as the spreadsheet's tables (sheet: rows, each row column: value), and a
    report of the facts the sheets have no column for (pathway cells, evidence, a criterion's
    conditions...: the YAML folder holds them all).

    >>> from carepath import load_reference
    >>> done = to_tables(load_reference())
    >>> len(done.artifact["services"]) == len(load_reference().services)
    True
    >>> "pathway cells" in done.report.not_held
    True
    """
    from carepath.standards.common import Exported, ExportReport

    report = ExportReport(standard)
    tables = _Tables(model, report).tables()
    report.hold("tables", [f"{sheet}: {len(rows)} rows" for sheet, rows in tables.items()])
    return Exported(tables, report)


def _csv_text(sheet: str, rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=SHEETS[sheet], extrasaction="raise",
                            lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def to_csv(model: Model) -> Exported[dict[str, str]]:
    """The model as the spreadsheet's CSV folder: each file's name and text (``areas.csv``,
    ``sources.csv``, ``services.csv``, ``relations.csv``, ``overlaps.csv``), and the report
    of :func:`to_tables`.

    >>> from carepath import load_reference
    >>> to_csv(load_reference()).artifact["areas.csv"].splitlines()[0]
    'id,name,country,births_per_year,source,line,passage'
    """
    from carepath.standards.common import Exported

    done = to_tables(model, "carepath CSV folder")
    return Exported({f"{sheet}.csv": _csv_text(sheet, rows)
                     for sheet, rows in done.artifact.items()}, done.report)


def write_csv(model: Model, folder: Path | str, *, force: bool = False) -> Exported[Path]:
    """Write the model as a CSV folder (see :func:`to_csv`), atomically; cells are written
    exactly as carepath reads them (a cell starting with ``=`` too: open the files in a
    spreadsheet program with formulas off, or use :func:`write_xlsx`).

    >>> import tempfile, pathlib, carepath
    >>> tiny = carepath.load("tests/data/tiny-csv")
    >>> out = write_csv(tiny, pathlib.Path(tempfile.mkdtemp()) / "csv").artifact
    >>> carepath.load(out) == tiny
    True
    """
    from carepath.loaders.yamlfile import write_files

    return write_files(to_csv(model), folder, force=force)


def workbook(tables: dict[str, list[dict[str, Any]]]) -> Any:
    """An openpyxl ``Workbook`` with a sheet per table (every column of :data:`SHEETS`, a
    bold header row), the rows of ``tables`` in it; text cells stay text (a cell starting
    with ``=`` is no formula). The template adds its help and drop-downs to it.

    >>> workbook({"areas": [{"id": "x", "name": "X"}]})["areas"]["B2"].value
    'X'
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for sheet, columns in SHEETS.items():
        ws = wb.create_sheet(sheet)
        for col, name in enumerate(columns, start=1):
            ws.cell(row=1, column=col, value=name).font = Font(bold=True)
        ws.freeze_panes = "A2"
        for r, row in enumerate(tables.get(sheet, []), start=2):
            for col, name in enumerate(columns, start=1):
                if name in row:
                    cell = ws.cell(row=r, column=col, value=row[name])
                    if isinstance(row[name], str):
                        cell.data_type = "s"
    return wb


def workbook_bytes(tables: dict[str, list[dict[str, Any]]]) -> bytes:
    """The .xlsx file of :func:`workbook` (saved in memory: a workbook saved straight to a
    full disk left its zip file open, and closing it at exit printed a traceback)."""
    content = io.BytesIO()
    workbook(tables).save(content)
    return content.getvalue()


def to_xlsx(model: Model) -> Exported[bytes]:
    """The model as an .xlsx workbook (its bytes), a sheet per table; see :func:`to_tables`.

    >>> from carepath import load_reference
    >>> to_xlsx(load_reference()).artifact[:2]
    b'PK'
    """
    from carepath.standards.common import Exported

    done = to_tables(model, "carepath XLSX workbook")
    return Exported(workbook_bytes(done.artifact), done.report)


def write_xlsx(model: Model, path: Path | str, *, force: bool = False) -> Exported[Path]:
    """Write the model as an .xlsx workbook, atomically; an existing file is replaced only
    with ``force``.

    >>> import tempfile, pathlib, carepath
    >>> tiny = carepath.load("tests/data/tiny-csv")
    >>> out = write_xlsx(tiny, pathlib.Path(tempfile.mkdtemp()) / "tiny.xlsx").artifact
    >>> carepath.load(out) == tiny
    True
    """
    from carepath.standards.common import Exported
    from carepath.writing import check_new_file, output_file

    path = Path(path)
    check_new_file(path, force=force)
    done = to_xlsx(model)
    with output_file(path, force=force) as tmp:
        tmp.write_bytes(done.artifact)
    return Exported(path, done.report)
