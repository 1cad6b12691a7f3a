"""Settings: every knob is a `DQ_` environment variable (or a line in `.env`)."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET = "change-me-dev-secret-not-for-production"


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class AuthBackend(StrEnum):
    LOCAL = "local"
    LDAP = "ldap"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DQ_", env_file=".env", extra="ignore")

    env: Environment = Environment.DEVELOPMENT
    warehouse_url: str = Field(
        default="duckdb:///var/dataquery.duckdb",
        description="SQLAlchemy URL of the warehouse (DuckDB file, PostgreSQL or Oracle).",
    )
    warehouse_pool_size: int = Field(
        default=5, ge=1, description="Warehouse connections each instance keeps open"
    )
    warehouse_max_overflow: int = Field(
        default=10, ge=0, description="Extra connections an instance may open when busy"
    )
    warehouse_pool_timeout_seconds: float = Field(
        default=30, gt=0, description="Wait for a free connection before answering 503"
    )
    warehouse_parallel_workers: int | None = Field(
        default=None,
        ge=0,
        description="PostgreSQL: parallel workers per query of the app's connections "
        "(max_parallel_workers_per_gather; default: the server's). 0 on a server with few "
        "cores for many analysts: a preview then takes one core, not three.",
    )
    data_dir: Path = Field(default=Path("var"), description="Where files of the app live.")
    demo_dir: Path | None = Field(
        default=None, description="Demo Parquet files; default <data_dir>/demo."
    )
    demo_customers: int = Field(default=1_000_000, ge=1)
    web_dist: Path = Field(default=Path("web/dist"), description="The built React app.")
    secret_key: SecretStr = SecretStr(DEFAULT_SECRET)
    sources_key: SecretStr | None = Field(
        default=None,
        description="Encrypts the data sources' URLs (credentials); default: from secret_key. "
        "Changing it makes the stored ones unreadable: enter them again.",
    )
    sources_scheduler: bool = Field(
        default=False,
        description="Refresh the data-source datasets on their cron schedules, in this process.",
    )
    log_level: str = "INFO"
    log_json: bool = Field(default=False, description="JSON log lines instead of console.")
    cors_origins: list[str] = Field(default_factory=list)
    timezone: str = Field(
        default="Asia/Almaty",
        description="The bank's time zone (IANA name): its today is the default reference date, "
        "the day campaign dates are judged by and what dashboards call today.",
    )

    # Sign-in
    auth_backend: AuthBackend = AuthBackend.LOCAL
    access_token_minutes: int = Field(default=15, ge=1)
    refresh_token_hours: int = Field(default=12, ge=1)
    bootstrap_admin_password: SecretStr | None = None
    login_max_failures: int = Field(default=5, ge=1)
    login_window_seconds: int = Field(default=300, ge=1)
    forwarded_allow_ips: str | None = Field(
        default=None,
        description="Proxies whose X-Forwarded-For/-Proto `dataquery serve` believes "
        "(comma-separated addresses or networks, or *); unset: none, the headers are ignored.",
    )

    # LDAP (DQ_AUTH_BACKEND=ldap): search-then-bind with a service account, or a DN template.
    ldap_url: str = Field(default="ldap://127.0.0.1:389", description="ldap:// or ldaps://")
    ldap_start_tls: bool = False
    ldap_ca_file: Path | None = None
    ldap_bind_dn: str | None = None
    ldap_bind_password: SecretStr | None = None
    ldap_user_base_dn: str = "ou=people,dc=bank,dc=kz"
    ldap_user_filter: str = "(uid={username})"
    ldap_user_dn_template: str | None = Field(
        default=None, description="e.g. uid={username},ou=people,dc=bank,dc=kz; skips the search"
    )
    ldap_timeout_seconds: float = Field(default=5.0, gt=0)
    host: str = "127.0.0.1"
    port: int = 8000

    # Jobs: worker threads per instance (app or `dataquery worker`), and the lease a claimed job
    # holds: renewed every lease/4 while it runs; an expired one is re-queued or failed.
    job_workers: int = Field(default=2, ge=0)
    job_lease_seconds: float = Field(default=60, gt=0)
    job_max_attempts: int = Field(default=3, ge=1)

    # Uploads: the size limit, and the size above which an upload is processed as a job.
    upload_max_mb: int = Field(default=50, ge=1)
    upload_job_threshold_mb: float = Field(default=5, ge=0)
    # Upload limits: what a file may expand to once read, checked before it is (uploads/limits.py),
    # so that no file under upload_max_mb takes more than about 1.5 GB to process.
    upload_max_rows: int = Field(default=5_000_000, ge=1, description="Rows of any file")
    upload_max_columns: int = Field(default=200, ge=1)
    upload_max_cells: int = Field(
        default=12_000_000, ge=1, description="Rows x columns (an Excel sheet's whole grid)"
    )
    upload_max_cell_bytes: int = Field(default=4096, ge=16, description="Bytes of one cell")
    upload_max_text_mb: int = Field(
        default=256, ge=1, description="All cells' text once read (shared strings repeated)"
    )
    upload_max_unzipped_mb: int = Field(
        default=1024, ge=1, description="An .xlsx's members, uncompressed, all together"
    )
    upload_max_zip_ratio: int = Field(
        default=100, ge=1, description="Uncompressed to compressed size of an .xlsx member"
    )
    # Queries and the data viewer (queries/): rows one answer may hold, and the time one
    # statement may run before the engine stops it.
    query_max_rows: int = Field(default=10_000, ge=1, description="Rows of a query's answer")
    query_timeout_seconds: float = Field(default=30, gt=0, description="Per statement")
    query_export_max_rows: int = Field(default=5_000_000, ge=1, description="Rows of an export")
    viewer_page_max: int = Field(default=500, ge=1, description="Rows of one viewer page")
    # The daily pool distribution (dataquery.distribution): a crontab line in DQ_TIMEZONE.
    scheduler_enabled: bool = Field(
        default=True, description="Run the in-process scheduler (off in tests and CLI tools)."
    )
    distribution_cron: str = Field(
        default="0 9 * * *", description="When the pool is distributed: minute hour dom mon dow"
    )
    distribution_catchup_days: int = Field(
        default=7, ge=1, le=366, description="How many missed days a start catches up at most"
    )

    distribution_report_to: list[str] = Field(
        default_factory=list, description='Who gets the daily report: JSON, ["a@bank.kz", ...]'
    )

    # Mail (dataquery.notifications): off while DQ_SMTP_HOST is unset.
    smtp_host: str | None = None
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    smtp_from: str = "dataquery@localhost"
    smtp_timeout_seconds: float = Field(default=10, gt=0)
    smtp_retries: int = Field(default=3, ge=1, le=10, description="Attempts per mail")
    smtp_backoff_seconds: float = Field(
        default=5, ge=0, description="Wait before the 2nd attempt; doubled for each next one"
    )
    public_url: str = Field(
        default="http://127.0.0.1:8000", description="The app's address, for links in mails"
    )

    # JIRA (dataquery.integrations.jira): off unless URL, project and token are all set.
    jira_url: str | None = None
    jira_project: str | None = None
    jira_token: SecretStr | None = None
    jira_issue_type: str = "Task"
    jira_timeout_seconds: float = Field(default=10, gt=0)
    jira_retries: int = Field(default=3, ge=1, le=10)
    jira_backoff_seconds: float = Field(default=5, ge=0)

    # The SQL assistant (queries/assistant.py): off while DQ_LLM_URL is unset. A chat model turns
    # a question into a query spec (never SQL), which is validated before anyone sees it.
    llm_url: str | None = Field(
        default=None, description="OpenAI-compatible base URL (…/v1) or Ollama's (…:11434)"
    )
    llm_kind: str = Field(default="openai", pattern=r"^(openai|ollama)$")
    llm_model: str = Field(default="gpt-4o-mini", description="The model the endpoint serves")
    llm_api_key: SecretStr | None = None
    llm_timeout_seconds: float = Field(default=30, gt=0, description="For the whole answer")
    llm_max_response_kb: int = Field(default=64, ge=1, description="Largest answer read")

    # JSON request bodies are read whole to be checked for control characters (core/edge.py).
    json_body_max_mb: float = Field(default=10, gt=0)

    # Monitoring: who may scrape GET /metrics, what the monitoring page keeps.
    metrics_token: SecretStr | None = Field(
        default=None, description="Bearer token a Prometheus scraper sends to GET /metrics"
    )
    metrics_allow_networks: list[str] = Field(
        default_factory=lambda: ["127.0.0.1/32", "::1/128"],
        description="Client networks that may scrape GET /metrics without the token",
    )
    query_log_days: int = Field(default=30, ge=1, description="Days the query log is kept")
    monitoring_flush_seconds: float = Field(
        default=15, gt=0, description="How often request and query samples go to the warehouse"
    )
    health_min_free_mb: int = Field(
        default=1024, ge=0, description="Free space under DQ_DATA_DIR below which health warns"
    )
    # Defaults of the settings an admin changes at run time (GET/PUT /api/v1/admin/settings).
    default_control_share: float = Field(default=0.1, ge=0, le=0.5)
    deploy_job_threshold_rows: int = Field(
        default=200_000, ge=0, description="Deploys of more members than this run as a job"
    )
    notification_recipients: list[str] = Field(
        default_factory=list, description="Who receives the distribution report and job alerts"
    )
    distribution_enabled: bool = True
    distribution_time: str = Field(default="09:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")

    @model_validator(mode="after")
    def _refuse_default_secret_in_production(self) -> Settings:
        if (
            self.env is Environment.PRODUCTION
            and self.secret_key.get_secret_value() == DEFAULT_SECRET
        ):
            raise ValueError("DQ_SECRET_KEY must be set when DQ_ENV=production")
        return self

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"DQ_TIMEZONE {value!r} is not an IANA time zone") from exc
        return value

    @field_validator("distribution_cron")
    @classmethod
    def _valid_cron(cls, value: str) -> str:
        from apscheduler.triggers.cron import CronTrigger

        try:
            CronTrigger.from_crontab(value)
        except ValueError as exc:
            raise ValueError(f"DQ_DISTRIBUTION_CRON {value!r}: {exc}") from exc
        return value

    @property
    def resolved_demo_dir(self) -> Path:
        return self.demo_dir or self.data_dir / "demo"


@lru_cache
def get_settings() -> Settings:
    return Settings()
