"""The analyses over the graph, each returning a pandas DataFrame, and the named query library
(``library/*.rq``, ``*.cypher``, run by :mod:`carepath.queries.named`).

Each analysis is imported on first use, not with the package: a question about gaps does not
import the route searches' networkx nor the comparisons' pandas. Where a module is named like
its analysis (``gaps``, ``overlaps``, ``stepped_care``, ``structure``), the package's name is
the function, as it always was.

>>> import carepath
>>> from carepath.queries import gaps
>>> gaps(carepath.load_reference(), area="dorset", kinds=["transition"]).subject.tolist()
['dorset-pmmhs']
"""

import importlib
import sys
import types
from typing import Any

#: each public analysis and the module that holds it
_WHERE = {
    "compare_areas": "compare", "diff": "compare", "whatif_remove": "compare",
    "eligible": "eligibility", "coverage_matrix": "gaps", "gaps": "gaps",
    "overlaps": "overlaps", "similarity": "overlaps", "pathway_cells": "pathway",
    "referrals": "referrals", "self_referrals": "referrals", "entry_points": "routes",
    "referral_routes": "routes", "routes_for_need": "routes", "shortest_route": "routes",
    "stepped_care": "stepped_care", "tier_flows": "stepped_care", "structure": "structure",
    "inventory": "inventory",
}

__all__ = sorted(_WHERE)


class _Analyses(types.ModuleType):
    """The package, importing an analysis's module when the analysis is first asked for."""

    def __getattr__(self, name: str) -> Any:
        if name not in _WHERE:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
        super().__setattr__(name, value)
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _WHERE and isinstance(value, types.ModuleType):
            return  # the import system naming a submodule: the package keeps the function
        super().__setattr__(name, value)

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *_WHERE})


sys.modules[__name__].__class__ = _Analyses
