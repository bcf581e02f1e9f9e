"""Govern's HTTP service: Odoo webhooks, the case API for n8n and other middleware."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Header, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, SecretStr
from temporalio.client import Client, WorkflowQueryFailedError, WorkflowUpdateFailedError
from temporalio.service import RPCError, RPCStatusCode

from governance.approval_case import DecisionInput, DecisionResult
from governance.billing import BillingRequest
from governance.change_request import ChangeRequestInput
from runtime.logging import get_logger
from starters.intake import LIFECYCLE_BY_MODEL, Intake
from workflows.approval import ApprovalWorkflow
from workflows.billing_readiness import billing_workflow_id
from workflows.change_request import change_request_workflow_id
from workflows.project_launch import launch_workflow_id

log = get_logger(__name__)
# The API waits this long for Temporal, then answers "queued" (delivery goes on).
DELIVER_NOW_SECONDS = 0.25


class WebhookAccepted(BaseModel):
    status: Literal["accepted", "duplicate"]
    event_id: int
    case_id: str
    outcome: str = Field(description="'queued': durable, on its way to Temporal; or 'duplicate'")


class CaseStart(BaseModel):
    lifecycle: Literal["project_launch"]
    odoo_model: Literal["sale.order"]
    odoo_id: int = Field(gt=0, lt=2**31)


class CaseStarted(BaseModel):
    case_id: str
    outcome: str


class Problem(BaseModel):
    detail: str


def _case_for(model: str, record_id: int, body: dict[str, Any]) -> str:
    if model == "project.task" and isinstance(body.get("project_id"), int):
        return change_request_workflow_id(body["project_id"], f"task-{record_id}")
    return launch_workflow_id(record_id)


def _secret_matches(given: str, expected: SecretStr | None) -> bool:
    if expected is None or not expected.get_secret_value():
        return False
    return hmac.compare_digest(given.encode(), expected.get_secret_value().encode())


def create_app(
    intake: Intake,
    client: Callable[[], Awaitable[Client]],
    webhook_token: SecretStr | None,
    api_token: SecretStr | None,
    drain: bool = True,
    slack: Any = None,
) -> FastAPI:
    """The FastAPI app; ``intake`` owns the durable outbox and delivery to Temporal."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        stop = asyncio.Event()
        drainer = asyncio.create_task(intake.drain_forever(stop)) if drain else None
        yield
        stop.set()
        if drainer:
            await drainer

    app = FastAPI(
        title="Govern",
        version="0.1.0",
        description="Start and decide governed lifecycles; receive Odoo's webhooks.",
        lifespan=lifespan,
    )

    def bearer(authorization: Annotated[str | None, Header()] = None) -> None:
        token = (authorization or "").removeprefix("Bearer ").strip()
        if (
            not authorization
            or not authorization.startswith("Bearer ")
            or not _secret_matches(token, api_token)
        ):
            raise HTTPException(401, "missing or wrong bearer token")

    @app.get("/healthz")
    async def healthz() -> dict[str, Any]:
        return {"status": "ok", "pending_events": intake.outbox.pending_count()}

    @app.post(
        "/odoo/webhook/{token}",
        response_model=WebhookAccepted,
        responses={400: {"model": Problem}, 401: {"model": Problem}, 422: {"model": Problem}},
    )
    async def odoo_webhook(token: str, request: Request) -> WebhookAccepted:
        """Exactly what Odoo 17's "Send Webhook Notification" posts (the secret is in the URL)."""
        if not _secret_matches(token, webhook_token):
            raise HTTPException(401, "unknown webhook token")
        raw = await request.body()
        try:
            body = json.loads(raw)
        except ValueError:
            raise HTTPException(400, "the body is not JSON") from None
        if not isinstance(body, dict):
            raise HTTPException(400, "the body must be a JSON object")
        model, record_id = body.get("_model"), body.get("_id", body.get("id"))
        if (
            not isinstance(model, str)
            or not isinstance(record_id, int)
            or isinstance(record_id, bool)
            or record_id <= 0
        ):
            raise HTTPException(400, "expected Odoo's _model and a positive integer _id")
        if model not in LIFECYCLE_BY_MODEL:
            raise HTTPException(422, f"no lifecycle is driven by {model!r} events")
        key = "odoo:" + hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
        event_id, new = intake.outbox.add(key, "odoo_webhook", body)
        # Odoo waits for this answer inside its transaction and gives up after 1 s: answer
        # once the event is durable, and deliver it to Temporal in the background.
        if new:
            intake.deliver_soon(event_id)
        return WebhookAccepted(
            status="accepted" if new else "duplicate",
            event_id=event_id,
            case_id=_case_for(model, record_id, body),
            outcome="queued" if new else "duplicate",
        )

    @app.post(
        "/api/v1/cases",
        response_model=CaseStarted,
        status_code=201,
        dependencies=[Depends(bearer)],
        responses={401: {"model": Problem}},
    )
    async def start_case(
        start: CaseStart,
        idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
    ) -> CaseStarted:
        """Start a lifecycle for an Odoo record; the same record never gets a second case."""
        return await _start_from_api(
            "api_start",
            f"api:{start.lifecycle}:{start.odoo_model}:{start.odoo_id}",
            start,
            launch_workflow_id(start.odoo_id),
            idempotency_key,
        )

    async def _start_from_api(
        kind: str, key: str, payload: BaseModel, case_id: str, idempotency_key: str | None
    ) -> CaseStarted:
        if idempotency_key and (known := intake.outbox.recall(f"api:{idempotency_key}")):
            return CaseStarted(**known)
        event_id, _ = intake.outbox.add(key, kind, payload.model_dump(mode="json"))
        outcome = await intake.try_now(event_id, DELIVER_NOW_SECONDS)
        started = CaseStarted(case_id=case_id, outcome=outcome or "queued")
        if idempotency_key:
            return CaseStarted(
                **intake.outbox.remember(f"api:{idempotency_key}", started.model_dump())
            )
        return started

    @app.post(
        "/api/v1/change-requests",
        response_model=CaseStarted,
        status_code=201,
        dependencies=[Depends(bearer)],
        responses={401: {"model": Problem}},
    )
    async def start_change_request(
        change: ChangeRequestInput,
        idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
    ) -> CaseStarted:
        """Propose a change on a project (routed by policy, applied once approved)."""
        case_id = change_request_workflow_id(change.project_id, change.request_key)
        return await _start_from_api(
            "api_change_request", f"api:{case_id}", change, case_id, idempotency_key
        )

    @app.post(
        "/api/v1/billing-checks",
        response_model=CaseStarted,
        status_code=201,
        dependencies=[Depends(bearer)],
        responses={401: {"model": Problem}},
    )
    async def start_billing_check(
        billing: BillingRequest,
        idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
    ) -> CaseStarted:
        """Check an order's billing period; exceptions go to finance; then a draft invoice."""
        case_id = billing_workflow_id(billing.order_id, billing.period)
        return await _start_from_api(
            "api_billing", f"api:{case_id}", billing, case_id, idempotency_key
        )

    @app.get(
        "/api/v1/cases/{case_id:path}/status",
        dependencies=[Depends(bearer)],
        responses={401: {"model": Problem}, 404: {"model": Problem}},
    )
    async def case_status(case_id: str) -> dict[str, Any]:
        """The case's status query (a launch or an approval)."""
        handle = (await client()).get_workflow_handle(case_id)
        try:
            status = await handle.query("status")  # every lifecycle answers this query
        except RPCError as error:
            if error.status == RPCStatusCode.NOT_FOUND:
                raise HTTPException(404, f"no case {case_id!r}") from None
            raise HTTPException(503, f"Temporal: {error.message}") from None
        except WorkflowQueryFailedError as error:  # e.g. an approval still being planned
            raise HTTPException(409, str(error)) from None
        return dict(status)

    @app.post(
        "/api/v1/cases/{case_id:path}/decisions",
        response_model=DecisionResult,
        dependencies=[Depends(bearer)],
        responses={401: {"model": Problem}, 404: {"model": Problem}, 409: {"model": Problem}},
    )
    async def decide(case_id: str, decision: DecisionInput) -> DecisionResult:
        """Approve, reject, request changes, delegate, comment or withdraw, as ``actor``."""
        handle = (await client()).get_workflow_handle(case_id)
        try:
            return await handle.execute_update(ApprovalWorkflow.decide, decision)
        except WorkflowUpdateFailedError as error:
            raise HTTPException(
                409, str(error.cause or error).removeprefix("ValueError: ")
            ) from None
        except RPCError as error:
            if error.status == RPCStatusCode.NOT_FOUND:
                raise HTTPException(404, f"no open approval {case_id!r}") from None
            raise HTTPException(503, f"Temporal: {error.message}") from None

    if slack is not None:
        from slack_bolt.adapter.starlette import SlackRequestHandler

        slack_handler = SlackRequestHandler(slack)

        @app.post("/slack/events", include_in_schema=False)
        async def slack_events(request: Request) -> Any:
            """Slack interactivity (buttons, modals); Bolt checks the signature and acks."""
            return await slack_handler.handle(request)

    @app.exception_handler(HTTPException)
    async def problem(_: Request, error: HTTPException) -> JSONResponse:
        return JSONResponse({"detail": error.detail}, status_code=error.status_code)

    return app
