"""Questions as a user asks them: whole ``carepath`` processes, wall and CPU time.

    python benchmarks/questions.py DATA BUILD [--repeat 3] [--markdown FILE]

DATA is a data folder (e.g. ``carepath synth --preset national -o DATA``), BUILD its build
folder (``carepath build --data DATA -o BUILD``). Each command runs ``--repeat`` times in a
process of its own; the table gives min and median of wall time and of CPU time (user +
system, all threads) and the peak resident memory. The cached ``--data`` rows run once first
to fill the cache (that first, cold run is reported on its own row).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

START, END = "<!-- benchmarks/questions.py -->", "<!-- /benchmarks/questions.py -->"
HEADING = ("## Questions as whole processes (national preset, `--graph` and cached `--data`)\n\n"
           "Measured by `python benchmarks/questions.py DATA BUILD --markdown "
           "benchmarks/RESULTS.md`.\n\n")


def kept_block(path: Path) -> str:
    """The block this script wrote into ``path`` (kept when run.py rewrites the file)."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    start, end = text.find(START), text.find(END)
    return "\n" + text[start:end + len(END)] + "\n" if 0 <= start < end else ""


def write_block(path: Path, table: str, notes: str = "") -> None:
    """Put ``table`` into ``path`` between the markers, replacing what was there."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    block = f"{START}\n{HEADING}{table}{notes}{END}"
    start, end = text.find(START), text.find(END)
    if 0 <= start < end:
        text = text[:start] + block + text[end + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


def measure(args: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """One process: wall seconds, CPU seconds, peak MB."""
    exe = shutil.which("carepath") or sys.executable
    cmd = [exe, *args] if exe != sys.executable else [exe, "-m", "carepath", *args]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(args)} failed: {proc.stderr.read().decode()[-500:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def questions(data: Path, build: Path) -> list[tuple[str, list[str], str]]:
    """(label, arguments, target) of each question; ids picked from the build's model in a
    process of its own (a child forked from a process holding the model would count that
    memory in its own peak)."""
    import json

    found = subprocess.run([sys.executable, __file__, str(data), str(build), "--questions"],
                           capture_output=True, text=True, check=True)
    return [tuple(q) for q in json.loads(found.stdout)]


def _questions(data: Path, build: Path) -> list[tuple[str, list[str], str]]:
    from collections import Counter

    from carepath.build import open_build

    model = open_build(build).model
    counts = Counter(t for st in model.statements if st.kind.value == "refers_to"
                     for t in st.targets)
    service = counts.most_common(1)[0][0]
    area = sorted(model.areas)[0]
    gp = sorted(s for s in model.services if s.startswith(f"{area}-gp-"))[1]
    mbu = sorted(s.id for s in model.services_in(area) if s.tier == "inpatient")[0]
    concern = sorted(model.concerns)[0]
    group = ("MATCH (a)-[r:REFERS_TO]->(b:Service) RETURN b.id AS service, count(*) AS n "
             "ORDER BY n DESC")
    sgroup = ("PREFIX cp: <https://w3id.org/carepath/ontology#> SELECT ?b (COUNT(*) AS ?n) "
              "WHERE { ?a cp:refersTo ?b } GROUP BY ?b ORDER BY DESC(?n)")
    b, d = str(build), str(data)
    return [
        ("carepath --help", ["--help"], "< 0.3 s"),
        ("query run who-refers-to --graph (SPARQL)",
         ["query", "run", "who-refers-to", "-p", f"service={service}", "--graph", b], "< 1 s"),
        ("query run who-refers-to --graph (Cypher)",
         ["query", "run", "who-refers-to", "--engine", "cypher", "-p", f"service={service}",
          "--graph", b], "< 1 s"),
        ("query cypher GROUP BY all referrals --graph", ["query", "cypher", group, "--graph", b],
         "< 1.5 s"),
        ("query sparql GROUP BY all referrals --graph", ["query", "sparql", sgroup, "--graph", b],
         ""),
        (f"gaps --area {area} --graph", ["gaps", "--area", area, "--graph", b], "< 3 s"),
        ("gaps, all areas --graph", ["gaps", "--graph", b, "-f", "csv"], "< 1.5 s"),
        ("overlaps, all areas --graph", ["overlaps", "--graph", b, "-f", "csv"], "< 3 s"),
        ("conform, every area and set --graph", ["conform", "--graph", b, "-f", "csv"],
         "a few seconds"),
        (f"routes {gp} -> {mbu} (all, <= 3 hops) --graph",
         ["routes", gp, mbu, "--max-hops", "3", "--graph", b], "< 2 s"),
        ("routes family -> inpatient --shortest --graph (every area)",
         ["routes", "family", "inpatient", "--shortest", "--graph", b], "< 2 s"),
        (f"need --at 4m --concern {concern} --area {area} --graph",
         ["need", "--at", "4m", "--concern", concern, "--area", area, "--graph", b], ""),
        ("query run who-refers-to --data (cached)",
         ["query", "run", "who-refers-to", "-p", f"service={service}", "--data", d],
         "<= 1.5x --graph"),
        (f"gaps --area {area} --data (cached)", ["gaps", "--area", area, "--data", d],
         "<= 1.5x --graph"),
        ("export neo4j-csv --graph", ["export", "neo4j-csv", "NEO4J_OUT", "--graph", b],
         "< 15 s"),
        ("carepath build --data DATA (a whole build)", ["build", "--data", d, "-o", "BUILD_OUT"],
         "< 15 s, < 3 GB"),
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("build", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--markdown", type=Path, help="write the table into this file "
                        "(e.g. benchmarks/RESULTS.md), replacing the block it wrote before")
    parser.add_argument("--questions", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.questions:
        import json

        print(json.dumps(_questions(args.data, args.build)))
        return
    work = Path(tempfile.mkdtemp(prefix="carepath-questions-"))
    env = {**os.environ, "CAREPATH_CACHE_DIR": str(work / "cache"), "COLUMNS": "200"}
    load = os.getloadavg()
    rows = []
    for label, q_args, target in questions(args.data, args.build):
        outs = {"NEO4J_OUT": str(work / "neo4j"), "BUILD_OUT": str(work / "build")}
        q_args = [outs.get(a, a) for a in q_args]
        if "(cached)" in label and not (work / "cache").exists():
            wall, cpu, mb = measure(q_args, env)
            rows.append((label.replace("(cached)", "(first: fills the cache)"),
                         [wall], [cpu], mb, ""))
        runs = [measure(q_args, env) for _ in range(args.repeat)]
        rows.append((label, [r[0] for r in runs], [r[1] for r in runs],
                     max(r[2] for r in runs), target))
        print(f"{label}: wall {min(rows[-1][1]):.2f}/{statistics.median(rows[-1][1]):.2f} s, "
              f"CPU {min(rows[-1][2]):.2f}/{statistics.median(rows[-1][2]):.2f} s, "
              f"{rows[-1][3]:.0f} MB", flush=True)
    after = os.getloadavg()
    lines = [f"Load average (1, 5, 15 min) before: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; "
             f"after: {after[0]:.1f} {after[1]:.1f} {after[2]:.1f}. {args.repeat} runs each.",
             "",
             "| question | wall min / median | CPU min / median | peak | target |",
             "|---|---:|---:|---:|---|"]
    for label, walls, cpus, mb, target in rows:
        lines.append(f"| {label} | {min(walls):.2f} / {statistics.median(walls):.2f} s | "
                     f"{min(cpus):.2f} / {statistics.median(cpus):.2f} s | {mb:,.0f} MB | "
                     f"{target} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.markdown:
        write_block(args.markdown, text)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
