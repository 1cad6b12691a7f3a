"""initial schema: bank tables, catalog, reference, app tables

Revision ID: 0001
Revises:
Create Date: 2026-11-28 15:46:42.397304
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dataquery.core.db import JSONText
from dataquery.reference import seed

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Campaign codes come from sequences, never from max()+1.
    op.execute(sa.schema.CreateSequence(sa.Sequence("camp_cd_seq", start=1)))
    op.execute(sa.schema.CreateSequence(sa.Sequence("xls_ow_id_seq", start=1)))
    op.create_table(
        "dq_audit_log",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=True),
        sa.Column("action", sa.String(length=100), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("client_ip", sa.String(length=64), nullable=True),
        sa.Column("summary", JSONText(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dq_audit_log")),
    )
    op.create_index(op.f("ix_dq_audit_log_action"), "dq_audit_log", ["action"], unique=False)
    op.create_index(
        op.f("ix_dq_audit_log_occurred_at"), "dq_audit_log", ["occurred_at"], unique=False
    )
    op.create_index(op.f("ix_dq_audit_log_username"), "dq_audit_log", ["username"], unique=False)
    op.create_table(
        "dq_channels",
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("name_ru", sa.String(length=100), nullable=False),
        sa.Column("name_kz", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_dq_channels")),
    )
    op.create_table(
        "dq_datasets",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=500), nullable=True),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("row_count", sa.BigInteger(), nullable=False),
        sa.Column("columns", JSONText(), nullable=False),
        sa.Column("owner", sa.String(length=100), nullable=True),
        sa.Column("purpose", sa.String(length=20), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_dq_datasets")),
        sa.UniqueConstraint("table_name", name=op.f("uq_dq_datasets_table_name")),
    )
    op.create_index(op.f("ix_dq_datasets_category"), "dq_datasets", ["category"], unique=False)
    op.create_table(
        "dq_filials",
        sa.Column("code", sa.String(length=2), nullable=False),
        sa.Column("name_ru", sa.String(length=200), nullable=False),
        sa.Column("name_kz", sa.String(length=200), nullable=False),
        sa.Column("region", sa.String(length=200), nullable=False),
        sa.Column("is_big_city", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_dq_filials")),
    )
    op.create_table(
        "dq_jobs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("message", sa.String(length=500), nullable=True),
        sa.Column("result", JSONText(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("owner", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dq_jobs")),
    )
    op.create_index(op.f("ix_dq_jobs_owner"), "dq_jobs", ["owner"], unique=False)
    op.create_index(op.f("ix_dq_jobs_status"), "dq_jobs", ["status"], unique=False)
    op.create_table(
        "dq_push_event_types",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name_ru", sa.String(length=200), nullable=False),
        sa.Column("name_kz", sa.String(length=200), nullable=False),
        sa.Column("description_ru", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_dq_push_event_types")),
    )
    op.create_table(
        "dq_streams",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("campaign_type", sa.String(length=3), nullable=False),
        sa.Column("name_ru", sa.String(length=200), nullable=False),
        sa.Column("name_kz", sa.String(length=200), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_dq_streams")),
    )
    op.create_index(
        op.f("ix_dq_streams_campaign_type"), "dq_streams", ["campaign_type"], unique=False
    )
    op.create_table(
        "dq_users",
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=True),
        sa.Column("display_name", sa.String(length=200), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("last_login_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_dq_users")),
    )
    op.create_table(
        "fd_rb2_campaigns_users",
        sa.Column("camp_cd", sa.String(length=10), nullable=False),
        sa.Column("iin", sa.String(length=12), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("p_sid", sa.String(length=64), nullable=True),
        sa.Column("phone", sa.String(length=16), nullable=True),
        sa.Column("stream", sa.String(length=40), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint(
            "camp_cd", "iin", "channel", name=op.f("pk_fd_rb2_campaigns_users")
        ),
        comment="The delivery list: target members x channel.",
    )
    op.create_table(
        "fd_rb2_pop_up_campaign",
        sa.Column("camp_cd", sa.String(length=10), nullable=False),
        sa.Column("title_ru", sa.String(length=200), nullable=False),
        sa.Column("title_kz", sa.String(length=200), nullable=False),
        sa.Column("text_ru", sa.Text(), nullable=False),
        sa.Column("text_kz", sa.Text(), nullable=False),
        sa.Column("button_ru", sa.String(length=60), nullable=True),
        sa.Column("button_kz", sa.String(length=60), nullable=True),
        sa.Column("image_url", sa.String(length=500), nullable=True),
        sa.Column("deep_link", sa.String(length=500), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("camp_cd", name=op.f("pk_fd_rb2_pop_up_campaign")),
    )
    op.create_table(
        "mb01_camp_dict",
        sa.Column("camp_cd", sa.String(length=10), nullable=False),
        sa.Column("camp_type", sa.String(length=3), nullable=False),
        sa.Column("camp_name", sa.String(length=200), nullable=False),
        sa.Column("camp_desc", sa.Text(), nullable=True),
        sa.Column("stream", sa.String(length=40), nullable=False),
        sa.Column(
            "channels",
            sa.String(length=40),
            nullable=False,
            comment="comma-separated: push,popup,sms",
        ),
        sa.Column("title_ru", sa.String(length=200), nullable=True),
        sa.Column("text_ru", sa.Text(), nullable=True),
        sa.Column("title_kz", sa.String(length=200), nullable=True),
        sa.Column("text_kz", sa.Text(), nullable=True),
        sa.Column("deep_link", sa.String(length=500), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("owner", sa.String(length=100), nullable=False),
        sa.Column("product_code", sa.String(length=50), nullable=True),
        sa.Column("audience_id", sa.String(length=36), nullable=True),
        sa.Column("target_cnt", sa.BigInteger(), nullable=False),
        sa.Column("control_cnt", sa.BigInteger(), nullable=False),
        sa.Column("control_share", sa.Numeric(precision=5, scale=4), nullable=False),
        sa.Column("split_seed", sa.BigInteger(), nullable=False),
        sa.Column("audience_spec", JSONText(), nullable=True),
        sa.Column("xls_ow_id", sa.String(length=8), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("deployed_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("camp_cd", name=op.f("pk_mb01_camp_dict")),
        sa.UniqueConstraint("xls_ow_id", name=op.f("uq_mb01_camp_dict_xls_ow_id")),
    )
    op.create_index(op.f("ix_mb01_camp_dict_owner"), "mb01_camp_dict", ["owner"], unique=False)
    op.create_index(op.f("ix_mb01_camp_dict_status"), "mb01_camp_dict", ["status"], unique=False)
    op.create_index(op.f("ix_mb01_camp_dict_stream"), "mb01_camp_dict", ["stream"], unique=False)
    op.create_table(
        "mb11_global_control",
        sa.Column("iin", sa.String(length=12), nullable=False),
        sa.Column("added_date", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("iin", name=op.f("pk_mb11_global_control")),
        comment="The global control group: never contacted by any campaign.",
    )
    op.create_table(
        "mb21_local_control",
        sa.Column("camp_cd", sa.String(length=10), nullable=False),
        sa.Column("iin", sa.String(length=12), nullable=False),
        sa.Column("stream", sa.String(length=40), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("camp_cd", "iin", name=op.f("pk_mb21_local_control")),
        comment="A campaign's control group.",
    )
    op.create_index("ix_mb21_local_control_iin", "mb21_local_control", ["iin"], unique=False)
    op.create_table(
        "mb22_local_target",
        sa.Column("camp_cd", sa.String(length=10), nullable=False),
        sa.Column("iin", sa.String(length=12), nullable=False),
        sa.Column("stream", sa.String(length=40), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("camp_cd", "iin", name=op.f("pk_mb22_local_target")),
        comment="A campaign's target group.",
    )
    op.create_index("ix_mb22_local_target_iin", "mb22_local_target", ["iin"], unique=False)
    op.create_table(
        "off_limit_campaigns_users",
        sa.Column("iin", sa.String(length=12), nullable=False),
        sa.Column("camp_cd", sa.String(length=10), nullable=False),
        sa.Column("stream", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("contact_date", sa.Date(), nullable=False),
        comment="Contact history: who was contacted by which campaign, when and how.",
    )
    op.create_index(
        "ix_off_limit_campaigns_users_camp_cd",
        "off_limit_campaigns_users",
        ["camp_cd"],
        unique=False,
    )
    op.create_index(
        "ix_off_limit_campaigns_users_iin_date",
        "off_limit_campaigns_users",
        ["iin", "contact_date"],
        unique=False,
    )
    op.create_table(
        "rb3_tr_campaign_dict",
        sa.Column("camp_cd", sa.String(length=10), nullable=False),
        sa.Column("xls_ow_id", sa.String(length=8), nullable=False),
        sa.Column(
            "bonus_type", sa.String(length=20), nullable=False, comment="cashback_pct|fixed|points"
        ),
        sa.Column("bonus_value", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("bonus_cap", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("min_txn_amount", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("mcc_codes", sa.String(length=400), nullable=True),
        sa.Column("partner", sa.String(length=200), nullable=True),
        sa.Column("accrual_start", sa.Date(), nullable=True),
        sa.Column("accrual_end", sa.Date(), nullable=True),
        sa.Column("conditions_ru", sa.Text(), nullable=True),
        sa.Column("conditions_kz", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("camp_cd", name=op.f("pk_rb3_tr_campaign_dict")),
        sa.UniqueConstraint("xls_ow_id", name=op.f("uq_rb3_tr_campaign_dict_xls_ow_id")),
    )
    _seed_reference_data()


def downgrade() -> None:
    op.drop_table("rb3_tr_campaign_dict")
    op.drop_index("ix_off_limit_campaigns_users_iin_date", table_name="off_limit_campaigns_users")
    op.drop_index("ix_off_limit_campaigns_users_camp_cd", table_name="off_limit_campaigns_users")
    op.drop_table("off_limit_campaigns_users")
    op.drop_index("ix_mb22_local_target_iin", table_name="mb22_local_target")
    op.drop_table("mb22_local_target")
    op.drop_index("ix_mb21_local_control_iin", table_name="mb21_local_control")
    op.drop_table("mb21_local_control")
    op.drop_table("mb11_global_control")
    op.drop_index(op.f("ix_mb01_camp_dict_stream"), table_name="mb01_camp_dict")
    op.drop_index(op.f("ix_mb01_camp_dict_status"), table_name="mb01_camp_dict")
    op.drop_index(op.f("ix_mb01_camp_dict_owner"), table_name="mb01_camp_dict")
    op.drop_table("mb01_camp_dict")
    op.drop_table("fd_rb2_pop_up_campaign")
    op.drop_table("fd_rb2_campaigns_users")
    op.drop_table("dq_users")
    op.drop_index(op.f("ix_dq_streams_campaign_type"), table_name="dq_streams")
    op.drop_table("dq_streams")
    op.drop_table("dq_push_event_types")
    op.drop_index(op.f("ix_dq_jobs_status"), table_name="dq_jobs")
    op.drop_index(op.f("ix_dq_jobs_owner"), table_name="dq_jobs")
    op.drop_table("dq_jobs")
    op.drop_table("dq_filials")
    op.drop_index(op.f("ix_dq_datasets_category"), table_name="dq_datasets")
    op.drop_table("dq_datasets")
    op.drop_table("dq_channels")
    op.drop_index(op.f("ix_dq_audit_log_username"), table_name="dq_audit_log")
    op.drop_index(op.f("ix_dq_audit_log_occurred_at"), table_name="dq_audit_log")
    op.drop_index(op.f("ix_dq_audit_log_action"), table_name="dq_audit_log")
    op.drop_table("dq_audit_log")
    op.execute(sa.schema.DropSequence(sa.Sequence("xls_ow_id_seq")))
    op.execute(sa.schema.DropSequence(sa.Sequence("camp_cd_seq")))


def _seed_reference_data() -> None:
    """The bank's reference data as of the first release; admins edit it afterwards."""
    streams = sa.table(
        "dq_streams",
        *(sa.column(c, sa.String) for c in ("code", "campaign_type", "name_ru", "name_kz")),
        sa.column("sort_order", sa.Integer),
        sa.column("enabled", sa.Boolean),
    )
    op.bulk_insert(
        streams,
        [
            {
                "code": s.code,
                "campaign_type": s.campaign_type,
                "name_ru": s.name_ru,
                "name_kz": s.name_kz,
                "sort_order": s.sort_order,
                "enabled": True,
            }
            for s in seed.STREAMS
        ],
    )
    filials = sa.table(
        "dq_filials",
        *(sa.column(c, sa.String) for c in ("code", "name_ru", "name_kz", "region")),
        sa.column("is_big_city", sa.Boolean),
    )
    op.bulk_insert(
        filials,
        [
            {
                "code": f.code,
                "name_ru": f.name_ru,
                "name_kz": f.name_kz,
                "region": f.region,
                "is_big_city": f.is_big_city,
            }
            for f in seed.FILIALS
        ],
    )
    push_types = sa.table(
        "dq_push_event_types",
        *(sa.column(c, sa.String) for c in ("code", "name_ru", "name_kz", "description_ru")),
    )
    op.bulk_insert(
        push_types,
        [
            {
                "code": p.code,
                "name_ru": p.name_ru,
                "name_kz": p.name_kz,
                "description_ru": p.description_ru,
            }
            for p in seed.PUSH_EVENT_TYPES
        ],
    )
    channels = sa.table(
        "dq_channels", *(sa.column(c, sa.String) for c in ("code", "name_ru", "name_kz"))
    )
    op.bulk_insert(
        channels,
        [{"code": c.code, "name_ru": c.name_ru, "name_kz": c.name_kz} for c in seed.CHANNELS],
    )
