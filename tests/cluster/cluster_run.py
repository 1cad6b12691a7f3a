"""The cluster the tests start: two instances and the proxy (`dataquery.cluster` processes)."""

from __future__ import annotations

from dataclasses import dataclass, field

from dataquery.cluster import Process


@dataclass
class Cluster:
    a: Process
    b: Process
    proxy: Process
    warehouse_url: str
    audience_id: str
    headers: dict[str, dict[str, str]] = field(default_factory=dict)  # role -> bearer header
