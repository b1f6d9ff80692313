"""`carepath serve --workers N` (issue 28): N worker processes over one read-only build answer
every kind of request on one address; a worker that dies is replaced while the others answer;
SIGTERM stops them all; the build folder is left as the build wrote it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from carepath.serve.loadtest import request_mix, run_load

from ..conftest import cli, run_cli

pytestmark = pytest.mark.skipif(not Path("/proc/self/task").is_dir(),
                                reason="reads the worker processes from /proc (Linux)")


def _workers(pid: int) -> list[int]:
    """The server's worker processes (its spawned children, not multiprocessing's resource
    tracker)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            try:
                cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
            except OSError:
                continue
            if b"spawn_main" in cmdline and b"resource_tracker" not in cmdline:
                found.append(int(child))
    return sorted(found)


def _listing(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_workers_answer_every_kind_replace_a_dead_one_and_stop(tmp_path, reference):
    out = tmp_path / "built"
    made = cli("build", "-o", str(out), "--no-shacl")
    assert made.returncode == 0, made.stderr
    before = _listing(out)
    env = {**os.environ, "CAREPATH_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.Popen([sys.executable, "-m", "carepath", "serve", "--graph", str(out),
                             "--port", "0", "-q", "--workers", "2"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stdout.readline()
        assert line.startswith("carepath serve: http://127.0.0.1:"), proc.stderr.read()
        url = line.split()[2]
        first = _workers(proc.pid)
        assert len(first) == 2
        mix = request_mix(reference)
        result = run_load(url, mix, clients=8, total=8 * len(mix), timeout=60, deadline=120)
        assert result.failures == [] and result.answered == 8 * len(mix)

        os.kill(first[0], signal.SIGKILL)  # a worker dies: the other answers meanwhile
        result = run_load(url, mix, clients=4, total=2 * len(mix), timeout=60, deadline=120)
        assert result.failures == []
        deadline = time.monotonic() + 120
        while True:
            now = _workers(proc.pid)
            if len(now) == 2 and first[0] not in now:
                break
            assert time.monotonic() < deadline, f"no new worker: {now}"
            time.sleep(0.2)

        proc.send_signal(signal.SIGTERM)
        _, errors = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0 and "Traceback" not in errors, errors
    for pid in now:
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(
            f"/proc/{pid}/status").read_text()
    assert _listing(out) == before  # nothing written into the user's build
    assert not (tmp_path / "cache").exists()


def test_a_build_still_making_its_stores_is_one_clear_error(tmp_path):
    out = tmp_path / "built"
    made = cli("build", "-o", str(out), "--no-shacl")
    assert made.returncode == 0, made.stderr
    (out / "graph.lbdb").unlink()  # as if the build had stopped before it
    done = run_cli("serve", "--graph", str(out), "--port", "0", "--workers", "2")
    assert done.returncode != 0
    assert "graph.lbdb" in done.stderr and "Traceback" not in done.stderr
