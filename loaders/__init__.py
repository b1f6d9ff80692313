"""Loading data folders and files into the :class:`~carepath.graph.model.Model`.

``LOADERS`` maps each input format to the function that reads it into parsed files; the CLI
help is built from it. The bundled shared vocabularies always load first, and the bundled
sources are there for any fact that cites them, so a planner's folder (or one copied area file)
only needs its own areas, services and relations. A folder that brings its own vocabularies or
sources (a copy of ``data/``) uses them: an entry identical to the bundled one is no duplicate,
a changed one replaces it (said once, as a warning).

>>> from carepath.loaders import load_reference
>>> model = load_reference()
>>> sorted(model.areas)
['cheshire-merseyside', 'dorset', 'pathway-0-5', 'pmh-lead-area', 'scotland']
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from importlib.resources import as_file, files
from pathlib import Path

from carepath.errors import DataValidationError, Problem, naming
from carepath.graph.bulk import paused_gc
from carepath.graph.model import Model
from carepath.loaders.resolve import RawFile, build_model_with_warnings
from carepath.loaders.spreadsheet import read_csv_folder, read_workbook
from carepath.loaders.yamlfile import load_yaml_file

VOCABULARY_FILE = "vocabularies.yaml"
SOURCES_FILE = "sources.yaml"


def read_yaml(path: Path) -> list[RawFile]:
    """One YAML data file."""
    return [RawFile(str(path), load_yaml_file(path))]


def read_csv(path: Path) -> list[RawFile]:
    """A folder's spreadsheet tables as CSV files (``services.csv``, ``relations.csv``...)."""
    return read_csv_folder(path if path.is_dir() else path.parent)


def read_xlsx(path: Path) -> list[RawFile]:
    """One .xlsx workbook with a sheet per table."""
    return [read_workbook(path)]


LOADERS: dict[str, Callable[[Path], list[RawFile]]] = {
    "yaml": read_yaml,
    "csv": read_csv,
    "xlsx": read_xlsx,
}
_SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".csv": "csv", ".xlsx": "xlsx"}


def bundled_data_dir() -> Path:
    """The folder of the curated reference data shipped with carepath."""
    with as_file(files("carepath.data")) as path:
        return Path(path)


def _data_files(path: Path) -> list[tuple[str, Path]]:
    if path.is_file():
        fmt = _SUFFIXES.get(path.suffix.lower())
        if fmt is None:
            raise DataValidationError([Problem(
                "error", "unknown-format", str(path), None, None,
                f"cannot read {path.suffix or 'a file without suffix'}; expected one of: "
                f"{', '.join(sorted(_SUFFIXES))} or a folder of them")])
        return [(fmt, path)]
    found = []
    if any(path.glob("*.csv")):
        found.append(("csv", path))
    for file in sorted(path.rglob("*")):
        fmt = _SUFFIXES.get(file.suffix.lower())
        if file.is_file() and fmt in ("yaml", "xlsx") and not file.name.startswith("~$"):
            found.append((fmt, file))
    return found


def read_files(paths: Sequence[Path | str]) -> tuple[list[RawFile], list[Problem]]:
    """Parse every data file under ``paths`` (the bundled vocabularies first).

    Parse problems of all files are collected rather than raised one file at a time.
    """
    bundled = bundled_data_dir()
    vocabulary = (bundled / VOCABULARY_FILE).resolve()
    sources = (bundled / SOURCES_FILE).resolve()
    raw: list[RawFile] = [RawFile(str(bundled / VOCABULARY_FILE), load_yaml_file(vocabulary),
                                  bundled=True)]
    problems: list[Problem] = []
    own_sources = False  # the bundled sources.yaml read as data (the reference data)
    for path in map(Path, paths):
        if not path.exists():
            raise naming(DataValidationError([Problem(
                "error", "not-found", str(path), None, None,
                "no such file or folder; give a data folder, a .yaml/.csv/.xlsx file, "
                "or leave `data` out for the bundled reference data")]), "data")
        found = _data_files(path)
        if not found:
            problems.append(Problem("error", "no-data", str(path), None, None,
                                    "no .yaml, .csv or .xlsx data files found"))
        for fmt, file in found:
            if file.resolve() == vocabulary:
                continue
            own_sources |= file.resolve() == sources
            try:
                raw.extend(LOADERS[fmt](file))
            except DataValidationError as exc:
                problems.extend(exc.problems)
    if not own_sources:  # for the facts that cite a bundled document (a copied area file)
        raw.insert(1, RawFile(str(bundled / SOURCES_FILE), load_yaml_file(sources),
                              bundled=True))
    return raw, problems


def load_with_warnings(*paths: Path | str) -> tuple[Model, list[Problem]]:
    """Load data files and folders into a model; also return the warnings.

    Raises:
        DataValidationError: listing every error in every file.
    """
    with paused_gc():  # millions of objects, none of them garbage: see paused_gc
        raw, problems = read_files(paths or [bundled_data_dir()])
        if any(p.level == "error" for p in problems):
            # still resolve what parsed, so the user sees reference errors too
            try:
                build_model_with_warnings(raw, extra_problems=problems)
            except DataValidationError as exc:
                raise DataValidationError(exc.problems) from None
            raise DataValidationError(problems)
        return build_model_with_warnings(raw)


def load(*paths: Path | str) -> Model:
    """Load data files and folders (default: the bundled reference data) into a model.

    >>> load().services["p05-health-visiting"].name
    'Health Visiting'
    """
    return load_with_warnings(*paths)[0]


@cache
def _reference() -> Model:
    return load()


def load_reference() -> Model:
    """The bundled reference model (loaded once per process; treat it as read-only)."""
    return _reference()


def validate(*paths: Path | str) -> list[Problem]:
    """Every problem (errors and warnings) in the data under ``paths``; empty if clean.

    >>> validate()
    []
    """
    try:
        return load_with_warnings(*paths)[1]
    except DataValidationError as exc:
        return exc.problems
