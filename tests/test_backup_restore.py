"""Backup → wipe → restore gives back exactly the original, on DuckDB and PostgreSQL; a damaged
backup or one of a newer schema is refused before the warehouse is touched."""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from dataquery import backup as backups
from dataquery.bank.tables import (
    CAMPAIGN_CODE_SEQ,
    CampaignDict,
    campaign_users,
    contact_history,
)
from dataquery.cli import app
from dataquery.core.config import get_settings
from dataquery.core.db import create_warehouse_engine, make_sessionmaker
from dataquery.datasets.models import Dataset
from dataquery.models import Base
from dataquery.reference.models import Filial

DATASET_TABLE = "ds_backup_probe"


def _fill(engine: Engine) -> None:
    """Rows of awkward shapes in the bank's and the app's tables, and a dataset table."""
    with make_sessionmaker(engine).begin() as db:
        for _ in range(3):
            db.execute(sa.select(CAMPAIGN_CODE_SEQ.next_value()))
        db.add(
            CampaignDict(
                camp_cd="C000000003",
                camp_type="RB1",
                camp_name='Кешбэк "осень", 5%',
                camp_desc="строка 1\nстрока 2; ''кавычки''",
                stream="travel",
                channels="push,sms",
                title_ru="",  # an empty string is not NULL
                text_ru=None,
                start_date=date(2026, 12, 1),
                end_date=date(2026, 12, 31),
                status="deployed",
                owner="anna",
                control_share=Decimal("0.1000"),
                split_seed=2**40,
                audience_spec={"filters": [{"kind": "filial", "codes": ["01", "07"]}]},
                deployed_at=datetime(2026, 12, 1, 9, 30, 15, 123456),
            )
        )
        db.get_one(Filial, "05").name_ru = "Филиал Караганды"
        db.add(
            Dataset(
                name="backup_probe",
                category="analytics",
                table_name=DATASET_TABLE,
                row_count=2,
                columns=[{"name": "iin", "type": "VARCHAR"}],
            )
        )
        db.flush()
        db.execute(
            campaign_users.insert(),
            [
                {"camp_cd": "C000000003", "iin": f"0612116000{i:02d}", "channel": ch}
                for i in range(20)
                for ch in ("push", "sms")
            ],
        )
        db.execute(
            contact_history.insert(),
            [
                {
                    "iin": "061211600012",
                    "camp_cd": "C000000003",
                    "stream": "travel",
                    "channel": "push",
                    "contact_date": date(2026, 12, 2),
                }
            ],
        )
        db.execute(
            sa.text(
                f"CREATE TABLE {DATASET_TABLE} (iin VARCHAR(12), score DOUBLE PRECISION,"
                " flag BOOLEAN, added DATE, note VARCHAR)"
            )
        )
        db.execute(
            sa.text(f"INSERT INTO {DATASET_TABLE} VALUES (:i, :s, :f, :d, :n)"),
            [
                {"i": "061211600012", "s": 0.25, "f": True, "d": date(2026, 1, 2), "n": "a,b"},
                {"i": "940140000385", "s": None, "f": False, "d": None, "n": None},
            ],
        )


def _snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as conn:
        shot = {
            t.name: sorted(conn.execute(sa.select(t)).all(), key=repr)
            for t in Base.metadata.sorted_tables
        }
        if DATASET_TABLE in backups.table_names(conn):
            rows = conn.execute(sa.text(f"SELECT * FROM {DATASET_TABLE}")).all()
            shot[DATASET_TABLE] = sorted(rows, key=repr)
    return shot


def _next_code(engine: Engine) -> int:
    with engine.begin() as conn:
        return int(conn.execute(sa.select(CAMPAIGN_CODE_SEQ.next_value())).scalar_one())


def _wipe(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
        conn.execute(sa.text(f"DROP TABLE {DATASET_TABLE}"))


def test_backup_wipe_restore_equals_the_original(engine: Engine, tmp_path: Path) -> None:
    _fill(engine)
    original = _snapshot(engine)
    assert original[DATASET_TABLE] and len(original["fd_rb2_campaigns_users"]) == 40

    out = tmp_path / "backup"
    manifest = backups.backup(engine, out)
    assert manifest["schema_revision"] == backups.code_revision()
    by_name = {t["name"]: t for t in manifest["tables"]}
    assert by_name["fd_rb2_campaigns_users"]["rows"] == 40
    assert by_name["mb01_camp_dict"]["rows"] == 1
    assert by_name[DATASET_TABLE]["dataset"] is True
    assert manifest["sequences"]["camp_cd_seq"] == 3
    assert json.loads((out / "manifest.json").read_text()) == manifest

    _wipe(engine)
    assert _snapshot(engine) != original
    backups.restore(engine, out)
    assert _snapshot(engine) == original
    assert _next_code(engine) == 4  # the sequence goes on from where it was


def test_restore_into_an_empty_warehouse(
    engine: Engine, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    _fill(engine)
    original = _snapshot(engine)
    out = tmp_path / "backup"
    backups.backup(engine, out)

    if engine.dialect.name == "duckdb":
        empty_url, drop = f"duckdb:///{tmp_path / 'empty.duckdb'}", None
    else:
        databases = request.getfixturevalue("postgres_databases")
        name = f"dq_empty_{tmp_path.name[-8:].lower().replace('-', '_')}"
        databases._create(name, None)
        empty_url, drop = databases._url_of(name), lambda: databases.drop(name)
    empty = create_warehouse_engine(empty_url)
    try:
        backups.restore(empty, out)  # migrates it first
        assert _snapshot(empty) == original
    finally:
        empty.dispose()
        if drop:
            drop()


def test_a_damaged_or_newer_backup_is_refused_untouched(engine: Engine, tmp_path: Path) -> None:
    _fill(engine)
    out = tmp_path / "backup"
    backups.backup(engine, out)
    before = _snapshot(engine)

    damaged = tmp_path / "damaged"
    shutil.copytree(out, damaged)
    file = damaged / "mb01_camp_dict.parquet"
    data = bytearray(file.read_bytes())
    data[len(data) // 2] ^= 0xFF
    file.write_bytes(bytes(data))
    with pytest.raises(backups.BackupError) as caught:
        backups.restore(engine, damaged)
    assert caught.value.code == "backup.checksum_mismatch"

    newer = tmp_path / "newer"
    shutil.copytree(out, newer)
    manifest = json.loads((newer / "manifest.json").read_text())
    manifest["schema_revision"] = "9999"
    (newer / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(backups.BackupError) as caught:
        backups.restore(engine, newer)
    assert caught.value.code == "backup.newer_schema"

    with pytest.raises(backups.BackupError) as caught:
        backups.backup(engine, out)
    assert caught.value.code == "backup.out_not_empty"
    assert _snapshot(engine) == before


def test_cli_backup_and_restore(
    duckdb_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = create_warehouse_engine(duckdb_url)
    _fill(engine)
    original = _snapshot(engine)
    engine.dispose()
    monkeypatch.setenv("DQ_WAREHOUSE_URL", duckdb_url)
    monkeypatch.setenv("DQ_DATA_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        made = runner.invoke(app, ["backup", str(tmp_path / "bk")])
        assert made.exit_code == 0, made.output
        assert "backed up" in made.output
        refused = runner.invoke(app, ["restore", str(tmp_path / "nothing-here")])
        assert refused.exit_code == 2 and "backup.no_manifest" in refused.output
        engine = create_warehouse_engine(duckdb_url)
        _wipe(engine)
        engine.dispose()
        done = runner.invoke(app, ["restore", str(tmp_path / "bk")])
        assert done.exit_code == 0, done.output
        engine = create_warehouse_engine(duckdb_url)
        assert _snapshot(engine) == original
        engine.dispose()
    finally:
        get_settings.cache_clear()
