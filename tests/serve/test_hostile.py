"""Requests built to take the server down (issue 24): a query nested too deep, and queries
that run past the time limit. The server refuses the first in one line and goes on; the
second stop consuming anything at the limit (SPARQL runs in worker processes that are killed;
LadybugDB interrupts its own query)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

# about 400 M solutions: a minute of Oxigraph here, far past a half-second limit
HEAVY = ("PREFIX cp: <https://w3id.org/carepath/ontology#> SELECT (COUNT(*) AS ?n) WHERE "
         "{ ?s ?p ?o . ?x a cp:Service . ?y a cp:Tier . ?z a cp:Tier . ?w a cp:Tier . "
         "?v a cp:Tier }")


@pytest.mark.parametrize(("path", "query"), [
    ("/sparql", "SELECT * WHERE " + "{" * 5000 + "}" * 5000),
    ("/sparql", "SELECT * WHERE { FILTER(" + "(" * 50000 + "1" + ")" * 50000 + ") }"),
    ("/cypher", "RETURN " + "[" * 1000 + "1" + "]" * 1000),
], ids=["sparql-5000-groups", "sparql-50000-parentheses", "cypher-1000-lists"])
def test_a_query_nested_too_deep_is_refused_and_the_server_goes_on(server, path, query):
    body = f"query={quote(query)}".encode()
    answer = server.request(path, data=body,
                            headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status == 403
    assert "nests more than 32 levels" in answer.text and len(answer.text.splitlines()) == 1
    ask = server.request("/sparql?query=" + quote("ASK { ?s ?p ?o }") + "&format=json")
    assert ask.status == 200 and ask.json()["boolean"] is True


_SERVE_AND_MEASURE = """
import re, subprocess, sys, time, urllib.error, urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

proc = subprocess.Popen([sys.argv[1], "serve", "--port", "0", "--timeout", "0.5", "--quiet"],
                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
try:
    url = re.search(r"(http://\\S+/) ", proc.stdout.readline()).group(1)

    def ticks():  # utime + stime of the server and of its worker processes
        pids = [proc.pid] + [int(p) for p in subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(proc.pid)], capture_output=True,
            text=True).stdout.split()]
        total = 0
        for pid in pids:
            try:
                with open(f"/proc/{pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])
            except FileNotFoundError:
                pass
        return total

    def ask(_):
        try:
            with urllib.request.urlopen(url + "sparql?query=" + quote(sys.argv[2]),
                                        timeout=120) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code

    with ThreadPoolExecutor(4) as pool:
        print(*pool.map(ask, range(4)))
    time.sleep(1)
    before = ticks()
    time.sleep(3)
    print(ticks() - before)
finally:
    proc.terminate()
    proc.wait(30)
"""


def test_timed_out_sparql_stops_consuming_cpu():
    # the server process itself: four queries past the time limit, then its CPU ticks (and
    # its workers') over 3 s. Before the workers: the abandoned queries went on in the
    # server's threads (0.73 s of CPU in 2 s on a busy 2-core machine); now 0-1 ticks.
    exe = shutil.which("carepath") or str(Path(sys.executable).with_name("carepath"))
    done = subprocess.run([sys.executable, "-c", _SERVE_AND_MEASURE, exe, HEAVY],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-500:]
    statuses, ticks = done.stdout.splitlines()
    assert statuses.split() == ["503"] * 4
    hz = os.sysconf("SC_CLK_TCK")
    assert int(ticks) < 0.1 * hz, f"{int(ticks) / hz:.2f} s of CPU in 3 s after 4 time-outs"
