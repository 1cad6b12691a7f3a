"""Starting app instances and the proxy as subprocesses, for the cluster tests."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent
START_SECONDS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Process:
    """One subprocess and where it answers."""

    name: str
    base: str
    popen: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()

    def tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-80:])


@dataclass
class Cluster:
    a: Process
    b: Process
    proxy: Process
    warehouse_url: str
    audience_id: str
    headers: dict[str, dict[str, str]] = field(default_factory=dict)  # role -> bearer header


def start(name: str, command: list[str], env: dict[str, str], port: int, folder: Path) -> Process:
    log = folder / f"{name}.log"
    with log.open("wb") as out:
        popen = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    return Process(name, f"http://127.0.0.1:{port}", popen, log)


def wait_ready(process: Process) -> None:
    deadline = time.monotonic() + START_SECONDS
    while True:
        if process.popen.poll() is not None:
            raise RuntimeError(f"{process.name} exited with {process.popen.returncode}:\n"
                               f"{process.tail()}")  # fmt: skip
        try:
            if httpx.get(f"{process.base}/api/v1/health/live", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{process.name} did not answer in {START_SECONDS} s")
        time.sleep(0.2)  # polling a starting server, not racing a timing
