"""The yardstick for route searches: a plain networkx script, as someone would write it without
carepath, reading the CSV data folder and building its graph in every process.

It reads ``services.csv`` and ``relations.csv`` (``carepath synth --format csv``) with the
standard library, makes one ``networkx.DiGraph`` of every referral, and prints the shortest
route (or every simple route) from SOURCE to TARGET: a service id, or a tier (every service
at that tier). It knows nothing of areas, stages, concerns or evidence: carepath answers more,
so it should at least be as fast (issue 28). Compare whole processes:

    farm-bench -- carepath routes family inpatient --shortest --graph BUILD \\
        --vs "python benchmarks/plain_routes.py DATA family inpatient --shortest"
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import networkx as nx


def read_graph(data: Path) -> tuple[nx.DiGraph, dict[str, str]]:
    """Every referral of the CSV folder ``data`` as a graph, and each service's tier."""
    with (data / "services.csv").open(encoding="utf-8", newline="") as fh:
        tiers = {row["id"]: row["tier"] for row in csv.DictReader(fh)}
    graph = nx.DiGraph()
    with (data / "relations.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["kind"] == "refers_to":
                graph.add_edges_from((row["from"], t.strip()) for t in row["to"].split(";"))
    return graph, tiers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="a CSV data folder (carepath synth --format csv)")
    parser.add_argument("source")
    parser.add_argument("target", help="a service id or a tier id")
    parser.add_argument("--max-hops", type=int, default=4)
    parser.add_argument("--shortest", action="store_true")
    args = parser.parse_args(argv)
    graph, tiers = read_graph(args.data)
    targets = {args.target} if args.target in tiers else {
        s for s, tier in tiers.items() if tier == args.target}
    if args.source not in graph or not targets:
        print("no route")
        return 1
    if args.shortest:
        lengths = nx.single_source_shortest_path_length(graph, args.source,
                                                        cutoff=args.max_hops)
        reached = sorted((d, t) for t, d in lengths.items() if t in targets)
        if not reached:
            print("no route")
            return 1
        print(" -> ".join(nx.shortest_path(graph, args.source, reached[0][1])))
        return 0
    found = 0
    for path in nx.all_simple_paths(graph, args.source, targets & set(graph),
                                    cutoff=args.max_hops):
        print(" -> ".join(path))
        found += 1
    print(f"{found} routes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
