"""Process start-up shared by every long-running command: settings, logging, telemetry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from opentelemetry.sdk.trace import TracerProvider
from temporalio.client import Client
from temporalio.runtime import Runtime

from integrations.odoo import OdooCredentials, OdooGateway
from runtime.logging import configure_logging
from runtime.settings import Settings
from runtime.telemetry import build_temporal_runtime, configure_tracing, tracing_interceptors
from runtime.temporal_client import connect_temporal


@dataclass
class Process:
    """What a Govern process builds once at start-up."""

    settings: Settings
    runtime: Runtime
    tracer_provider: TracerProvider | None

    async def connect(self, **temporal_overrides: Any) -> Client:
        return await connect_temporal(
            runtime=self.runtime,
            interceptors=tracing_interceptors(self.tracer_provider),
            **temporal_overrides,
        )


def start_process(settings: Settings) -> Process:
    """Configure logging and telemetry for this process, from ``settings``."""
    configure_logging(settings.log_level, settings.log_format, settings.secret_values())
    provider = configure_tracing(settings.trace_exporter)
    runtime = build_temporal_runtime(settings.metrics_bind)
    return Process(settings=settings, runtime=runtime, tracer_provider=provider)


def slack_client(settings: Settings) -> Any:
    """A Slack Web API client when a bot token is configured, else ``None``."""
    if settings.slack_bot_token is None:
        return None
    from slack_sdk import WebClient

    return WebClient(
        token=settings.slack_bot_token.get_secret_value(), base_url=str(settings.slack_api_url)
    )


def notifier(settings: Settings) -> Any:
    """Slack when configured; otherwise notices go to the structured log."""
    client = slack_client(settings)
    if client is None:
        from integrations.notify import LogNotifier

        return LogNotifier()
    from governance.directory import load_people
    from integrations.slack import SentMessages, SlackNotifier
    from runtime.temporal_client import load_connect_config

    return SlackNotifier(
        client,
        load_people(settings.people_file),
        SentMessages(settings.data_dir / "slack-sent.sqlite"),
        temporal_ui=str(settings.temporal_ui_url) if settings.temporal_ui_url else None,
        namespace=load_connect_config()["namespace"],
        odoo_url=str(settings.odoo_url),
        summary_channel=settings.slack_summary_channel,
    )


def odoo_gateway(settings: Settings) -> OdooGateway | None:
    """The gateway for the configured Odoo, or ``None`` when no API key is set."""
    if settings.odoo_api_key is None:
        return None
    return OdooGateway(
        OdooCredentials(
            url=str(settings.odoo_url),
            database=settings.odoo_database,
            login=settings.odoo_login,
            secret=settings.odoo_api_key,
            timeout_seconds=settings.odoo_timeout_seconds,
        )
    )
