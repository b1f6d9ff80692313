"""Real servers for the tests: Neo4j 5.26 embedded with Bolt, and Apache Jena Fuseki.

Both come from Maven Central through ``pom.xml`` (cached in ~/.m2); the Neo4j classpath and the
Fuseki jar are resolved once into a cache folder. Each server runs in its own JVM with a small
heap, on a free loopback port, and is stopped with SIGTERM (then SIGKILL).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

SUPPORT = Path(__file__).parent
POM = SUPPORT / "pom.xml"
LAUNCHER = SUPPORT / "Neo4jLauncher.java"
CACHE = Path(os.environ.get("CAREPATH_TEST_CACHE",
                            Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
                            / "carepath-tests"))
# small heaps, a cheap JIT and one GC thread: the JVMs share two cores with other work
JVM_FLAGS = ["-Xmx512m", "-Xss1m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
             "-Djava.awt.headless=true"]
NEO4J_PASSWORD = "carepath-test-password"


def missing_tools() -> str | None:
    """Why the servers cannot run here (no java or mvn), or None."""
    for tool in ("java", "javac", "mvn"):
        if shutil.which(tool) is None:
            return f"{tool} not found on PATH (the server tests need a JDK 17 and Maven)"
    return None


def _mvn(*goals: str) -> None:
    result = subprocess.run(["mvn", "-B", "-q", "-f", str(POM), *goals],
                            capture_output=True, text=True, timeout=900)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        raise RuntimeError(f"mvn {' '.join(goals)} failed:\n{tail}")


def neo4j_classpath() -> str:
    """The classpath of org.neo4j:neo4j + neo4j-bolt (resolved by Maven on first use)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha1(POM.read_bytes()).hexdigest()[:12]  # a new pom resolves anew
    stamp = CACHE / f"neo4j-{digest}.classpath"
    if stamp.exists():
        classpath = stamp.read_text(encoding="utf-8").strip()
        if all(Path(jar).exists() for jar in classpath.split(os.pathsep)):
            return classpath
    _mvn("dependency:build-classpath", f"-Dmdep.outputFile={stamp}")
    return stamp.read_text(encoding="utf-8").strip()


def neo4j_launcher(classpath: str) -> Path:
    """The launcher compiled once into the cache (saves compiling it at every start)."""
    digest = hashlib.sha1(LAUNCHER.read_bytes() + classpath.encode()).hexdigest()[:12]
    folder = CACHE / f"launcher-{digest}"
    if not (folder / "Neo4jLauncher.class").exists():
        tmp = CACHE / f".launcher-{digest}-{os.getpid()}"
        result = subprocess.run(["javac", "-cp", classpath, "-d", str(tmp), str(LAUNCHER)],
                                capture_output=True, text=True, timeout=300)
        if result.returncode != 0:
            raise RuntimeError(f"javac {LAUNCHER.name} failed:\n{result.stderr[-2000:]}")
        try:
            tmp.replace(folder)
        except OSError:  # another session compiled it meanwhile
            shutil.rmtree(tmp, ignore_errors=True)
    return folder


def fuseki_jar() -> Path:
    """The runnable jena-fuseki-server jar (copied from Maven on first use)."""
    folder = CACHE / "fuseki"
    jars = sorted(folder.glob("jena-fuseki-server-*.jar"))
    if not jars:
        _mvn("dependency:copy", f"-Dfuseki.dir={folder}")
        jars = sorted(folder.glob("jena-fuseki-server-*.jar"))
    return jars[-1]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class Server:
    """A server process: started with :meth:`start`, stopped with :meth:`stop`."""

    name: str
    folder: Path
    port: int = 0
    process: subprocess.Popen | None = None
    starts: int = 0
    log: Path = field(init=False)

    def __post_init__(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.log = self.folder / f"{self.name}.log"

    def command(self) -> list[str]:
        raise NotImplementedError

    def ready(self) -> bool:
        raise NotImplementedError

    def env(self) -> dict[str, str]:
        return dict(os.environ)

    def start(self, *, timeout: float = 180) -> None:
        self.port = self.port or free_port()
        self.starts += 1
        with self.log.open("a", encoding="utf-8") as log:
            log.write(f"\n--- start {self.starts} on port {self.port}\n")
            log.flush()
            self.process = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, env=self.env(),
                                            cwd=self.folder, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n"
                                   + self.tail())
            if self.ready():
                return
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"{self.name} not ready after {timeout:.0f} s:\n" + self.tail())

    def stop(self, *, kill: bool = False) -> None:
        """Stop cleanly (SIGTERM), or at once with ``kill``."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)
        self.process = None
        deadline = time.monotonic() + 30
        while _port_open(self.port) and time.monotonic() < deadline:
            time.sleep(0.2)

    def tail(self, lines: int = 25) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


@dataclass
class Neo4jServer(Server):
    """Neo4j 5.26 Community, embedded, with Bolt on 127.0.0.1 and authentication on."""

    classpath: str = ""
    home: Path | None = None
    import_dir: Path | None = None
    user: str = "neo4j"
    password: str = NEO4J_PASSWORD
    pristine: bool = False  # as neo4j-admin import left it
    admin_import_result: subprocess.CompletedProcess | None = None

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        assert self.home is not None and self.import_dir is not None
        launcher = neo4j_launcher(self.classpath)
        return ["java", *JVM_FLAGS, "-cp", f"{launcher}{os.pathsep}{self.classpath}",
                "Neo4jLauncher", str(self.home), str(self.port), str(self.import_dir)]

    def env(self) -> dict[str, str]:
        return {**os.environ, "NEO4J_PASSWORD": self.password}

    def ready(self) -> bool:
        return f"READY {self.port}" in self.tail(5) and _port_open(self.port)

    def admin_import(self, folder: Path) -> subprocess.CompletedProcess:
        """Run ``folder/neo4j-admin-import.sh`` (written by ``carepath export neo4j-csv``) into
        this server's home, which must not exist yet; the server must be stopped.

        ``neo4j-admin`` is a stand-in for the script of that name in a Neo4j distribution: the
        same ``org.neo4j.cli.AdminTool`` on the same classpath as the server.
        """
        assert self.process is None and self.home is not None and not self.home.exists()
        bin_dir = self.folder / "bin"
        bin_dir.mkdir(exist_ok=True)
        shim = bin_dir / "neo4j-admin"
        shim.write_text(f"#!/bin/sh\nexec java {' '.join(JVM_FLAGS)} -cp \"$NEO4J_CLASSPATH\" "
                        "org.neo4j.cli.AdminTool \"$@\"\n", encoding="utf-8")
        shim.chmod(0o755)
        (self.home / "conf").mkdir(parents=True)
        (self.home / "conf" / "neo4j.conf").touch()
        env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
               "NEO4J_HOME": str(self.home), "NEO4J_CONF": str(self.home / "conf"),
               "NEO4J_CLASSPATH": self.classpath}
        return subprocess.run(["sh", str(folder / "neo4j-admin-import.sh")], env=env,
                              capture_output=True, text=True, timeout=300)


@dataclass
class FusekiServer(Server):
    """Apache Jena Fuseki with one in-memory, updatable dataset /ds on 127.0.0.1."""

    jar: Path | None = None
    users: dict[str, str] = field(default_factory=dict)  # HTTP basic authentication, if any

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/ds"

    def command(self) -> list[str]:
        auth = []
        if self.users:
            passwd = self.folder / "passwd"
            passwd.write_text("".join(f"{u}: {p}\n" for u, p in self.users.items()),
                              encoding="utf-8")
            auth = [f"--passwd={passwd}", "--auth=basic"]
        # --timeout: Fuseki stops a query itself after 10 s; a client that gave up at its own
        # limit (the behaviour suite's 96 M-solution query) otherwise left Fuseki computing on
        # one of the two cores for minutes, slowing every later test
        return ["java", *JVM_FLAGS, "-jar", str(self.jar), "--mem", "--update", "--localhost",
                "--timeout=10000", *auth, "--port", str(self.port), "/ds"]

    def env(self) -> dict[str, str]:
        return {**os.environ, "FUSEKI_BASE": str(self.folder / "run")}

    def ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/$/ping", timeout=1) as r:
                return r.status == 200
        except urllib.error.HTTPError as exc:
            return exc.code == 401  # up, and asking for credentials
        except OSError:
            return False
