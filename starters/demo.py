"""`govern demo`: the whole product on one machine, with a few orders to govern.

A real Temporal dev server (with its Web UI), a seeded odoo_sim whose "Send Webhook
Notification" rule points at Govern's HTTP service, a worker, the reconciliation schedule;
then a salesperson confirms orders in Odoo and the launches begin.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import odoorpc
from pydantic import SecretStr
from rich.console import Console
from temporalio.client import Client

from governance.launch import commit_wait_schedule
from integrations.odoo import OdooCredentials, OdooGateway
from odoo_sim import OdooSim
from runtime.settings import Settings
from runtime.temporal_servers import DevServer
from starters.autopilot import autopilot
from starters.bootstrap import start_process
from starters.http_api import create_app
from starters.http_server import http_service
from starters.intake import Intake
from starters.lazy_client import LazyClient
from starters.outbox import Outbox
from starters.schedules import ensure_reconcile_schedule
from workers.registry import ActivityDependencies
from workers.worker import build_worker, stop_on_signals
from workflows.project_launch import launch_workflow_id

WEBHOOK_FIELDS = ["name", "state", "amount_total", "partner_id", "user_id"]


@dataclass(frozen=True)
class DemoOrder:
    """What a salesperson sells, and what it shows about governance."""

    partner: int
    lines: list[tuple[int, float, float]]  # product, quantity, discount %
    story: str
    extra: dict[str, Any]


DEMO_ORDERS = [
    DemoOrder(
        14,
        [(52, 40, 0)],
        "clean order: delivery review, staffing, kickoff",
        {"payment_term_id": 4, "team_id": 1},
    ),
    DemoOrder(
        9,
        [(51, 1, 0), (50, 1, 0)],
        "large US deal: finance confirmation; milestone plan and tax set-up need waivers",
        {"payment_term_id": 4, "team_id": 2},
    ),
    DemoOrder(
        10,
        [(52, 60, 20)],
        "20 % discount below the margin floor: waivers and the CFO",
        {"payment_term_id": 10, "team_id": 1},
    ),
]


@dataclass
class DemoPorts:
    temporal: int = 7233
    ui: int = 8233
    http: int = 8080
    odoo: int = 8069


def _webhook_token(folder: Path, settings: Settings) -> str:
    if settings.webhook_token is not None:
        return settings.webhook_token.get_secret_value()
    path = folder / "webhook-token"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(24))
        path.chmod(0o600)
    return path.read_text().strip()


def confirm_orders(sim: OdooSim, console: Console) -> list[int]:
    """Create and confirm the demo orders in Odoo, as the salesperson Marc Demo."""
    odoo = odoorpc.ODOO(sim.host, port=sim.port)
    odoo.login(sim.database, "demo", "demo")
    confirmed = []
    for order in DEMO_ORDERS:
        order_id = odoo.execute_kw(
            "sale.order",
            "create",
            [
                {
                    "partner_id": order.partner,
                    **order.extra,
                    "order_line": [
                        [0, 0, {"product_id": p, "product_uom_qty": q, "discount": d}]
                        for p, q, d in order.lines
                    ],
                }
            ],
        )
        name = odoo.execute_kw(
            "sale.order", "read", [[order_id]], {"fields": ["name", "amount_untaxed"]}
        )[0]
        odoo.execute_kw("sale.order", "action_confirm", [[order_id]])
        console.print(
            f"  Marc Demo confirmed [bold]{name['name']}[/bold] "
            f"({name['amount_untaxed']:,.2f}): {order.story}",
            highlight=False,
        )
        confirmed.append(order_id)
    return confirmed


DONE = (
    "active",
    "on_hold",
    "not_confirmed",
    "applied",
    "rejected",
    "withdrawn",
    "expired",
    "invoiced",
    "nothing_to_invoice",
)


def order_names(sim: OdooSim, orders: list[int]) -> dict[int, str]:
    odoo = odoorpc.ODOO(sim.host, port=sim.port)
    odoo.login(sim.database, "admin", "admin")
    rows = odoo.execute_kw("sale.order", "read", [orders], {"fields": ["name"]})
    return {row["id"]: f"{row['name']} launch" for row in rows}


async def follow(
    client: Client,
    cases: dict[str, str],
    console: Console,
    stop: asyncio.Event,
    exit_when_done: bool,
) -> None:
    """Print each case's state (and what it waits for) as it changes."""
    seen: dict[str, str] = {}
    while not stop.is_set():
        for label, case in cases.items():
            try:
                status = dict(await client.get_workflow_handle(case).query("status"))
            except Exception:
                continue
            pending = [a["step"] for a in status.get("approvals", []) if a["outcome"] == "pending"]
            line = f"{status['state']}" + (
                f" — waiting for {', '.join(pending)}" if pending else ""
            )
            if seen.get(label) != line:
                seen[label] = line
                console.print(f"  {label}: {line}", highlight=False)
        if (
            exit_when_done
            and len(seen) == len(cases)
            and all(s.startswith(DONE) for s in seen.values())
        ):
            stop.set()
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 1.0)


async def start_follow_ups(
    client: Client, sim: OdooSim, order_id: int, task_queue: str, console: Console
) -> dict[str, str]:
    """A change request and a billing check on the first order's project."""
    from datetime import UTC, datetime

    from governance.approval_messages import ApprovalRequest, OdooRef
    from governance.billing import BillingRequest, timesheet_approval_key
    from governance.change_request import ChangeRequestInput
    from governance.facts import CaseFacts, Parties
    from workflows.approval import ApprovalWorkflow
    from workflows.billing_readiness import BillingReadinessWorkflow, billing_workflow_id
    from workflows.change_request import ChangeRequestWorkflow, change_request_workflow_id

    def log_time() -> tuple[int, str]:
        odoo = odoorpc.ODOO(sim.host, port=sim.port)
        odoo.login(sim.database, "admin", "admin")
        [row] = odoo.execute_kw(
            "sale.order", "read", [[order_id]], {"fields": ["project_ids", "tasks_ids", "name"]}
        )
        odoo.execute_kw(
            "account.analytic.line",
            "create",
            [
                {
                    "project_id": row["project_ids"][0],
                    "task_id": row["tasks_ids"][0],
                    "employee_id": 3,
                    "unit_amount": 16.0,
                    "date": datetime.now(UTC).date().isoformat(),
                    "name": "workshops",
                }
            ],
        )
        return int(row["project_ids"][0]), str(row["name"])

    project, name = await asyncio.to_thread(log_time)
    period = datetime.now(UTC).strftime("%Y-%m")
    change = ChangeRequestInput(
        project_id=project,
        request_key=f"{name}-cr1",
        requested_by="p-marc",
        description="add a data-migration workstream",
        hours_delta=12,
        amount_delta=2160,
        cost_delta=1320,
    )
    change_id = change_request_workflow_id(project, change.request_key)
    timesheet_id = timesheet_approval_key(project, period)
    billing_id = billing_workflow_id(order_id, period)
    timesheets = ApprovalRequest(
        case_key=timesheet_id,
        lifecycle="timesheets",
        step="period_approval",
        title=f"Time of {name} in {period}",
        facts=CaseFacts(),
        parties=Parties(requester="p-marc"),
        odoo=OdooRef(model="project.project", id=project),
    )
    for run, argument, case in (
        (ChangeRequestWorkflow.run, change, change_id),
        (ApprovalWorkflow.run, timesheets, timesheet_id),
        (
            BillingReadinessWorkflow.run,
            BillingRequest(order_id=order_id, period=period),
            billing_id,
        ),
    ):
        with contextlib.suppress(Exception):  # kept from an earlier demo run
            await client.start_workflow(run, argument, id=case, task_queue=task_queue)
    console.print(
        f"  Marc Demo asked for a change on {name}'s project (+12 h, +2,160.00); 16 h "
        f"were logged; finance checks {period} for invoicing.",
        highlight=False,
    )
    return {f"{name} change request": change_id, f"{name} billing {period}": billing_id}


async def run_demo(
    settings: Settings,
    ports: DemoPorts,
    auto: bool,
    pace: float,
    exit_when_done: bool,
    console: Console,
) -> None:
    folder = settings.data_dir / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    with stop_on_signals() as stop:
        # The demo tells its own story; logs stay at warnings unless asked for.
        quiet = (
            settings
            if "GOVERN_LOG_LEVEL" in os.environ
            else settings.model_copy(update={"log_level": "WARNING"})
        )
        process = start_process(quiet)
        server = DevServer(
            db_file=folder / "temporal.sqlite",
            port=ports.temporal,
            ui_port=ports.ui,
            log_file=folder / "temporal-dev-server.log",
        )
        server.start()
        sim: OdooSim | None = None
        try:
            await server.wait_ready()
            sim = OdooSim(port=ports.odoo, data_file=folder / "odoo.sqlite").start()
            token = _webhook_token(folder, settings)
            hook = f"http://127.0.0.1:{ports.http}/odoo/webhook/{token}"
            if not sim.has_webhook(hook):
                sim.add_webhook("sale.order", hook, WEBHOOK_FIELDS, state="sale")
            client = await process.connect(target_host=server.address)
            gateway = OdooGateway(
                OdooCredentials(sim.url, sim.database, "admin", SecretStr("admin"))
            )
            deps = ActivityDependencies(
                odoo_url=sim.url,
                odoo=gateway,
                policy_file=settings.policy_file,
                people_file=settings.people_file,
            )
            intake = Intake(
                Outbox(folder / "intake.sqlite"),
                settings.task_queue,
                LazyClient(lambda: process.connect(target_host=server.address)),
                commit_wait=commit_wait_schedule(settings.launch_commit_wait_seconds),
            )
            app = create_app(
                intake,
                intake.client,
                SecretStr(token),
                settings.api_token or SecretStr(secrets.token_urlsafe(16)),
            )
            worker = build_worker(
                client, settings.task_queue, deps, shutdown_grace=timedelta(seconds=5)
            )
            async with worker, http_service(app, "127.0.0.1", ports.http):
                await ensure_reconcile_schedule(client, settings.task_queue)
                _banner(console, server, sim, ports, auto)
                orders = await asyncio.to_thread(confirm_orders, sim, console)
                names = await asyncio.to_thread(order_names, sim, orders)
                cases = {names[o]: launch_workflow_id(o) for o in orders}
                cases |= await start_follow_ups(
                    client, sim, orders[0], settings.task_queue, console
                )
                _approver_hints(console, orders, auto)
                tasks = [asyncio.create_task(follow(client, cases, console, stop, exit_when_done))]
                if auto:
                    tasks.append(
                        asyncio.create_task(
                            autopilot(
                                client,
                                stop,
                                pace,
                                lambda case, person, stage: console.print(
                                    f"    {person} approved {stage} of {case}", highlight=False
                                ),
                            )
                        )
                    )
                await stop.wait()
                await asyncio.gather(*tasks)
        finally:
            if sim is not None:
                sim.close()
            server.stop()
            console.print("Stopped the worker, the HTTP service, the Odoo simulator and Temporal.")


def _banner(
    console: Console, server: DevServer, sim: OdooSim, ports: DemoPorts, auto: bool
) -> None:
    console.print("[bold]Govern demo[/bold]")
    console.print(
        f"  Temporal UI      {server.ui_url}   (filter: GovernLifecycle = 'project_launch')"
    )
    console.print(f"  Odoo simulator   {sim.url}   (database govern; admin/admin, demo/demo)")
    console.print(f"  Govern HTTP API  http://127.0.0.1:{ports.http}/docs")
    console.print(
        f"  Approvers are {'played by the autopilot' if auto else 'you: see the commands below'}."
        "  Ctrl-C stops everything."
    )


def _approver_hints(console: Console, orders: list[int], auto: bool) -> None:
    if auto:
        return
    first = launch_workflow_id(orders[0])
    console.print("In another terminal, as an approver:")
    for line in (
        "govern approvals pending --as p-dario",
        f"govern case show {first}",
        f"govern approvals approve '{first}/r0/delivery_review' --as p-dario -m 'fine'",
        "govern approvals pending --as p-rosa",
        "govern cases stuck",
    ):
        console.print(f"  [cyan]{line}[/cyan]", highlight=False)
