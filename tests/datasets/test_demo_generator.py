"""The synthetic bank data generator: schemas, validity of IINs, plausibility, determinism."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from dataquery import iin
from dataquery.datasets import demo
from dataquery.datasets.demo import DATASET_NAMES, PRODUCT_CODES, DemoFile, generate_demo
from dataquery.reference.seed import FILIALS, PUSH_EVENT_TYPES

AS_OF = date(2026, 11, 28)
CUSTOMERS = 20_000

BLACKLISTS = ("acrm_blacklist", "client_blacklist", "not_recommend_credits", "no_worker")
PLAIN_LISTS = ("global_control", "employees", "bloggers")
ABC_LISTS = ("abc_nbo_only", "abc_ptb", "abc_nbo_market")
SCORES = ("score_credit", "score_deposit", "score_travel", "score_insurance", "score_market")

EXPECTED_SCHEMAS: dict[str, list[tuple[str, pa.DataType]]] = {
    "feature_store": [
        ("iin", pa.string()),
        ("p_sid", pa.string()),
        ("birth_date", pa.date32()),
        ("gender", pa.string()),
        ("filial_code", pa.string()),
        ("device_os", pa.string()),
        ("is_mau", pa.bool_()),
        ("last_active_date", pa.date32()),
        ("phone", pa.string()),
        ("push_enabled", pa.bool_()),
        *[(score, pa.float64()) for score in SCORES],
        ("balance_kzt", pa.float64()),
        ("txn_cnt_30d", pa.int32()),
    ],
    "products": [
        ("iin", pa.string()),
        ("product_code", pa.string()),
        ("opened_date", pa.date32()),
    ],
    "push_optouts": [("iin", pa.string()), ("event_type", pa.string())],
    **{
        name: [("iin", pa.string()), ("added_date", pa.date32()), ("reason", pa.string())]
        for name in BLACKLISTS
    },
    **{name: [("iin", pa.string()), ("added_date", pa.date32())] for name in PLAIN_LISTS},
    **{name: [("iin", pa.string()), ("score", pa.float64())] for name in ABC_LISTS},
    "spss_user_pool": [("iin", pa.string()), ("pool_date", pa.date32())],
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> list[DemoFile]:
    return generate_demo(CUSTOMERS, 7, tmp_path_factory.mktemp("demo"), AS_OF)


@pytest.fixture(scope="module")
def tables(generated: list[DemoFile]) -> dict[str, pa.Table]:
    return {file.name: pq.read_table(file.path) for file in generated}


@pytest.fixture(scope="module")
def features(tables: dict[str, pa.Table]) -> pa.Table:
    return tables["feature_store"]


def all_distinct(column: pa.Array | pa.ChunkedArray) -> bool:
    return len(column.unique()) == len(column)


def share(mask: pa.Array | pa.ChunkedArray, total: int) -> float:
    return pc.sum(mask).as_py() / total


def test_dataset_names_cover_every_list() -> None:
    assert set(DATASET_NAMES) == set(EXPECTED_SCHEMAS)
    assert len(DATASET_NAMES) == len(set(DATASET_NAMES)) == 14
    assert DATASET_NAMES[0] == "feature_store"
    assert len(PRODUCT_CODES) == len(set(PRODUCT_CODES)) == 12


def test_writes_every_dataset_with_exact_columns_and_types(
    generated: list[DemoFile], tables: dict[str, pa.Table]
) -> None:
    assert [file.name for file in generated] == list(DATASET_NAMES)
    for file in generated:
        assert file.path == file.path.parent / f"{file.name}.parquet"
        schema = pq.read_schema(file.path)
        assert [(field.name, field.type) for field in schema] == EXPECTED_SCHEMAS[file.name]
        assert file.rows == tables[file.name].num_rows > 0
    assert not list(generated[0].path.parent.glob("*.tmp"))


def test_feature_store_iins_are_valid_unique_and_match_birth_date_and_gender(
    features: pa.Table,
) -> None:
    iins = features["iin"].to_pylist()
    births = features["birth_date"].to_pylist()
    genders = features["gender"].to_pylist()
    assert len(iins) == CUSTOMERS == len(set(iins))
    for number, born, sex in zip(iins, births, genders, strict=True):
        assert len(number) == 12
        assert iin.is_valid(number), number
        assert iin.birth_date(number) == born
        assert iin.gender(number) == sex
    assert any(number.startswith("0") for number in iins)  # born 2000–2008, leading zero kept


def test_iins_stay_unique_and_valid_across_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(demo, "CHUNK_SIZE", 3_000)
    files = generate_demo(10_000, 3, tmp_path / "first", AS_OF)
    again = generate_demo(10_000, 3, tmp_path / "again", AS_OF)
    for first, second in zip(files, again, strict=True):
        assert first.path.read_bytes() == second.path.read_bytes(), first.name
    table = pq.read_table(files[0].path)
    iins = table["iin"].to_pylist()
    assert pq.ParquetFile(files[0].path).metadata.num_row_groups == 4
    assert len(set(iins)) == 10_000
    assert all(iin.is_valid(number) for number in iins)
    assert all_distinct(table["p_sid"].drop_null())
    assert all_distinct(table["phone"].drop_null())


def test_every_list_member_is_a_customer(tables: dict[str, pa.Table], features: pa.Table) -> None:
    customers = features["iin"]
    for name in DATASET_NAMES[1:]:
        assert pc.all(pc.is_in(tables[name]["iin"], value_set=customers)).as_py(), name
    for name in (*BLACKLISTS, *PLAIN_LISTS, *ABC_LISTS, "spss_user_pool"):
        column = tables[name]["iin"]
        assert all_distinct(column), name


def test_ages_are_adults_weighted_to_working_age(features: pa.Table) -> None:
    births = np.array(features["birth_date"].to_pylist())
    ages = np.array(
        [AS_OF.year - b.year - ((AS_OF.month, AS_OF.day) < (b.month, b.day)) for b in births]
    )
    assert ages.min() >= 18
    assert ages.max() <= 90
    working = np.mean((ages >= 25) & (ages <= 45))
    assert 0.40 < working < 0.60
    assert np.mean(ages > 70) < 0.10
    assert np.mean(ages > 80) > 0.0


def test_filials_follow_reference_weights(features: pa.Table) -> None:
    counts = Counter(features["filial_code"].to_pylist())
    assert set(counts) <= {filial.code for filial in FILIALS}
    big = [counts[filial.code] for filial in FILIALS if filial.is_big_city]
    other = [counts[filial.code] for filial in FILIALS if not filial.is_big_city]
    assert min(big) > max(other)
    assert counts["01"] == max(counts.values())  # Almaty


def test_app_usage_mau_push_and_contacts_are_consistent(features: pa.Table) -> None:
    device = features["device_os"]
    app = pc.is_valid(device)
    assert set(device.drop_null().to_pylist()) == {"android", "ios"}
    assert 0.52 <= share(pc.equal(device, "android"), CUSTOMERS) <= 0.58
    assert 0.22 <= share(pc.equal(device, "ios"), CUSTOMERS) <= 0.28
    assert 0.55 <= share(features["is_mau"], CUSTOMERS) <= 0.65
    for column in ("is_mau", "push_enabled"):
        assert not pc.any(pc.and_(features[column], pc.invert(app))).as_py(), column
    assert 0.75 <= pc.sum(features["push_enabled"]).as_py() / pc.sum(app).as_py() <= 0.85
    assert pc.all(pc.equal(pc.is_valid(features["p_sid"]), app)).as_py()
    psid = features["p_sid"].drop_null()
    assert all_distinct(psid)
    assert pc.all(pc.match_substring_regex(psid, r"^[0-9a-f]{32}$")).as_py()

    phones = features["phone"].drop_null()
    assert 0.87 <= len(phones) / CUSTOMERS <= 0.93
    assert all_distinct(phones)
    assert pc.all(pc.match_substring_regex(phones, r"^\+77\d{9}$")).as_py()


def test_activity_dates_and_transactions_are_plausible(features: pa.Table) -> None:
    mau = features["is_mau"]
    active = features["last_active_date"]
    recent = pc.greater(active, pa.scalar(AS_OF - timedelta(days=30), pa.date32()))  # MAU window
    assert pc.all(pc.less_equal(active, pa.scalar(AS_OF, pa.date32()))).as_py()
    assert pc.all(pc.filter(recent, mau)).as_py()
    assert not pc.any(pc.filter(recent, pc.invert(mau))).as_py()
    txn = features["txn_cnt_30d"]
    assert pc.min(txn).as_py() >= 0
    mau_mean = pc.mean(pc.filter(txn, mau)).as_py()
    assert mau_mean > 2 * pc.mean(pc.filter(txn, pc.invert(mau))).as_py()
    balance = np.array(features["balance_kzt"].to_pylist())
    assert (balance > 0).all()
    assert np.median(balance) < balance.mean()  # log-normal: long right tail


def test_scores_are_probabilities_with_some_nulls_and_correlated(features: pa.Table) -> None:
    for column in SCORES:
        values = features[column]
        assert 0.03 <= values.null_count / CUSTOMERS <= 0.07, column
        assert pc.min(values).as_py() >= 0.0
        assert pc.max(values).as_py() <= 1.0
    births = np.array(features["birth_date"].to_pylist())
    ages = np.array([(AS_OF - b).days / 365.25 for b in births])
    credit = np.array(features["score_credit"].to_pylist(), dtype=float)
    prime = np.nanmean(credit[(ages >= 25) & (ages <= 45)])
    assert prime > np.nanmean(credit[ages >= 65]) + 0.05


def test_suppression_lists_have_realistic_sizes_and_blacklists_overlap(
    tables: dict[str, pa.Table],
) -> None:
    def size(name: str) -> float:
        return tables[name].num_rows / CUSTOMERS

    assert 0.04 <= size("global_control") <= 0.06
    for name in BLACKLISTS:
        assert 0.005 <= size(name) <= 0.03, name
        reasons = tables[name]["reason"].to_pylist()
        assert all(reason and any("а" <= ch <= "я" for ch in reason) for reason in reasons)
        assert 2 <= len(set(reasons)) <= 8
    assert 0.008 <= size("employees") <= 0.012
    assert 0.001 <= size("bloggers") <= 0.005
    for name in (*BLACKLISTS, *PLAIN_LISTS):
        added = tables[name]["added_date"]
        assert pc.max(added).as_py() <= AS_OF

    acrm = set(tables["acrm_blacklist"]["iin"].to_pylist())
    credits = set(tables["not_recommend_credits"]["iin"].to_pylist())
    expected_by_chance = len(acrm) * len(credits) / CUSTOMERS
    assert len(acrm & credits) > 5 * expected_by_chance

    for name in ABC_LISTS:
        scores = tables[name]["score"]
        assert 0.01 <= size(name) <= 0.1
        assert pc.min(scores).as_py() >= 0.0
        assert pc.max(scores).as_py() <= 1.0


def test_products_owners_and_codes(tables: dict[str, pa.Table]) -> None:
    products = tables["products"]
    assert set(products["product_code"].to_pylist()) <= set(PRODUCT_CODES)
    per_owner = Counter(products["iin"].to_pylist())
    assert 0.20 <= len(per_owner) / CUSTOMERS <= 0.40
    multi = sum(1 for count in per_owner.values() if count >= 2)
    assert multi / len(per_owner) > 0.4
    pairs = list(
        zip(products["iin"].to_pylist(), products["product_code"].to_pylist(), strict=True)
    )
    assert len(pairs) == len(set(pairs))
    opened = products["opened_date"]
    assert pc.max(opened).as_py() <= AS_OF
    assert pc.min(opened).as_py() >= AS_OF - timedelta(days=13 * 366)


def test_push_optouts_for_a_minority_of_app_users(
    tables: dict[str, pa.Table], features: pa.Table
) -> None:
    optouts = tables["push_optouts"]
    codes = {event.code for event in PUSH_EVENT_TYPES}
    assert set(optouts["event_type"].to_pylist()) <= codes
    per_user = Counter(optouts["iin"].to_pylist())
    assert set(per_user.values()) <= {1, 2, 3}
    app_users = set(pc.filter(features["iin"], pc.is_valid(features["device_os"])).to_pylist())
    assert set(per_user) <= app_users
    assert 0.07 <= len(per_user) / len(app_users) <= 0.13
    pairs = list(zip(optouts["iin"].to_pylist(), optouts["event_type"].to_pylist(), strict=True))
    assert len(pairs) == len(set(pairs))


def test_user_pool_is_recent_app_users(tables: dict[str, pa.Table], features: pa.Table) -> None:
    pool = tables["spss_user_pool"]
    per_day = Counter(pool["pool_date"].to_pylist())
    assert set(per_day) == {AS_OF - timedelta(days=offset) for offset in range(7)}
    assert all(0.002 * CUSTOMERS <= count <= 0.004 * CUSTOMERS for count in per_day.values())
    members = pc.is_in(features["iin"], value_set=pool["iin"])
    assert pc.all(pc.filter(features["is_mau"], members)).as_py()


def test_same_inputs_give_identical_files_and_other_seeds_differ(
    generated: list[DemoFile], tmp_path: Path
) -> None:
    again = generate_demo(CUSTOMERS, 7, tmp_path / "again", AS_OF)
    for first, second in zip(generated, again, strict=True):
        assert first.path.read_bytes() == second.path.read_bytes(), first.name
    other = generate_demo(CUSTOMERS, 8, tmp_path / "other", AS_OF)
    first_table = pq.read_table(generated[0].path)
    assert not first_table.equals(pq.read_table(other[0].path))


def test_progress_counts_customers_up_to_all_of_them(tmp_path: Path) -> None:
    calls: list[tuple[str, int | None, int | None]] = []

    def progress(stage_code: str, done: int | None = None, total: int | None = None) -> None:
        calls.append((stage_code, done, total))

    generate_demo(1_000, 1, tmp_path, AS_OF, progress=progress)
    assert {code for code, _, _ in calls} == {"job.stage.generate"}
    dones = [done or 0 for _, done, _ in calls]
    assert dones == sorted(dones) and calls[-1] == ("job.stage.generate", 1_000, 1_000)


def test_rejects_impossible_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        generate_demo(0, 1, tmp_path, AS_OF)
    with pytest.raises(ValueError):
        generate_demo(10, -1, tmp_path, AS_OF)
