"""The product as a user meets it: odoo_sim sending real webhooks to Govern's HTTP service,
a worker on the dev server, and people acting through the CLI and the HTTP API."""

from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr
from temporalio.client import Client

from runtime.temporal_servers import free_port
from starters.http_api import create_app
from starters.http_server import http_service
from starters.intake import Intake
from starters.outbox import Outbox
from tests.integration.launch_stack import LaunchStack, launch_stack

WEBHOOK_FIELDS = ["name", "state", "amount_total", "partner_id", "user_id"]


@dataclass
class ServiceStack:
    launch: LaunchStack
    url: str
    token: str
    api_token: str
    outbox: Outbox
    temporal_address: str

    @property
    def webhook_url(self) -> str:
        return f"{self.url}/odoo/webhook/{self.token}"

    async def govern(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run the `govern` CLI as a person would, against this stack's Temporal.

        In a thread: the worker shares this event loop and must keep running meanwhile.
        """
        env = {**os.environ, "TEMPORAL_ADDRESS": self.temporal_address}
        return await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "starters.cli", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )

    async def http(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.url, timeout=10)


@asynccontextmanager
async def service_stack(
    client: Client,
    tmp_path: Path,
    commit_wait: list[float] | None = None,
    connect: Any = None,
    webhook: bool = True,
) -> AsyncIterator[ServiceStack]:
    async with launch_stack(client) as stack:
        outbox = Outbox(tmp_path / "intake.sqlite")
        token, api_token = secrets.token_urlsafe(16), secrets.token_urlsafe(16)

        async def provide() -> Client:
            return client

        intake = Intake(
            outbox, stack.task_queue, connect or provide, commit_wait=commit_wait or [0.5, 1.0, 2.0]
        )
        app = create_app(intake, intake.client, SecretStr(token), SecretStr(api_token))
        port = free_port()
        async with http_service(app, "127.0.0.1", port):
            service = ServiceStack(
                stack,
                f"http://127.0.0.1:{port}",
                token,
                api_token,
                outbox,
                client.service_client.config.target_host,
            )
            if webhook:
                stack.sim.add_webhook(
                    "sale.order", service.webhook_url, WEBHOOK_FIELDS, state="sale"
                )
            yield service
        outbox.close()


async def wait_for(predicate: Any, timeout: float = 30.0, every: float = 0.2) -> Any:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        value = await predicate()
        if value:
            return value
        await asyncio.sleep(every)
    raise TimeoutError("condition not met in time")
