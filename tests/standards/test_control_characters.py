"""Text with control characters (what the loaders refuse, in a model made in code) never
crashes an export nor makes a broken file: every format removes what it cannot hold (XML,
FHIR, HSDS) or escapes it (JSON-LD)."""

from __future__ import annotations

import json

import pytest
from lxml import etree

from carepath.standards import FORMATS, export
from carepath.standards.common import NOT_XML

from .conftest import CONTROL

UNSAFE = {chr(c) for c in NOT_XML}


SUFFIXES = {"image": "svg", "fhir": "json"}
VIEWS = {"html": {"view": "table"}, "image": {"view": "stepped-care"}}


# neo4j-csv is written exactly, as neo4j-admin must read the data (see formula_cells)
EXACT = ("neo4j-csv",)


@pytest.mark.parametrize("name", [
    n for n in sorted(FORMATS) if FORMATS[n].target != "SERVER" and n not in EXACT])
def test_every_export_of_text_with_control_characters_is_well_formed(dirty, tmp_path, name):
    target = tmp_path / (name if FORMATS[name].target == "FOLDER"
                         else f"out.{SUFFIXES.get(name, name)}")
    done = export(name, dirty, target, **VIEWS.get(name, {}))
    path = getattr(done, "artifact", done)
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        if file.suffix == ".xlsx":
            from openpyxl import load_workbook

            cells = {str(c) for ws in load_workbook(file).worksheets
                     for row in ws.iter_rows(values_only=True) for c in row}
            assert not UNSAFE & set("".join(cells)), f"{file.name} holds a control character"
            continue
        text = file.read_text(encoding="utf-8")
        if name == "jsonld":  # JSON escapes them: the text holds none, the values keep them
            assert not UNSAFE & set(text)
            labels = [n.get("rdfs:label") for n in json.loads(text)["@graph"]]
            assert any(set(CONTROL) & set(str(label)) for label in labels)
            continue
        assert not UNSAFE & set(text), f"{file.name} holds a control character"
        if file.suffix in (".xml", ".graphml", ".gexf"):
            etree.fromstring(text.encode("utf-8"))  # well-formed, or this raises
    if name in ("fhir", "graphml", "gexf"):
        assert "Perinatal and Maternal Mental Health Service" in files[0].read_text("utf-8")


def test_fhir_xml_with_control_characters_is_well_formed(dirty, tmp_path):
    done = export("fhir", dirty, tmp_path / "bundle.xml")
    root = etree.parse(str(done.artifact)).getroot()
    names = [e.get("value") for e in root.iter("{http://hl7.org/fhir}name")]
    assert "Perinatal and Maternal Mental Health Service" in names
