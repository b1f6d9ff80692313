"""``carepath serve`` under load: page and endpoint latency, p50 and p95, per kind of request.

    python benchmarks/serve.py reference region            # print the table
    python benchmarks/serve.py reference region --markdown benchmarks/RESULTS.md

For each data set the server runs as ``carepath serve --data ... --port 0 -q`` in a process of
its own (so the clients do not share its interpreter); this process first asks each kind of
request once (the first answer builds the caches a page needs: the table's rows, an area's
gaps), then runs the bounded load test of :mod:`carepath.serve.loadtest` (20 clients, a fixed
number of requests, loopback only). Start-up is the time until the server prints its address;
peak memory is the server process's maximum resident set. ``--markdown`` replaces the section
between the ``serve`` markers of that file and leaves the rest as it is.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

START, END = "<!-- serve:start -->", "<!-- serve:end -->"
NOTE = ("Reading it: first answers show what a request costs alone once what it reuses is "
        "made (the table's rows are made in a background thread at start-up, an area's gaps "
        "on first use); p50 and p95 under load are mostly queueing in one server process on "
        "a shared machine. Start-up is loading the data and building both engines, as "
        "`carepath build` does; serving a build folder (the instant-answers issue) will take "
        "that away.")


def _data(name: str, work: Path) -> list[str]:
    from carepath.build import is_build

    if name == "reference":
        return []
    if is_build(name):  # a build folder: served as --graph, the way to serve national data
        return ["--graph", name]
    folder = work / name
    if not folder.exists():
        subprocess.run([sys.executable, "-m", "carepath", "synth", "--preset", name,
                        "--format", "csv", "-o", str(folder)], check=True)
    return ["--data", str(folder)]


def _peak_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024


def _children(pid: int) -> list[int]:
    """The server's worker processes and theirs (Linux /proc), not the resource tracker."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            try:
                cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
            except OSError:
                continue
            if b"resource_tracker" not in cmdline:
                found += [int(child), *_children(int(child))]
    return found


def _rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024


def _model(data: list[str]) -> Any:
    import carepath
    from carepath.build import open_build

    if data[:1] == ["--graph"]:
        return open_build(data[1]).model
    return carepath.load(*data[1::2]) if data else carepath.load_reference()


def measure(name: str, work: Path, *, clients: int | list[int], total: int,
            workers: int = 1) -> dict[str, Any]:
    """Start a server on ``name``'s data (a build folder: ``--graph``) with ``workers``
    processes, time the first answers and a load run for each number of ``clients``, stop
    it."""
    from carepath.serve.loadtest import request_mix, run_load

    data = _data(name, work)
    model = _model(data)
    mix = request_mix(model)
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "carepath", "serve", *data, "--port", "0",
                             "-q", "--timeout", "120", "--workers", str(workers)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = proc.stdout.readline()
        if not line.startswith("carepath serve: http"):
            raise RuntimeError(f"the server did not start: {line!r}")
        startup = time.perf_counter() - started
        url = line.split()[2]
        first = {}
        for kind, path in mix:
            t0 = time.perf_counter()
            with urllib.request.urlopen(url.rstrip("/") + path, timeout=300) as r:
                r.read()
            first[kind] = (time.perf_counter() - t0) * 1000
        loads = {}
        for n in [clients] if isinstance(clients, int) else clients:
            result = run_load(url, mix, clients=n, total=max(total, 4 * n), timeout=120,
                              deadline=600)
            loads[n] = {"summary": result.summary(), "failures": len(result.failures),
                        "answered": result.answered, "wall_s": result.wall,
                        "per_s": result.answered / result.wall}
        peak = _peak_mb(proc.pid)
        rss = _rss_mb(proc.pid) + sum(_rss_mb(c) for c in _children(proc.pid))
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    last = loads[max(loads)]
    return {"name": name, "services": len(model.services), "relations": model.relation_count,
            "startup_s": startup, "peak_mb": peak, "rss_all_mb": rss, "first_ms": first,
            "summary": last["summary"], "failures": last["failures"],
            "answered": last["answered"], "wall_s": last["wall_s"], "clients": max(loads),
            "workers": workers, "loads": loads}


def clients_markdown(runs: list[dict[str, Any]]) -> str:
    """Requests a second and p50 / p95 of cards and area questions for each run and number
    of clients."""
    kinds = ["service card", "gaps page", "directory search", "neighbourhood", "all"]
    lines = ["| data | workers | memory (all processes) | clients | requests/s | "
             + " | ".join(f"{k} p50 / p95" for k in kinds) + " |",
             "|---|---:|---:|---:|---:|" + "---:|" * len(kinds)]
    for r in runs:
        for n, load in r["loads"].items():
            cells = []
            for kind in kinds:
                s = load["summary"].get(kind)
                cells.append(f"{s['p50_ms']:,.0f} / {s['p95_ms']:,.0f} ms" if s else "-")
            failed = "" if not load["failures"] else f" ({load['failures']} failed)"
            lines.append(f"| {Path(r['name']).name} | {r['workers']} | "
                         f"{r['rss_all_mb']:,.0f} MB | {n} | {load['per_s']:.0f}{failed} | "
                         + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def markdown(runs: list[dict[str, Any]]) -> str:
    load = os.getloadavg()
    lines = [
        START, "## `carepath serve` under load",
        "",
        f"Measured by `python benchmarks/serve.py {' '.join(r['name'] for r in runs)} "
        "--markdown benchmarks/RESULTS.md` on the same shared 2-core machine (load average "
        f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f} after the run). The server runs in a "
        "process of its own; the clients are threads of another process on the loopback.",
        "",
        "| data | services | relations | start-up | server peak memory | requests | clients "
        "| all answered | wall |",
        "|---|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for r in runs:
        lines.append(f"| {r['name']} | {r['services']:,} | {r['relations']:,} | "
                     f"{r['startup_s']:.1f} s | {r['peak_mb']:,.0f} MB | {r['answered']:,} | "
                     f"{r['clients']} | {'yes' if r['failures'] == 0 else 'no'} | "
                     f"{r['wall_s']:.1f} s |")
    kinds = list(runs[0]["first_ms"]) + ["all"]
    head = " | ".join(f"{r['name']} first / p50 / p95" for r in runs)
    lines += ["", f"| request | {head} |", "|---|" + "---:|" * len(runs)]
    for kind in kinds:
        cells = []
        for r in runs:
            s = r["summary"].get(kind)
            first = r["first_ms"].get(kind)
            cells.append(("" if first is None else f"{first:,.0f} / ")
                         + (f"{s['p50_ms']:,.0f} / {s['p95_ms']:,.0f} ms" if s else "-"))
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    lines += ["", "First: the first answer of its kind, alone (it builds what later answers "
              "reuse). p50/p95: under load, all clients at once, in milliseconds.", "",
              NOTE, END]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="+", help="reference, or a synth preset name")
    parser.add_argument("--clients", default="20",
                        help="clients at once; several (1,8,32) run one after another")
    parser.add_argument("--workers", default="1", help="server processes; several (1,2) "
                        "start the server once for each")
    parser.add_argument("--json", type=Path, help="also write the runs as JSON here")
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "cp-bench")
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    clients = [int(n) for n in args.clients.split(",")]
    runs = [measure(name, args.work, clients=clients, total=args.requests, workers=int(w))
            for name in args.data for w in args.workers.split(",")]
    if args.json:
        args.json.write_text(json.dumps(runs, indent=1), encoding="utf-8")
    print(clients_markdown(runs))
    text = markdown(runs)
    print(text)
    if args.markdown:
        old = args.markdown.read_text(encoding="utf-8") if args.markdown.exists() else ""
        if START in old and END in old:
            new = old[:old.index(START)] + text.rstrip("\n") + old[old.index(END) + len(END):]
        else:
            new = old.rstrip("\n") + "\n\n" + text
        tmp = args.markdown.with_suffix(".tmp")
        tmp.write_text(new, encoding="utf-8")
        tmp.replace(args.markdown)


if __name__ == "__main__":
    main()
