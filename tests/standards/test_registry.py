"""The format registry's contract, for every format in :data:`carepath.standards.FORMATS`:
the writer writes what the converter returns, and every format carepath reads back
(``loads``, or ``can_import``) gives back the model it was written from (golden round trips, as
linkml-runtime's dumpers/loaders tests) on the reference data, a tiny fixture and the region
preset. A format added to the registry joins these tests without a line here.
"""

from __future__ import annotations

import json
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

import pytest

import carepath
from carepath.standards import FORMATS, Format
from carepath.standards.common import Exported

TINY = Path(__file__).parents[1] / "data" / "tiny"
TINY_CSV = Path(__file__).parents[1] / "data" / "tiny-csv"
# what each format's page, picture or options need to be written at all
EXTRA: dict[str, dict[str, Any]] = {"html": {"view": "pathway"},
                                    "image": {"view": "stepped-care"}}
TARGETS = {"FILE": {"fhir": "bundle.json", "xlsx": "data.xlsx", "image": "picture.svg",
                    "html": "page.html"}}
WRITTEN = [f for f in FORMATS.values() if f.target != "SERVER"]
READ_BACK = [f for f in FORMATS.values() if f.loads or f.can_import]
WHOLE = [f for f in READ_BACK if f.loads]  # carepath's own formats: the model itself
IMPORTED = [f for f in READ_BACK if not f.loads]  # imported into a data folder, then loaded


def model_diff(a: Any, b: Any, path: str = "model", out: list[str] | None = None) -> list[str]:
    """Where ``b`` differs from ``a``, field by field: ``services['x'].tier: 'a' != 'b'``.

    >>> from carepath.graph.model import Provenance
    >>> model_diff(Provenance("d", 1), Provenance("d", 2), "p")
    ['p.line: 1 != 2']
    """
    out = [] if out is None else out
    if type(a) is not type(b):
        out.append(f"{path}: {type(a).__name__} {a!r:.80} != {type(b).__name__} {b!r:.80}")
    elif is_dataclass(a):
        for f in fields(a):
            if f.compare:
                model_diff(getattr(a, f.name), getattr(b, f.name), f"{path}.{f.name}", out)
    elif isinstance(a, dict):
        for key in a.keys() | b.keys():
            if key not in b or key not in a:
                out.append(f"{path}[{key!r}]: only in the {'first' if key in a else 'second'}")
            else:
                model_diff(a[key], b[key], f"{path}[{key!r}]", out)
    elif isinstance(a, (list, tuple)) and not hasattr(a, "_fields") and len(a) == len(b):
        for n, (x, y) in enumerate(zip(a, b, strict=True)):
            model_diff(x, y, f"{path}[{n}]", out)
    elif hasattr(a, "_fields") and len(a) == len(b):  # named tuples (relations)
        for name, x, y in zip(a._fields, a, b, strict=True):
            model_diff(x, y, f"{path}.{name}", out)
    elif a != b:
        out.append(f"{path}: {a!r:.80} != {b!r:.80}")
    return out


def assert_same_model(expected: carepath.Model, got: carepath.Model) -> None:
    diff = model_diff(expected, got)
    assert not diff, f"{len(diff)} differences; the first:\n" + "\n".join(diff[:15])


@pytest.fixture(scope="module")
def tiny() -> carepath.Model:
    return carepath.load(TINY)


@pytest.fixture(scope="module")
def region(tmp_path_factory) -> carepath.Model:
    """The region preset (five areas, ~2,400 services, ~130,000 relations) in its CSV form."""
    from carepath.synth import preset, synthesize, write_system

    size = preset("region")
    system = synthesize(areas=size.areas, services_per_area=size.services_per_area, seed=0)
    return carepath.load(write_system(system, tmp_path_factory.mktemp("region") / "data",
                                      fmt="csv"))


def _target(fmt: Format, folder: Path) -> Path:
    if fmt.target == "FOLDER":
        return folder / fmt.name
    return folder / TARGETS["FILE"].get(fmt.name, f"out.{fmt.name}")


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.startswith(".")}


def _expected_files(fmt: Format, artifact: Any) -> dict[str, bytes] | None:
    """The files the converter's artifact says a folder holds (None: not a folder's)."""
    if isinstance(artifact, dict) and all(isinstance(v, str) for v in artifact.values()):
        return {name: text.encode("utf-8") for name, text in artifact.items()}
    if hasattr(artifact, "tables"):  # an HSDS package
        from carepath.standards.hsds import REPORT_FILE

        files = {f"{t}.csv": artifact.csv_text(t).encode("utf-8") for t in artifact.tables}
        files["datapackage.json"] = (json.dumps(artifact.descriptor(), indent=2,
                                                ensure_ascii=False) + "\n").encode("utf-8")
        files[REPORT_FILE] = artifact.report.markdown().encode("utf-8")
        return files
    return None


def _sheets(data: bytes) -> dict[str, list[tuple]]:
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=True)
    try:
        return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}
    finally:
        wb.close()


@pytest.mark.parametrize("fmt", WRITTEN, ids=lambda f: f.name)
@pytest.mark.parametrize("data", ["tiny", "reference"])
def test_writer_writes_what_the_converter_returns(fmt, data, tiny, tmp_path):
    model = tiny if data == "tiny" else carepath.load_reference()
    extra = EXTRA.get(fmt.name, {})
    made = fmt.converter()(model, **extra)
    written = fmt.writer()(model, _target(fmt, tmp_path), **extra)
    artifact = made.artifact if isinstance(made, Exported) else made
    path = written.artifact if isinstance(written, Exported) else written
    if isinstance(made, Exported) and isinstance(written, Exported):
        assert written.report == made.report
    expected = _expected_files(fmt, artifact)
    if expected is not None:
        assert path.is_dir()
        assert _files(path) == expected
    elif isinstance(artifact, bytes):  # a workbook: its cells (the zip stamps its time)
        assert _sheets(path.read_bytes()) == _sheets(artifact)
    elif isinstance(artifact, dict):  # a FHIR Bundle
        from carepath.standards.fhir import fhir_text

        assert path.read_text(encoding="utf-8") == fhir_text(artifact)
    else:
        assert path.read_text(encoding="utf-8") == artifact


@pytest.mark.parametrize("fmt", [f for f in FORMATS.values() if f.target == "SERVER"],
                         ids=lambda f: f.name)
def test_a_push_sends_what_its_converter_returns(fmt, tiny):
    """A push's converter makes the payload its writer sends (the pushes themselves are
    tested against real servers in tests/servers)."""
    made = fmt.converter()(tiny)
    assert isinstance(made, Exported) and made.artifact and made.report.lost == 0


def _read_back(fmt: Format, model: carepath.Model, folder: Path) -> tuple[carepath.Model, Any]:
    done = fmt.writer()(model, _target(fmt, folder))
    if fmt.loads:
        return carepath.load(done.artifact), done.report
    fmt.importer()(done.artifact, folder / "imported")
    return carepath.load(folder / "imported"), done.report


@pytest.mark.parametrize("fmt", WHOLE, ids=lambda f: f.name)
@pytest.mark.parametrize("data", ["tiny", "tiny-csv"])
def test_round_trip_of_a_small_model_is_whole(fmt, data, tiny, tmp_path):
    model = tiny if data == "tiny" else carepath.load(TINY_CSV)
    got, report = _read_back(fmt, model, tmp_path)
    assert report.lost == 0
    assert_same_model(model, got)


@pytest.mark.parametrize("fmt", WHOLE, ids=lambda f: f.name)
def test_round_trip_of_the_reference_loses_only_what_the_report_lists(fmt, tmp_path):
    model = carepath.load_reference()
    got, report = _read_back(fmt, model, tmp_path)
    if report.lost == 0:
        assert_same_model(model, got)
        return
    # every difference is named in the report, and every service it names differs
    named = {line.split(":")[0] for lines in report.not_held.values() for line in lines}
    diff = model_diff(model, got)
    differing = set()
    for where in diff:
        if where.startswith("model.pathway"):
            assert "pathway cells" in report.not_held, where
            continue
        table, _, rest = where.removeprefix("model.").partition("[")
        key = rest.split("]")[0].strip("'")
        assert key in named, f"{where} is lost but the report does not list {key!r}"
        differing.add(key)
    assert set(report.not_held.get("services", [])) and {
        line.split(":")[0] for line in report.not_held["services"]} <= differing


def _sorted_lists(fact: tuple) -> tuple:
    return tuple(tuple(sorted(x, key=repr)) if isinstance(x, tuple) else x for x in fact)


@pytest.mark.parametrize("fmt", IMPORTED, ids=lambda f: f.name)
@pytest.mark.parametrize("data", ["tiny", "reference"])
def test_an_import_brings_back_every_fact_but_those_the_report_lists(fmt, data, tiny, tmp_path):
    """The facts (:func:`~carepath.standards.common.model_facts`: what services are, do and
    say, and every relation with its conditions, not ids or provenance) that do not come
    back are exactly the export report's; none is invented."""
    from carepath.standards.common import model_facts

    model = tiny if data == "tiny" else carepath.load_reference()
    got, report = _read_back(fmt, model, tmp_path)
    before, after = model_facts(model), model_facts(got)
    # a list given back in another order (RDF holds sets) is no new fact: its order is lost
    reordered = {_sorted_lists(f) for f in report.facts}
    assert sorted((f for f in after - before if _sorted_lists(f) not in reordered),
                  key=repr)[:5] == []
    assert sorted(before - after - report.facts, key=repr)[:5] == []
    assert sorted(report.facts - (before - after), key=repr)[:5] == []


@pytest.mark.parametrize("fmt", WHOLE, ids=lambda f: f.name)
def test_round_trip_of_the_region_preset_is_whole(fmt, region, tmp_path):
    got, report = _read_back(fmt, region, tmp_path)
    assert report.lost == 0
    assert_same_model(region, got)


def test_the_reference_yaml_folder_loads_back_as_the_reference(tmp_path):
    """The reference data holds every kind of fact (pathway cells, conditions, scopes,
    versions...): its YAML folder is the whole model."""
    model = carepath.load_reference()
    got, report = _read_back(FORMATS["yaml"], model, tmp_path)
    assert report.lost == 0 and got == model


def test_every_import_and_export_command_comes_from_the_registry():
    import carepath.cli  # noqa: F401 - registers the commands
    from carepath.cli._common import export_app, import_app

    assert [c.name for c in export_app.registered_commands] == list(FORMATS)
    assert [c.name for c in import_app.registered_commands] == [
        name for name, fmt in FORMATS.items() if fmt.can_import]


@pytest.mark.parametrize("fmt", FORMATS.values(), ids=lambda f: f.name)
def test_each_export_command_offers_the_registry_options(fmt):
    from tests.conftest import cli

    ran = cli("export", fmt.name, "--help", columns=200)
    assert ran.returncode == 0, ran.stderr
    for opt in fmt.options:
        assert opt.flag in ran.stdout, opt.flag
    assert "--data" in ran.stdout and "--graph" in ran.stdout


@pytest.mark.parametrize("fmt", [f for f in FORMATS.values() if f.can_import],
                         ids=lambda f: f.name)
def test_an_import_offers_id_and_term_options_only_where_it_makes_ids(fmt):
    """HSDS and FHIR make carepath ids and map a standard's terms (--prefix, --map,
    --area-name); carepath's own graph files carry its ids, where those options did nothing."""
    from tests.conftest import cli

    ran = cli("import", fmt.name, "--help", columns=200)
    assert ran.returncode == 0, ran.stderr
    for flag in ("--prefix", "--map", "--area-name"):
        assert (flag in ran.stdout) == fmt.new_ids, flag
    assert "--force" in ran.stdout and "--data" in ran.stdout
