"""Synthetic bank data for demos, tests and benchmarks (DESIGN.md §3, "Datasets").

``generate_demo`` writes every demo dataset as ``<out_dir>/<name>.parquet``: a customer feature
store with valid, unique Kazakhstan IINs, product holdings, push opt-outs, suppression lists,
ABC-model lists and the daily new-user pool. The data is plausible rather than uniform (ages
weighted to working ages, big-city branches larger, scores correlated with attributes, blacklists
overlapping through a shared risk variable) and reproducible: the same ``(customers, seed,
as_of)`` always gives byte-identical files.

Customers are generated in chunks with vectorised numpy and appended to one Parquet writer per
dataset, so memory stays bounded at any size (10 M customers included). The function touches no
database: the dataset loader reads the files it returns.
"""

from __future__ import annotations

import math
import os
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.parquet as pq

from dataquery.core.progress import Progress, no_progress
from dataquery.reference.seed import FILIALS, PUSH_EVENT_TYPES

__all__ = [
    "DATASET_NAMES",
    "PRODUCT_CODES",
    "DemoFile",
    "generate_demo",
]

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
ByteArray = npt.NDArray[np.uint8]

DATASET_NAMES: tuple[str, ...] = (
    "feature_store",
    "products",
    "push_optouts",
    "acrm_blacklist",
    "client_blacklist",
    "not_recommend_credits",
    "no_worker",
    "global_control",
    "employees",
    "bloggers",
    "abc_nbo_only",
    "abc_ptb",
    "abc_nbo_market",
    "spss_user_pool",
)

PRODUCT_CODES: tuple[str, ...] = (
    "debit_card",
    "credit_card",
    "savings_deposit",
    "term_deposit",
    "consumer_loan",
    "mortgage",
    "auto_loan",
    "overdraft",
    "insurance_policy",
    "brokerage",
    "payroll_project",
    "virtual_card",
)

CHUNK_SIZE = 250_000
"""Customers per chunk: bounds memory and sets the Parquet row-group size of the feature store."""

_IIN = pa.string()
# Columns with (nearly) unique values: dictionary encoding would only cost time.
_UNIQUE_COLUMNS = frozenset({"iin", "p_sid", "phone", "balance_kzt"})
_SCORE_COLUMNS = (
    "score_credit",
    "score_deposit",
    "score_travel",
    "score_insurance",
    "score_market",
)

_SCHEMAS: dict[str, pa.Schema] = {
    "feature_store": pa.schema(
        [
            ("iin", _IIN),
            ("p_sid", pa.string()),
            ("birth_date", pa.date32()),
            ("gender", pa.string()),
            ("filial_code", pa.string()),
            ("device_os", pa.string()),
            ("is_mau", pa.bool_()),
            ("last_active_date", pa.date32()),
            ("phone", pa.string()),
            ("push_enabled", pa.bool_()),
            *[(name, pa.float64()) for name in _SCORE_COLUMNS],
            ("balance_kzt", pa.float64()),
            ("txn_cnt_30d", pa.int32()),
        ]
    ),
    "products": pa.schema(
        [("iin", _IIN), ("product_code", pa.string()), ("opened_date", pa.date32())]
    ),
    "push_optouts": pa.schema([("iin", _IIN), ("event_type", pa.string())]),
    "spss_user_pool": pa.schema([("iin", _IIN), ("pool_date", pa.date32())]),
}


@dataclass(frozen=True)
class _ListSpec:
    """A suppression list: its share of customers, how far back entries go, its reasons."""

    share: float
    max_age_days: int
    reasons: tuple[str, ...] = ()


# Blacklists share one latent "risk" variable, so a risky customer tends to be on several.
_BLACKLISTS: dict[str, _ListSpec] = {
    "acrm_blacklist": _ListSpec(
        0.012,
        1460,
        (
            "Подозрение на мошенничество",
            "Просроченная задолженность",
            "Подозрительные операции",
            "Решение комплаенс-контроля",
            "Утеря документов",
        ),
    ),
    "client_blacklist": _ListSpec(
        0.008,
        1095,
        (
            "Отказ от рекламных коммуникаций",
            "Жалоба клиента",
            "Запрос клиента",
            "Конфликтная ситуация",
        ),
    ),
    "not_recommend_credits": _ListSpec(
        0.025,
        730,
        (
            "Высокая долговая нагрузка",
            "Просрочка более 90 дней",
            "Негативная кредитная история",
            "Отказ по скорингу",
            "Процедура банкротства",
        ),
    ),
    "no_worker": _ListSpec(
        0.015,
        365,
        (
            "Нет пенсионных отчислений",
            "Нет подтверждённого дохода",
            "Нет места работы",
            "Уволен с последнего места работы",
        ),
    ),
}
_GLOBAL_CONTROL = _ListSpec(0.05, 730)
_EMPLOYEES = _ListSpec(0.01, 3650)
_BLOGGERS = _ListSpec(0.003, 540)
_ABC_SHARES = {"abc_nbo_only": 0.03, "abc_ptb": 0.06, "abc_nbo_market": 0.04}

for _name in (*_BLACKLISTS, "global_control", "employees", "bloggers"):
    _reason = [("reason", pa.string())] if _name in _BLACKLISTS else []
    _SCHEMAS[_name] = pa.schema([("iin", _IIN), ("added_date", pa.date32()), *_reason])
for _name in _ABC_SHARES:
    _SCHEMAS[_name] = pa.schema([("iin", _IIN), ("score", pa.float64())])

# Customer mix (shares of all customers unless said otherwise).
_APP_SHARE = 0.80
_IOS_SHARE_OF_APP = 0.25 / _APP_SHARE
_MAU_SHARE_OF_APP = 0.60 / _APP_SHARE
_PUSH_SHARE_OF_APP = 0.80
_PHONE_SHARE = 0.90
_SCORE_NULL_SHARE = 0.05
_PRODUCT_OWNER_SHARE = 0.30
_PRODUCTS_PER_OWNER = (0.35, 0.30, 0.22, 0.09, 0.04)  # P(1), P(2), ... P(5)
_OPTOUT_SHARE_OF_APP = 0.10
_OPTOUTS_PER_USER = (0.5, 0.3, 0.2)  # P(1), P(2), P(3)
_POOL_SHARE_PER_DAY = 0.003
_POOL_DAYS = 7

_MIN_AGE, _MAX_AGE = 18, 90
# Relative number of customers per year of age: a working-age plateau and a long tail.
_AGE_WEIGHT_POINTS = (
    (18, 0.35),
    (22, 0.80),
    (25, 1.00),
    (45, 1.00),
    (55, 0.75),
    (65, 0.45),
    (75, 0.20),
    (85, 0.06),
    (90, 0.02),
)
_FEMALE_SHARE_POINTS = ((18, 0.50), (40, 0.51), (60, 0.56), (75, 0.62), (90, 0.68))
# Propensity to use the mobile app by age (rescaled so that about _APP_SHARE use it).
_APP_PROPENSITY_POINTS = ((18, 0.95), (30, 0.94), (45, 0.90), (55, 0.78), (65, 0.55), (90, 0.15))

# Kazakhstan mobile codes after "+7" (all start with 7): 700, 701, 702, 705, 707, ...
_PHONE_OPERATOR_CODES = ("00", "01", "02", "05", "07", "08", "47", "71", "75", "76", "77", "78")
_PHONE_SPACE = len(_PHONE_OPERATOR_CODES) * 10**7

_PRODUCT_BASE_WEIGHT = {
    "debit_card": 3.0,
    "credit_card": 1.0,
    "savings_deposit": 0.7,
    "term_deposit": 0.4,
    "consumer_loan": 0.8,
    "mortgage": 0.15,
    "auto_loan": 0.15,
    "overdraft": 0.25,
    "insurance_policy": 0.35,
    "brokerage": 0.12,
    "payroll_project": 0.6,
    "virtual_card": 0.5,
}
_CREDIT_PRODUCTS = ("credit_card", "consumer_loan", "mortgage", "auto_loan", "overdraft")
_OPTOUT_WEIGHT = {
    "marketing_offers": 3.0,
    "credit_offers": 2.5,
    "partner_offers": 2.0,
    "surveys": 2.0,
    "news": 1.8,
    "market": 1.5,
    "kino": 1.2,
    "security": 0.1,
    "card_operations": 0.2,
    "transfers": 0.3,
    "payment_reminders": 0.4,
}

_W1 = np.arange(1, 12, dtype=np.int64)
_W2 = np.array([3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2], dtype=np.int64)
_MAX_SERIAL_SLOT = 4998  # slot s owns serials 2s+1 and 2s+2, both at most 9999
_GLOBAL_STREAM = 2**31  # SeedSequence key of run-wide parameters; chunk indices stay below it
_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_DAYS_18_YEARS = 6574
_DAYS_14_YEARS = 5114  # banks serve customers from 14; every customer is 18+, so 4+ years ago
_EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class DemoFile:
    """One written dataset: its name, its Parquet file and how many rows it holds."""

    name: str
    path: Path
    rows: int


def generate_demo(
    customers: int,
    seed: int,
    out_dir: Path,
    as_of: date,
    progress: Progress = no_progress,
) -> list[DemoFile]:
    """Write every demo dataset as ``out_dir/<name>.parquet`` and describe them.

    The result is in ``DATASET_NAMES`` order and is a pure function of ``(customers, seed,
    as_of)``: the files are byte-identical for the same inputs. After each chunk of customers,
    ``progress("job.stage.generate", done, customers)`` tells how many customers are done
    (the last call has done == customers). Files are written under a temporary name and renamed when
    complete, so a reader never sees half a file.
    """
    if customers < 1:
        raise ValueError(f"customers must be at least 1, got {customers}")
    if customers > _PHONE_SPACE:
        raise ValueError(f"at most {_PHONE_SPACE} customers are supported, got {customers}")
    if seed < 0:
        raise ValueError(f"seed must be non-negative, got {seed}")
    out_dir.mkdir(parents=True, exist_ok=True)

    context = _RunContext(seed, as_of)
    paths = {name: out_dir / f"{name}.parquet" for name in DATASET_NAMES}
    temporary = {name: path.with_name(path.name + ".tmp") for name, path in paths.items()}
    writers: dict[str, pq.ParquetWriter] = {}
    rows = dict.fromkeys(DATASET_NAMES, 0)

    def write(tables: dict[str, pa.Table]) -> None:
        for name in DATASET_NAMES:
            if tables[name].num_rows:
                writers[name].write_table(tables[name])
                rows[name] += tables[name].num_rows

    def report(done: int) -> None:
        progress(stage_code="job.stage.generate", done=done, total=customers)

    # One writer thread compresses chunk k while chunk k + 1 is generated (pyarrow and numpy
    # release the GIL). Chunks are still written strictly in order, so output is deterministic.
    try:
        for name in DATASET_NAMES:
            writers[name] = pq.ParquetWriter(
                temporary[name],
                _SCHEMAS[name],
                compression="zstd",
                use_dictionary=[c for c in _SCHEMAS[name].names if c not in _UNIQUE_COLUMNS],
            )
        with ThreadPoolExecutor(max_workers=1) as executor:
            writing: Future[None] | None = None
            written = 0
            for chunk in range(math.ceil(customers / CHUNK_SIZE)):
                start = chunk * CHUNK_SIZE
                size = min(CHUNK_SIZE, customers - start)
                rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, chunk])))
                tables = _generate_chunk(context, rng, start, size)
                if writing is not None:
                    writing.result()
                    report(written)
                writing = executor.submit(write, tables)
                written = start + size
            if writing is not None:
                writing.result()
                report(written)
        for name in DATASET_NAMES:
            writers.pop(name).close()
            os.replace(temporary[name], paths[name])
    finally:
        for writer in writers.values():
            writer.close()
        for path in temporary.values():
            path.unlink(missing_ok=True)
    return [DemoFile(name, paths[name], rows[name]) for name in DATASET_NAMES]


class _RunContext:
    """Run-wide constants and the IIN serial counters carried from chunk to chunk."""

    def __init__(self, seed: int, as_of: date) -> None:
        self.as_of = (as_of - _EPOCH).days
        ages = np.arange(_MIN_AGE, _MAX_AGE + 1)
        # A person is `age` on as_of iff born in [youngest_birth(age + 1) + 1, youngest_birth(age)].
        latest = np.array([(_years_before(as_of, int(a)) - _EPOCH).days for a in ages])
        earliest = np.array([(_years_before(as_of, int(a) + 1) - _EPOCH).days + 1 for a in ages])
        self.birth_latest: IntArray = latest.astype(np.int64)
        self.birth_earliest: IntArray = earliest.astype(np.int64)
        weights = _curve(ages.astype(np.float64), _AGE_WEIGHT_POINTS)
        self.age_probabilities: FloatArray = weights / weights.sum()
        self.first_birth_day = int(earliest[-1])
        birth_days = int(latest[0]) - self.first_birth_day + 1
        # Next free serial slot per (birth date, gender): keeps IINs unique across chunks.
        self.serial_slots: IntArray = np.zeros(birth_days * 2, dtype=np.int64)

        filial_weights = np.array([filial.weight for filial in FILIALS], dtype=np.float64)
        self.filial_probabilities: FloatArray = filial_weights / filial_weights.sum()
        self.filial_codes = pa.array([filial.code for filial in FILIALS], pa.string())
        self.event_codes = pa.array([event.code for event in PUSH_EVENT_TYPES], pa.string())
        self.event_log_weights: FloatArray = np.log(
            [_OPTOUT_WEIGHT.get(event.code, 1.0) for event in PUSH_EVENT_TYPES]
        )
        self.product_codes = pa.array(PRODUCT_CODES, pa.string())

        run_rng = np.random.Generator(
            np.random.PCG64(np.random.SeedSequence([seed, _GLOBAL_STREAM]))
        )
        # Phones and p_sids are bijections of the customer's position, so they never repeat.
        self.phone_multiplier = _coprime_multiplier(run_rng, _PHONE_SPACE)
        self.phone_offset = int(run_rng.integers(0, _PHONE_SPACE))
        self.psid_offset = np.uint64(run_rng.integers(0, 2**63, dtype=np.uint64))


def _generate_chunk(
    context: _RunContext, rng: np.random.Generator, start: int, size: int
) -> dict[str, pa.Table]:
    as_of = context.as_of
    n = size

    # --- who they are -------------------------------------------------------------------
    age_index = rng.choice(len(context.age_probabilities), size=n, p=context.age_probabilities)
    age = (age_index + _MIN_AGE).astype(np.float64)
    lo = context.birth_earliest[age_index]
    hi = context.birth_latest[age_index]
    birth = lo + np.floor(rng.random(n) * (hi - lo + 1)).astype(np.int64)
    female = rng.random(n) < _curve(age, _FEMALE_SHARE_POINTS)
    iin_chars = _assign_iins(context, birth, female)
    filial = rng.choice(len(context.filial_probabilities), size=n, p=context.filial_probabilities)

    log_balance = (
        np.log(150_000.0) + 0.012 * (np.minimum(age, 65) - 40) + 1.3 * rng.standard_normal(n)
    )
    balance_z = (log_balance - np.log(150_000.0)) / 1.3
    working_age_bump = np.exp(-(((age - 35) / 12) ** 2))
    # Shared latent risk: drives blacklists (which therefore overlap) and lowers credit scores.
    risk = 0.6 * rng.standard_normal(n) - 0.25 * balance_z + 0.4 * (age < 25) + 0.3

    # --- app usage ----------------------------------------------------------------------
    app_base = _curve(age, _APP_PROPENSITY_POINTS)
    app = _top(np.log(app_base / (1 - app_base)) + rng.logistic(size=n), _APP_SHARE)
    ios = app & _top(
        np.where(app, -0.04 * (age - 35) + 0.6 * balance_z + rng.logistic(size=n), -np.inf),
        _IOS_SHARE_OF_APP * _APP_SHARE,
    )
    mau = app & _top(
        np.where(
            app, -0.02 * (age - 40) + 0.4 * ios + 0.3 * balance_z + rng.logistic(size=n), -np.inf
        ),
        _MAU_SHARE_OF_APP * _APP_SHARE,
    )
    push_enabled = app & _top(
        np.where(app, 1.0 * mau + rng.logistic(size=n), -np.inf), _PUSH_SHARE_OF_APP * _APP_SHARE
    )

    days_ago = np.where(
        mau,
        np.minimum(np.floor(rng.exponential(5.0, n)), 29),
        np.where(
            app,
            np.minimum(30 + np.floor(rng.exponential(90.0, n)), 730),
            np.minimum(60 + np.floor(rng.exponential(400.0, n)), 1825),
        ),
    ).astype(np.int64)
    # Nobody was active before turning 14 (long before the 30-day MAU window for an adult).
    last_active = np.maximum(as_of - days_ago, birth + _DAYS_14_YEARS)

    # The day's new-user pool: recent app users, so they are active since their pool day.
    pool_size = min(int(mau.sum()), round(_POOL_SHARE_PER_DAY * _POOL_DAYS * n))
    pool = np.sort(rng.choice(np.flatnonzero(mau), size=pool_size, replace=False))
    pool_date = as_of - rng.integers(0, _POOL_DAYS, size=pool_size)
    last_active[pool] = pool_date + np.floor(
        rng.random(pool_size) * (as_of - pool_date + 1)
    ).astype(np.int64)

    txn_mean = np.where(mau, 28.0, np.where(app, 6.0, 3.0)) * np.exp(0.25 * balance_z)
    txn_cnt = rng.poisson(txn_mean * rng.gamma(2.0, 0.5, n)).astype(np.int32)
    txn_z = (np.log1p(txn_cnt) - 2.0) / 1.2

    # --- lists ---------------------------------------------------------------------------
    tables: dict[str, pa.Table] = {}
    risky_for_credit = np.zeros(n, dtype=np.bool_)
    for name, spec in _BLACKLISTS.items():
        extra = 0.5 * ((age >= 60) | (age < 23)) if name == "no_worker" else 0.0
        members = _top(risk + extra + 0.55 * rng.standard_normal(n), spec.share)
        if name in ("acrm_blacklist", "not_recommend_credits"):
            risky_for_credit |= members
        tables[name] = _list_table(context, rng, iin_chars, members, spec, name)

    tables["global_control"] = _list_table(
        context,
        rng,
        iin_chars,
        rng.random(n) < _GLOBAL_CONTROL.share,
        _GLOBAL_CONTROL,
        "global_control",
    )
    working = (age >= 21) & (age <= 62)
    employees = _top(
        np.where(working, 0.5 * app + rng.standard_normal(n), -np.inf), _EMPLOYEES.share
    )
    tables["employees"] = _list_table(context, rng, iin_chars, employees, _EMPLOYEES, "employees")
    blogger_score = 1.5 * (age < 35) + 1.0 * mau + 0.5 * ios + rng.logistic(size=n)
    bloggers = _top(np.where(app, blogger_score, -np.inf), _BLOGGERS.share)
    tables["bloggers"] = _list_table(context, rng, iin_chars, bloggers, _BLOGGERS, "bloggers")

    # --- products ------------------------------------------------------------------------
    owner_score = 0.5 * balance_z + 0.5 * mau + 0.4 * working_age_bump + rng.logistic(size=n)
    owners = np.flatnonzero(_top(owner_score, _PRODUCT_OWNER_SHARE))
    products_table, product_count = _products(
        context, rng, iin_chars, owners, age, birth, app, risky_for_credit
    )
    tables["products"] = products_table

    # --- scores --------------------------------------------------------------------------
    owns = np.zeros(n)
    owns[owners] = product_count

    def noise() -> FloatArray:
        return 0.8 * rng.standard_normal(n)

    age_c = (age - 40) / 15
    latent = {
        "score_credit": -1.0
        + 2.0 * working_age_bump
        + 0.3 * mau
        + 0.15 * txn_z
        - 1.0 * risk
        + noise(),
        "score_deposit": -1.0 + 0.9 * balance_z + 0.5 * age_c + noise(),
        "score_travel": -1.5
        + 0.8 * balance_z
        + 0.6 * ios
        + 0.8 * np.exp(-(((age - 32) / 14) ** 2))
        + noise(),
        "score_insurance": -1.5
        + 1.0 * np.exp(-(((age - 45) / 15) ** 2))
        + 0.4 * balance_z
        + 0.2 * owns
        + noise(),
        "score_market": -0.8 + 0.9 * mau - 0.4 * age_c + 0.3 * txn_z + noise(),
    }
    scores = {
        name: pa.array(
            np.round(_sigmoid(values), 4), pa.float64(), mask=rng.random(n) < _SCORE_NULL_SHARE
        )
        for name, values in latent.items()
    }

    abc_latent = {
        "abc_nbo_only": latent["score_deposit"],
        "abc_ptb": latent["score_credit"],
        "abc_nbo_market": latent["score_market"],
    }
    for name, share in _ABC_SHARES.items():
        model = abc_latent[name] + 0.5 * rng.standard_normal(n)
        members = _top(model, share)
        tables[name] = pa.Table.from_arrays(
            [
                _fixed_width_strings(iin_chars[members]),
                pa.array(np.round(_sigmoid(model[members] - 1.0), 4), pa.float64()),
            ],
            schema=_SCHEMAS[name],
        )

    # --- push opt-outs -------------------------------------------------------------------
    optout_users = np.flatnonzero(
        push_enabled & (rng.random(n) < _OPTOUT_SHARE_OF_APP / _PUSH_SHARE_OF_APP)
    )
    per_user = 1 + rng.choice(len(_OPTOUTS_PER_USER), size=optout_users.size, p=_OPTOUTS_PER_USER)
    event_index = _weighted_sample_without_replacement(
        rng,
        np.broadcast_to(context.event_log_weights, (optout_users.size, len(PUSH_EVENT_TYPES))),
        per_user,
    )
    tables["push_optouts"] = pa.Table.from_arrays(
        [
            _fixed_width_strings(iin_chars[np.repeat(optout_users, per_user)]),
            context.event_codes.take(pa.array(event_index)),
        ],
        schema=_SCHEMAS["push_optouts"],
    )

    tables["spss_user_pool"] = pa.Table.from_arrays(
        [_fixed_width_strings(iin_chars[pool]), _dates(pool_date)],
        schema=_SCHEMAS["spss_user_pool"],
    )

    # --- the feature store ---------------------------------------------------------------
    index = np.arange(start, start + n, dtype=np.int64)
    gender = pa.array(["M", "F"], pa.string()).take(pa.array(female.astype(np.int8)))
    device = pa.array(["android", "ios"], pa.string()).take(
        pa.array(ios.astype(np.int8), mask=~app)
    )
    tables["feature_store"] = pa.Table.from_arrays(
        [
            _fixed_width_strings(iin_chars),
            _fixed_width_strings(_psid_chars(context, rng, index), app),
            _dates(birth),
            gender,
            context.filial_codes.take(pa.array(filial)),
            device,
            pa.array(mau, pa.bool_()),
            _dates(last_active),
            _fixed_width_strings(_phone_chars(context, index), rng.random(n) < _PHONE_SHARE),
            pa.array(push_enabled, pa.bool_()),
            *[scores[name] for name in _SCORE_COLUMNS],
            pa.array(np.round(np.exp(log_balance), 2), pa.float64()),
            pa.array(txn_cnt, pa.int32()),
        ],
        schema=_SCHEMAS["feature_store"],
    )
    return tables


def _assign_iins(context: _RunContext, birth: IntArray, female: BoolArray) -> ByteArray:
    """Valid, unique IINs as an (n, 12) array of ASCII digits.

    Each (birth date, gender) has a counter of serial slots carried across chunks; a slot owns
    serials 2s+1 and 2s+2, so a serial without a check digit (about 1 in 121) has a fallback.
    With these weights both serials of a slot cannot fail together (without a carry they share
    the first sum and their second sums differ by 2; with one, their first sums differ), but
    should both ever fail, the customer takes a fresh slot that nobody else holds.
    """
    as_dates = birth.astype("datetime64[D]")
    years = as_dates.astype("datetime64[Y]").astype(np.int64) + 1970
    months = (as_dates.astype("datetime64[M]") - as_dates.astype("datetime64[Y]")).astype(
        np.int64
    ) + 1
    days = (as_dates - as_dates.astype("datetime64[M]")).astype(np.int64) + 1
    century_digit = np.where(years >= 2000, 5, 3) + female.astype(np.int64)
    head = [*divmod(years % 100, 10), *divmod(months, 10), *divmod(days, 10), century_digit]
    # Weighted sums of the first seven digits, under both weight sets of the check digit.
    head_sum1 = sum(int(w) * d for w, d in zip(_W1[:7], head, strict=True))
    head_sum2 = sum(int(w) * d for w, d in zip(_W2[:7], head, strict=True))

    key = (birth - context.first_birth_day) * 2 + female.astype(np.int64)
    serial = np.full(birth.size, -1, dtype=np.int64)
    check = np.zeros(birth.size, dtype=np.int64)
    pending = np.arange(birth.size)
    while pending.size:
        slot = _take_slots(context.serial_slots, key[pending])
        for candidate in (2 * slot + 1, 2 * slot + 2):
            candidate_check = _check_digit(
                head_sum1[pending], head_sum2[pending], candidate, _W1[7:], _W2[7:]
            )
            use = (serial[pending] < 0) & (candidate_check >= 0)
            serial[pending[use]] = candidate[use]
            check[pending[use]] = candidate_check[use]
        pending = pending[serial[pending] < 0]

    number = ((years % 100 * 10_000 + months * 100 + days) * 10 + century_digit) * 100_000
    number += serial * 10 + check
    chars = np.empty((birth.size, 12), dtype=np.uint8)
    for position in range(12):
        chars[:, 11 - position] = number // 10**position % 10 + ord("0")
    return chars


def _check_digit(
    head_sum1: IntArray,
    head_sum2: IntArray,
    serial: IntArray,
    serial_weights1: IntArray,
    serial_weights2: IntArray,
) -> IntArray:
    """The IIN check digit given the weighted head sums and the serial, -1 where invalid."""
    serial_digits = [serial // 1000, serial // 100 % 10, serial // 10 % 10, serial % 10]
    first = (
        head_sum1 + sum(int(w) * d for w, d in zip(serial_weights1, serial_digits, strict=True))
    ) % 11
    second = (
        head_sum2 + sum(int(w) * d for w, d in zip(serial_weights2, serial_digits, strict=True))
    ) % 11
    return np.where(first != 10, first, np.where(second != 10, second, -1))


def _take_slots(counters: IntArray, key: IntArray) -> IntArray:
    """Give each row the next free slot of its key's counter (stable by row order)."""
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    unique_keys, first, counts = np.unique(sorted_key, return_index=True, return_counts=True)
    rank = np.empty(key.size, dtype=np.int64)
    rank[order] = np.arange(key.size) - np.repeat(first, counts)
    slot = counters[key] + rank
    counters[unique_keys] += counts
    if counters[unique_keys].max(initial=0) > _MAX_SERIAL_SLOT + 1:
        raise ValueError("too many customers share one birth date and gender for IIN serials")
    return slot


def _products(
    context: _RunContext,
    rng: np.random.Generator,
    iin_chars: ByteArray,
    owners: IntArray,
    age: FloatArray,
    birth: IntArray,
    app: BoolArray,
    risky: BoolArray,
) -> tuple[pa.Table, IntArray]:
    """Product holdings of the owners (1–5 distinct products each) and each owner's count."""
    count = 1 + rng.choice(len(_PRODUCTS_PER_OWNER), size=owners.size, p=_PRODUCTS_PER_OWNER)
    owner_age = age[owners]
    weight = np.tile(
        np.array([_PRODUCT_BASE_WEIGHT[code] for code in PRODUCT_CODES]), (owners.size, 1)
    )
    column = {code: i for i, code in enumerate(PRODUCT_CODES)}
    weight[:, column["mortgage"]] *= np.where((owner_age >= 27) & (owner_age <= 50), 2.5, 0.3)
    weight[:, column["auto_loan"]] *= np.where(owner_age <= 60, 1.5, 0.3)
    weight[:, column["brokerage"]] *= np.where(owner_age < 40, 2.0, 0.5)
    weight[:, column["term_deposit"]] *= np.where(owner_age >= 50, 2.5, 1.0)
    weight[:, column["payroll_project"]] *= np.where(owner_age <= 63, 1.0, 0.05)
    weight[:, column["virtual_card"]] *= np.where(app[owners], 1.5, 0.05)
    for code in _CREDIT_PRODUCTS:
        weight[:, column[code]] *= np.where(risky[owners], 0.15, 1.0)
    product = _weighted_sample_without_replacement(rng, np.log(weight), count)

    holder = np.repeat(owners, count)
    # Opened after the 18th birthday and within 12 years (virtual cards and brokerage: 5),
    # more often recently.
    horizon = np.where(np.isin(product, [column["virtual_card"], column["brokerage"]]), 1826, 4383)
    earliest = np.maximum(
        np.minimum(birth[holder] + _DAYS_18_YEARS, context.as_of), context.as_of - horizon
    )
    span = context.as_of - earliest + 1
    opened = context.as_of - np.floor(rng.random(holder.size) ** 1.5 * span).astype(np.int64)
    table = pa.Table.from_arrays(
        [
            _fixed_width_strings(iin_chars[holder]),
            context.product_codes.take(pa.array(product)),
            _dates(opened),
        ],
        schema=_SCHEMAS["products"],
    )
    return table, count


def _weighted_sample_without_replacement(
    rng: np.random.Generator, log_weight: FloatArray, count: IntArray
) -> IntArray:
    """Per row, ``count[row]`` distinct column indices drawn by weight (Gumbel top-k), row-major."""
    rows, columns = log_weight.shape
    keys = log_weight + rng.gumbel(size=(rows, columns))
    most = int(count.max(initial=0))
    chosen = np.empty((rows, most), dtype=np.int64)
    every_row = np.arange(rows)
    for rank in range(most):  # a few argmax passes beat a full sort of every row
        chosen[:, rank] = keys.argmax(axis=1)
        keys[every_row, chosen[:, rank]] = -np.inf
    keep = np.arange(most)[None, :] < count[:, None]
    return chosen[keep]


def _list_table(
    context: _RunContext,
    rng: np.random.Generator,
    iin_chars: ByteArray,
    members: BoolArray,
    spec: _ListSpec,
    name: str,
) -> pa.Table:
    size = int(members.sum())
    added = context.as_of - np.floor(rng.random(size) ** 1.3 * spec.max_age_days).astype(np.int64)
    arrays: list[pa.Array] = [_fixed_width_strings(iin_chars[members]), _dates(added)]
    if spec.reasons:
        reason = rng.integers(0, len(spec.reasons), size=size)
        arrays.append(pa.array(spec.reasons, pa.string()).take(pa.array(reason)))
    return pa.Table.from_arrays(arrays, schema=_SCHEMAS[name])


def _psid_chars(context: _RunContext, rng: np.random.Generator, index: IntArray) -> ByteArray:
    """32 hex characters: a bijection of the customer's position (unique) plus 64 random bits."""
    unique_half = _splitmix64(index.astype(np.uint64) + context.psid_offset)
    random_half = np.frombuffer(rng.bytes(8 * index.size), dtype=np.uint8).reshape(-1, 8)
    raw = np.concatenate([unique_half.astype(">u8").view(np.uint8).reshape(-1, 8), random_half], 1)
    chars = np.empty((index.size, 32), dtype=np.uint8)
    chars[:, 0::2] = _HEX[raw >> 4]
    chars[:, 1::2] = _HEX[raw & 0xF]
    return chars


def _phone_chars(context: _RunContext, index: IntArray) -> ByteArray:
    """``+77XXXXXXXXX``: an affine permutation of the customer's position over all numbers."""
    number = (index * context.phone_multiplier + context.phone_offset) % _PHONE_SPACE
    operator, subscriber = np.divmod(number, 10**7)
    operator_digits = np.frombuffer("".join(_PHONE_OPERATOR_CODES).encode(), dtype=np.uint8)
    chars = np.empty((index.size, 12), dtype=np.uint8)
    chars[:, :3] = np.frombuffer(b"+77", dtype=np.uint8)
    chars[:, 3] = operator_digits[2 * operator]
    chars[:, 4] = operator_digits[2 * operator + 1]
    for position in range(7):
        chars[:, 11 - position] = subscriber // 10**position % 10 + ord("0")
    return chars


def _fixed_width_strings(chars: ByteArray, valid: BoolArray | None = None) -> pa.Array:
    """An Arrow string array from an (n, width) array of ASCII bytes, null where not ``valid``."""
    n, width = chars.shape
    if valid is None:
        offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
        data = np.ascontiguousarray(chars)
        return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data))
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(valid * width, out=offsets[1:])
    data = np.ascontiguousarray(chars[valid])
    bitmap = pa.py_buffer(np.packbits(valid, bitorder="little"))
    return pa.StringArray.from_buffers(
        n, pa.py_buffer(offsets), pa.py_buffer(data), bitmap, int(n - valid.sum())
    )


def _dates(days: npt.NDArray[Any]) -> pa.Array:
    return pa.array(days.astype(np.int32), pa.date32())


def _top(score: FloatArray, share: float) -> BoolArray:
    """The ``share`` of rows with the highest score (exact count; -inf rows never chosen)."""
    k = min(round(share * score.size), int(np.isfinite(score).sum()))
    if k <= 0:
        return np.zeros(score.size, dtype=np.bool_)
    threshold = np.partition(score, score.size - k)[score.size - k]
    return score >= threshold


def _curve(x: FloatArray, points: tuple[tuple[float, float], ...]) -> FloatArray:
    """Piecewise-linear interpolation through ``(x, y)`` points."""
    xs = np.array([point[0] for point in points], dtype=np.float64)
    ys = np.array([point[1] for point in points], dtype=np.float64)
    result: FloatArray = np.interp(x, xs, ys)
    return result


def _sigmoid(x: FloatArray) -> FloatArray:
    result: FloatArray = 1.0 / (1.0 + np.exp(-x))
    return result


def _splitmix64(x: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """The splitmix64 finaliser: a bijection on 64-bit integers that looks random."""
    x = (x + np.uint64(0x9E3779B97F4A7C15)) & np.uint64(0xFFFFFFFFFFFFFFFF)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _coprime_multiplier(rng: np.random.Generator, modulus: int) -> int:
    while True:
        candidate = int(rng.integers(modulus // 3, modulus))
        if math.gcd(candidate, modulus) == 1:
            return candidate


def _years_before(day: date, years: int) -> date:
    """The same calendar day ``years`` earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)
