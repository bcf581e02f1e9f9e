"""`govern doctor`: check configuration, Temporal and Odoo, and say how to fix what is wrong."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from enum import StrEnum

from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client

from integrations.odoo import OdooError
from runtime.settings import ConfigurationError, Settings
from runtime.temporal_client import connect_temporal, load_connect_config
from starters.bootstrap import odoo_gateway
from starters.cluster_setup import (
    SearchAttributeConflict,
    missing_search_attributes,
    namespace_exists,
)

CONNECT_TIMEOUT_SECONDS = 5.0


class Status(StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "fail"


@dataclass
class Check:
    """One finding: what was checked, how it went, and what to do about it."""

    name: str
    status: Status
    detail: str
    fix: str = ""


async def check_temporal(settings: Settings, client: Client | None = None) -> list[Check]:
    """Reachability, namespace, search attributes and a polling worker."""
    try:
        config = load_connect_config()
    except ConfigurationError as error:
        return [Check("temporal", Status.FAIL, str(error), "Fix the TEMPORAL_* settings.")]
    address, namespace = config["target_host"], config["namespace"]
    if client is None:
        try:
            client = await asyncio.wait_for(connect_temporal(), CONNECT_TIMEOUT_SECONDS)
        except Exception as error:  # connection errors come in several kinds
            return [
                Check(
                    "temporal",
                    Status.FAIL,
                    f"cannot reach Temporal at {address}: {error or type(error).__name__}",
                    "Start one with `govern dev-server`, or set TEMPORAL_ADDRESS "
                    "(and TEMPORAL_TLS / TEMPORAL_API_KEY for Temporal Cloud).",
                )
            ]
    checks = [Check("temporal", Status.OK, f"reached {address}")]
    if not await namespace_exists(client, namespace):
        checks.append(
            Check(
                "namespace",
                Status.FAIL,
                f"namespace {namespace!r} does not exist",
                "Run `govern setup` to create it, or set TEMPORAL_NAMESPACE.",
            )
        )
        return checks
    checks.append(Check("namespace", Status.OK, namespace))
    try:
        missing = await missing_search_attributes(client, namespace)
    except SearchAttributeConflict as error:
        checks.append(Check("search attributes", Status.FAIL, str(error)))
    else:
        checks.append(
            Check(
                "search attributes",
                Status.FAIL,
                "missing: " + ", ".join(missing),
                "Run `govern setup`.",
            )
            if missing
            else Check("search attributes", Status.OK, "all registered")
        )
    described = await client.workflow_service.describe_task_queue(
        DescribeTaskQueueRequest(
            namespace=namespace,
            task_queue=TaskQueue(name=settings.task_queue),
            task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
        )
    )
    pollers = len(described.pollers)
    checks.append(
        Check("worker", Status.OK, f"{pollers} poller(s) on task queue {settings.task_queue!r}")
        if pollers
        else Check(
            "worker",
            Status.WARN,
            f"no worker polls task queue {settings.task_queue!r}",
            "Start one with `govern worker`.",
        )
    )
    return checks


def check_odoo(settings: Settings) -> list[Check]:
    """Reachability and credentials of the configured Odoo (blocking: run in a thread)."""
    gateway = odoo_gateway(settings)
    if gateway is None:
        return [
            Check(
                "odoo",
                Status.FAIL,
                "no Odoo API key configured",
                "Set GOVERN_ODOO_API_KEY (an API key of the Odoo user GOVERN_ODOO_LOGIN).",
            )
        ]
    try:
        uid, dialect = gateway.whoami()
    except OdooError as error:
        fix = (
            "Check GOVERN_ODOO_URL and that Odoo is running."
            if error.retryable
            else "Check GOVERN_ODOO_LOGIN, GOVERN_ODOO_API_KEY and GOVERN_ODOO_DATABASE."
        )
        return [Check("odoo", Status.FAIL, str(error), fix)]
    return [
        Check(
            "odoo",
            Status.OK,
            f"logged in to Odoo {dialect.major} at {settings.odoo_url} as "
            f"{settings.odoo_login} (uid {uid}) on {settings.odoo_database!r}",
        )
    ]


async def run_doctor(settings: Settings, client: Client | None = None) -> list[Check]:
    """Every check, Temporal and Odoo side by side."""
    temporal, odoo = await asyncio.gather(
        check_temporal(settings, client), asyncio.to_thread(check_odoo, settings)
    )
    return [Check("settings", Status.OK, "loaded"), *temporal, *odoo]
