"""The README's examples are real: each ``$ carepath ...`` block prints what the README shows."""

import re
import shlex
from pathlib import Path

import pytest

from .conftest import run_cli

README = Path(__file__).parents[1] / "README.md"
EXAMPLES = re.findall(r"```\n\$ carepath ([^\n]+)\n(.*?)```", README.read_text(encoding="utf-8"),
                      flags=re.S)


def test_the_readme_has_examples():
    assert len(EXAMPLES) >= 2


@pytest.mark.parametrize(("command", "shown"), EXAMPLES, ids=[c.split()[0] for c, _ in EXAMPLES])
def test_readme_example_prints_what_it_shows(command, shown):
    result = run_cli(*shlex.split(command))
    assert result.returncode == 0, result.stderr
    assert result.stdout == shown


def test_the_layout_names_every_package():
    layout = re.search(r"## Layout\n\n```\n(.*?)```", README.read_text(encoding="utf-8"),
                       flags=re.S).group(1)
    named = set(re.findall(r"^ *([\w.-]+)/ ", layout, flags=re.M))
    root = README.parent
    packages = {p.parent.name for p in (root / "carepath").glob("*/__init__.py")}
    packages |= {p.parent.name for p in root.glob("*/__init__.py")}  # carepath.graph, ...
    assert packages - {"tests"} <= named, sorted(packages - named)
