"""Help that answers at once, in plain words, and exit codes as the README says."""

import json
import subprocess
import sys

import pytest

from ..conftest import run_cli

COMMANDS = [[], ["services"], ["show"], ["refers"], ["routes"], ["need"], ["gaps"],
            ["query", "run"], ["export", "html"], ["build"], ["synth"]]


@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(c) or "carepath" for c in COMMANDS])
def test_help_loads_no_data_library(command):
    """--help imports neither pandas, pydantic nor the loaders (each costs 0.1-0.5 s)."""
    code = ("import sys, json\n"
            f"sys.argv = ['carepath', *{command!r}, '--help']\n"
            "from carepath.cli import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "heavy = ['pandas', 'pydantic', 'numpy', 'carepath.loaders', 'rich.markdown']\n"
            "print(json.dumps([m for m in heavy if m in sys.modules]), file=sys.stderr)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)
    assert json.loads(result.stderr.strip().splitlines()[-1]) == []
    assert "Usage: carepath" in result.stdout and "<bool>" not in result.stdout


@pytest.mark.parametrize(("age", "same_as"), [
    pytest.param("6/52", "6 weeks", id="clinical-weeks"),
    pytest.param("weeks-0-6", "3", id="stage-id"),  # a stage: the middle of its window
])
def test_ages_as_planners_write_them(age, same_as):
    def answer(at):
        result = run_cli("refers", "--from", "p05-health-visiting", "--at", at, "-f", "json")
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)
    assert answer(age) == answer(same_as)


def test_an_unreadable_age_is_a_usage_error():
    result = run_cli("services", "--at", "soonish")
    assert result.returncode == 2 and "cannot read age 'soonish'" in result.stderr
