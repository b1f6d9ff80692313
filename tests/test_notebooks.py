"""The notebooks run top to bottom on a real Jupyter kernel, import only the public API, write
nothing outside a temp folder, and still show the answers saved in them.

Cells tagged ``check`` must print the same text as the output saved in the notebook, so the
saved outputs cannot go stale. After changing a notebook or the data, refresh the saved outputs
with ``python -m tests.test_notebooks [NOTEBOOK...]`` from the repository root.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

from .conftest import need

NOTEBOOKS = Path(__file__).parents[1] / "notebooks"
BOOKS = sorted(NOTEBOOKS.glob("*.ipynb"))
PUBLIC = ("carepath", "carepath.build", "carepath.queries", "carepath.queries.named",
          "carepath.engines", "carepath.engines.library",
          "carepath.loaders.template", "carepath.html", "carepath.graph.networkx")
TIME_LIMIT = 120  # seconds per cell
MAX_BYTES = 600_000


def execute(path: Path, cwd: Path):
    """Run a notebook on a fresh python3 kernel in ``cwd``; return the executed notebook."""
    import nbformat
    from nbclient import NotebookClient

    book = nbformat.read(path, as_version=4)
    NotebookClient(book, timeout=TIME_LIMIT, kernel_name="python3",
                   resources={"metadata": {"path": str(cwd)}}).execute()
    return book


def _text(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            parts.append(out.text)
        elif "data" in out and "text/plain" in out.data:
            parts.append(out.data["text/plain"])
    return re.sub(r"carepath-[\w-]+?(?=[/'])", "carepath-TMP", "".join(parts))


def _kernel_available() -> bool:
    try:
        from jupyter_client.kernelspec import KernelSpecManager
        return "python3" in KernelSpecManager().find_kernel_specs()
    except ImportError:
        return False


def test_the_four_stories_are_there():
    assert [p.stem[:2] for p in BOOKS] == ["01", "02", "03", "04"]


@pytest.mark.parametrize("path", BOOKS, ids=[p.stem for p in BOOKS])
def test_notebook_imports_only_the_public_api(path):
    import nbformat

    book = nbformat.read(path, as_version=4)
    for cell in book.cells:
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.ImportFrom) and node.module.startswith("carepath"):
                assert node.module in PUBLIC, f"{path.name} imports {node.module}"


@pytest.mark.parametrize("path", BOOKS, ids=[p.stem for p in BOOKS])
def test_notebook_runs_and_its_saved_answers_hold(path, tmp_path):
    need(_kernel_available(), "a python3 Jupyter kernel (pip install ipykernel nbclient)")
    import nbformat

    assert path.stat().st_size < MAX_BYTES, f"{path.name} carries too much output"
    saved = nbformat.read(path, as_version=4)
    before = sorted(p.name for p in NOTEBOOKS.iterdir())
    ran = execute(path, tmp_path)
    assert sorted(p.name for p in NOTEBOOKS.iterdir()) == before, "wrote into notebooks/"
    assert list(tmp_path.iterdir()) == [], "wrote into its working folder"
    checked = 0
    for old, new in zip(saved.cells, ran.cells, strict=True):
        if "check" in old.metadata.get("tags", []):
            assert _text(new) == _text(old), f"{path.name}: output changed:\n{new.source}"
            checked += 1
    assert checked, f"{path.name} has no cell tagged 'check'"


if __name__ == "__main__":  # refresh the saved outputs
    import tempfile

    import nbformat

    for path in BOOKS if len(sys.argv) == 1 else [Path(a) for a in sys.argv[1:]]:
        with tempfile.TemporaryDirectory() as cwd:
            nbformat.write(execute(path, Path(cwd)), path)
        print(f"refreshed {path} ({path.stat().st_size // 1024} KB)")
