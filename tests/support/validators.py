"""Third-party validators and readers for the standards tests, none written by carepath.

- HAPI FHIR 8 (validator, offline, base R4) and Apache Jena 5 (strict Turtle / JSON-LD parsers,
  SHACL): Maven Central through ``validators/pom.xml`` (one profile, one classpath each),
  driven by ``FhirValidate.java`` and ``JenaCheck.java``, compiled once into the cache.
- ROBOT (OWL API): Maven Central, its own command line (``validate-profile --profile DL``).
- graphology's GraphML and GEXF readers: npm, from ``node/package.json``, driven by
  ``node/read_graphs.cjs``.

Everything is resolved once into the cache folder of :mod:`tests.support.servers` (and ~/.m2,
~/.npm); ``.ci/run`` fetches it all before the tests (``python -m tests.support.validators``).
Each tool runs once per test session over every file (JVM start-ups are slow on two cores).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

from tests.support.servers import CACHE, SUPPORT

POM = SUPPORT / "validators" / "pom.xml"
NODE = SUPPORT / "node"
JVM = ["java", "-Xmx1g", "-Xss4m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
       "-Djava.awt.headless=true"]
DRIVERS = {"fhir": SUPPORT / "FhirValidate.java", "jena": SUPPORT / "JenaCheck.java"}


def missing_java() -> str | None:
    """Why the Java validators cannot run here, or None."""
    for tool in ("java", "javac", "mvn"):
        if shutil.which(tool) is None:
            return f"{tool} not found on PATH (the validators need a JDK 17 and Maven)"
    return None


def missing_node() -> str | None:
    """Why graphology cannot run here, or None."""
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            return f"{tool} not found on PATH (graphology's readers need Node.js and npm)"
    return None


def classpath(profile: str) -> str:
    """The classpath of one profile of ``validators/pom.xml`` (resolved by Maven once)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha1(POM.read_bytes()).hexdigest()[:12]
    stamp = CACHE / f"validators-{profile}-{digest}.classpath"
    if stamp.exists():
        text = stamp.read_text(encoding="utf-8").strip()
        if all(Path(jar).exists() for jar in text.split(os.pathsep)):
            return text
    result = subprocess.run(["mvn", "-B", "-q", "-f", str(POM), "-P", profile,
                             "dependency:build-classpath", f"-Dmdep.outputFile={stamp}"],
                            capture_output=True, text=True, timeout=1800)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        raise RuntimeError(f"mvn -P {profile} failed:\n{tail}")
    return stamp.read_text(encoding="utf-8").strip()


def _compiled(profile: str) -> tuple[str, str]:
    """The driver of ``profile`` compiled once into the cache: (classpath with it, class)."""
    source, cp = DRIVERS[profile], classpath(profile)
    digest = hashlib.sha1(source.read_bytes() + cp.encode()).hexdigest()[:12]
    folder = CACHE / f"{source.stem}-{digest}"
    if not (folder / f"{source.stem}.class").exists():
        tmp = CACHE / f".{source.stem}-{digest}-{os.getpid()}"
        result = subprocess.run(["javac", "-nowarn", "-cp", cp, "-d", str(tmp), str(source)],
                                capture_output=True, text=True, timeout=600)
        if result.returncode != 0:
            raise RuntimeError(f"javac {source.name} failed:\n{result.stderr[-2000:]}")
        try:
            tmp.replace(folder)
        except OSError:  # compiled by another session meanwhile
            shutil.rmtree(tmp, ignore_errors=True)
    return f"{folder}{os.pathsep}{cp}", source.stem


def run_java(profile: str, *args: str, timeout: float = 900) -> str:
    """Run the driver of ``profile`` once with ``args``; its standard output."""
    cp, main = _compiled(profile)
    result = subprocess.run([*JVM, "-cp", cp, main, *args], capture_output=True, text=True,
                            timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"{main} exited with {result.returncode}:\n{result.stderr[-3000:]}")
    return result.stdout


def robot(*args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    """Run ROBOT's command line (``org.obolibrary.robot.CommandLineInterface``)."""
    return subprocess.run([*JVM, "-cp", classpath("robot"),
                           "org.obolibrary.robot.CommandLineInterface", *args],
                          capture_output=True, text=True, timeout=timeout)


def node_modules() -> Path:
    """graphology and its readers, installed by npm once into the cache."""
    spec = (NODE / "package.json").read_bytes()
    folder = CACHE / f"node-{hashlib.sha1(spec).hexdigest()[:12]}"
    if not (folder / "node_modules" / "graphology-gexf").is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "package.json").write_bytes(spec)
        result = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent"],
                                cwd=folder, capture_output=True, text=True, timeout=900)
        if result.returncode != 0:
            raise RuntimeError(f"npm install failed:\n{result.stderr[-2000:]}")
    return folder / "node_modules"


def read_graphs(*files: Path, probe: str = "") -> dict[str, dict]:
    """What graphology's GraphML / GEXF readers make of each file: nodes, edges, kinds, and
    the attributes of node ``probe``."""
    result = subprocess.run(["node", str(NODE / "read_graphs.cjs"), *map(str, files)],
                            capture_output=True, text=True, timeout=600,
                            env={**os.environ, "NODE_MODULES": str(node_modules()),
                                 "PROBE_NODE": probe})
    if result.returncode != 0:
        raise RuntimeError(f"read_graphs.cjs failed:\n{result.stderr[-2000:]}")
    return json.loads(result.stdout)


def fetch_all() -> None:
    """Resolve every validator (for ``.ci/run``, before the tests)."""
    for profile in DRIVERS:
        _compiled(profile)
    classpath("robot")
    node_modules()


if __name__ == "__main__":
    fetch_all()
