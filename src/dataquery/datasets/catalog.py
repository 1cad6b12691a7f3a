"""The bank's standard datasets: what each one is and where it lives in the warehouse."""

from __future__ import annotations

from dataclasses import dataclass

from dataquery.datasets.models import DatasetCategory


@dataclass(frozen=True, slots=True)
class DatasetSpec:
    name: str
    category: DatasetCategory
    description: str
    table_name: str


def _spec(name: str, category: DatasetCategory, description: str, table: str = "") -> DatasetSpec:
    return DatasetSpec(name, category, description, table or name)


STANDARD_DATASETS: tuple[DatasetSpec, ...] = (
    _spec(
        "feature_store",
        DatasetCategory.FEATURE_STORE,
        "Витрина признаков клиентов: демография, филиал, устройство, MAU, телефон, скоринги",
    ),
    _spec("products", DatasetCategory.PRODUCT, "Продукты клиентов с датой открытия"),
    _spec("push_optouts", DatasetCategory.PUSH, "Отказы от push-уведомлений по типам событий"),
    _spec(
        "global_control",
        DatasetCategory.BLACKLIST,
        "Глобальная контрольная группа: не участвует ни в одной кампании",
        "mb11_global_control",
    ),
    _spec("acrm_blacklist", DatasetCategory.BLACKLIST, "Чёрный список ACRM"),
    _spec("client_blacklist", DatasetCategory.BLACKLIST, "Чёрный список клиентов"),
    _spec("employees", DatasetCategory.BLACKLIST, "Сотрудники банка"),
    _spec("bloggers", DatasetCategory.BLACKLIST, "Блогеры"),
    _spec(
        "not_recommend_credits",
        DatasetCategory.BLACKLIST,
        "Не рекомендованы кредитные предложения",
    ),
    _spec("no_worker", DatasetCategory.BLACKLIST, "Ограничения по занятости (BL No worker)"),
    _spec("abc_nbo_only", DatasetCategory.ABC_MODEL, "ABC-модель: только NBO"),
    _spec("abc_ptb", DatasetCategory.ABC_MODEL, "ABC-модель: склонность к покупке (PTB)"),
    _spec("abc_nbo_market", DatasetCategory.ABC_MODEL, "ABC-модель: NBO + Market"),
    _spec("spss_user_pool", DatasetCategory.POOL, "Ежедневный пул новых пользователей"),
)

STANDARD_BY_NAME = {spec.name: spec for spec in STANDARD_DATASETS}
