"""Writing where nothing more fits, or nothing may be written (issue 24): standard output
on a full disk is an error with exit code 2, never a silently short file; a full disk under
``template`` is its one-line error and no traceback after it; a small read-only file system
is reported as read-only, not as full. Each runs ``carepath`` in a mount namespace of its
own, with a tiny tmpfs mounted (as tests/test_writing.py does)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import need

# mounts a tmpfs with options $1 at $0, runs the rest with its stdout to $0/out.txt (when
# $2 is "stdout") from inside $0, and keeps its stderr beside the mount point
_MOUNTED = """
mount -t tmpfs -o "$1" tmpfs "$0" || exit 97
where="$0"; how="$2"; shift 2
cd "$where"
if [ "$how" = stdout ]; then "$@" > "$where/out.txt" 2> "$where.stderr"
else "$@" 2> "$where.stderr"; fi
"""


def _run_mounted(tmp_path: Path, options: str, how: str, *args: str
                 ) -> tuple[int, str]:
    """``carepath ARGS`` on a tmpfs mounted with ``options``; exit code and stderr."""
    unshare = shutil.which("unshare")
    need(unshare is not None, "unshare (util-linux) is needed to mount a small tmpfs")
    mount = tmp_path / "small"
    mount.mkdir()
    user = [] if os.geteuid() == 0 else ["--user", "--map-root-user"]
    exe = shutil.which("carepath") or str(Path(sys.executable).with_name("carepath"))
    done = subprocess.run([unshare, *user, "--mount", "sh", "-c", _MOUNTED, str(mount),
                           options, how, exe, *args], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    need(done.returncode != 97, f"cannot mount a small tmpfs here: {done.stderr.strip()}")
    return done.returncode, (tmp_path / "small.stderr").read_text(encoding="utf-8")


def test_csv_to_a_full_disk_is_an_error_not_a_short_file(tmp_path):
    # the reference data's referrals are about 20 kB of CSV; 8 kB fit
    code, stderr = _run_mounted(tmp_path, "size=8k", "stdout", "refers", "--format", "csv")
    assert code == 2, stderr
    assert stderr.strip() == ("error: cannot write the output: no space left on the device; "
                              "what was written is incomplete")


def test_template_on_a_full_disk_is_one_line(tmp_path):
    code, stderr = _run_mounted(tmp_path, "size=8k", "file", "template", "t.xlsx")
    assert code == 2, stderr
    assert stderr.strip().splitlines() == [
        f"error: no space left on {tmp_path / 'small'}; free some space and run again "
        "(nothing was written)"]


@pytest.mark.parametrize("args", [("build", "-o", "b", "--no-shacl"),
                                  ("export", "graphml", "g.graphml")],
                         ids=["build", "export-graphml"])
def test_a_read_only_file_system_is_not_called_full(tmp_path, args):
    code, stderr = _run_mounted(tmp_path, "size=1m,ro", "file", *args)
    assert code == 2, stderr
    assert stderr.strip().splitlines() == [
        f"error: cannot write to {tmp_path / 'small'}: it is on a read-only file system; "
        "choose a folder you can write to (nothing was written)"]
