"""The question commands generated from their spec (carepath/cli/spec.py): each has the
shared options, and each answers from a build folder (``--graph``) as from its data."""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import pytest

from carepath.cli import app
from carepath.cli.analyses import QUESTIONS
from carepath.cli.conform import QUESTION as CONFORM
from carepath.cli.spec import SHARED

from ..conftest import cli, run_cli

COMMANDS = {c.name: c for c in app.registered_commands}


@pytest.mark.parametrize("question", QUESTIONS, ids=[q.name for q in QUESTIONS])
def test_every_analysis_has_its_shared_options(question) -> None:
    params = inspect.signature(COMMANDS[question.name].callback).parameters
    assert set(question.shared) <= params.keys()
    if "graph" in question.shared:
        assert "as_of" in params  # --as-of comes with --data and --graph


def test_every_command_that_reads_data_reads_a_build_folder_too() -> None:
    """``pathway`` had only ``--data``; every command with ``--data`` takes ``--graph``."""
    lacking = [name for name, c in COMMANDS.items()
               if "data" in inspect.signature(c.callback).parameters
               and "graph" not in inspect.signature(c.callback).parameters]
    assert lacking == []


def test_conform_is_generated_with_every_shared_option() -> None:
    params = inspect.signature(CONFORM).parameters
    assert set(SHARED) <= params.keys()


@pytest.fixture(scope="module")
def reference_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A build folder of the bundled reference data."""
    out = tmp_path_factory.mktemp("spec") / "build"
    built = run_cli("build", "-o", str(out), "--no-shacl")
    assert built.returncode == 0, built.stderr
    return out


ASKED = [
    pytest.param(("pathway", "--at", "4m"), id="pathway-at-an-age"),
    pytest.param(("pathway", "--heading", "death of baby", "--area", "pathway-0-5"),
                 id="pathway-one-kind-of-cell"),
    pytest.param(("gaps", "--area", "dorset"), id="gaps"),
    pytest.param(("overlaps", "--area", "pathway-0-5"), id="overlaps"),
    pytest.param(("refers", "--to", "CRUISE"), id="refers"),
    pytest.param(("stepped-care", "--area", "dorset"), id="stepped-care"),
    pytest.param(("eligible", "--at", "4m", "--concern", "anxiety", "--area", "dorset"),
                 id="eligible"),
    pytest.param(("conform", "--area", "dorset"), id="conform"),
    pytest.param(("stale",), id="stale"),
]


@pytest.mark.parametrize("args", ASKED)
def test_a_question_from_a_build_folder_answers_as_from_the_data(
        reference_build: Path, args: tuple[str, ...]) -> None:
    fmt = () if args[0] == "stale" else ("--format", "json")
    from_data = cli(*args, *fmt)
    from_build = cli(*args, *fmt, "--graph", str(reference_build))
    assert from_data.returncode == from_build.returncode == 0, from_build.stderr
    assert from_build.stdout == from_data.stdout
    if fmt:
        assert json.loads(from_build.stdout)  # an answer with rows, not two empty ones
