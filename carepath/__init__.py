"""carepath: a knowledge graph of perinatal and infant mental health services.

The public API: load data into the typed model, build views of it, and ask it questions.

>>> import carepath
>>> model = carepath.load_reference()
>>> model.services["cm-iapt"].need_min, model.services["cm-iapt"].need_max
(12.0, 17.0)
"""

from carepath.errors import (
    CarepathError,
    DataValidationError,
    ExportError,
    Problem,
    QueryError,
    RangeParseError,
)
from carepath.graph.model import Model, Relation, RelationKind, Service
from carepath.graph.stages import Interval, parse_range
from carepath.loaders import load, load_reference, validate

__version__ = "0.1.0"

__all__ = [
    "CarepathError",
    "DataValidationError",
    "ExportError",
    "Interval",
    "Model",
    "Problem",
    "QueryError",
    "RangeParseError",
    "Relation",
    "RelationKind",
    "Service",
    "load",
    "load_reference",
    "parse_range",
    "validate",
]
