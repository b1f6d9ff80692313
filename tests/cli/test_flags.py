"""The library names a caller's options in its own terms (``force=True``, ``hops``), as a
notebook calls it; the command line says the same thing with its flags (``--force``,
``--hops``): one message, two readers (issue 27, "The house")."""

from __future__ import annotations

import pytest

from carepath import load_reference
from carepath.cli._common import cli_message
from carepath.errors import HistoryError, NameLookupError, OutputExistsError, QueryError
from carepath.history import parse_date
from carepath.html._page import select
from carepath.lookup import resolve
from carepath.queries.pathway import pathway_cells
from carepath.synth import check_size
from carepath.writing import check_new_file

from .invoke import cli


def _raised(call, error: type[BaseException]) -> BaseException:
    with pytest.raises(error) as caught:
        call()
    return caught.value


@pytest.fixture(scope="module")
def model():
    return load_reference()


@pytest.mark.parametrize("call, error, library, command_line", [
    pytest.param(lambda m, tmp: check_new_file(tmp), OutputExistsError,
                 "give a new file name, or `force=True` to replace it",
                 "give a new file name, or --force to replace it", id="existing-file-force"),
    pytest.param(lambda m, tmp: select(m, focus="dorset-pmmhs", hops=0), QueryError,
                 "`hops` must be 1 or more, not 0", "--hops must be 1 or more, not 0",
                 id="hops-below-one"),
    pytest.param(lambda m, tmp: pathway_cells(m, week=4, stage="birth-6-weeks"), QueryError,
                 "give an age (`week`) or a stage (`stage`), not both",
                 "give an age (--at) or a stage (--stage), not both", id="age-and-stage"),
    pytest.param(lambda m, tmp: resolve(m, "mother baby", ("service",)), NameLookupError,
                 "; give an id or `area`", "; give an id or --area", id="name-fits-several"),
    pytest.param(lambda m, tmp: check_size(0, 40), ValueError,
                 "`areas` must be between 1 and", "--areas must be between 1 and",
                 id="synth-no-areas"),
    pytest.param(lambda m, tmp: parse_date("1 Aug 2024", "valid_from"), HistoryError,
                 "`valid_from` '1 Aug 2024' is not a date",
                 "--valid-from '1 Aug 2024' is not a date", id="valid-from-in-words"),
])
def test_the_library_names_options_and_the_command_line_its_flags(
        model, tmp_path, call, error, library, command_line):
    existing = tmp_path / "mine.txt"
    existing.write_text("the user's", encoding="utf-8")
    exc = _raised(lambda: call(model, existing), error)
    assert library in str(exc) and " --" not in str(exc) and "(--" not in str(exc)
    assert command_line in cli_message(exc)


def test_the_command_line_still_says_its_flags(tmp_path):
    mine = tmp_path / "mine.xlsx"
    mine.write_bytes(b"a filled-in workbook")
    result = cli("template", str(mine))
    assert result.exit_code == 2
    assert "give a new file name, or --force to replace it" in result.stderr
    assert "`" not in result.stderr  # no library markup reaches the terminal
    assert mine.read_bytes() == b"a filled-in workbook"

    result = cli("pathway", "--at", "4w", "--stage", "birth-6-weeks")
    assert result.exit_code == 1
    assert "give an age (--at) or a stage (--stage), not both" in result.stderr

    result = cli("show", "mother baby")
    assert result.exit_code == 2 and "; give an id or --area" in " ".join(result.stderr.split())
