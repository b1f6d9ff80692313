"""Every docstring example in the package runs."""

import doctest
import importlib
import pkgutil

import pytest

PACKAGES = ["carepath", "carepath.graph", "carepath.loaders", "carepath.queries",
            "carepath.ontology"]
MODULES = sorted(
    set(PACKAGES)
    | {name for pkg in PACKAGES
       for _, name, _ in pkgutil.walk_packages(importlib.import_module(pkg).__path__, pkg + ".")
       if not name.endswith("__main__")}
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
