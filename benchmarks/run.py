"""carepath at national scale: time every step on the synthetic presets, side by side with the
plain approach (rdflib's default store, networkx built edge by edge), in the same process.

    python benchmarks/run.py                      # small and region
    python benchmarks/run.py small region national --markdown benchmarks/RESULTS.md

Each preset's data is generated once into ``--work`` (``carepath synth``), then measured in a
fresh child process, so each peak memory figure is that preset's own: one child runs
``carepath build`` (the whole build, as the command does it), one times each step of carepath
alone (load and validate, the networkx, Oxigraph and LadybugDB views one after another, SPARQL
and Cypher queries, routes, gaps, overlaps, the HTML site of one area), and one runs the plain
approach on the same data. Above ``--plain-max-triples`` the plain rdflib parse runs on a
leading sample of the Turtle and its figures are scaled up linearly (marked "extrapolated"):
a full parse of the national Turtle into rdflib's memory store would take the better part of
an hour.

The results are printed as a table and written as JSON (``--json``) and, with ``--markdown``,
as the markdown table the README links to.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PRESETS = ("small", "region", "national")
# targets from issue 6 (national preset, 2 cores): step -> (limit, unit)
TARGETS: dict[str, tuple[float, str]] = {
    "whole build": (15.0, "s"),
    "peak memory": (3000.0, "MB"),
    "who-refers-to (SPARQL)": (50.0, "ms"),
    "who-refers-to (Cypher)": (50.0, "ms"),
    "GROUP BY referrals (SPARQL)": (500.0, "ms"),
    "GROUP BY referrals (Cypher)": (500.0, "ms"),
    "gaps, all areas": (2.0, "s"),
    "overlaps, all areas": (5.0, "s"),
}
RATIO_TARGET = ("RDF build + GROUP BY", 20.0)
WHO_TARGET = "synth-01-pmh-001"  # the busiest target: the perinatal team of area 1


# -- measuring ----------------------------------------------------------------------------------

def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux: ru_maxrss is in kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def emit(event: dict[str, Any]) -> None:
    """One JSON line to the parent."""
    print(json.dumps(event), flush=True)


class Recorder:
    """Times steps and records them, telling the parent as each one ends."""

    def __init__(self) -> None:
        self.steps: dict[str, dict[str, Any]] = {}

    def step(self, name: str, fn: Callable[[], Any], *, repeat: int = 1,
             note: str = "") -> Any:
        emit({"event": "start", "step": name})
        times, cpu, result = [], [], None
        for _ in range(repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            result = fn()
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        entry = {"seconds": statistics.median(times), "cpu_seconds": statistics.median(cpu),
                 "peak_mb": round(peak_mb()), "runs": repeat}
        if repeat > 1:
            entry["first_seconds"] = times[0]
        if note:
            entry["note"] = note
        self.steps[name] = entry
        emit({"event": "step", "step": name, **entry})
        return result

    def skip(self, name: str, reason: str) -> None:
        self.steps[name] = {"skipped": reason}
        emit({"event": "step", "step": name, "skipped": reason})


# -- the carepath child -----------------------------------------------------------------------

def run_carepath(data: Path, work: Path, turtle: Path, *, repeat: int,
                 shacl_max: int) -> dict[str, Any]:
    import carepath
    from carepath.graph.cypher import to_ladybug
    from carepath.graph.networkx import to_networkx
    from carepath.graph.rdf import PREFIXES, to_store
    from carepath.loaders import load_with_warnings
    from carepath.queries.gaps import gaps
    from carepath.queries.named import CypherEngine, SparqlEngine, load_library
    from carepath.queries.overlaps import overlaps
    from carepath.queries.routes import referral_routes, shortest_route

    rec = Recorder()
    model, warnings = rec.step("load + validate", lambda: load_with_warnings(data))
    counts = model.counts()
    G = rec.step("networkx view", lambda: to_networkx(model))
    store = rec.step("RDF view (Oxigraph)", lambda: to_store(model, with_ontology=False))
    triples = len(store)
    conn = rec.step("LadybugDB view", lambda: to_ladybug(model, work / "graph.lbdb"))
    parts = ("load + validate", "networkx view", "RDF view (Oxigraph)", "LadybugDB view")
    rec.steps["steps one after another"] = {
        "seconds": sum(rec.steps[s]["seconds"] for s in parts),
        "cpu_seconds": sum(rec.steps[s]["cpu_seconds"] for s in parts),
        "peak_mb": round(peak_mb()),
        "note": "load + validate + networkx + RDF + LadybugDB, one at a time, no files"}
    emit({"event": "step", "step": "steps one after another",
          **rec.steps["steps one after another"]})
    if triples <= shacl_max:
        from carepath.graph.rdf import to_store
        from carepath.ontology import shacl_problems

        problems = rec.step("SHACL validation (pyshacl)",
                            lambda: shacl_problems(to_store(model, with_ontology=False)))
        if problems:
            raise SystemExit(f"SHACL problems in the synthetic data: {problems[0]}")
    else:
        rec.skip("SHACL validation (pyshacl)",
                 f"{triples:,} triples: pyshacl walks the graph in Python (minutes to hours "
                 f"at this size; run with --shacl-max-triples to force)")

    library = load_library()
    sparql = SparqlEngine(model, store)
    cypher = CypherEngine(model, conn)
    params = {"service": WHO_TARGET}
    who = rec.step("who-refers-to (SPARQL)",
                   lambda: sparql.run_named("who-refers-to", params, library=library),
                   repeat=repeat)
    rec.step("who-refers-to (Cypher)",
             lambda: cypher.run_named("who-refers-to", params, library=library), repeat=repeat)
    group = rec.step("GROUP BY referrals (SPARQL)",
                     lambda: sparql.run_named("referral-counts", library=library), repeat=repeat)
    rec.step("GROUP BY referrals (Cypher)",
             lambda: cypher.run_named("referral-counts", library=library), repeat=repeat)
    rec.steps["who-refers-to (SPARQL)"]["rows"] = len(who)
    rec.steps["GROUP BY referrals (SPARQL)"]["rows"] = len(group)
    rec.step("relations made for the analyses", lambda: model.relations)
    gp = sorted(s for s in model.services if s.startswith("synth-01-gp-"))[1]
    rec.step("routes: GP practice to MBU (all, <= 3 hops)",
             lambda: referral_routes(model, gp, "synth-01-mbu-001", max_hops=3))
    rec.step("shortest route: family to inpatient",
             lambda: shortest_route(model, "family", "inpatient"))
    found = rec.step("gaps, all areas", lambda: gaps(model))
    over = rec.step("overlaps, all areas", lambda: overlaps(model))
    rec.steps["gaps, all areas"]["rows"] = len(found)
    rec.steps["overlaps, all areas"]["rows"] = len(over)
    try:
        from carepath.html import write_site
    except ImportError as exc:
        rec.skip("HTML site of one area", f"carepath.html does not import: {exc}")
    else:
        rec.step("HTML site of one area",
                 lambda: write_site(model, work / "site", area="synth-01"))
    import pyoxigraph as ox

    rec.step("write Turtle (for the plain approach)",
             lambda: store.dump(turtle, format=ox.RdfFormat.TURTLE,
                                from_graph=ox.DefaultGraph(), prefixes=PREFIXES))
    conn.close()
    return {"steps": rec.steps, "counts": {**counts, "RDF triples": triples,
                                           "graph nodes": G.number_of_nodes(),
                                           "graph edges": G.number_of_edges(),
                                           "warnings": len(warnings)},
            "peak_mb": round(peak_mb()), "version": carepath.__version__}


# -- the build child ---------------------------------------------------------------------------

def run_build(data: Path, work: Path) -> dict[str, Any]:
    """``carepath build`` as the command runs it: load, validate (SHACL up to its limit), the
    three views at once, every output file written; alone in its process for its peak memory."""
    from carepath.build import build

    rec = Recorder()
    result = rec.step("whole build", lambda: build([data], out=work / "out"))
    rec.steps["whole build"]["note"] = (
        "carepath build: load, validate, networkx + RDF + LadybugDB views built at once, "
        "files written" + ("; SHACL skipped above its limit" if result.warnings else ""))
    return {"steps": rec.steps, "peak_mb": round(peak_mb())}


# -- the plain child --------------------------------------------------------------------------

def _turtle_sample(turtle: Path, fraction: float, out: Path) -> Path:
    """The first ``fraction`` of a Turtle file, cut after a complete statement (``.`` at the
    end of a line): the prefixes and whole subjects only."""
    size = turtle.stat().st_size
    with turtle.open("rb") as src, out.open("wb") as dst:
        dst.write(src.read(int(size * fraction)))
        for line in src:
            dst.write(line)
            if line.rstrip().endswith(b" ."):
                break
    return out


def naive_networkx(model: Any) -> Any:
    """The model as a MultiDiGraph, the way one writes it by hand: one add_edge per edge."""
    import networkx as nx

    from carepath.graph.properties import relation_properties, service_properties

    G = nx.MultiDiGraph()
    stages = model.stages_in_order()
    for svc in model.services.values():
        G.add_node(svc.id, label="Service", id=svc.id, **service_properties(model, svc))
        G.add_edge(svc.id, svc.area, key="IN_AREA")
        if svc.tier:
            G.add_edge(svc.id, svc.tier, key="AT_TIER")
        for stage in stages:
            if svc.covers(stage.interval):
                G.add_edge(svc.id, stage.id, key="COVERS")
        for prof in svc.professions:
            G.add_edge(svc.id, prof, key="STAFFED_BY")
        for intervention in svc.interventions:
            G.add_edge(svc.id, intervention, key="DELIVERS")
        for need in svc.addresses:
            G.add_edge(svc.id, need.concern, key="ADDRESSES", severity=sorted(need.severities))
    for rel in model.relations:
        G.add_edge(rel.source, rel.target, key=f"{rel.kind.graph_type}:{rel.id}",
                   type=rel.kind.graph_type, **relation_properties(model, rel))
    return G


def run_plain(data: Path, turtle: Path, triples: int, work: Path, *, repeat: int,
              max_triples: int) -> dict[str, Any]:
    import rdflib

    from carepath.graph.rdf import ID
    from carepath.loaders import load
    from carepath.queries.named import load_library

    rec = Recorder()
    model = load(data)
    rec.step("networkx, edge by edge", lambda: naive_networkx(model))
    model = None  # free it before rdflib fills memory
    scale, source = 1.0, turtle
    if triples > max_triples:
        source = _turtle_sample(turtle, max_triples / triples, work / "sample.ttl")
    graph = rdflib.Graph()
    rec.step("rdflib parse (default store)", lambda: graph.parse(source, format="turtle"))
    parsed = len(graph)
    if source != turtle:
        scale = triples / parsed
        step = rec.steps["rdflib parse (default store)"]
        step.update(seconds=step["seconds"] * scale, cpu_seconds=step["cpu_seconds"] * scale,
                    sample_seconds=step["seconds"],
                    note=f"extrapolated x{scale:.1f} from a {parsed:,}-triple sample")
    library = load_library()
    counts = library.get("referral-counts", "sparql").text
    who = library.get("who-refers-to", "sparql").text
    rec.step("GROUP BY referrals (rdflib)", lambda: list(graph.query(counts)),
             repeat=max(1, min(repeat, 2)))
    target = rdflib.URIRef(f"{ID}service/{WHO_TARGET}")
    rec.step("who-refers-to (rdflib)",
             lambda: list(graph.query(who, initBindings={"service": target})),
             repeat=max(1, min(repeat, 3)))
    if scale != 1.0:
        for name in ("GROUP BY referrals (rdflib)", "who-refers-to (rdflib)"):
            step = rec.steps[name]
            step.update(seconds=step["seconds"] * scale,
                        cpu_seconds=step["cpu_seconds"] * scale, sample_seconds=step["seconds"],
                        note=f"extrapolated x{scale:.1f} (linear in triples)")
    return {"steps": rec.steps, "peak_mb": round(peak_mb() * scale),
            "sample_triples": parsed if scale != 1.0 else None}


# -- the parent -------------------------------------------------------------------------------

def machine() -> dict[str, Any]:
    import importlib.metadata as md

    cpu = "unknown"
    with Path("/proc/cpuinfo").open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_kb = 0
    with Path("/proc/meminfo").open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("MemTotal"):
                mem_kb = int(line.split()[1])
    versions = {}
    for pkg in ("pyoxigraph", "ladybug", "rdflib", "networkx", "pandas", "pydantic", "PyYAML",
                "pyshacl"):
        try:
            versions[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            versions[pkg] = None
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(mem_kb / 1024 ** 2, 1),
            "python": platform.python_version(), "system": platform.platform(),
            "packages": versions}


def ensure_data(preset_name: str, fmt: str, seed: int, work: Path) -> tuple[Path, dict, float]:
    from carepath.synth import MARKER_FILE, preset, synthesize, write_system

    size = preset(preset_name)
    folder = work / f"{preset_name}-{fmt}-seed{seed}"
    start = time.perf_counter()
    system = synthesize(areas=size.areas, services_per_area=size.services_per_area, seed=seed)
    elapsed = time.perf_counter() - start
    if not (folder / MARKER_FILE).exists():
        start = time.perf_counter()
        write_system(system, folder, fmt=fmt)
        elapsed += time.perf_counter() - start
    return folder, system.counts(), elapsed


def run_child(args: list[str], progress: Any, task: Any, timeout: float) -> dict[str, Any]:
    """Run a child, follow its JSON lines on the progress bar, return its result."""
    proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), *args],
                            stdout=subprocess.PIPE, text=True)
    result: dict[str, Any] = {}
    deadline = time.monotonic() + timeout
    assert proc.stdout is not None
    for line in proc.stdout:
        event = json.loads(line)
        if event["event"] == "start":
            progress.update(task, description=f"{progress.tasks[task].fields['label']}: "
                                              f"{event['step']}")
        elif event["event"] == "step":
            progress.advance(task)
        elif event["event"] == "result":
            result = event["result"]
        if time.monotonic() > deadline:
            proc.kill()
            raise SystemExit(f"benchmark child timed out after {timeout:.0f} s: {args}")
    if proc.wait() != 0:
        raise SystemExit(f"benchmark child failed (exit {proc.returncode}): {args}")
    return result


def ratios(res: dict[str, Any]) -> dict[str, float]:
    cp, plain = res["carepath"]["steps"], res["plain"]["steps"]

    def sec(steps: dict, name: str) -> float:
        # CPU time: the two sides run minutes apart on a shared machine, so their wall times
        # carry different loads (every step compared here runs on one thread)
        return steps[name].get("cpu_seconds") or steps[name]["seconds"]

    out = {
        "RDF build": sec(plain, "rdflib parse (default store)") / sec(cp, "RDF view (Oxigraph)"),
        "GROUP BY referrals": (sec(plain, "GROUP BY referrals (rdflib)")
                               / sec(cp, "GROUP BY referrals (SPARQL)")),
        "RDF build + GROUP BY": (
            (sec(plain, "rdflib parse (default store)") + sec(plain, "GROUP BY referrals (rdflib)"))
            / (sec(cp, "RDF view (Oxigraph)") + sec(cp, "GROUP BY referrals (SPARQL)"))),
        "who-refers-to": sec(plain, "who-refers-to (rdflib)") / sec(cp, "who-refers-to (SPARQL)"),
        "networkx view": sec(plain, "networkx, edge by edge") / sec(cp, "networkx view"),
    }
    return {k: round(v, 1) for k, v in out.items()}


def _fmt(entry: dict[str, Any] | None, unit: str = "s") -> str:
    if entry is None:
        return "-"
    if "skipped" in entry:
        return "skipped"
    factor = 1000 if unit == "ms" else 1
    value, cpu = entry["seconds"] * factor, entry.get("cpu_seconds", 0) * factor
    if unit == "ms":
        text = f"{value:,.0f} ms ({cpu:,.0f})"
    else:
        text = f"{value:,.2f} s ({cpu:,.2f})"
    return text + ("*" if "extrapolated" in entry.get("note", "") else "")


ROWS: list[tuple[str, str, str]] = [  # (label, child, step)
    ("load + validate", "carepath", "load + validate"),
    ("networkx view", "carepath", "networkx view"),
    ("RDF view (Oxigraph)", "carepath", "RDF view (Oxigraph)"),
    ("LadybugDB view", "carepath", "LadybugDB view"),
    ("load + views one after another", "carepath", "steps one after another"),
    ("whole build", "build", "whole build"),
    ("SHACL validation (pyshacl)", "carepath", "SHACL validation (pyshacl)"),
    ("who-refers-to (SPARQL)", "carepath", "who-refers-to (SPARQL)"),
    ("who-refers-to (Cypher)", "carepath", "who-refers-to (Cypher)"),
    ("GROUP BY referrals (SPARQL)", "carepath", "GROUP BY referrals (SPARQL)"),
    ("GROUP BY referrals (Cypher)", "carepath", "GROUP BY referrals (Cypher)"),
    ("routes: GP practice to MBU (all, <= 3 hops)", "carepath",
     "routes: GP practice to MBU (all, <= 3 hops)"),
    ("shortest route: family to inpatient", "carepath", "shortest route: family to inpatient"),
    ("relations made for the analyses", "carepath", "relations made for the analyses"),
    ("gaps, all areas", "carepath", "gaps, all areas"),
    ("overlaps, all areas", "carepath", "overlaps, all areas"),
    ("HTML site of one area", "carepath", "HTML site of one area"),
    ("plain: networkx, edge by edge", "plain", "networkx, edge by edge"),
    ("plain: rdflib parse (default store)", "plain", "rdflib parse (default store)"),
    ("plain: GROUP BY referrals (rdflib)", "plain", "GROUP BY referrals (rdflib)"),
    ("plain: who-refers-to (rdflib)", "plain", "who-refers-to (rdflib)"),
]
_MS = {"who-refers-to (SPARQL)", "who-refers-to (Cypher)", "GROUP BY referrals (SPARQL)",
       "GROUP BY referrals (Cypher)", "plain: who-refers-to (rdflib)"}


def table_rows(results: dict[str, Any]) -> list[list[str]]:
    """Rows of the results table: one per step, a column per preset, then the target."""
    names = list(results["presets"])
    rows = []
    for label, child, step in ROWS:
        unit = "ms" if label in _MS else "s"
        cells = [_fmt(results["presets"][p].get(child, {}).get("steps", {}).get(step), unit)
                 for p in names]
        rows.append([label, *cells, _target(label, results, child)])
    rows.append(["peak memory (whole build)",
                 *(f"{results['presets'][p].get('build', {}).get('peak_mb', 0):,} MB"
                   for p in names), _target("peak memory", results)])
    rows.append(["peak memory (model, all views, queries)",
                 *(f"{results['presets'][p]['carepath']['peak_mb']:,} MB" for p in names), ""])
    rows.append(["plain: peak memory", *(f"{results['presets'][p]['plain']['peak_mb']:,} MB"
                                         + ("*" if results["presets"][p]["plain"].get(
                                             "sample_triples") else "")
                                         for p in names), ""])
    for ratio in next(iter(results["presets"].values()))["ratios"]:
        target = f">= {RATIO_TARGET[1]:.0f}x" if ratio == RATIO_TARGET[0] else ""
        if target and "national" in results["presets"]:
            ok = results["presets"]["national"]["ratios"][ratio] >= RATIO_TARGET[1]
            target += " (met)" if ok else " (missed)"
        rows.append([f"ratio plain / carepath (CPU): {ratio}",
                     *(f"{results['presets'][p]['ratios'][ratio]:,.1f}x" for p in names),
                     target])
    return rows


def _target(label: str, results: dict[str, Any], child: str = "carepath") -> str:
    if label not in TARGETS:
        return ""
    limit, unit = TARGETS[label]
    text = f"< {limit:,.0f} {unit}"
    national = results["presets"].get("national")
    if national is None:
        return text
    if label == "peak memory":
        value = national.get("build", {}).get("peak_mb", 0)
    else:
        entry = national.get(child, {}).get("steps", {}).get(label, {})
        if "seconds" not in entry:
            return text
        value = entry["seconds"] * (1000 if unit == "ms" else 1)
    return text + (" (met)" if value < limit else " (missed)")


def markdown(results: dict[str, Any]) -> str:
    m = results["machine"]
    names = list(results["presets"])
    head = ["step", *names, "target (national)"]
    runs = results.get("runs") or [{"presets": names, "date": results["date"],
                                     "load_before": results["load_before"],
                                     "load_after": results["load_after"]}]
    lines = [
        "# carepath benchmarks",
        "",
        "Measured by `python benchmarks/run.py PRESET...`; this page by `python "
        "benchmarks/run.py --report RUN.json... --markdown benchmarks/RESULTS.md`.",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB RAM, "
        f"Python {m['python']} ({m['system']}), shared with other jobs. Runs (load average "
        "over 1, 5 and 15 minutes before -> after): "
        + "; ".join(f"{', '.join(r['presets'])} on {r['date']} ({r['load_before']} -> "
                    f"{r['load_after']})" for r in runs) + ".",
        "Packages: " + ", ".join(f"{k} {v}" for k, v in m["packages"].items() if v) + ".",
        "",
        "Data (`carepath synth --preset NAME --format " + results["format"] + "`, seed "
        + str(results["seed"]) + "):",
        "",
        "| preset | areas | services | relations | referrals | RDF triples |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for p in names:
        c = results["presets"][p]["carepath"]["counts"]
        lines.append(f"| {p} | {c['areas']:,} | {c['services']:,} | {c['relations']:,} | "
                     f"{c['relations:refers_to']:,} | {c['RDF triples']:,} |")
    lines += ["", "| " + " | ".join(head) + " |", "|---" + "|---:" * len(names) + "|---|"]
    lines += ["| " + " | ".join(row) + " |" for row in table_rows(results)]
    lines += ["", "Each cell: wall time (CPU time of the process, all threads, in brackets). "
              "Queries: median of repeated runs. `*` extrapolated linearly from a sample "
              "(the plain rdflib parse of the larger presets). Whole build: `carepath build` "
              "in a process of its own (the three views built at the same time, files "
              "written); its peak memory is that process's maximum resident set. The rows "
              "above it time each view alone, one after another, in a second process that "
              "then holds the model and all three views for the queries."]
    notes = HERE / "NOTES.md"
    if notes.exists():
        lines += ["", notes.read_text(encoding="utf-8").rstrip()]
    return "\n".join(lines) + "\n"


def print_table(results: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    names = list(results["presets"])
    table = Table(title="carepath benchmarks: wall (CPU); * extrapolated from a sample")
    table.add_column("step")
    for p in names:
        table.add_column(p, justify="right")
    table.add_column("target (national)")
    for row in table_rows(results):
        table.add_row(*row)
    Console().print(table)


def report(files: list[Path]) -> dict[str, Any]:
    """Results of earlier runs merged: presets in order, the run of each preset kept with its
    own machine load (in the markdown: the loads of all runs)."""
    merged: dict[str, Any] = {}
    for path in files:
        run = json.loads(path.read_text(encoding="utf-8"))
        if not merged:
            merged = {**run, "presets": {}, "runs": []}
        for res in run["presets"].values():
            res["ratios"] = ratios(res)  # recomputed, in case the rule changed since
        merged["presets"].update(run["presets"])
        merged["runs"] += run.get("runs") or [{
            "presets": list(run["presets"]), "date": run["date"],
            "load_before": run["load_before"], "load_after": run["load_after"]}]
    order = {name: i for i, name in enumerate(PRESETS)}
    merged["presets"] = dict(sorted(merged["presets"].items(), key=lambda kv: order[kv[0]]))
    return merged


def publish(results: dict[str, Any], json_path: Path, markdown_path: Path | None) -> None:
    """Print the results table and write it as JSON (and markdown, if asked)."""
    print_table(results)
    json_path.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {json_path}")
    if markdown_path:
        from questions import kept_block  # the whole-process questions, written apart

        text = markdown(results)
        old = markdown_path.read_text(encoding="utf-8") if markdown_path.exists() else ""
        if "<!-- html:start -->" in old:  # benchmarks/pages.py's section stays
            text = text.rstrip("\n") + "\n\n" + old[old.index("<!-- html:start -->"):]
        block = kept_block(markdown_path)
        if block.strip() and block.strip() not in text:
            text = text.rstrip("\n") + "\n" + block
        markdown_path.write_text(text, encoding="utf-8")
        print(f"wrote {markdown_path}")


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("presets", nargs="*", default=["small", "region"],
                        help=f"presets to run ({', '.join(PRESETS)}); default small region")
    parser.add_argument("--format", default="csv", choices=["csv", "yaml"],
                        help="data format the presets are written in and loaded from")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "carepath-bench",
                        help="folder for the generated data and build outputs")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each query (median)")
    parser.add_argument("--plain-max-triples", type=int, default=1_200_000,
                        help="parse at most this many triples with rdflib, extrapolate beyond")
    parser.add_argument("--shacl-max-triples", type=int, default=200_000,
                        help="run pyshacl only up to this many triples")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per child")
    parser.add_argument("--json", type=Path, default=HERE / "results.json")
    parser.add_argument("--markdown", type=Path, default=None,
                        help="also write the results as a markdown table (RESULTS.md)")
    parser.add_argument("--report", type=Path, nargs="+", default=None,
                        help="only print and write the results of earlier runs (JSON files, "
                             "merged in order), measuring nothing")
    parser.add_argument("--child", choices=["build", "carepath", "plain"], help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--triples", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        import shutil

        work = Path(tempfile.mkdtemp(prefix=f"{args.child}-", dir=args.work))
        turtle = args.work / "carepath.ttl"
        try:
            if args.child == "build":
                result = run_build(args.data, work)
            elif args.child == "carepath":
                result = run_carepath(args.data, work, turtle, repeat=args.repeat,
                                      shacl_max=args.shacl_max_triples)
            else:
                result = run_plain(args.data, turtle, args.triples, work,
                                   repeat=args.repeat, max_triples=args.plain_max_triples)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        emit({"event": "result", "result": result})
        return

    if args.report:
        results = report(args.report)
        publish(results, args.json, args.markdown)
        return

    unknown = [p for p in args.presets if p not in PRESETS]
    if unknown:
        parser.error(f"unknown preset {unknown[0]!r}; expected one of: {', '.join(PRESETS)}")
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    args.work.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"date": time.strftime("%Y-%m-%d %H:%M"), "machine": machine(),
                               "format": args.format, "seed": args.seed,
                               "load_before": load_average(), "presets": {}}
    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn()) as bar:
        for name in args.presets:
            label = name
            task = bar.add_task(f"{name}: generating data", total=len(ROWS) + 2, label=label)
            folder, synth_counts, gen_seconds = ensure_data(name, args.format, args.seed,
                                                            args.work)
            run = args.work / name
            run.mkdir(exist_ok=True)
            common = ["--work", str(run), "--repeat", str(args.repeat),
                      "--plain-max-triples", str(args.plain_max_triples),
                      "--shacl-max-triples", str(args.shacl_max_triples)]
            built = run_child(["--child", "build", "--data", str(folder), *common], bar, task,
                              args.timeout)
            cp = run_child(["--child", "carepath", "--data", str(folder), *common], bar, task,
                           args.timeout)
            plain = run_child(["--child", "plain", "--data", str(folder), "--triples",
                               str(cp["counts"]["RDF triples"]), *common], bar, task,
                              args.timeout)
            res = {"data": str(folder), "synth": synth_counts,
                   "generate_seconds": round(gen_seconds, 2), "build": built, "carepath": cp,
                   "plain": plain}
            res["ratios"] = ratios(res)
            results["presets"][name] = res
            bar.update(task, description=f"{name}: done", completed=len(ROWS) + 2)
    results["load_after"] = load_average()
    publish(results, args.json, args.markdown)


if __name__ == "__main__":
    main()
