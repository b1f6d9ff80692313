"""The README's set-up commands exactly as a user runs them: defaults on, and again.

Issue 23: ``carepath build && carepath build`` failed the second time because the only test
that built twice turned SHACL off, so the default path was the one nobody ran. These tests take
the commands from the README's first block (the two set-up lines) and run them as written, in
a folder of the user's own, twice where a user would run them twice.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from .conftest import FIXTURES, run_cli

README = Path(__file__).parents[1] / "README.md"
# the block with the two set-up commands (after the one that makes a virtual environment)
FIRST_BLOCK = next(block for block in re.findall(r"```\n(.*?)```",
                                                 README.read_text(encoding="utf-8"), flags=re.S)
                   if "carepath build" in block)
COMMANDS = [shlex.split(line.split("#", 1)[0]) for line in FIRST_BLOCK.splitlines()]
# "pip install -e ... && carepath build": the carepath part of each line
CAREPATH = [cmd[cmd.index("carepath") + 1:] for cmd in COMMANDS if "carepath" in cmd]


def test_the_first_block_holds_build_and_serve_as_written():
    assert ["build"] in CAREPATH
    assert any(cmd[:1] == ["serve"] for cmd in CAREPATH)


def _ok(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result


def _summary(stdout: str) -> list[str]:
    """The build summary's count lines (the same data gives the same counts)."""
    return [line.split() for line in stdout.splitlines() if re.search(r"\s\d+\s*$", line)]


def test_build_as_written_twice_in_the_same_folder(tmp_path):
    first = _ok(run_cli("build", cwd=tmp_path))
    second = _ok(run_cli("build", cwd=tmp_path))
    assert _summary(first.stdout) == _summary(second.stdout) != []
    assert "SHACL" not in second.stderr  # the default build checked SHACL and passed
    assert (tmp_path / "carepath-build" / "manifest.json").is_file()


def test_build_again_after_a_question_and_with_force(tmp_path):
    _ok(run_cli("build", cwd=tmp_path))
    # reading the stores (both engines, read-only) must not make them look edited
    _ok(run_cli("query", "run", "who-refers-to", "--param", "service=dorset-pmmhs",
                "--graph", "carepath-build", cwd=tmp_path))
    _ok(run_cli("query", "sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                "--graph", "carepath-build", cwd=tmp_path))
    notes = tmp_path / "carepath-build" / "my-notes.txt"  # a file of the user's, kept
    notes.write_text("mine", encoding="utf-8")
    _ok(run_cli("build", cwd=tmp_path))
    _ok(run_cli("build", "--force", cwd=tmp_path))
    assert notes.read_text(encoding="utf-8") == "mine"


def test_build_again_after_editing_a_data_file(tmp_path):
    data = tmp_path / "my-area"
    shutil.copytree(FIXTURES / "tiny", data)
    _ok(run_cli("build", "--data", "my-area", cwd=tmp_path))
    area = data / "tiny.yaml"
    area.write_text(area.read_text(encoding="utf-8").replace(
        "name: Perinatal mental health team", "name: Perinatal mental health service"),
        encoding="utf-8")
    _ok(run_cli("build", "--data", "my-area", cwd=tmp_path))
    shown = _ok(run_cli("show", "tiny-pmh", "--graph", "carepath-build", cwd=tmp_path))
    assert "Perinatal mental health service" in shown.stdout


def test_single_file_export_again_with_force(tmp_path):
    for _ in range(2):
        _ok(run_cli("export", "graphml", "out.graphml", "--force", cwd=tmp_path))
    again = run_cli("export", "graphml", "out.graphml", cwd=tmp_path)
    assert again.returncode == 2 and "--force" in again.stderr


def _free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def test_serve_as_written_then_build_again(tmp_path):
    """``carepath serve --open`` after ``carepath build``, as the README's block runs them (a
    browser stand-in that opens nothing), then a build into the folder the server read."""
    serve = next(cmd for cmd in CAREPATH if cmd[:1] == ["serve"])
    if not _free(8000):  # the default port taken by something else on this machine
        serve = [*serve, "--port", "0"]
    _ok(run_cli("build", cwd=tmp_path))
    exe = shutil.which("carepath")
    cmd = [exe, *serve] if exe else [sys.executable, "-m", "carepath", *serve]
    env = {**os.environ, "BROWSER": "true"}  # webbrowser runs `true URL`: nothing opens
    proc = subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        url = None
        deadline = time.monotonic() + 60
        while url is None and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line and proc.poll() is not None:
                break
            found = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
            url = found[1] if found else None
        assert url, f"serve printed no address (exit {proc.poll()})"
        with urllib.request.urlopen(url + "api/service/dorset-pmmhs", timeout=30) as resp:
            assert json.load(resp)["id"] == "dorset-pmmhs"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    _ok(run_cli("build", cwd=tmp_path))

