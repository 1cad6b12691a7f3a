"""Fuzz the served API with schemathesis, on DuckDB and on PostgreSQL (`make fuzz`).

For each engine: a fresh warehouse (a DuckDB file in a temporary folder; a new database on the
server of DQ_TEST_POSTGRES_URL, skipped with a message when it is unset), migrated, with a small
synthetic bank and an administrator added through the CLI; then `dataquery serve` on a free port,
a token from POST /api/v1/auth/login, and schemathesis against /openapi.json with that token,
NUL bytes allowed in every generated string, and the check that matters here:
`not_a_server_error`. Any 500 fails the run; the server's log is printed after a failure.

Usage: python tests/fuzz/run_fuzz.py [--examples N] [--seed S] [--engines duckdb,postgres]
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import sqlalchemy as sa
from sqlalchemy.engine import make_url

BIN = Path(sys.executable).parent
DEMO_CUSTOMERS = 2_000
# Operations that would sign the fuzzer out, so that every later request is a 401 and tests
# nothing. The administrator's name is random, so PATCH and DELETE /users/{username} cannot
# reach it (and deleting a user needs the caller's password besides).
EXCLUDED_OPERATIONS = ["POST /api/v1/auth/logout"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run(command: list[str], env: dict[str, str], stdin: str | None = None) -> None:
    """A setup command, quiet unless it fails."""
    done = subprocess.run(
        command, env=env, input=stdin, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    if done.returncode != 0:
        print(done.stdout)
        raise RuntimeError(f"{' '.join(command[:3])} failed with {done.returncode}")


@contextmanager
def postgres_database(server_url: str) -> Iterator[str]:
    """A new, empty database on that server, dropped afterwards."""
    url = make_url(server_url)
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    name = f"dq_fuzz_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


@contextmanager
def served(env: dict[str, str], port: int, log_path: Path) -> Iterator[str]:
    """`dataquery serve` in the background until the block ends; yields its base URL."""
    base = f"http://127.0.0.1:{port}"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [str(BIN / "dataquery"), "serve", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                if server.poll() is not None:
                    raise RuntimeError(f"the server exited with {server.returncode}")
                try:
                    with urllib.request.urlopen(f"{base}/api/v1/health", timeout=2):
                        break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError("the server did not answer within 60 s") from None
                    time.sleep(0.2)
            yield base
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def fuzz_one(engine: str, warehouse_url: str, folder: Path, args: argparse.Namespace) -> bool:
    username = f"fuzz-admin-{secrets.token_hex(4)}"
    password = secrets.token_urlsafe(24)
    env = {
        **os.environ,
        "DQ_ENV": "test",
        "DQ_WAREHOUSE_URL": warehouse_url,
        "DQ_DATA_DIR": str(folder / "var"),
        "DQ_WEB_DIST": str(folder / "no-web-build"),
        "DQ_ACCESS_TOKEN_MINUTES": "600",  # a long run must not be signed out halfway
        "DQ_LOG_LEVEL": "WARNING",
    }
    dataquery = str(BIN / "dataquery")
    run([dataquery, "migrate"], env)
    demo = ["--customers", str(DEMO_CUSTOMERS), "--seed", "7", "--as-of", "2026-11-28"]
    run([dataquery, "demo", *demo, "--out", str(folder / "demo")], env)
    run([dataquery, "users", "add", username, "--role", "admin", "--password-stdin"], env, password)

    log_path = folder / "server.log"
    with served(env, free_port(), log_path) as base:
        login = httpx.post(
            f"{base}/api/v1/auth/login", json={"username": username, "password": password}
        )
        login.raise_for_status()
        token = login.json()["access_token"]
        command = [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "run",
            f"{base}/openapi.json",
            "--checks",
            "not_a_server_error",
            "--header",
            f"Authorization: Bearer {token}",
            "--generation-allow-x00",
            "true",
            "--max-examples",
            str(args.examples),
            "--phases",
            args.phases,
            "--generation-database",
            "none",
            "--request-timeout",
            "60",
            "--workers",
            str(args.workers),
            "--no-color",
            "--warnings",
            "off",
            "--output-sanitize",
            "true",
        ]
        for operation in EXCLUDED_OPERATIONS:
            command += ["--exclude-name", operation]
        if args.seed is not None:
            command += ["--seed", str(args.seed)]
        print(
            f"\n=== fuzzing on {engine} (examples per operation: {args.examples}) ===", flush=True
        )
        started = time.monotonic()
        result = subprocess.run(command, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        print(f"=== {engine}: {time.monotonic() - started:.0f} s, exit {result.returncode} ===")
    if result.returncode != 0:
        print(f"--- the server's log ({engine}), last 200 lines ---")
        print("\n".join(log_path.read_text(errors="replace").splitlines()[-200:]))
    return result.returncode == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--examples", type=int, default=int(os.environ.get("FUZZ_EXAMPLES", 50)))
    parser.add_argument("--seed", type=int, default=None, help="random when omitted")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--phases",
        default=os.environ.get("FUZZ_PHASES", "examples,coverage,fuzzing"),
        help="schemathesis phases; coverage (every boundary of every field) is the long one",
    )
    parser.add_argument("--engines", default="duckdb,postgres")
    args = parser.parse_args(argv)

    failed: list[str] = []
    for engine in args.engines.split(","):
        folder = Path(tempfile.mkdtemp(prefix=f"dq-fuzz-{engine}-"))
        try:
            if engine == "duckdb":
                ok = fuzz_one(engine, f"duckdb:///{folder / 'warehouse.duckdb'}", folder, args)
            elif engine == "postgres":
                server_url = os.environ.get("DQ_TEST_POSTGRES_URL")
                if not server_url:
                    print("\n=== PostgreSQL skipped: DQ_TEST_POSTGRES_URL is not set ===")
                    continue
                with postgres_database(server_url) as url:
                    ok = fuzz_one(engine, url, folder, args)
            else:
                parser.error(f"unknown engine {engine!r}")
            if not ok:
                failed.append(engine)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    if failed:
        print(f"\nfuzzing found server errors on: {', '.join(failed)}")
        return 1
    print("\nfuzzing: no server error")
    return 0


if __name__ == "__main__":
    sys.exit(main())
