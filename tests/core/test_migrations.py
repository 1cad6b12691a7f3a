from __future__ import annotations

import io
from contextlib import redirect_stdout
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.dialects import oracle
from sqlalchemy.engine import Engine
from sqlalchemy.schema import CreateIndex, CreateSequence, CreateTable

from dataquery.core.migrate import alembic_config
from dataquery.models import Base

BANK_TABLES = {
    "mb01_camp_dict",
    "rb3_tr_campaign_dict",
    "fd_rb2_campaigns_users",
    "mb22_local_target",
    "mb21_local_control",
    "off_limit_campaigns_users",
    "fd_rb2_pop_up_campaign",
    "mb11_global_control",
}


def test_migrations_create_every_table(engine: Engine) -> None:
    tables = set(sa.inspect(engine).get_table_names())
    assert tables >= BANK_TABLES
    assert set(Base.metadata.tables) <= tables
    assert "dq_alembic_version" in tables


def test_migrated_columns_match_the_models(engine: Engine) -> None:
    # information_schema works on both engines (DuckDB's SQLAlchemy reflection does not).
    query = sa.text(
        "SELECT table_name, column_name, is_nullable FROM information_schema.columns"
        " WHERE table_name IN :tables"
    ).bindparams(sa.bindparam("tables", expanding=True))
    with engine.connect() as conn:
        rows = conn.execute(query, {"tables": list(Base.metadata.tables)}).all()
    reflected = {(t, c): nullable == "YES" for t, c, nullable in rows}
    expected = {
        (table.name, column.name): bool(column.nullable)
        for table in Base.metadata.sorted_tables
        for column in table.columns
    }
    assert reflected == expected


@pytest.mark.postgres
def test_autogenerate_finds_nothing_to_do_on_postgres(postgres_databases: Any) -> None:
    """The revisions and the models agree (Alembic's comparison needs PostgreSQL's catalog)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    name, url = postgres_databases.new()
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "version_table": "dq_alembic_version"}
            )
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()
        postgres_databases.drop(name)


def test_reference_data_is_seeded(engine: Engine) -> None:
    with engine.connect() as conn:
        by_type = dict(
            conn.execute(
                sa.text("SELECT campaign_type, COUNT(*) FROM dq_streams GROUP BY campaign_type")
            ).all()
        )
        filials = conn.execute(sa.text("SELECT code FROM dq_filials ORDER BY code")).scalars().all()
        push = conn.execute(sa.text("SELECT COUNT(*) FROM dq_push_event_types")).scalar_one()
        channels = conn.execute(sa.text("SELECT code FROM dq_channels")).scalars().all()
        assert by_type == {"RB1": 10, "RB3": 22}
        assert list(filials) == [f"{i:02d}" for i in range(1, 37)]
        assert push == 18
        assert set(channels) == {"push", "popup", "sms"}


def test_code_sequences_count_up(engine: Engine) -> None:
    with engine.connect() as conn:
        for name in ("camp_cd_seq", "xls_ow_id_seq"):
            seq = sa.Sequence(name)
            first, second = conn.scalar(seq.next_value()), conn.scalar(seq.next_value())
            assert second == first + 1


def test_downgrade_then_upgrade_round_trips(engine: Engine) -> None:
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "base")
    assert BANK_TABLES.isdisjoint(sa.inspect(engine).get_table_names())
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    assert set(sa.inspect(engine).get_table_names()) >= BANK_TABLES


def test_models_compile_for_oracle() -> None:
    dialect = oracle.dialect()
    for table in Base.metadata.sorted_tables:
        ddl = str(CreateTable(table).compile(dialect=dialect))
        assert f"CREATE TABLE {table.name}" in ddl
        for index in table.indexes:
            prefix = "CREATE UNIQUE INDEX" if index.unique else "CREATE INDEX"
            assert prefix in str(CreateIndex(index).compile(dialect=dialect))
    assert "VARCHAR2(12 CHAR)" in str(
        CreateTable(Base.metadata.tables["mb22_local_target"]).compile(dialect=dialect)
    )
    for sequence in Base.metadata._sequences.values():
        assert "CREATE SEQUENCE" in str(CreateSequence(sequence).compile(dialect=dialect))


def test_migrations_render_as_oracle_sql() -> None:
    """The revisions themselves, run offline against the Oracle dialect."""
    config = alembic_config("oracle+oracledb://scott:tiger@localhost/bank")
    out = io.StringIO()
    config.output_buffer = out
    with redirect_stdout(out):
        command.upgrade(config, "head", sql=True)
    sql = out.getvalue()
    for table in BANK_TABLES:
        assert f"CREATE TABLE {table}" in sql
    assert "CREATE SEQUENCE camp_cd_seq" in sql
    assert "INSERT INTO dq_filials" in sql


@pytest.mark.parametrize("table", sorted(BANK_TABLES))
def test_iin_columns_are_12_char_strings(table: str) -> None:
    column = Base.metadata.tables[table].columns.get("iin")
    if column is not None:
        assert isinstance(column.type, sa.String) and column.type.length == 12


def test_0010_makes_every_saved_audience_version_1_of_its_own_family(engine: Engine) -> None:
    """Up from 0009 with audiences saved, down again and back: the rows survive each way."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))

    def migrate(step: Any, revision: str) -> None:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            step(config, revision)

    def columns() -> set[str]:
        query = sa.text(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'dq_audiences'"
        )
        with engine.connect() as conn:
            return set(conn.execute(query).scalars())

    migrate(command.downgrade, "0009")
    assert {"family_id", "version"}.isdisjoint(columns())
    insert = sa.text(
        "INSERT INTO dq_audiences (id, name, owner, spec, funnel, size, reference_date,"
        " created_at) VALUES (:id, :id, 'anna', '{}', '[]', 1, '2026-12-01', '2026-12-01')"
    )
    with engine.begin() as conn:
        conn.execute(insert, [{"id": "a1"}, {"id": "b1"}])
    migrate(command.upgrade, "head")
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT id, family_id, version FROM dq_audiences ORDER BY id")
        ).all()
    assert [tuple(r) for r in rows] == [("a1", "a1", 1), ("b1", "b1", 1)]
    duplicate = sa.text(
        "INSERT INTO dq_audiences (id, name, owner, spec, funnel, size, reference_date,"
        " created_at, family_id, version)"
        " VALUES ('a2', 'a2', 'anna', '{}', '[]', 1, '2026-12-01', '2026-12-01', 'a1', 1)"
    )
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        conn.execute(duplicate)
    no_family = sa.text(
        "INSERT INTO dq_audiences (id, name, owner, spec, funnel, size, reference_date,"
        " created_at) VALUES ('c1', 'c1', 'anna', '{}', '[]', 1, '2026-12-01', '2026-12-01')"
    )
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        conn.execute(no_family)  # NOT NULL after the fill
    migrate(command.downgrade, "0009")
    assert {"family_id", "version"}.isdisjoint(columns())
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT COUNT(*) FROM dq_audiences")).scalar_one() == 2
    migrate(command.upgrade, "head")
    assert {"family_id", "version"} <= columns()
