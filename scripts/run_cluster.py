"""`make run-cluster`: two app instances over one PostgreSQL warehouse behind `dataquery proxy`.

The warehouse is DQ_WAREHOUSE_URL, or the local PostgreSQL database `dataquery` (created if it
is missing); it is migrated, the demo bank is loaded once and an administrator ensured. Then
`dataquery serve` runs on 8001 and 8002 and the round-robin proxy on 8000 (the browser's address).
Either instance can be stopped (`kill <pid>`, printed below) and the proxy carries on with the
other. Ctrl-C stops everything.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

BIN = Path(sys.executable).parent
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/dataquery"


def ensure_database(url: str) -> None:
    """CREATE DATABASE when the URL's database does not exist yet (PostgreSQL only)."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("postgresql"):
        raise SystemExit("run-cluster needs PostgreSQL: DuckDB is one process's embedded file")
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": parsed.database}
        )
        if not exists:
            quoted = conn.dialect.identifier_preparer.quote(str(parsed.database))
            conn.execute(sa.text(f"CREATE DATABASE {quoted}"))
            print(f"created database {parsed.database}")
    admin.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--proxy-port", type=int, default=8000)
    parser.add_argument("--ports", type=int, nargs="+", default=[8001, 8002])
    args = parser.parse_args()

    url = os.environ.get("DQ_WAREHOUSE_URL") or DEFAULT_URL
    ensure_database(url)
    env = {
        **os.environ,
        "DQ_WAREHOUSE_URL": url,
        # The instances believe X-Forwarded-For only from the proxy, which runs on this host.
        "DQ_FORWARDED_ALLOW_IPS": os.environ.get("DQ_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        "DQ_PUBLIC_URL": os.environ.get(
            "DQ_PUBLIC_URL", f"http://{args.host}:{args.proxy_port}"
        ),
    }
    dataquery = str(BIN / "dataquery")
    for step in (["migrate"], ["demo", "--if-empty"], ["users", "ensure-admin"]):
        subprocess.run([dataquery, *step], env=env, check=True)

    children: list[subprocess.Popen[bytes]] = []
    for port in args.ports:
        command = [dataquery, "serve", "--host", args.host, "--port", str(port)]
        children.append(subprocess.Popen(command, env=env))
        print(f"instance http://{args.host}:{port}  pid {children[-1].pid}")
    upstreams = [arg for port in args.ports for arg in ("--upstream", f"http://{args.host}:{port}")]
    listen = f"{args.host}:{args.proxy_port}"
    proxy = subprocess.Popen([dataquery, "proxy", "--listen", listen, *upstreams], env=env)
    children.append(proxy)
    print(f"proxy    http://{listen}  pid {proxy.pid}  (open this one)")

    def stop(*_: object) -> None:
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()
        raise SystemExit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while proxy.poll() is None and any(c.poll() is None for c in children[:-1]):
        time.sleep(1)  # supervising children, not timing anything
    print("the proxy or every instance stopped; shutting down")
    stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
