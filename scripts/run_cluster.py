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

from sqlalchemy.engine import make_url

from dataquery import cluster

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/dataquery"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--proxy-port", type=int, default=8000)
    parser.add_argument("--ports", type=int, nargs="+", default=[8001, 8002])
    args = parser.parse_args()

    url = os.environ.get("DQ_WAREHOUSE_URL") or DEFAULT_URL
    if cluster.ensure_database(url):
        print(f"created database {make_url(url).database}")
    env = {
        **os.environ,
        "DQ_WAREHOUSE_URL": url,
        # The instances believe X-Forwarded-For only from the proxy, which runs on this host.
        "DQ_FORWARDED_ALLOW_IPS": os.environ.get("DQ_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        "DQ_PUBLIC_URL": os.environ.get("DQ_PUBLIC_URL", f"http://{args.host}:{args.proxy_port}"),
    }
    for step in (["migrate"], ["demo", "--if-empty"], ["users", "ensure-admin"]):
        subprocess.run([cluster.DATAQUERY, *step], env=env, check=True)

    instances = []
    for number, port in enumerate(args.ports, start=1):
        instances.append(cluster.serve(f"instance {number}", env, port, host=args.host))
        print(f"instance {instances[-1].base}  pid {instances[-1].popen.pid}")
    proxy = cluster.proxy(instances, env, args.proxy_port, host=args.host)
    print(f"proxy    {proxy.base}  pid {proxy.popen.pid}  (open this one)")
    children = [*instances, proxy]

    def stop(*_: object) -> None:
        for child in children:
            child.stop()
        raise SystemExit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while proxy.popen.poll() is None and any(c.popen.poll() is None for c in instances):
        time.sleep(1)  # supervising children, not timing anything
    print("the proxy or every instance stopped; shutting down")
    stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
