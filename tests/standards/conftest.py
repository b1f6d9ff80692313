"""Where the third-party files are: ../shared/thirdparty beside the repository, never copied in."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..conftest import need

HERE = Path(__file__).parent
DATA = HERE / "data"
THIRDPARTY = Path(__file__).parents[2] / ".." / "shared" / "thirdparty"
HSDS3 = THIRDPARTY / "openreferral-hsds3"
ORUK = THIRDPARTY / "openreferral-uk"
SCHEMAS = HSDS3 / "schema"
UKCORE = THIRDPARTY / "fhir" / "UKCore-HealthcareService-OrthopaedicService-Example.xml"


@pytest.fixture(scope="session")
def thirdparty() -> Path:
    need((HSDS3 / "csv" / "services.csv").is_file() and SCHEMAS.is_dir() and UKCORE.is_file(),
         f"third-party standards files not found at {THIRDPARTY}")
    return THIRDPARTY


CONTROL = "\x01\x0b\x1b\x00"


def with_control_characters(model):
    """The model with control characters in a service's name, alias and notes, an area's
    name and a relation's note (what the loaders reject: this is a model made in code)."""
    import dataclasses

    from carepath.graph.model import RelationKind

    out = dataclasses.replace(model, services=dict(model.services), areas=dict(model.areas),
                              statements=list(model.statements))
    svc = out.services["dorset-pmmhs"]
    out.services[svc.id] = dataclasses.replace(
        svc, name="Perinatal\x01 and Maternal\x0b Mental Health\x1b Service\x00",
        aliases=(*svc.aliases, "PMMHS\x1b[31m"), notes="Bell\x07 and escape\x1b notes")
    out.areas["dorset"] = dataclasses.replace(out.areas["dorset"], name="Dorset\x0c")
    n = next(i for i, st in enumerate(out.statements)
             if st.kind is RelationKind.REFERS_TO and "dorset-pmmhs" in st.targets)
    out.statements[n] = dataclasses.replace(out.statements[n], note="note with \x00 and \x01")
    return out


@pytest.fixture(scope="session")
def dirty(reference):
    return with_control_characters(reference)


@pytest.fixture(scope="session")
def graph_exports(reference, dirty, tmp_path_factory) -> dict[str, Path]:
    """The reference graph, and the one with control characters, as GraphML and GEXF."""
    from carepath.standards.gexf import write_gexf
    from carepath.standards.graphml import write_graphml

    folder = tmp_path_factory.mktemp("graph-files")
    return {f"{name}.{fmt}": write(model, folder / f"{name}.{fmt}").artifact
            for name, model in (("reference", reference), ("dirty", dirty))
            for fmt, write in (("graphml", write_graphml), ("gexf", write_gexf))}


@pytest.fixture(scope="session")
def graphology(graph_exports) -> dict[str, dict]:
    """graphology's reading of every graph file, in one Node.js run."""
    from tests.support.validators import missing_node, read_graphs

    why = missing_node()
    need(why is None, why or "")
    read = read_graphs(*graph_exports.values(), probe="dorset-pmmhs")
    return {name: read[str(path)] for name, path in graph_exports.items()}


@pytest.fixture(scope="session")
def fhir_exports(reference, dirty, tmp_path_factory) -> dict[str, Path]:
    """The reference data and the one with control characters as FHIR JSON and XML, the
    reference data as Bulk Data NDJSON (``ndjson/{type}.ndjson``), and the definitions
    (extensions, code systems) of the reference data."""
    from carepath.standards.fhir import write_fhir

    folder = tmp_path_factory.mktemp("fhir")
    files = {"definitions": folder / "definitions.json"}
    for name, model in (("reference", reference), ("dirty", dirty)):
        for suffix in ("json", "xml"):
            path = folder / f"{name}.{suffix}"
            write_fhir(model, path, definitions=files["definitions"] if name == "reference"
                       else None, ndjson=folder / "ndjson" if path.name == "reference.json"
                       else None)
            files[f"{name}.{suffix}"] = path
    for path in sorted((folder / "ndjson").glob("*.ndjson")):
        files[f"ndjson/{path.name}"] = path
    return files


@pytest.fixture(scope="session")
def hapi(fhir_exports) -> dict[str, list[tuple[str, str, str]]]:
    """HAPI FHIR's messages (severity, location, message) for each exported file, from one
    JVM run with carepath's definitions loaded (about 40 s on two cores)."""
    from tests.support.validators import missing_java, run_java

    why = missing_java()
    need(why is None, why or "")
    files = {k: v for k, v in fhir_exports.items() if k != "definitions"}
    text = run_java("fhir", "--definitions", str(fhir_exports["definitions"]),
                    *map(str, files.values()))
    assert text.rstrip().endswith(f"done {len(files)}"), text[-2000:]
    by_path = {str(path): name for name, path in files.items()}
    messages: dict[str, list[tuple[str, str, str]]] = {name: [] for name in files}
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) == 4:
            messages[by_path[parts[0]]].append((parts[1], parts[2], parts[3]))
    return messages


@pytest.fixture(scope="session")
def region(tmp_path_factory):
    """The region preset (five areas, about 2,400 services and 129,000 relations), generated
    as ``carepath synth --preset region`` makes it, loaded from its CSV folder."""
    import carepath
    from carepath.synth import preset, synthesize, write_system

    size = preset("region")
    system = synthesize(areas=size.areas, services_per_area=size.services_per_area, seed=0)
    return carepath.load(write_system(system, tmp_path_factory.mktemp("region") / "data",
                                      fmt="csv"))
