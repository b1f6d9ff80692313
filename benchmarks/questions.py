"""Questions as a user asks them: whole ``carepath`` processes, wall and CPU time.

    python benchmarks/questions.py DATA BUILD [--repeat 3] [--neo4j] --json RUN.json
    python benchmarks/questions.py --report region=R.json national=N.json --markdown FILE

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
from dataclasses import dataclass
from pathlib import Path

START, END = "<!-- benchmarks/questions.py -->", "<!-- /benchmarks/questions.py -->"
HEADING = ("## Questions as whole processes, region and national, beside the plain ways\n\n"
           "Measured by `python benchmarks/questions.py DATA BUILD --json RUN.json` for each "
           "preset, then `python benchmarks/questions.py --report region=R.json "
           "national=N.json --markdown benchmarks/RESULTS.md`.\n\n")


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
    """One process: wall seconds, CPU seconds, peak MB. ``args`` are carepath's, or a
    ``python SCRIPT ...`` command line (a baseline) when they start with ``python``."""
    if args[0] == "python":
        cmd = [sys.executable, *args[1:]]
    else:
        exe = shutil.which("carepath") or sys.executable
        cmd = [exe, *args] if exe != sys.executable else [exe, "-m", "carepath", *args]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(args)} failed: {proc.stderr.read().decode()[-500:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024




@dataclass(frozen=True)
class Question:
    """One row: ``key`` is the same at every scale (the label may name other ids)."""

    key: str
    label: str
    args: list[str]
    target: str = ""
    one_place: bool = False  # about one area or one service: its cost should not grow
    repeat: int | None = None  # runs (None: --repeat); slow baselines run once
    needs: str = ""  # "neo4j": only with --neo4j


def questions(data: Path, build: Path, neo4j: str | None) -> list[Question]:
    """The questions, ids picked from the build's model in a process of its own (a child
    forked from a process holding the model would count that memory in its own peak)."""
    import json

    found = subprocess.run([sys.executable, __file__, str(data), str(build), "--questions"],
                           capture_output=True, text=True, check=True)
    return [q for q in (Question(**d) for d in json.loads(found.stdout))
            if not q.needs or (q.needs == "neo4j" and neo4j)]


def _questions(data: Path, build: Path) -> list[dict]:
    from collections import Counter
    from dataclasses import asdict

    from carepath.build import open_build

    model = open_build(build).model
    counts = Counter(t for st in model.statements if st.kind.value == "refers_to"
                     for t in st.targets)
    service = counts.most_common(1)[0][0]
    area = sorted(model.areas)[0]
    gp = sorted(s for s in model.services if s.startswith(f"{area}-gp-"))[1]
    mbu = sorted(s.id for s in model.services_in(area) if s.tier == "inpatient")[0]
    concern = "birth-trauma-tokophobia" if "birth-trauma-tokophobia" in model.concerns \
        else sorted(model.concerns)[0]
    group = ("MATCH (a)-[r:REFERS_TO]->(b:Service) RETURN b.id AS service, count(*) AS n "
             "ORDER BY n DESC")
    sgroup = ("PREFIX cp: <https://w3id.org/carepath/ontology#> SELECT ?b (COUNT(*) AS ?n) "
              "WHERE { ?a cp:refersTo ?b } GROUP BY ?b ORDER BY DESC(?n)")
    b, d = str(build), str(data)
    here = Path(__file__).parent
    base = ["python", str(here / "baselines.py")]
    plain_routes = here / "plain_routes.py"
    qs = [
        Question("help", "carepath --help", ["--help"], "< 0.3 s"),
        Question("refers-to", "refers --to S --graph", ["refers", "--to", service, "--graph", b],
                 "< 0.5 s", one_place=True),
        Question("show", "show S --graph", ["show", service, "--graph", b], "< 0.5 s",
                 one_place=True),
        Question("search", 'services --search "birth trauma" --graph',
                 ["services", "--search", "birth trauma", "--graph", b], "< 0.5 s"),
        Question("gaps-area", "gaps --area A --graph", ["gaps", "--area", area, "--graph", b],
                 "< 1 s", one_place=True),
        Question("need", "need --at 4m --concern C --area A --graph",
                 ["need", "--at", "4m", "--concern", concern, "--area", area, "--graph", b],
                 "< 1 s", one_place=True),
        Question("eligible", "eligible --at 4m --concern C --area A --graph",
                 ["eligible", "--at", "4m", "--concern", concern, "--area", area, "--graph", b],
                 "< 1 s", one_place=True),
        Question("routes-gp-mbu", "routes GP MBU --max-hops 3 --graph",
                 ["routes", gp, mbu, "--max-hops", "3", "--graph", b], "< 1 s",
                 one_place=True),
        Question("routes-shortest", "routes family inpatient --shortest --graph",
                 ["routes", "family", "inpatient", "--shortest", "--graph", b],
                 "< plain networkx script"),
        Question("pathway", "pathway --at 4m --graph", ["pathway", "--at", "4m", "--graph", b],
                 "< 1 s"),
        Question("gaps-all", "gaps, all areas --graph", ["gaps", "--graph", b, "-f", "csv"],
                 "< 3 s"),
        Question("overlaps-all", "overlaps, all areas --graph",
                 ["overlaps", "--graph", b, "-f", "csv"], "< 3 s"),
        Question("conform", "conform, every area and set --graph",
                 ["conform", "--graph", b, "-f", "csv"], "a few seconds"),
        Question("who-sparql", "query run who-refers-to --graph (SPARQL)",
                 ["query", "run", "who-refers-to", "-p", f"service={service}", "--graph", b],
                 "< 1 s", one_place=True),
        Question("who-cypher", "query run who-refers-to --graph (Cypher)",
                 ["query", "run", "who-refers-to", "--engine", "cypher", "-p",
                  f"service={service}", "--graph", b], "< 1 s", one_place=True),
        Question("group-cypher", "query cypher GROUP BY all referrals --graph",
                 ["query", "cypher", group, "--graph", b], "< 1.5 s"),
        Question("group-sparql", "query sparql GROUP BY all referrals --graph",
                 ["query", "sparql", sgroup, "--graph", b]),
        Question("who-cached", "query run who-refers-to --data (cached)",
                 ["query", "run", "who-refers-to", "-p", f"service={service}", "--data", d],
                 "<= 1.5x --graph", one_place=True),
        Question("gaps-cached", "gaps --area A --data (cached)",
                 ["gaps", "--area", area, "--data", d], "<= 1.5x --graph", one_place=True),
        Question("neo4j-csv", "export neo4j-csv --graph",
                 ["export", "neo4j-csv", "NEO4J_OUT", "--graph", b], "< 15 s"),
        Question("build", "carepath build --data DATA (a whole build)",
                 ["build", "--data", d, "-o", "BUILD_OUT"], "< 15 s, < 3 GB"),
        # the plain ways, side by side
        Question("plain-oxigraph-who", "raw pyoxigraph: open the build, who-refers-to",
                 [*base, "oxigraph-who-refers-to", b, service], one_place=True),
        Question("plain-ladybug-who", "raw LadybugDB: open the build, who-refers-to",
                 [*base, "ladybug-who-refers-to", b, service], one_place=True),
        Question("plain-oxigraph-group", "raw pyoxigraph: open the build, GROUP BY",
                 [*base, "oxigraph-group-by", b]),
        Question("plain-ladybug-group", "raw LadybugDB: open the build, GROUP BY",
                 [*base, "ladybug-group-by", b]),
        Question("plain-neo4j-who", "Neo4j 5.26 (driver, running server): who-refers-to",
                 [*base, "neo4j-who-refers-to", "NEO4J_URI", service], one_place=True,
                 needs="neo4j"),
        Question("plain-neo4j-group", "Neo4j 5.26 (driver, running server): GROUP BY",
                 [*base, "neo4j-group-by", "NEO4J_URI"], needs="neo4j"),
        Question("plain-rdflib-who", "plain rdflib: parse the Turtle, who-refers-to",
                 [*base, "rdflib-who-refers-to", b, service], repeat=1),
    ]
    if plain_routes.exists():
        qs.append(Question("plain-routes", "plain networkx script: shortest family -> "
                           "inpatient (CSV read, graph built)",
                           ["python", str(plain_routes), d, "family", "inpatient",
                            "--shortest"]))
    return [asdict(q) for q in qs]


def run(data: Path, build: Path, repeat: int, neo4j: str | None) -> dict:
    """Every question, ``repeat`` times each: {key: {label, target, walls, cpus, peak}}."""
    work = Path(tempfile.mkdtemp(prefix="carepath-questions-"))
    env = {**os.environ, "CAREPATH_CACHE_DIR": str(work / "cache"), "COLUMNS": "200"}
    results: dict = {"load_before": os.getloadavg(), "repeat": repeat, "rows": {}}
    for q in questions(data, build, neo4j):
        subst = {"NEO4J_OUT": str(work / "neo4j"), "BUILD_OUT": str(work / "build"),
                 "NEO4J_URI": neo4j or ""}
        args = [subst.get(a, a) for a in q.args]
        if "(cached)" in q.label and not (work / "cache").exists():
            wall, cpu, mb = measure(args, env)
            results["rows"]["fill-cache"] = {
                "label": "query run who-refers-to --data (first: fills the cache)",
                "target": "", "walls": [wall], "cpus": [cpu], "peak": mb, "one_place": False}
        try:
            runs = [measure(args, env) for _ in range(q.repeat or repeat)]
        except SystemExit as failed:  # recorded, so one broken question does not end the run
            print(failed, flush=True)
            results["rows"][q.key] = {"label": q.label, "target": q.target, "walls": [],
                                      "cpus": [], "peak": 0, "one_place": q.one_place,
                                      "failed": str(failed)[:200]}
            continue
        row = {"label": q.label, "target": q.target, "walls": [r[0] for r in runs],
               "cpus": [r[1] for r in runs], "peak": max(r[2] for r in runs),
               "one_place": q.one_place}
        results["rows"][q.key] = row
        print(f"{q.label}: wall {min(row['walls']):.2f}/{statistics.median(row['walls']):.2f} "
              f"s, CPU {min(row['cpus']):.2f} s, {row['peak']:.0f} MB", flush=True)
    results["load_after"] = os.getloadavg()
    shutil.rmtree(work, ignore_errors=True)
    return results


def _cell(row: dict | None) -> str:
    if row is None:
        return ""
    if row.get("failed"):
        return "failed"
    walls = row["walls"]
    return (f"{min(walls):.2f} / {statistics.median(walls):.2f} s"
            if len(walls) > 1 else f"{walls[0]:.2f} s")


def report(runs: dict[str, dict]) -> str:
    """One markdown table: a column per scale (region, national...), the national peak,
    the growth from the first scale to the last for one-place questions, and the target."""
    scales = list(runs)
    first, last = runs[scales[0]]["rows"], runs[scales[-1]]["rows"]
    lines = []
    for name, r in runs.items():
        lb, la = r["load_before"], r["load_after"]
        lines.append(f"- {name}: load average (1, 5, 15 min) before {lb[0]:.1f} {lb[1]:.1f} "
                     f"{lb[2]:.1f}, after {la[0]:.1f} {la[1]:.1f} {la[2]:.1f}; "
                     f"{r['repeat']} runs each (min / median wall time)")
    lines += ["", "| question | " + " | ".join(scales) + f" | peak ({scales[-1]}) | "
              f"{scales[-1]} / {scales[0]} | target |",
              "|---|" + "---:|" * (len(scales) + 2) + "---|"]
    for key, row in last.items():
        cells = [_cell(runs[s]["rows"].get(key)) for s in scales]
        growth = ""
        if row.get("one_place") and row["walls"] and first.get(key, {}).get("walls"):
            growth = f"{min(row['walls']) / min(first[key]['walls']):.2f}x"
        lines.append(f"| {row['label']} | " + " | ".join(cells) +
                     f" | {row['peak']:,.0f} MB | {growth} | {row['target']} |")
    return "\n".join(lines) + "\n"


def _neo4j(build: Path, folder: Path):
    """A Neo4j 5.26 server (tests/support) holding ``build``'s graph, imported by
    ``neo4j-admin import`` of carepath's CSV export; with a bigger heap than the tests'."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.support import servers

    servers.JVM_FLAGS[:] = ["-Xmx4g", "-Djava.awt.headless=true"]
    server = servers.Neo4jServer("neo4j", folder, classpath=servers.neo4j_classpath(),
                                 home=folder / "home", import_dir=folder / "import")
    subprocess.run([shutil.which("carepath") or "carepath", "export", "neo4j-csv",
                    str(server.import_dir), "--graph", str(build)], check=True,
                   stdout=subprocess.DEVNULL)
    done = server.admin_import(server.import_dir)
    if done.returncode != 0:
        raise SystemExit(f"neo4j-admin import failed: {done.stderr[-500:]}")
    server.start(timeout=600)
    os.environ["NEO4J_PASSWORD"] = server.password
    return server


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, nargs="?")
    parser.add_argument("build", type=Path, nargs="?")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, help="write the measurements here")
    parser.add_argument("--neo4j", action="store_true",
                        help="also time Neo4j 5.26 (started from Maven Central artifacts)")
    parser.add_argument("--report", type=Path, nargs="+", metavar="NAME=RUN.json",
                        help="combine runs (e.g. region=r.json national=n.json) into a table")
    parser.add_argument("--markdown", type=Path, help="write the table into this file "
                        "(e.g. benchmarks/RESULTS.md), replacing the block it wrote before")
    parser.add_argument("--notes", type=Path, help="text to put under the table")
    parser.add_argument("--questions", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    import json

    if args.questions:
        print(json.dumps(_questions(args.data, args.build)))
        return
    if args.report:
        runs = {}
        for item in args.report:
            name, _, path = str(item).partition("=")
            runs[name] = json.loads(Path(path).read_text(encoding="utf-8"))
        text = report(runs)
        print(text)
        if args.markdown:
            notes = args.notes.read_text(encoding="utf-8") if args.notes else ""
            write_block(args.markdown, text, "\n" + notes if notes else "")
        return
    server = _neo4j(args.build, Path(tempfile.mkdtemp(prefix="carepath-neo4j-"))) \
        if args.neo4j else None
    try:
        results = run(args.data, args.build, args.repeat, server.uri if server else None)
    finally:
        if server is not None:
            server.stop()
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
