"""Several workers: with PROMETHEUS_MULTIPROC_DIR set, each process writes its values to that
folder and a scrape from any of them merges all (real subprocesses, no mocks)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

COUNT = "from dataquery.core import metrics; metrics.SIGN_INS.labels('success').inc({n})"
RENDER = (
    "import sys; from dataquery.core import metrics; sys.stdout.write(metrics.render()[0].decode())"
)


def _run(code: str, folder: Path) -> str:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder)}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_scrape_merges_every_worker(tmp_path: Path) -> None:
    _run(COUNT.format(n=2), tmp_path)
    _run(COUNT.format(n=3), tmp_path)
    text = _run(RENDER, tmp_path)
    total = sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "dq_sign_ins_total" and sample.labels == {"outcome": "success"}
    )
    assert total == 5
