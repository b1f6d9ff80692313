"""`carepath serve --graph DIR` answers from a build folder made by `carepath build -o DIR`:
the pages from the build's model snapshot, /sparql from its Oxigraph store and /cypher from its
LadybugDB database, both opened read-only, and the folder is left as the build wrote it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path
from urllib.parse import quote

from carepath.serve.backend import build_label

from ..conftest import cli


def _listing(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _get(url: str, accept: str = "*/*") -> tuple[int, str]:
    req = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(req, timeout=60) as r:
        return r.status, r.read().decode("utf-8")


def test_serve_answers_from_a_build_folder(tmp_path, reference):
    out = tmp_path / "built"
    made = cli("build", "-o", str(out))
    assert made.returncode == 0, made.stderr
    before = _listing(out)
    env = {**os.environ, "COLUMNS": "200",
           "CAREPATH_CACHE_DIR": str(tmp_path / "cache")}  # a cache used would show here
    proc = subprocess.Popen([sys.executable, "-m", "carepath", "serve", "--graph", str(out),
                             "--port", "0", "-q"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stdout.readline()
        assert line.startswith("carepath serve: http://127.0.0.1:"), proc.stderr.read()
        url = line.split()[2]
        svc = reference.services["dorset-pmmhs"]
        status, page = _get(url + "service/dorset-pmmhs", "text/html")
        assert status == 200 and svc.name in page
        status, page = _get(url, "text/html")  # the directory: its subtitle is the graph's
        subtitle = page.split("</h1>", 1)[1].split("</p>", 1)[0]
        assert subtitle == f"\n<p>{build_label(out)}"  # "the graph built in .../built/"
        assert build_label(out) == f"the graph built in {out}/"
        query = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?name WHERE { "
                 "<https://w3id.org/carepath/id/service/dorset-pmmhs> rdfs:label ?name }")
        status, body = _get(url + "sparql?query=" + quote(query),
                            "application/sparql-results+json")
        assert [b["name"]["value"] for b in json.loads(body)["results"]["bindings"]] == [
            svc.name]
        cypher = "MATCH (s:Service) WHERE s.area = $area RETURN count(*) AS n"
        status, body = _get(url + "cypher?query=" + quote(cypher) + "&params="
                            + quote(json.dumps({"area": "dorset"})))
        assert json.loads(body) == [{"n": len(reference.services_in("dorset"))}]
        proc.send_signal(signal.SIGINT)
        _, errors = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0 and "Traceback" not in errors, errors
    assert _listing(out) == before  # nothing written into the user's build
    assert not (tmp_path / "cache").exists()  # answered from the build, not a new cache entry
