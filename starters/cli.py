"""The `govern` command line."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import Coroutine
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from runtime.settings import ConfigurationError, Settings, load_settings
from runtime.temporal_servers import DevServer
from starters.case_commands import (
    approvals_app,
    billing_app,
    case_app,
    cases_app,
    change_app,
    launch_app,
    timesheets_app,
)

app = typer.Typer(
    name="govern",
    help="Govern: durable governance for professional-services firms on Odoo.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(launch_app, name="launch")
app.add_typer(approvals_app, name="approvals")
app.add_typer(case_app, name="case")
app.add_typer(cases_app, name="cases")
app.add_typer(change_app, name="change-request")
app.add_typer(billing_app, name="billing")
app.add_typer(timesheets_app, name="timesheets")
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

EXIT_CONFIG = 2


def _settings() -> Settings:
    try:
        return load_settings()
    except ConfigurationError as error:
        err.print(f"[red]{error}[/red]", highlight=False)
        raise typer.Exit(EXIT_CONFIG) from None


def _run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    try:
        return asyncio.run(coroutine)
    except ConfigurationError as error:
        err.print(f"[red]{error}[/red]", highlight=False)
        raise typer.Exit(EXIT_CONFIG) from None
    except KeyboardInterrupt:
        raise typer.Exit(130) from None


PortOption = Annotated[int, typer.Option(help="gRPC port of the Temporal frontend.")]
UiPortOption = Annotated[int, typer.Option(help="Port of the Temporal Web UI.")]


@app.command("dev-server")
def dev_server(
    port: PortOption = 7233,
    ui_port: UiPortOption = 8233,
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    data_dir: Annotated[Path | None, typer.Option(help="Where the SQLite file lives.")] = None,
) -> None:
    """Run the embedded Temporal dev server (SQLite, Web UI, Govern's search attributes)."""
    settings = _settings()
    server = _dev_server(settings, host, port, ui_port, data_dir)

    async def serve() -> None:
        from workers.worker import stop_on_signals

        with stop_on_signals() as stop:
            server.start()
            try:
                await server.wait_ready()
                out.print(f"Temporal dev server on [bold]{server.address}[/bold]")
                out.print(f"Temporal UI: [bold]{server.ui_url}[/bold]   (Ctrl-C stops)")
                await stop.wait()
            finally:
                server.stop()

    _run(serve())


def _dev_server(
    settings: Settings, host: str, port: int, ui_port: int | None, data_dir: Path | None
) -> DevServer:
    data = data_dir or settings.data_dir
    return DevServer(
        db_file=data / "temporal.sqlite",
        host=host,
        port=port,
        ui_port=ui_port,
        log_file=data / "temporal-dev-server.log",
    )


@app.command()
def worker() -> None:
    """Run a Govern worker until SIGINT/SIGTERM, then drain in-flight activities."""
    settings = _settings()

    async def run() -> None:
        from starters.bootstrap import start_process
        from workers.worker import run_until_stopped, stop_on_signals

        with stop_on_signals() as stop:
            process = start_process(settings)
            client = await process.connect()
            await run_until_stopped(_worker(client, settings), stop)

    _run(run())


def _worker(client: Any, settings: Settings) -> Any:
    from starters.bootstrap import notifier, odoo_gateway
    from workers.registry import ActivityDependencies
    from workers.worker import build_worker

    return build_worker(
        client,
        settings.task_queue,
        ActivityDependencies(
            odoo_url=str(settings.odoo_url),
            odoo=odoo_gateway(settings),
            policy_file=settings.policy_file,
            people_file=settings.people_file,
            notifier=notifier(settings),
        ),
        shutdown_grace=timedelta(seconds=settings.worker_shutdown_grace_seconds),
    )


@app.command()
def up(
    port: PortOption = 7233,
    ui_port: UiPortOption = 8233,
    data_dir: Annotated[Path | None, typer.Option(help="Where the SQLite file lives.")] = None,
) -> None:
    """The embedded default: a Temporal dev server and a worker, in one command."""
    settings = _settings()
    server = _dev_server(settings, "127.0.0.1", port, ui_port, data_dir)

    async def run() -> None:
        from starters.bootstrap import start_process
        from workers.worker import run_until_stopped, stop_on_signals

        with stop_on_signals() as stop:
            process = start_process(settings)
            server.start()
            try:
                await server.wait_ready()
                client = await process.connect(target_host=server.address)
                out.print(f"Temporal UI: [bold]{server.ui_url}[/bold]")
                out.print(
                    f"Worker serving task queue [bold]{settings.task_queue}[/bold] on "
                    f"{server.address}. Ctrl-C stops everything."
                )
                await run_until_stopped(_worker(client, settings), stop)
            finally:
                server.stop()
                out.print("Stopped the worker and the Temporal dev server.")

    _run(run())


@app.command()
def demo(
    auto: Annotated[bool, typer.Option(help="Play the approvers so every case completes.")] = False,
    pace: Annotated[float, typer.Option(help="Seconds between the autopilot's rounds.")] = 2.0,
    exit_when_done: Annotated[
        bool, typer.Option(help="Stop once every demo launch has concluded.")
    ] = False,
    port: PortOption = 7233,
    ui_port: UiPortOption = 8233,
    http_port: Annotated[int, typer.Option(help="Govern's HTTP service.")] = 8080,
    odoo_port: Annotated[int, typer.Option(help="The Odoo simulator.")] = 8069,
) -> None:
    """The whole product on this machine: Temporal + UI, Odoo simulator, worker, HTTP intake,
    and a salesperson confirming orders."""
    settings = _settings()
    from starters.demo import DemoPorts, run_demo

    ports = DemoPorts(temporal=port, ui=ui_port, http=http_port, odoo=odoo_port)
    _run(run_demo(settings, ports, auto, pace, exit_when_done, out))


@app.command()
def serve() -> None:
    """Govern's HTTP service: Odoo webhooks (POST /odoo/webhook/{token}) and the case API."""
    settings = _settings()
    if (
        settings.webhook_token is None
        and settings.api_token is None
        and (settings.slack_signing_secret is None)
    ):
        err.print(
            "[red]Set GOVERN_WEBHOOK_TOKEN and/or GOVERN_API_TOKEN first: without them "
            "every request would be refused.[/red]",
            highlight=False,
        )
        raise typer.Exit(EXIT_CONFIG)

    async def run() -> None:
        from governance.launch import commit_wait_schedule
        from starters.bootstrap import start_process
        from starters.http_api import create_app
        from starters.http_server import http_service
        from starters.intake import Intake
        from starters.lazy_client import LazyClient
        from starters.outbox import Outbox
        from workers.worker import stop_on_signals

        with stop_on_signals() as stop:
            process = start_process(settings)
            intake = Intake(
                Outbox(settings.data_dir / "intake.sqlite"),
                settings.task_queue,
                LazyClient(process.connect),
                commit_wait=commit_wait_schedule(settings.launch_commit_wait_seconds),
            )
            slack = None
            if settings.slack_signing_secret is not None and settings.slack_bot_token is not None:
                from governance.directory import load_people
                from starters.bootstrap import slack_client
                from starters.slack_app import create_slack_app, temporal_decide

                slack = create_slack_app(
                    settings.slack_signing_secret.get_secret_value(),
                    slack_client(settings),
                    load_people(settings.people_file),
                    temporal_decide(intake.client),
                    asyncio.get_running_loop(),
                )
            app = create_app(
                intake, intake.client, settings.webhook_token, settings.api_token, slack=slack
            )
            host, _, port = settings.http_bind.rpartition(":")
            async with http_service(app, host, int(port)):
                out.print(f"Govern HTTP service on http://{settings.http_bind} (docs at /docs)")
                await stop.wait()

    _run(run())


@app.command("slack-socket")
def slack_socket() -> None:
    """Slack approvals over Socket Mode, for firms without a public URL for Slack to call."""
    settings = _settings()
    missing = [
        name
        for name, value in (
            ("GOVERN_SLACK_APP_TOKEN", settings.slack_app_token),
            ("GOVERN_SLACK_BOT_TOKEN", settings.slack_bot_token),
            ("GOVERN_SLACK_SIGNING_SECRET", settings.slack_signing_secret),
        )
        if value is None
    ]
    if missing:
        err.print(f"[red]Socket Mode needs {', '.join(missing)}.[/red]", highlight=False)
        raise typer.Exit(EXIT_CONFIG)
    import threading

    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from governance.directory import load_people
    from starters.bootstrap import slack_client, start_process
    from starters.lazy_client import LazyClient
    from starters.slack_app import create_slack_app, temporal_decide

    process = start_process(settings)
    loop = asyncio.new_event_loop()  # Temporal calls run here; Bolt's listeners use threads
    threading.Thread(target=loop.run_forever, name="temporal", daemon=True).start()
    slack = create_slack_app(
        settings.slack_signing_secret.get_secret_value(),  # type: ignore[union-attr]
        slack_client(settings),
        load_people(settings.people_file),
        temporal_decide(LazyClient(process.connect)),
        loop,
    )
    out.print("Slack Socket Mode connected; Ctrl-C stops.")
    SocketModeHandler(slack, settings.slack_app_token.get_secret_value()).start()  # type: ignore[union-attr]


@app.command("odoo-sim")
def odoo_sim(
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8069,
    host: Annotated[
        str, typer.Option(help="Interface to bind (loopback by default).")
    ] = "127.0.0.1",
    data_file: Annotated[
        Path | None, typer.Option(help="SQLite file; the default keeps data in memory.")
    ] = None,
    webhook_url: Annotated[
        str | None, typer.Option(help="Send a webhook here when a sale order is confirmed.")
    ] = None,
) -> None:
    """Run the Odoo 17 simulator (database `govern`, login admin / admin), seeded."""
    from odoo_sim import OdooSim
    from runtime.logging import configure_logging

    configure_logging()

    async def serve() -> None:
        from workers.worker import stop_on_signals

        with stop_on_signals() as stop:
            sim = OdooSim(host=host, port=port, data_file=data_file).start()
            try:
                if webhook_url:
                    sim.add_webhook(
                        "sale.order",
                        webhook_url,
                        ["name", "state", "amount_total", "partner_id", "user_id"],
                        state="sale",
                    )
                out.print(
                    f"Odoo simulator on [bold]{sim.url}[/bold] (database govern, admin/admin)"
                )
                out.print(f"Call counters: {sim.url}/govern-sim/stats   (Ctrl-C stops)")
                await stop.wait()
            finally:
                sim.close()

    _run(serve())


@app.command()
def setup(
    retention_days: Annotated[int, typer.Option(min=1, help="For a new namespace.")] = 30,
) -> None:
    """Register Govern's namespace and search attributes on a Temporal cluster (idempotent)."""
    _settings()

    async def run() -> None:
        from runtime.temporal_client import connect_temporal, load_connect_config
        from starters.cluster_setup import setup_cluster

        namespace = load_connect_config()["namespace"]
        client = await connect_temporal()
        report = await setup_cluster(client, namespace, retention_days)
        from starters.schedules import ensure_billing_cycle_schedule, ensure_reconcile_schedule

        task_queue = load_settings().task_queue
        schedule = await ensure_reconcile_schedule(client, task_queue)
        billing = await ensure_billing_cycle_schedule(client, task_queue)
        created = "created" if report.namespace_created else "already there"
        out.print(f"Namespace {namespace!r}: {created}")
        out.print(f"Search attributes added: {', '.join(report.attributes_added) or 'none'}")
        out.print(f"Already registered: {', '.join(report.attributes_present) or 'none'}")
        out.print(f"Reconciliation schedule: {schedule}; billing-cycle schedule: {billing}")

    _run(run())


@app.command()
def doctor() -> None:
    """Check configuration, Temporal and Odoo; say what is wrong and how to fix it."""
    settings = _settings()
    from starters.doctor import Status, run_doctor

    checks = _run(run_doctor(settings))
    table = Table("check", "status", "detail", "fix", show_lines=False)
    colour = {Status.OK: "green", Status.WARN: "yellow", Status.FAIL: "red"}
    for check in checks:
        table.add_row(
            check.name, f"[{colour[check.status]}]{check.status}[/]", check.detail, check.fix
        )
    out.print(table)
    if any(c.status == Status.FAIL for c in checks):
        raise typer.Exit(1)


def main() -> None:
    """Console-script entry point.

    Exits with ``os._exit`` once the command is done: the Temporal SDK's native runtime keeps
    threads that can race the interpreter's own shutdown (seen as a rare SIGABRT after a
    short CLI command), and every command has already stopped what it started by then.
    """
    code = 0
    try:
        app(prog_name="govern")
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
