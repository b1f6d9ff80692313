"""What the installed package carries besides its code: the PEP 561 marker that tells type
checkers (mypy, pyright) to read carepath's own annotations."""

import tomllib
from importlib.resources import files
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_package_is_marked_typed_and_the_marker_ships():
    assert files("carepath").joinpath("py.typed").is_file()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "py.typed" in project["tool"]["setuptools"]["package-data"]["carepath"]
