"""The `dataquery` command line."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from dataquery.core.config import get_settings

app = typer.Typer(no_args_is_help=True, help="DataQuery Pro: campaign audiences for the bank.")
iin_app = typer.Typer(no_args_is_help=True, help="Check and normalise IINs.")
app.add_typer(iin_app, name="iin")
err = Console(stderr=True)

WRITES_DUCKDB = (
    "With the embedded DuckDB warehouse, run it while the server is stopped: "
    "a DuckDB file has one writing process."
)


@app.command()
def version() -> None:
    """Print the version."""
    from dataquery.core.health import app_version

    typer.echo(app_version())


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface (default DQ_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default DQ_PORT).")] = None,
) -> None:
    """Serve the API and the web app."""
    import uvicorn

    settings = get_settings()
    uvicorn.run(
        "dataquery.main:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        log_config=None,
    )


@app.command(help=f"Apply database migrations up to the newest. {WRITES_DUCKDB}")
def migrate() -> None:
    from dataquery.core.db import create_warehouse_engine
    from dataquery.core.migrate import upgrade

    engine = create_warehouse_engine(get_settings().warehouse_url)
    upgrade(engine)
    engine.dispose()
    err.print(f"[green]migrated[/] {engine.url.render_as_string(hide_password=True)}")


@app.command(
    help="Generate the synthetic bank (every dataset as Parquet), load it into the warehouse "
    f"and register it in the catalog. Deterministic for a seed and date. {WRITES_DUCKDB}"
)
def demo(
    customers: Annotated[
        int | None, typer.Option(min=1, help="Customers (default DQ_DEMO_CUSTOMERS).")
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 42,
    out: Annotated[Path | None, typer.Option(help="Output folder (default var/demo).")] = None,
    as_of: Annotated[
        str | None, typer.Option(help="Reference date YYYY-MM-DD (default today).")
    ] = None,
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Do nothing if the feature store is loaded.")
    ] = False,
) -> None:
    import sqlalchemy as sa

    from dataquery.core.db import create_warehouse_engine, make_sessionmaker
    from dataquery.datasets.models import Dataset
    from dataquery.datasets.service import load_demo

    settings = get_settings()
    engine = create_warehouse_engine(settings.warehouse_url)
    with make_sessionmaker(engine).begin() as db:
        if if_empty and db.scalar(sa.select(Dataset).where(Dataset.name == "feature_store")):
            err.print("demo data already loaded; nothing to do")
            return
        started = time.perf_counter()
        count = customers or settings.demo_customers
        reference = date.fromisoformat(as_of) if as_of else date.today()
        err.print(f"generating {count:,} customers (seed {seed}, as of {reference})")
        datasets = load_demo(
            db, count, seed, out or settings.resolved_demo_dir, reference, _progress_printer()
        )
    engine.dispose()
    for ds in datasets:
        err.print(f"  {ds.name:<24} {ds.row_count:>12,} rows")
    err.print(f"[green]demo data loaded[/] in {time.perf_counter() - started:.1f} s")


def _progress_printer() -> Callable[[str, float], None]:
    last: dict[str, float] = {}

    def report(step: str, fraction: float) -> None:
        if fraction == 0.0 or fraction >= 1.0 or fraction - last.get(step, 0.0) >= 0.25:
            last[step] = fraction
            err.print(f"  {step}: {fraction:.0%}", highlight=False)

    return report


@app.command()
def openapi(
    out: Annotated[Path | None, typer.Option(help="Write to this file instead of stdout.")] = None,
) -> None:
    """Print the OpenAPI schema (the web client is generated from it)."""
    from dataquery.core.config import Settings
    from dataquery.main import create_app

    schema = create_app(Settings(warehouse_url="duckdb:///:memory:")).openapi()
    text = json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if out:
        out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


@iin_app.command("check")
def iin_check(values: Annotated[list[str], typer.Argument(help="IINs to check.")]) -> None:
    """Print one JSON object per value: input, normalized, valid, reason, kind, ..."""
    from dataquery import iin

    for value in values:
        typer.echo(json.dumps(iin.check(value).to_dict(), ensure_ascii=False))
