"""Govern's configuration, read from ``GOVERN_*`` variables, ``.env`` and a secrets directory.

Temporal's own connection settings (address, namespace, TLS, API key) are *not* here:
they follow the SDK's ``TEMPORAL_*`` environment conventions and config profiles, read by
:func:`runtime.temporal_client.load_connect_config`.
"""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from pydantic import (
    AfterValidator,
    AnyHttpUrl,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_TASK_QUEUE = "govern"


def default_data_dir() -> Path:
    """Where Govern keeps local state (dev server database, pending events)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "govern"


def default_policy_file() -> Path:
    """The policy shipped with Govern (``policies/default.yaml`` beside the packages)."""
    return Path(__file__).resolve().parent.parent / "policies" / "default.yaml"


def default_people_file() -> Path:
    """The demo firm's people directory (``policies/people.yaml``)."""
    return Path(__file__).resolve().parent.parent / "policies" / "people.yaml"


class LogFormat(StrEnum):
    AUTO = "auto"
    JSON = "json"
    CONSOLE = "console"


class TraceExporter(StrEnum):
    NONE = "none"
    CONSOLE = "console"
    OTLP = "otlp"


def _check_host_port(value: str) -> str:
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError("expected host:port, for example 127.0.0.1:8080")
    return value


HostPort = Annotated[str, AfterValidator(_check_host_port)]


def _secrets_dir() -> Path | None:
    path = Path(os.environ.get("GOVERN_SECRETS_DIR", "/run/secrets"))
    return path if path.is_dir() else None


class Settings(BaseSettings):
    """Everything Govern needs to know about its surroundings.

    Each field is read from ``GOVERN_<FIELD NAME>``; secrets may also be files named after
    the field in the secrets directory (``GOVERN_SECRETS_DIR``, default
    ``/run/secrets``), as Docker and Kubernetes mount them.
    """

    model_config = SettingsConfigDict(
        env_prefix="GOVERN_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        secrets_dir=_secrets_dir(),
    )

    odoo_url: AnyHttpUrl = Field(
        default=AnyHttpUrl("http://127.0.0.1:8069"), description="Base URL of the Odoo server."
    )
    odoo_database: str = Field(default="govern", min_length=1, description="Odoo database.")
    odoo_login: str = Field(default="admin", min_length=1, description="Odoo user Govern acts as.")
    odoo_api_key: SecretStr | None = Field(
        default=None, description="API key (or password) of the Odoo user."
    )
    odoo_timeout_seconds: float = Field(default=15.0, gt=0, le=600)

    task_queue: str = Field(default=DEFAULT_TASK_QUEUE, min_length=1)
    data_dir: Path = Field(default_factory=default_data_dir)
    policy_file: Path = Field(default_factory=default_policy_file)
    people_file: Path = Field(default_factory=default_people_file)
    http_bind: HostPort = Field(
        default="127.0.0.1:8080", description="Where `govern serve` listens."
    )
    webhook_token: SecretStr | None = Field(
        default=None, description="Secret path segment Odoo's webhooks must carry."
    )
    api_token: SecretStr | None = Field(default=None, description="Bearer token for the HTTP API.")
    slack_bot_token: SecretStr | None = None
    slack_app_token: SecretStr | None = Field(
        default=None, description="xapp- token for Socket Mode (no public URL needed)."
    )
    slack_signing_secret: SecretStr | None = None
    slack_summary_channel: str | None = Field(
        default=None, description="Slack channel that gets a line when a case ends."
    )
    temporal_ui_url: AnyHttpUrl | None = Field(
        default=None, description="Base URL of the Temporal Web UI, for links in messages."
    )
    slack_api_url: AnyHttpUrl = Field(
        default=AnyHttpUrl("https://slack.com/api/"), description="Slack Web API base URL."
    )

    log_level: str = Field(default="INFO", pattern=r"(?i)^(debug|info|warning|error|critical)$")
    log_format: LogFormat = LogFormat.AUTO
    trace_exporter: TraceExporter = TraceExporter.NONE
    metrics_bind: HostPort | None = Field(
        default=None,
        description="Serve Temporal SDK metrics for Prometheus here, e.g. 0.0.0.0:9464.",
    )
    worker_shutdown_grace_seconds: float = Field(default=30.0, ge=0, le=3600)
    launch_commit_wait_seconds: float = Field(
        default=300.0,
        gt=0,
        le=86400,
        description="How long a launch waits for Odoo to commit a confirmation it was told of.",
    )

    @field_validator("log_level")
    @classmethod
    def _upper_level(cls, value: str) -> str:
        return value.upper()

    def secret_values(self) -> list[str]:
        """Every configured secret's plain value, so logging can scrub them."""
        secrets = [
            self.odoo_api_key,
            self.webhook_token,
            self.api_token,
            self.slack_bot_token,
            self.slack_app_token,
            self.slack_signing_secret,
        ]
        return [s.get_secret_value() for s in secrets if s and s.get_secret_value()]


class ConfigurationError(Exception):
    """A setting is missing or malformed; the message is meant for a person."""


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning validation failures into one readable message.

    Raises:
        ConfigurationError: naming each bad setting, its environment variable and why.
    """
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        raise ConfigurationError(describe_validation_error(error)) from None


def describe_validation_error(error: ValidationError) -> str:
    """One line per problem: ``GOVERN_X=<value>: why`` (secret values never shown)."""
    lines = ["Govern's configuration is not valid:"]
    for problem in error.errors():
        field = ".".join(str(part) for part in problem["loc"]) or "settings"
        variable = f"GOVERN_{field.upper()}"
        shown = problem.get("input")
        is_secret = any(w in field for w in ("key", "token", "secret"))
        value = "" if is_secret or isinstance(shown, dict) else f"={shown!r}"
        lines.append(f"  {variable}{value}: {problem['msg']}")
    lines.append("Fix the environment variable (or .env / secrets file) and run again.")
    return "\n".join(lines)
