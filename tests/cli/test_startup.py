"""Start-up: ``carepath --help`` and a question that needs no table library answer without
importing pandas, numpy or pyarrow (~0.5-1 s of a question's start-up when they are), each
in a real process, its ``sys.modules`` read after ``main()`` has printed the answer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import carepath
from carepath.printing import records
from carepath.queries.gaps import gaps

from ..conftest import FIXTURES

TABLE_LIBRARIES = ("pandas", "numpy", "pyarrow")
_RUN = """
import json, sys
args = json.loads(sys.argv[1])
sys.argv = ["carepath", *args]
from carepath.cli import main
try:
    main()
    code = 0
except SystemExit as exc:
    code = exc.code or 0
sys.stdout.flush()
heavy = [m for m in {libs!r} if m in sys.modules]
sys.stderr.write("\\nIMPORTED " + json.dumps({{"code": code, "heavy": heavy}}) + "\\n")
"""


def run(*args: str) -> tuple[int, list[str], str]:
    """``carepath ARGS`` in a new process: its exit code, the table libraries it imported
    and what it printed."""
    code = _RUN.format(libs=TABLE_LIBRARIES)
    done = subprocess.run([sys.executable, "-c", code, json.dumps(args)], capture_output=True,
                          text=True, timeout=300, env={**os.environ, "COLUMNS": "200"})
    marker = done.stderr.rsplit("IMPORTED ", 1)
    assert len(marker) == 2, done.stderr
    found = json.loads(marker[1])
    return found["code"], found["heavy"], done.stdout


@pytest.fixture(scope="module")
def tiny_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A build folder of the tiny fixture (``carepath build``), for ``--graph``."""
    out = tmp_path_factory.mktemp("startup") / "build"
    built = subprocess.run([sys.executable, "-m", "carepath", "build", "--data",
                            str(FIXTURES / "tiny"), "-o", str(out)], capture_output=True,
                           text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    return out


@pytest.mark.parametrize("args", [
    pytest.param(("--help",), id="top-level-help"),
    pytest.param(("gaps", "--help"), id="analysis-help"),
    pytest.param(("gaps", "--area", "dorset"), id="gaps-of-one-area-as-a-table"),
    pytest.param(("gaps", "--area", "dorset", "--format", "csv"), id="gaps-as-csv"),
    pytest.param(("overlaps", "--area", "dorset"), id="overlaps-of-one-area-as-a-table"),
    pytest.param(("overlaps", "--format", "json"), id="overlaps-as-json"),
    pytest.param(("pathway", "--at", "4m"), id="pathway-cells-at-an-age"),
    pytest.param(("pathway", "--heading", "death of baby", "--format", "csv"),
                 id="pathway-cells-as-csv"),
    pytest.param(("refers", "--to", "dorset-pmmhs"), id="who-refers-to-a-service"),
    pytest.param(("refers", "--from", "gp", "--at", "10w", "--format", "json"),
                 id="referrals-from-a-profession-at-an-age-as-json"),
])
def test_no_table_library_before_an_answer_needs_one(args: tuple[str, ...]) -> None:
    code, heavy, printed = run(*args)
    assert code == 0
    assert heavy == []
    assert printed.strip()


def test_gaps_from_a_build_folder_without_pandas_gives_the_library_answer(
        tiny_build: Path) -> None:
    code, heavy, printed = run("gaps", "--graph", str(tiny_build), "--format", "json")
    assert (code, heavy) == (0, [])
    want = records(gaps(carepath.load(FIXTURES / "tiny")))
    assert want  # the fixture has gaps to show
    assert json.loads(printed) == want


def test_a_question_that_needs_pandas_still_imports_it() -> None:
    """The check above is not blind: ``stepped-care`` builds its answer with pandas today."""
    code, heavy, _ = run("stepped-care", "--area", "dorset")
    assert code == 0
    assert "pandas" in heavy
