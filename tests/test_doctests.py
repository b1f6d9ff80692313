"""Every docstring example in the package runs."""

import doctest
import importlib
import inspect
import pkgutil
import re

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


# "Raises" is written one way, a Google-style block ("Raises:" then "Error: when" lines),
# never a numpy section ("Raises" underlined) or a sentence ("Raises :class:`X` for ...").
_OTHER_RAISES = re.compile(r"^\s*Raises\s*\n\s*-{3,}\s*$|^\s*Raises\s+(:class:|[A-Z]\w*Error\b)",
                           re.MULTILINE)


@pytest.mark.parametrize("name", MODULES)
def test_raises_is_one_google_style_block(name):
    source = inspect.getsource(importlib.import_module(name))
    found = [m.group(0).strip() for m in _OTHER_RAISES.finditer(source)]
    assert not found, f"{name}: write 'Raises:' then '    SomeError: when' lines, not {found}"
