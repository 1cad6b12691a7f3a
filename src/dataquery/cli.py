"""The `dataquery` command line."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console

from dataquery.core.clock import bank_today
from dataquery.core.config import Settings, get_settings
from dataquery.core.progress import Progress

if TYPE_CHECKING:
    import uvicorn
    from sqlalchemy.orm import Session

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

    uvicorn.Server(server_config(get_settings(), host, port)).run()


def server_config(
    settings: Settings, host: str | None = None, port: int | None = None
) -> uvicorn.Config:
    """How `serve` runs uvicorn. X-Forwarded-For/-Proto are believed only from the proxies
    named in DQ_FORWARDED_ALLOW_IPS, and by default from nobody: uvicorn's own default trusts
    127.0.0.1, so anyone on the machine could pick the client IP the sign-in throttle and the
    audit log see."""
    import uvicorn

    trusted = settings.forwarded_allow_ips
    return uvicorn.Config(
        "dataquery.main:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        log_config=None,
        proxy_headers=bool(trusted),
        forwarded_allow_ips=trusted or "",
    )


@app.command()
def proxy(
    upstream: Annotated[
        list[str], typer.Option(help="An instance's base URL, e.g. http://127.0.0.1:8001 (repeat).")
    ],
    listen: Annotated[str, typer.Option(help="host:port to listen on.")] = "127.0.0.1:8000",
    rest_seconds: Annotated[
        float, typer.Option(min=0, help="How long a refusing upstream is skipped.")
    ] = 5.0,
) -> None:
    """A round-robin reverse proxy in front of app instances (for `make run-cluster`; in
    production use the bank's load balancer). Forwards X-Forwarded-For: give the instances
    DQ_FORWARDED_ALLOW_IPS with this proxy's address."""
    import uvicorn

    from dataquery.proxy import Proxy

    host, _, port = listen.rpartition(":")
    if not host or not port.isdigit():
        _fail(f"--listen {listen!r} is not host:port")
    uvicorn.run(
        Proxy(upstream, rest_seconds=rest_seconds),
        host=host,
        port=int(port),
        log_level="warning",
        proxy_headers=False,
        server_header=False,  # the instance's own Server and Date headers are passed through
        date_header=False,
        lifespan="on",
    )


@app.command()
def worker(
    workers: Annotated[
        int | None, typer.Option(min=1, help="Worker threads (default DQ_JOB_WORKERS).")
    ] = None,
    once: Annotated[bool, typer.Option("--once", help="Run the queued jobs, then exit.")] = False,
) -> None:
    """Run queued jobs (uploads, deploys, exports, refreshes) without serving HTTP: a separate
    worker process over the shared PostgreSQL warehouse and DQ_DATA_DIR."""
    import signal
    import threading

    import dataquery.main  # noqa: F401  (registers every job handler)
    from dataquery.core.db import create_warehouse_engine, make_sessionmaker
    from dataquery.jobs.runner import JobRunner
    from dataquery.main import job_listeners

    settings = get_settings()
    engine = create_warehouse_engine(settings.warehouse_url)
    factory = make_sessionmaker(engine)
    runner = JobRunner(factory, settings, workers=workers)
    for listener in job_listeners(settings, factory):
        runner.on_finish(listener)
    if once:
        ran = runner.run_pending()
        engine.dispose()
        err.print(f"[green]ran[/] {ran} job(s)")
        return
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    runner.start()
    err.print(f"[green]worker[/] {runner.instance}: {runner.workers} thread(s)")
    stop.wait()
    runner.shutdown()
    engine.dispose()


@app.command(help=f"Apply database migrations up to the newest. {WRITES_DUCKDB}")
def migrate() -> None:
    from dataquery.core.db import create_warehouse_engine
    from dataquery.core.migrate import upgrade

    engine = create_warehouse_engine(get_settings().warehouse_url)
    upgrade(engine)
    engine.dispose()
    err.print(f"[green]migrated[/] {engine.url.render_as_string(hide_password=True)}")


demo_app = typer.Typer(
    invoke_without_command=True,
    help="Generate the synthetic bank (every dataset as Parquet), load it into the warehouse "
    f"and register it in the catalog. Deterministic for a seed and date. {WRITES_DUCKDB} "
    "`demo outcomes` plants a campaign's synthetic outcome.",
)
app.add_typer(demo_app, name="demo")


@demo_app.callback()
def demo(
    ctx: typer.Context,
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
    if ctx.invoked_subcommand is not None:
        return
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
        reference = date.fromisoformat(as_of) if as_of else bank_today()
        err.print(f"generating {count:,} customers (seed {seed}, as of {reference})")
        datasets = load_demo(
            db, count, seed, out or settings.resolved_demo_dir, reference, _progress_printer()
        )
    engine.dispose()
    for ds in datasets:
        err.print(f"  {ds.name:<24} {ds.row_count:>12,} rows")
    err.print(f"[green]demo data loaded[/] in {time.perf_counter() - started:.1f} s")


@app.command(
    help="Back up the warehouse to the new directory OUT: the app's tables, the bank's campaign "
    "tables, their sequences and the catalog's dataset tables, one Parquet file each, with a "
    "manifest (schema revision, row counts, SHA-256 checksums). Reads only; with DuckDB it "
    "needs the file, so run it while the server is stopped."
)
def backup(out: Annotated[Path, typer.Argument(help="A new or empty directory.")]) -> None:
    from dataquery import backup as backups
    from dataquery.core.db import create_warehouse_engine

    engine = create_warehouse_engine(get_settings().warehouse_url)
    started = time.perf_counter()
    try:
        manifest = backups.backup(engine, out, say=lambda line: err.print(f"  {line}"))
    except backups.BackupError as exc:
        _fail(f"{exc} ({exc.code})")
    finally:
        engine.dispose()
    rows = sum(t["rows"] for t in manifest["tables"])
    err.print(
        f"[green]backed up[/] {len(manifest['tables'])} tables, {rows:,} rows, schema "
        f"{manifest['schema_revision']}, to {out} in {time.perf_counter() - started:.1f} s"
    )


@app.command(
    help="Restore the backup in IN: checks the manifest and every file's checksum first, "
    "refuses a backup of a newer schema than this code, then replaces every table in one "
    "transaction and checks the row counts before committing. The warehouse must be at the "
    f"backup's schema revision or empty (new). {WRITES_DUCKDB}"
)
def restore(
    source: Annotated[Path, typer.Argument(metavar="IN", help="A backup directory.")],
) -> None:
    from dataquery import backup as backups
    from dataquery.core.db import create_warehouse_engine

    engine = create_warehouse_engine(get_settings().warehouse_url)
    started = time.perf_counter()
    try:
        manifest = backups.restore(engine, source, say=lambda line: err.print(f"  {line}"))
    except backups.BackupError as exc:
        _fail(f"{exc} ({exc.code})")
    finally:
        engine.dispose()
    rows = sum(t["rows"] for t in manifest["tables"])
    err.print(
        f"[green]restored[/] {len(manifest['tables'])} tables, {rows:,} rows, verified, "
        f"in {time.perf_counter() - started:.1f} s"
    )


@demo_app.command(
    "outcomes",
    help="Write a synthetic outcome of a deployed campaign (iin, event_date, value) with a "
    "planted lift for its target and a pre-period correlated with the post-period, as the "
    f"catalog dataset outcome_<code> (category outcome). {WRITES_DUCKDB}",
)
def demo_outcomes(
    campaign: Annotated[str, typer.Option(help="The deployed campaign's code.")],
    lift: Annotated[float, typer.Option(help="Absolute lift of the target's conversion.")] = 0.03,
    days: Annotated[int, typer.Option(min=1, max=366, help="Days of each period.")] = 30,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 1,
    out: Annotated[Path | None, typer.Option(help="Folder (default <data dir>/outcomes).")] = None,
) -> None:
    from dataquery.campaigns.outcomes import plant
    from dataquery.core.db import create_warehouse_engine, make_sessionmaker
    from dataquery.core.errors import DQError

    settings = get_settings()
    engine = create_warehouse_engine(settings.warehouse_url)
    try:
        with make_sessionmaker(engine).begin() as db:
            dataset = plant(db, campaign, lift, days, seed, out or settings.data_dir / "outcomes")
            name, rows = dataset.name, dataset.row_count
    except DQError as exc:
        _fail(str(exc))
    finally:
        engine.dispose()
    err.print(f"[green]outcome {name}[/] {rows:,} events (lift {lift}, {days} days, seed {seed})")


def _progress_printer() -> Progress:
    last: dict[str, float] = {}

    def report(stage_code: str, done: int | None = None, total: int | None = None) -> None:
        step = stage_code.removeprefix("job.stage.")
        fraction = done / total if done is not None and total else 0.0
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


users_app = typer.Typer(
    no_args_is_help=True,
    help=f"Manage who may sign in (the allowed-users table). {WRITES_DUCKDB}",
)
app.add_typer(users_app, name="users")


def _session() -> Iterator[Session]:
    from dataquery.core.db import create_warehouse_engine, make_sessionmaker

    engine = create_warehouse_engine(get_settings().warehouse_url)
    try:
        with make_sessionmaker(engine).begin() as db:
            yield db
    finally:
        engine.dispose()


def _read_password(from_stdin: bool) -> str | None:
    if not from_stdin:
        return None
    password = sys.stdin.readline().rstrip("\n")
    if not password:
        raise typer.BadParameter("no password on standard input")
    return password


def _fail(message: str) -> NoReturn:
    err.print(f"[red]{message}[/]")
    raise typer.Exit(2)


@users_app.command("add")
def users_add(
    username: str,
    role: Annotated[str, typer.Option(help="user | analyst | admin")] = "user",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin (local).")
    ] = False,
) -> None:
    """Allow USERNAME to sign in with ROLE."""
    from pydantic import ValidationError

    from dataquery.auth import service
    from dataquery.auth.schemas import UserCreate
    from dataquery.core.errors import DQError

    try:
        data = UserCreate.model_validate(
            {"username": username, "role": role, "password": _read_password(password_stdin)}
        )
        for db in _session():
            service.create_user(db, get_settings(), data)
    except (ValidationError, DQError) as exc:
        _fail(str(exc))
    err.print(f"[green]added[/] {data.username} ({data.role})")


@users_app.command("list")
def users_list() -> None:
    """List the users allowed to sign in."""
    from dataquery.auth import service

    for db in _session():
        for user in service.list_users(db):
            state = "enabled" if user.enabled else "disabled"
            typer.echo(f"{user.username}\t{user.role}\t{state}")


def _update(username: str, **changes: object) -> None:
    from pydantic import ValidationError

    from dataquery.auth import service
    from dataquery.auth.schemas import UserUpdate
    from dataquery.core.errors import DQError

    try:
        data = UserUpdate.model_validate(changes)
        for db in _session():
            user = service.get_user(db, username)
            # The CLI acts as the operator of the machine, not as a signed-in user.
            operator = type(user)(username="<cli>", role="admin")
            service.update_user(db, get_settings(), operator, username, data)
    except (ValidationError, DQError) as exc:
        _fail(str(exc))
    err.print(f"[green]updated[/] {username}")


@users_app.command("set-role")
def users_set_role(username: str, role: str) -> None:
    """Change the role of USERNAME (user | analyst | admin)."""
    _update(username, role=role)


@users_app.command("disable")
def users_disable(username: str) -> None:
    """Stop USERNAME from signing in (their refresh tokens are revoked)."""
    _update(username, enabled=False)


@users_app.command("enable")
def users_enable(username: str) -> None:
    """Let a disabled USERNAME sign in again."""
    _update(username, enabled=True)


@users_app.command("reset-password")
def users_reset_password(
    username: str,
    password_stdin: Annotated[bool, typer.Option("--password-stdin")] = False,
) -> None:
    """Set a new password (local backend); a random one is printed unless --password-stdin."""
    from dataquery.auth.security import generate_password

    password = _read_password(password_stdin) or generate_password()
    _update(username, password=password)
    if not password_stdin:
        typer.echo(f"new password for {username}: {password}")


@users_app.command("ensure-admin")
def users_ensure_admin() -> None:
    """Create `admin` if no administrator exists (local backend): the password is
    DQ_BOOTSTRAP_ADMIN_PASSWORD or a random one, printed once."""
    import sqlalchemy as sa

    from dataquery.auth import service
    from dataquery.auth.models import User
    from dataquery.auth.roles import Role
    from dataquery.auth.schemas import UserCreate
    from dataquery.auth.security import generate_password
    from dataquery.core.config import AuthBackend

    settings = get_settings()
    for db in _session():
        existing = db.scalar(sa.select(User.username).where(User.role == Role.ADMIN.value))
        if existing:
            typer.echo(
                f"Administrator: {existing} (password unchanged; "
                f"`dataquery users reset-password {existing}` sets a new one)"
            )
            return
        local = settings.auth_backend is AuthBackend.LOCAL
        given = settings.bootstrap_admin_password
        password = (given.get_secret_value() if given else generate_password()) if local else None
        service.create_user(
            db, settings, UserCreate(username="admin", role=Role.ADMIN, password=password)
        )
    if password is None:
        typer.echo("Administrator: admin (signs in with the directory password)")
    elif given:
        typer.echo("Administrator: admin (password from DQ_BOOTSTRAP_ADMIN_PASSWORD)")
    else:
        typer.echo(f"Administrator: admin  password: {password}  (shown once)")


index_app = typer.Typer(no_args_is_help=True, help="Rebuild the audience engine's indexes.")
app.add_typer(index_app, name="index")


@index_app.command(
    "history",
    help="Rebuild every customer's latest contacts from the whole contact history and mark the "
    "groups of every live campaign, in the feature store: after history or groups were loaded "
    "from outside the application (its own writes keep them right). " + WRITES_DUCKDB,
)
def index_history() -> None:
    from dataquery.core.clock import bank_today
    from dataquery.datasets import contact_index, member_index

    for db in _session():
        if not contact_index.build(db):
            _fail("there is no feature store to index yet: load it first")
        campaigns = member_index.index_live(db, bank_today())
    err.print(f"[green]contact index rebuilt[/], groups of {campaigns} live campaigns marked")


@index_app.command(
    "reach",
    help="Mark in the feature store which customers lack a p_sid or a valid phone, as loading "
    "it does: after its rows were changed from outside the application. " + WRITES_DUCKDB,
)
def index_reach() -> None:
    from dataquery.datasets import reach_index

    for db in _session():
        if not reach_index.build(db):
            _fail("there is no feature store to index yet: load it first")
    err.print("[green]reach index rebuilt[/]")


@app.command(
    help="Distribute the new-user pool of a day (default: the bank's today) to the active "
    "campaigns that take a share, once per day: a done day is reported and left alone. "
    f"--dry-run writes nothing. {WRITES_DUCKDB}"
)
def distribute(
    day: Annotated[str | None, typer.Option("--date", help="The pool's day, YYYY-MM-DD.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report only, write nothing.")] = False,
) -> None:
    from dataquery.core.db import create_warehouse_engine, make_sessionmaker
    from dataquery.core.errors import DQError
    from dataquery.core.logging import configure_logging
    from dataquery.distribution import service
    from dataquery.distribution.report import send_failure, send_report
    from dataquery.distribution.schemas import RunTrigger

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_json)  # to stderr: stdout is the JSON
    try:
        when = date.fromisoformat(day) if day else bank_today()
    except ValueError:
        _fail(f"--date {day!r} is not a date (YYYY-MM-DD)")
    engine = create_warehouse_engine(settings.warehouse_url)
    try:
        factory = make_sessionmaker(engine)
        report = service.distribute(
            factory,
            when,
            dry_run=dry_run,
            trigger=RunTrigger.CLI,
            after_commit=lambda done: send_report(settings, factory, done, wait=True),
            on_failure=lambda failed, error: send_failure(
                settings, factory, failed.isoformat(), error, wait=True
            ),
        )
    except DQError as exc:
        _fail(exc.detail)
    except Exception as exc:
        _fail(f"the distribution of {when} failed, nothing was written: {exc}")
    finally:
        engine.dispose()
    typer.echo(report.model_dump_json(indent=2))


audience_app = typer.Typer(no_args_is_help=True, help="Build audiences from a spec file.")
app.add_typer(audience_app, name="audience")


@audience_app.command(
    "preview",
    help="Print the funnel of SPEC.json (an audience spec, version 1) as JSON: removed and "
    "remaining per step, size, sample rows and distributions. Reads only; with the embedded "
    "DuckDB warehouse the server must be stopped (a DuckDB file admits one process).",
)
def audience_preview(
    spec_file: Annotated[Path, typer.Argument(metavar="SPEC.json", help="The spec to preview.")],
    sample: Annotated[bool, typer.Option(help="Include sample rows.")] = True,
    distributions: Annotated[bool, typer.Option(help="Include the distributions.")] = True,
) -> None:
    from pydantic import ValidationError

    from dataquery.audiences import service
    from dataquery.audiences.spec import AudienceSpec
    from dataquery.core.errors import DQError

    try:
        spec = AudienceSpec.model_validate_json(spec_file.read_bytes())
    except OSError as exc:
        _fail(f"cannot read {spec_file}: {exc.strerror or exc}")
    except ValidationError as exc:
        _fail(f"{spec_file} is not a valid audience spec:\n{exc}")
    try:
        for db in _session():
            result = service.preview(db, spec, None, sample=sample, distributions=distributions)
    except DQError as exc:
        _fail(exc.detail)
    typer.echo(result.model_dump_json(indent=2))
