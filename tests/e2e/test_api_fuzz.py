"""Fuzz the HTTP API from its own OpenAPI spec: whatever comes in, never a 5xx."""

from __future__ import annotations

import asyncio
import secrets
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from pydantic import SecretStr
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from runtime.temporal_servers import free_port
from starters.http_api import create_app
from starters.http_server import http_service
from starters.intake import Intake
from starters.lazy_client import LazyClient
from starters.outbox import Outbox

API_TOKEN = secrets.token_urlsafe(12)
WEBHOOK_TOKEN = secrets.token_urlsafe(12)


@pytest.fixture(scope="module")
def live_api(
    dev_env: WorkflowEnvironment, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The service on a real port, in a thread with its own event loop (as in production)."""
    address = dev_env.client.service_client.config.target_host
    port = free_port()
    ready, stop = threading.Event(), threading.Event()
    folder: Path = tmp_path_factory.mktemp("fuzz")

    def serve() -> None:
        async def main() -> None:
            async def connect() -> Client:
                return await Client.connect(address, data_converter=pydantic_data_converter)

            intake = Intake(Outbox(folder / "intake.sqlite"), "fuzz", LazyClient(connect), [0.5])
            app = create_app(intake, intake.client, SecretStr(WEBHOOK_TOKEN), SecretStr(API_TOKEN))
            async with http_service(app, "127.0.0.1", port):
                ready.set()
                while not stop.is_set():
                    await asyncio.sleep(0.05)

        asyncio.run(main())

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert ready.wait(20)
    yield f"http://127.0.0.1:{port}"
    stop.set()
    thread.join(10)


@pytest.fixture(scope="module")
def api_schema(live_api: str) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(f"{live_api}/openapi.json")


def test_no_server_errors(api_schema: schemathesis.BaseSchema) -> None:
    """Every operation, with generated inputs (valid and not), authenticated as a client."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 5

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def no_5xx(case: schemathesis.Case) -> None:
            if "token" in (case.path_parameters or {}):
                case.path_parameters["token"] = WEBHOOK_TOKEN  # type: ignore[index]
            response = case.call(headers={"Authorization": f"Bearer {API_TOKEN}"}, timeout=10)
            assert response.status_code < 500, (
                f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:300]}"
            )

        no_5xx()
