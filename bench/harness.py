"""Shared bench plumbing: a real dev server, a seeded odoo_sim, a worker, timing helpers."""

from __future__ import annotations

import statistics
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from governance.search_attributes import ALL_KEYS
from integrations.notify import Delivery
from integrations.odoo import OdooCredentials, OdooGateway
from odoo_sim import OdooSim
from runtime.temporal_servers import temporal_cli_path

ROOT = Path(__file__).resolve().parent.parent


class SilentNotifier:
    """Benchmarks measure Govern, not a notification channel."""

    def send(self, delivery: Delivery) -> str:
        return delivery.kind


def default_deps(stack: Stack) -> Any:
    """The worker's dependencies against the bench's simulator, with the shipped policy."""
    from workers.registry import ActivityDependencies

    return ActivityDependencies(
        odoo_url=stack.sim.url,
        odoo=stack.gateway,
        notifier=SilentNotifier(),
        policy_file=ROOT / "policies" / "default.yaml",
        people_file=ROOT / "policies" / "people.yaml",
    )


@dataclass
class Stack:
    client: Client
    sim: OdooSim
    gateway: OdooGateway


@asynccontextmanager
async def bench_stack() -> AsyncIterator[Stack]:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(temporal_cli_path()),
        data_converter=pydantic_data_converter,
        search_attributes=ALL_KEYS,
        ui=False,
        dev_server_log_level="error",
    )
    sim = OdooSim(port=0).start()
    gateway = OdooGateway(OdooCredentials(sim.url, "govern", "admin", SecretStr("admin")))
    try:
        yield Stack(env.client, sim, gateway)
    finally:
        sim.close()
        await env.shutdown()


@asynccontextmanager
async def worker(
    client: Client,
    task_queue: str,
    workflows: Sequence[type],
    activities: Sequence[Callable[..., Any]],
) -> AsyncIterator[None]:
    async with Worker(
        client,
        task_queue=task_queue,
        workflows=list(workflows),
        activities=list(activities),
        activity_executor=ThreadPoolExecutor(32),
        max_concurrent_workflow_tasks=100,
        max_concurrent_activities=64,
    ):
        yield


@dataclass
class Run:
    name: str
    cases: int
    seconds: float
    latencies_ms: list[float]
    odoo_calls: int

    @property
    def per_second(self) -> float:
        return self.cases / self.seconds

    def row(self) -> str:
        p50 = statistics.median(self.latencies_ms)
        p99 = sorted(self.latencies_ms)[int(len(self.latencies_ms) * 0.99) - 1]
        return (
            f"{self.name:<28} {self.cases:>6} {self.seconds:>8.2f} {self.per_second:>9.1f} "
            f"{p50:>9.1f} {p99:>9.1f} {self.odoo_calls / self.cases:>10.1f}"
        )


HEADER = (
    f"{'run':<28} {'cases':>6} {'seconds':>8} {'cases/s':>9} "
    f"{'upd p50ms':>9} {'upd p99ms':>9} {'odoo/case':>10}"
)


async def timed(awaitable: Awaitable[Any], into: list[float]) -> Any:
    started = time.perf_counter()
    result = await awaitable
    into.append((time.perf_counter() - started) * 1000)
    return result


def write_temp_files(folder: Path, files: dict[str, str]) -> dict[str, Path]:
    paths = {}
    for name, text in files.items():
        paths[name] = folder / name
        paths[name].write_text(text)
    return paths


def confirmed_order(odoo: Any, partner: int = 14) -> int:
    """A confirmed 40-hour consulting order (its project and task made by confirmation)."""
    order = odoo.execute_kw(
        "sale.order",
        "create",
        [
            {
                "partner_id": partner,
                "payment_term_id": 4,
                "team_id": 1,
                "order_line": [[0, 0, {"product_id": 52, "product_uom_qty": 40}]],
            }
        ],
    )
    odoo.execute_kw("sale.order", "action_confirm", [[order]])
    return int(order)


def odoo_admin(port: int) -> Any:
    import odoorpc

    odoo = odoorpc.ODOO("127.0.0.1", port=port)
    odoo.login("govern", "admin", "admin")
    return odoo
