"""OR groups and column filters at scale: the funnel and the full preview of a spec with two
`any_of` groups and two `column` filters, beside the floor of `bench/audience.py`.

    .venv/bin/python bench/audience_or.py [--customers N] [--runs R] [--workdir DIR]

Reuses the warehouse `bench/audience.py` prepares (same data, same floor), and times the
options call too (its column statistics: cold, then cached per catalog version).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from audience import AS_OF, list_names, p50, phase_floor, prepare, timed


def or_spec() -> dict[str, Any]:
    filters: list[dict[str, Any]] = [{"kind": "suppression", "list": n} for n in list_names()]
    filters += [
        {"kind": "age", "min": 25, "max": 60},
        {
            "kind": "any_of",
            "filters": [
                {"kind": "product", "products": ["credit_card"], "mode": "has"},
                {"kind": "column", "column": "score_credit", "op": ">=", "value": 0.7},
            ],
        },
        {
            "kind": "any_of",
            "filters": [
                {"kind": "mau"},
                {"kind": "column", "column": "txn_cnt_30d", "op": ">", "value": 10},
                {"kind": "product", "products": ["term_deposit", "mortgage"], "mode": "has"},
            ],
        },
        {"kind": "column", "column": "balance_kzt", "op": "between", "value": [100000, 5000000]},
        {"kind": "column", "column": "device_os", "op": "in", "value": ["android", "ios"]},
    ]
    return {"version": 1, "reference_date": AS_OF.isoformat(), "filters": filters}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=Path("var/bench"))
    args = parser.parse_args()

    from dataquery.audiences import service
    from dataquery.audiences.spec import AudienceSpec
    from dataquery.core.db import create_warehouse_engine, make_sessionmaker

    warehouse = prepare(args.customers, args.workdir)
    floor = phase_floor(warehouse, args.runs)["floor_s"]
    engine = create_warehouse_engine(f"duckdb:///{warehouse}")
    sessions = make_sessionmaker(engine)
    spec = AudienceSpec.model_validate(or_spec())

    def run(**options: bool) -> Any:
        with sessions.begin() as db:
            return service.preview(db, spec, None, **options)

    funnel_times, funnel = timed(lambda: run(sample=False, distributions=False), args.runs)
    preview_times, preview = timed(run, args.runs)
    assert preview.funnel == funnel.funnel
    with sessions.begin() as db:
        started = time.perf_counter()
        service.options(db, None)
        options_cold = time.perf_counter() - started
    options_times, _ = timed(lambda: service.options(sessions(), None), args.runs)
    engine.dispose()

    def ms(runs: list[list[float]]) -> str:
        return f"p50 {p50(runs) * 1000:6.0f} ms wall {p50(runs, True) * 1000:6.0f} ms cpu"

    base = p50(floor)
    print(
        f"customers: {args.customers:,}   steps: {len(funnel.funnel) - 1}   size: {funnel.size:,}"
    )
    for step in funnel.funnel:
        print(f"  {step.step:>2} {step.kind:<12} -{step.removed:>9,} = {step.remaining:>9,}")
    print(f"floor            {ms(floor)}")
    print(f"funnel           {ms(funnel_times)}   {p50(funnel_times) / base:.2f}x floor")
    print(f"preview          {ms(preview_times)}   {p50(preview_times) / base:.2f}x floor")
    print(f"options (cold)   {options_cold * 1000:6.0f} ms   (column statistics computed)")
    print(f"options (cached) {ms(options_times)}")


if __name__ == "__main__":
    main()
