"""CLI commands for people: start cases, see what waits for you, decide, inspect, find stuck.

Output follows the ``temporal`` CLI's habits: a table by default, ``-o json`` for scripts.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.service import RPCError, RPCStatusCode

from governance import search_attributes as sa
from governance.approval_case import Action, DecisionInput
from runtime.settings import ConfigurationError, load_settings
from runtime.temporal_client import connect_temporal
from workflows.approval import ApprovalWorkflow
from workflows.project_launch import launch_workflow_id

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


class Output(StrEnum):
    TABLE = "table"
    JSON = "json"


OutputOption = Annotated[Output, typer.Option("--output", "-o", help="table or json")]
AsOption = Annotated[str, typer.Option("--as", help="Your directory id, e.g. p-ines.")]
CommentOption = Annotated[str, typer.Option("--comment", "-m", help="Why.")]

launch_app = typer.Typer(help="Project launches.", no_args_is_help=True)
approvals_app = typer.Typer(
    help="Approvals waiting for people, and deciding them.", no_args_is_help=True
)
case_app = typer.Typer(help="Inspect one case.", no_args_is_help=True)
cases_app = typer.Typer(help="Find cases.", no_args_is_help=True)


def _run(coroutine: Any) -> Any:
    try:
        return asyncio.run(coroutine)
    except ConfigurationError as error:
        err.print(f"[red]{error}[/red]", highlight=False)
        raise typer.Exit(2) from None
    except (RPCError, TimeoutError, OSError, RuntimeError) as error:
        err.print(
            f"[red]Temporal: {error or type(error).__name__}[/red]  (is it running? "
            "`govern doctor` checks)",
            highlight=False,
        )
        raise typer.Exit(1) from None


async def _client() -> Client:
    load_settings()
    return await asyncio.wait_for(connect_temporal(), 5)


def _emit(
    rows: list[dict[str, Any]], output: Output, columns: list[str], title: str | None = None
) -> None:
    if output == Output.JSON:
        out.print_json(json.dumps(rows, default=str))
        return
    table = Table(*columns, title=title)
    for row in rows:
        table.add_row(*(str(row.get(c, "")) for c in columns))
    out.print(table)


@launch_app.command("start")
def launch_start(order_id: int, output: OutputOption = Output.TABLE) -> None:
    """Start the governed launch of a confirmed sale order (a no-op if it exists)."""
    from governance.launch import LaunchRequest, commit_wait_schedule
    from workflows.project_launch import ProjectLaunchWorkflow

    request = LaunchRequest(
        order_id=order_id,
        source="cli",
        commit_wait=commit_wait_schedule(load_settings().launch_commit_wait_seconds),
    )
    row = _run(_start_case(ProjectLaunchWorkflow.run, request, launch_workflow_id(order_id)))
    _emit([row], output, ["case", "outcome"])


@approvals_app.command("pending")
def pending(person: AsOption, output: OutputOption = Output.TABLE) -> None:
    """Approvals waiting for you."""

    async def run() -> list[dict[str, Any]]:
        return await _list_cases(
            f"WorkflowType = 'ApprovalWorkflow' AND ExecutionStatus = 'Running' "
            f"AND {sa.PENDING_APPROVERS.name} = '{_safe(person)}'"
        )

    _emit(
        _run(run()),
        output,
        ["case", "state", "amount", "unit", "sla_breached", "since"],
        title=f"Waiting for {person}",
    )


async def _list_cases(query: str) -> list[dict[str, Any]]:
    """Cases matching a visibility query, with Govern's search attributes as columns."""
    client = await _client()
    rows = []
    async for execution in client.list_workflows(query):
        attributes = execution.typed_search_attributes
        rows.append(
            {
                "case": execution.id,
                "lifecycle": attributes.get(sa.LIFECYCLE),
                "state": attributes.get(sa.STATE),
                "amount": attributes.get(sa.AMOUNT_AT_STAKE),
                "unit": attributes.get(sa.BUSINESS_UNIT),
                "pending": ",".join(attributes.get(sa.PENDING_APPROVERS) or []),
                "sla_breached": attributes.get(sa.SLA_BREACHED),
                "since": execution.start_time,
            }
        )
    return rows


def _safe(value: str) -> str:
    if not all(c.isalnum() or c in "-_.:@/" for c in value):
        raise typer.BadParameter(f"{value!r} is not a directory id")
    return value


def _decide(
    case: str,
    person: str,
    action: Action,
    comment: str,
    output: Output,
    delegate_to: str | None = None,
) -> None:
    async def run() -> dict[str, Any]:
        client = await _client()
        decision = DecisionInput(
            decision_id=f"cli-{uuid.uuid4().hex}",
            actor=person,
            action=action,
            comment=comment,
            delegate_to=delegate_to,
            via="cli",
        )
        try:
            result = await client.get_workflow_handle(case).execute_update(
                ApprovalWorkflow.decide, decision
            )
        except WorkflowUpdateFailedError as error:
            reason = str(error.cause or error).removeprefix("ValueError: ")
            err.print(f"[red]Refused:[/red] {reason}", highlight=False)
            raise typer.Exit(1) from None
        except RPCError as error:
            if error.status == RPCStatusCode.NOT_FOUND:
                err.print(
                    f"[red]No open approval {case!r}[/red] (it may be decided already: "
                    f"`govern case show {case}`)",
                    highlight=False,
                )
                raise typer.Exit(1) from None
            raise
        return result.model_dump(mode="json")

    _emit([_run(run())], output, ["decision_id", "accepted", "message", "outcome", "stage"])


@approvals_app.command("approve")
def approve(
    case: str, person: AsOption, comment: CommentOption = "", output: OutputOption = Output.TABLE
) -> None:
    """Approve the current stage of CASE."""
    _decide(case, person, Action.APPROVE, comment, output)


@approvals_app.command("reject")
def reject(
    case: str, person: AsOption, comment: CommentOption = "", output: OutputOption = Output.TABLE
) -> None:
    """Reject CASE (ends it)."""
    _decide(case, person, Action.REJECT, comment, output)


@approvals_app.command("request-changes")
def request_changes(
    case: str, person: AsOption, comment: CommentOption = "", output: OutputOption = Output.TABLE
) -> None:
    """Send CASE back to its requester for changes."""
    _decide(case, person, Action.REQUEST_CHANGES, comment, output)


@approvals_app.command("delegate")
def delegate(
    case: str,
    person: AsOption,
    to: Annotated[str, typer.Option(help="Delegate's id.")],
    comment: CommentOption = "",
    output: OutputOption = Output.TABLE,
) -> None:
    """Hand your step of CASE to someone else (recorded as acting for you)."""
    _decide(case, person, Action.DELEGATE, comment, output, delegate_to=to)


@case_app.command("show")
def show(case: str, output: OutputOption = Output.TABLE) -> None:
    """Stages, who is pending, due times and history of a case."""

    async def run() -> dict[str, Any]:
        client = await _client()
        try:
            return dict(await client.get_workflow_handle(case).query("status"))
        except RPCError as error:
            if error.status == RPCStatusCode.NOT_FOUND:
                err.print(f"[red]No case {case!r}[/red]", highlight=False)
                raise typer.Exit(1) from None
            raise

    status = _run(run())
    if output == Output.JSON:
        out.print_json(json.dumps(status, default=str))
    elif isinstance(status.get("state"), dict):
        _show_approval(case, status)
    elif "controls" in status:
        _show_launch(case, status)
    else:
        _show_lifecycle(case, status)


def _show_approval(case: str, status: dict[str, Any]) -> None:
    state = status["state"]
    out.print(
        f"[bold]{state['title']}[/bold]  ({case})  outcome: [bold]{state['outcome']}[/bold]  "
        f"policy {state['plan']['policy_version']}"
    )
    stages = Table("stage", "status", "mode", "seats", "started")
    for stage in state["stages"]:
        seats = ", ".join(
            f"{s['person']}{'(for ' + s['acting_for'] + ')' if s['acting_for'] else ''}"
            f"={s['decision'] or 'pending'}"
            for s in stage["seats"]
        )
        stages.add_row(
            stage["name"], stage["status"], stage["mode"], seats, str(stage["started_at"] or "")
        )
    out.print(stages)
    out.print(
        f"pending: {', '.join(status['pending_approvers']) or 'nobody'};  "
        f"next deadline: {status['next_deadline'] or 'none'}"
    )
    history = Table("at", "event", "stage", "actor", "detail")
    for event in state["audit"]:
        actor = event["actor"] or ""
        if event.get("acting_for"):
            actor += f" (for {event['acting_for']})"
        history.add_row(
            str(event["at"])[:19], event["kind"], event["stage"] or "", actor, event["detail"]
        )
    out.print(history)


def _show_launch(case: str, status: dict[str, Any]) -> None:
    out.print(
        f"[bold]Launch of {status.get('order_name') or status['order_id']}[/bold] ({case})  "
        f"state: [bold]{status['state']}[/bold]  project: {status.get('project_id')}"
    )
    controls = Table("control", "ok", "evidence")
    for control in status.get("controls", []):
        controls.add_row(
            control["name"], "yes" if control["passed"] else "[red]NO[/red]", control["evidence"]
        )
    out.print(controls)
    approvals = Table("approval", "outcome", "case")
    for approval in status.get("approvals", []):
        approvals.add_row(approval["step"], approval["outcome"], approval["workflow_id"])
    out.print(approvals)
    for line in status.get("history", []):
        out.print(f"  {line}", highlight=False)


def _show_lifecycle(case: str, status: dict[str, Any]) -> None:
    """Change requests and billing: state, the headline facts, then the history."""
    out.print(f"[bold]{case}[/bold]  state: [bold]{status.get('state')}[/bold]")
    for key in ("impact", "assessment", "invoice", "applied", "waived", "approval_id"):
        if status.get(key):
            out.print(f"  {key}: {json.dumps(status[key], default=str)[:400]}", highlight=False)
    for line in status.get("history", []):
        out.print(f"  {line}", highlight=False)


@cases_app.command("stuck")
def stuck(
    older_than_hours: Annotated[float, typer.Option(help="Open longer than this.")] = 24.0,
    output: OutputOption = Output.TABLE,
) -> None:
    """Open cases past an SLA, or open longer than --older-than-hours."""

    async def run() -> list[dict[str, Any]]:
        since = (datetime.now(UTC) - timedelta(hours=older_than_hours)).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )
        return await _list_cases(
            f"ExecutionStatus = 'Running' AND {sa.LIFECYCLE.name} IS NOT NULL AND "
            f"({sa.SLA_BREACHED.name} = true OR StartTime < '{since}')"
        )

    _emit(
        _run(run()),
        output,
        ["case", "lifecycle", "state", "pending", "sla_breached", "since"],
        title="Stuck cases",
    )


change_app = typer.Typer(help="Change requests.", no_args_is_help=True)
billing_app = typer.Typer(help="Billing readiness.", no_args_is_help=True)
timesheets_app = typer.Typer(
    help="Timesheet period approvals (Govern's own, on Community).", no_args_is_help=True
)
PeriodOption = Annotated[str, typer.Option(help="Billing period, YYYY-MM.")]


async def _start_case(workflow_run: Any, argument: Any, case_id: str) -> dict[str, Any]:
    from temporalio.common import WorkflowIDReusePolicy
    from temporalio.exceptions import WorkflowAlreadyStartedError

    settings = load_settings()
    client = await _client()
    try:
        await client.start_workflow(
            workflow_run,
            argument,
            id=case_id,
            task_queue=settings.task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        )
    except WorkflowAlreadyStartedError:
        return {"case": case_id, "outcome": "exists already"}
    return {"case": case_id, "outcome": "started"}


@change_app.command("start")
def change_start(
    project_id: int,
    person: AsOption,
    key: Annotated[str, typer.Option(help="Names the request (an Odoo task, a ticket).")],
    description: Annotated[str, typer.Option("--description", "-d")],
    hours: Annotated[float, typer.Option(help="Hours added (negative: removed).")] = 0.0,
    amount: Annotated[float, typer.Option(help="Amount added to the order.")] = 0.0,
    cost: Annotated[float, typer.Option(help="Cost added.")] = 0.0,
    customer: Annotated[bool, typer.Option(help="The customer must sign off.")] = False,
    output: OutputOption = Output.TABLE,
) -> None:
    """Propose a change on a project; policy routes it, approval applies it to Odoo once."""
    from governance.change_request import ChangeRequestInput
    from workflows.change_request import ChangeRequestWorkflow, change_request_workflow_id

    request = ChangeRequestInput(
        project_id=project_id,
        request_key=key,
        description=description,
        hours_delta=hours,
        amount_delta=amount,
        cost_delta=cost,
        customer_approval_required=customer,
        requested_by=person,
    )
    row = _run(
        _start_case(ChangeRequestWorkflow.run, request, change_request_workflow_id(project_id, key))
    )
    _emit([row], output, ["case", "outcome"])


@billing_app.command("check")
def billing_check(order_id: int, period: PeriodOption, output: OutputOption = Output.TABLE) -> None:
    """Check an order's period for invoicing; exceptions go to finance; then a draft invoice."""
    from governance.billing import BillingRequest
    from workflows.billing_readiness import BillingReadinessWorkflow, billing_workflow_id

    row = _run(
        _start_case(
            BillingReadinessWorkflow.run,
            BillingRequest(order_id=order_id, period=period),
            billing_workflow_id(order_id, period),
        )
    )
    _emit([row], output, ["case", "outcome"])


@timesheets_app.command("approve-period")
def approve_period(
    project_id: int, period: PeriodOption, person: AsOption, output: OutputOption = Output.TABLE
) -> None:
    """Ask for the approval of a project's time in a period (the record billing checks)."""
    from governance.approval_messages import ApprovalRequest, OdooRef
    from governance.billing import timesheet_approval_key
    from governance.facts import CaseFacts, Parties

    key = timesheet_approval_key(project_id, period)
    request = ApprovalRequest(
        case_key=key,
        lifecycle="timesheets",
        step="period_approval",
        title=f"Time of project {project_id} in {period}",
        facts=CaseFacts(),
        parties=Parties(requester=person),
        odoo=OdooRef(model="project.project", id=project_id),
    )
    _emit([_run(_start_case(ApprovalWorkflow.run, request, key))], output, ["case", "outcome"])
