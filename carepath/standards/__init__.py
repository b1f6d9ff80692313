"""Reading and writing the standards planners' data already lives in.

One module per standard: :mod:`~carepath.standards.hsds` (Open Referral HSDS 3 and its UK
profile), :mod:`~carepath.standards.fhir` (FHIR R4 HealthcareService),
:mod:`~carepath.standards.graph_files` (GraphML, GEXF) and :mod:`~carepath.standards.jsonld`.
Imports write carepath data files that ``carepath.load`` reads (shared code in
:mod:`~carepath.standards.importing`); exports go through the model. None of these standards
holds a referral route between services: where one can carry it as text or a classification it
does, and each directory export lists what it could not hold.

>>> sorted(IMPORTERS), sorted(EXPORTERS)
(['fhir', 'hsds'], ['fhir', 'gexf', 'graphml', 'hsds', 'jsonld'])
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from carepath.graph.model import Model
from carepath.standards.fhir import export_fhir, import_fhir, to_fhir
from carepath.standards.gexf import export_gexf, to_gexf
from carepath.standards.graphml import export_graphml, to_graphml
from carepath.standards.hsds import export_hsds, import_hsds, to_hsds, validate_hsds
from carepath.standards.jsonld import export_jsonld, to_jsonld

IMPORTERS: dict[str, Callable[..., Any]] = {"hsds": import_hsds, "fhir": import_fhir}
GRAPH_EXPORTERS: dict[str, Callable[[Model, Path | str], Path]] = {
    "graphml": export_graphml, "gexf": export_gexf, "jsonld": export_jsonld}
EXPORTERS: dict[str, Callable[..., Path]] = {"hsds": export_hsds, "fhir": export_fhir,
                                             **GRAPH_EXPORTERS}

__all__ = [
    "EXPORTERS", "GRAPH_EXPORTERS", "IMPORTERS", "export_fhir", "export_gexf", "export_graphml",
    "export_hsds", "export_jsonld", "import_fhir", "import_hsds", "to_fhir", "to_gexf",
    "to_graphml", "to_hsds", "to_jsonld", "validate_hsds",
]
