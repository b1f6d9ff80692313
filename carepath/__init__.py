"""carepath: a knowledge graph of perinatal and infant mental health services.

The public API: load data into the typed model, build views of it, and ask it questions.

>>> import carepath
>>> model = carepath.load_reference()
>>> model.services["cm-iapt"].need_min, model.services["cm-iapt"].need_max
(12.0, 17.0)
"""

from typing import TYPE_CHECKING

from carepath.errors import (
    CarepathError,
    DataValidationError,
    ExportError,
    Problem,
    QueryError,
    RangeParseError,
)

if TYPE_CHECKING:
    from carepath.graph.model import Model, Relation, RelationKind, Service
    from carepath.graph.stages import Interval, parse_range
    from carepath.loaders import load, load_reference, validate

# The model and the loaders (pydantic, ~0.2 s) load on first use, so that `carepath --help`
# and `import carepath.errors` stay fast.
_LAZY = {
    "Model": "carepath.graph.model", "Relation": "carepath.graph.model",
    "RelationKind": "carepath.graph.model", "Service": "carepath.graph.model",
    "Interval": "carepath.graph.stages", "parse_range": "carepath.graph.stages",
    "load": "carepath.loaders", "load_reference": "carepath.loaders",
    "validate": "carepath.loaders",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'carepath' has no attribute {name!r}")


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
