"""A bounded load test of a running ``carepath serve``: N clients, a fixed number of requests,
every answer checked, latency percentiles per kind of request.

It only ever calls this machine (a loopback address) and stops by itself: the requests are
counted, each has a timeout, and the whole run has a deadline.

>>> percentile([1.0, 2.0, 3.0, 4.0], 50), percentile([1.0, 2.0, 3.0, 4.0], 95)
(2.5, 3.85)
"""

from __future__ import annotations

import json
import statistics
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from carepath.serve.server import is_loopback

__all__ = ["LoadResult", "percentile", "run_load"]


def percentile(values: Sequence[float], pct: float) -> float:
    """The ``pct`` percentile of ``values``, interpolated between the closest ranks."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * pct / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class LoadResult:
    """Latencies (seconds) by request kind, the failures, and the run's wall time."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    failures: list[str] = field(default_factory=list)
    wall: float = 0.0

    @property
    def answered(self) -> int:
        return sum(len(v) for v in self.latencies.values())

    def summary(self) -> dict[str, dict[str, float]]:
        """p50, p95 and max in milliseconds, and the count, per kind and for all."""
        kinds = {**self.latencies, "all": [x for v in self.latencies.values() for x in v]}
        return {k: {"n": len(v), "p50_ms": percentile(v, 50) * 1000,
                    "p95_ms": percentile(v, 95) * 1000, "max_ms": max(v) * 1000,
                    "mean_ms": statistics.fmean(v) * 1000}
                for k, v in kinds.items() if v}


def run_load(base_url: str, requests: Sequence[tuple[str, str]], *, clients: int = 20,
             total: int = 300, timeout: float = 60.0, deadline: float = 300.0,
             headers: dict[str, str] | None = None) -> LoadResult:
    """Send ``total`` requests from ``clients`` threads to the server at ``base_url``,
    cycling through ``requests`` (kind, path); every answer must be a 200.

    Raises:
        ValueError: an address that is not this machine's loopback.
    """
    if not is_loopback(urlsplit(base_url).hostname or ""):
        raise ValueError(f"the load test only calls this machine, not {base_url}")
    result = LoadResult()
    lock = threading.Lock()
    counter = iter(range(total))
    stop_at = time.monotonic() + deadline

    def client() -> None:
        while time.monotonic() < stop_at:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            kind, path = requests[n % len(requests)]
            req = urllib.request.Request(base_url.rstrip("/") + path, headers=headers or {})
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(req, timeout=timeout) as r:
                    r.read()
                    status = r.status
            except urllib.error.HTTPError as exc:
                status = exc.code
            except OSError as exc:
                status = f"{type(exc).__name__}: {exc}"
            took = time.perf_counter() - started
            with lock:
                if status == 200:
                    result.latencies[kind].append(took)
                else:
                    result.failures.append(f"{path}: {status}")

    started = time.perf_counter()
    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=deadline + timeout)
    result.wall = time.perf_counter() - started
    return result


def request_mix(model) -> list[tuple[str, str]]:
    """One request of each kind a planner's or an analyst's session makes, on ``model``'s
    busiest service (the one most referred to) and its area.

    >>> from carepath import load_reference
    >>> [kind for kind, _ in request_mix(load_reference())]  # doctest: +NORMALIZE_WHITESPACE
    ['directory search', 'service card', 'table page', 'gaps page', 'neighbourhood',
     'api services', 'sparql who-refers-to', 'cypher who-refers-to']
    """
    from collections import Counter
    from urllib.parse import quote, urlencode

    counts = Counter(st.targets[0] for st in model.statements if st.kind.value == "refers_to")
    busiest = max((s for s in counts if s in model.services), key=lambda s: (counts[s], s))
    area = model.services[busiest].area
    word = model.services[busiest].name.split()[0]
    sparql = ("PREFIX cp: <https://w3id.org/carepath/ontology#> SELECT ?s WHERE { ?r a "
              f"cp:Referral ; cp:source ?s ; cp:target <https://w3id.org/carepath/id/service/"
              f"{busiest}> }}")
    cypher = "MATCH (a)-[:REFERS_TO]->(s:Service {id: $id}) RETURN a.id AS source"
    return [
        ("directory search", "/?" + urlencode({"q": word, "area": area})),
        ("service card", f"/service/{busiest}"),
        ("table page", "/table?" + urlencode({"view": "relations", "area": area,
                                              "sort": "from", "page": 2})),
        ("gaps page", "/gaps?" + urlencode({"area": area})),
        ("neighbourhood", f"/network?focus={busiest}&hops=1"),
        ("api services", "/api/services?" + urlencode({"q": word})),
        ("sparql who-refers-to", "/sparql?query=" + quote(sparql)),
        ("cypher who-refers-to", "/cypher?query=" + quote(cypher) + "&params="
         + quote(json.dumps({"id": busiest}))),
    ]
