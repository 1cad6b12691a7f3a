"""App instances and the proxy as subprocesses of this machine: what `make run-cluster`, the load
test (bench/load.py) and the two-instance tests start, wait for and stop."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import sqlalchemy as sa
from sqlalchemy.engine import make_url

# The `dataquery` command of this environment.
DATAQUERY = str(Path(sys.executable).parent / "dataquery")


def ensure_database(url: str) -> bool:
    """CREATE DATABASE when the URL's PostgreSQL database does not exist yet; True if it made it.
    Several instances need PostgreSQL: a DuckDB file has one process."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("postgresql"):
        raise SystemExit("several instances need PostgreSQL: DuckDB is one process's file")
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.scalar(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                {"name": parsed.database},
            )
            if exists:
                return False
            quoted = conn.dialect.identifier_preparer.quote(str(parsed.database))
            conn.execute(sa.text(f"CREATE DATABASE {quoted}"))
            return True
    finally:
        admin.dispose()


def free_port() -> int:
    with socket.socket() as sock:  # bound then released: free for the child to take
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Process:
    """One subprocess and the base URL it answers on."""

    name: str
    base: str
    popen: subprocess.Popen[bytes]
    log: Path | None

    def wait_ready(self, timeout: float = 60, path: str = "/api/v1/health/live") -> None:
        """Until `path` answers 200; raises (with the log's tail) when the process exits or
        the time runs out."""
        deadline = time.monotonic() + timeout
        while True:
            if self.popen.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with {self.popen.returncode}:\n{self.tail()}"
                )
            try:
                if httpx.get(f"{self.base}{path}", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} did not answer in {timeout:.0f} s")
            time.sleep(0.2)  # polling a starting server

    def stop(self, timeout: float = 20) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()

    def tail(self) -> str:
        if self.log is None:
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-80:])


def start(
    name: str,
    command: list[str],
    env: dict[str, str],
    port: int,
    log: Path | None = None,
    host: str = "127.0.0.1",
) -> Process:
    """Start `command` (answering on `host`:`port`), its output into `log` (or this terminal's
    when None)."""
    if log is None:
        popen = subprocess.Popen(command, env=env)
    else:
        with log.open("wb") as out:
            popen = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    return Process(name, f"http://{host}:{port}", popen, log)


def serve(
    name: str, env: dict[str, str], port: int, log: Path | None = None, host: str = "127.0.0.1"
) -> Process:
    """`dataquery serve` on `host`:`port`."""
    command = [DATAQUERY, "serve", "--host", host, "--port", str(port)]
    return start(name, command, env, port, log, host)


def proxy(
    upstreams: list[Process],
    env: dict[str, str],
    port: int,
    log: Path | None = None,
    host: str = "127.0.0.1",
) -> Process:
    """`dataquery proxy` on `host`:`port`, round-robin over `upstreams`."""
    command = [DATAQUERY, "proxy", "--listen", f"{host}:{port}"]
    for upstream in upstreams:
        command += ["--upstream", upstream.base]
    return start("proxy", command, env, port, log, host)
