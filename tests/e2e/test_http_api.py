"""The HTTP service as Odoo and n8n use it: refusals first, then the case API."""

from __future__ import annotations

from pathlib import Path

from temporalio.client import Client

from governance.approval_case import Action
from tests.e2e.service_stack import service_stack, wait_for
from workflows.project_launch import ProjectLaunchWorkflow, launch_workflow_id

ODOO_BODY = {
    "_action": "Send Webhook Notification(#452)",
    "_model": "sale.order",
    "state": "sale",
    "amount_total": 100.0,
    "name": "S09999",
    "partner_id": 14,
    "user_id": 2,
}


async def test_bad_webhooks_are_refused_and_start_nothing(
    dev_client: Client, tmp_path: Path
) -> None:
    async with service_stack(dev_client, tmp_path) as svc:
        body = {**ODOO_BODY, "_id": 424242, "id": 424242}
        async with await svc.http() as http:
            forged = await http.post("/odoo/webhook/not-the-token", json=body)
            broken = await http.post(
                f"/odoo/webhook/{svc.token}",
                content=b"{not json",
                headers={"Content-Type": "application/json"},
            )
            no_id = await http.post(f"/odoo/webhook/{svc.token}", json={"_model": "sale.order"})
            listy = await http.post(f"/odoo/webhook/{svc.token}", json=[1, 2])
            unknown = await http.post(
                f"/odoo/webhook/{svc.token}", json={**body, "_model": "hr.leave"}
            )
        assert (forged.status_code, forged.json()["detail"]) == (401, "unknown webhook token")
        assert broken.status_code == 400 and "not JSON" in broken.json()["detail"]
        assert no_id.status_code == 400 and "_id" in no_id.json()["detail"]
        assert listy.status_code == 400
        assert unknown.status_code == 422 and "hr.leave" in unknown.json()["detail"]
        assert svc.outbox.pending_count() == 0
        try:
            await dev_client.get_workflow_handle(launch_workflow_id(424242)).describe()
            started = True
        except Exception:
            started = False
        assert not started


async def test_case_api_for_middleware(dev_client: Client, tmp_path: Path) -> None:
    async with service_stack(dev_client, tmp_path, webhook=False) as svc:
        stack = svc.launch
        order = stack.create_order()
        stack.confirm(order)  # this Odoo has no webhook rule: n8n starts the case
        auth = {"Authorization": f"Bearer {svc.api_token}"}
        start = {"lifecycle": "project_launch", "odoo_model": "sale.order", "odoo_id": order}
        async with await svc.http() as http:
            anonymous = await http.post("/api/v1/cases", json=start)
            first = await http.post(
                "/api/v1/cases", json=start, headers={**auth, "Idempotency-Key": "n8n-run-77"}
            )
            again = await http.post(
                "/api/v1/cases", json=start, headers={**auth, "Idempotency-Key": "n8n-run-77"}
            )
            assert anonymous.status_code == 401
            assert first.status_code == 201 and first.json()["case_id"] == launch_workflow_id(order)
            assert again.json() == first.json()

            async def child_pending() -> str | None:
                status = await dev_client.get_workflow_handle(launch_workflow_id(order)).query(
                    ProjectLaunchWorkflow.status
                )
                pending = [a for a in status.approvals if a.step == "delivery_review"]
                return pending[0].workflow_id if pending else None

            child = await wait_for(child_pending)

            async def answered():  # type: ignore[no-untyped-def]
                shown = await http.get(f"/api/v1/cases/{child}/status", headers=auth)
                return shown if shown.status_code == 200 else None  # 409 while still planning

            shown = await wait_for(answered)
            assert shown.json()["pending_approvers"] == ["p-dario"]
            decision = {"decision_id": "n8n-1", "actor": "p-marc", "action": Action.APPROVE.value}
            refused = await http.post(
                f"/api/v1/cases/{child}/decisions", json=decision, headers=auth
            )
            assert refused.status_code == 409
            assert "not an approver" in refused.json()["detail"]
            accepted = await http.post(
                f"/api/v1/cases/{child}/decisions",
                json={**decision, "actor": "p-dario"},
                headers=auth,
            )
            assert accepted.status_code == 200, accepted.text
            assert accepted.json()["accepted"] is True
            missing = await http.get("/api/v1/cases/no-such-case/status", headers=auth)
            assert missing.status_code == 404


async def test_change_requests_and_billing_checks_from_middleware(
    dev_client: Client, tmp_path: Path
) -> None:
    async with service_stack(dev_client, tmp_path, webhook=False) as svc:
        stack = svc.launch
        order = stack.create_order()
        stack.confirm(order)
        [row] = stack.odoo.execute_kw("sale.order", "read", [[order]], {"fields": ["project_ids"]})
        project = row["project_ids"][0]
        auth = {"Authorization": f"Bearer {svc.api_token}"}
        change = {
            "project_id": project,
            "request_key": "n8n-42",
            "description": "extra workshop",
            "hours_delta": 2,
            "amount_delta": 180,
            "cost_delta": 110,
            "requested_by": "p-marc",
        }
        async with await svc.http() as http:
            started = await http.post("/api/v1/change-requests", json=change, headers=auth)
            assert started.status_code == 201, started.text
            case = started.json()["case_id"]
            assert case == f"change-request:project.project:{project}:n8n-42"
            bad = await http.post(
                "/api/v1/change-requests", json={**change, "requested_by": "Bob!"}, headers=auth
            )
            assert bad.status_code == 422

            async def applied():  # type: ignore[no-untyped-def]
                shown = await http.get(f"/api/v1/cases/{case}/status", headers=auth)
                return (
                    shown.json()
                    if shown.status_code == 200 and shown.json()["state"] == "applied"
                    else None
                )

            assert (await wait_for(applied))["applied"]["allocated_hours"] == 2.0
            check = await http.post(
                "/api/v1/billing-checks",
                json={"order_id": order, "period": "2026-12"},
                headers=auth,
            )
            assert check.status_code == 201
            bill = check.json()["case_id"]

            async def concluded():  # type: ignore[no-untyped-def]
                shown = await http.get(f"/api/v1/cases/{bill}/status", headers=auth)
                return (
                    shown.json()
                    if shown.status_code == 200
                    and shown.json()["state"] in ("nothing_to_invoice", "invoiced")
                    else None
                )

            assert (await wait_for(concluded))["state"] == "nothing_to_invoice"
            wrong_period = await http.post(
                "/api/v1/billing-checks",
                json={"order_id": order, "period": "2026-13"},
                headers=auth,
            )
            assert wrong_period.status_code == 422


async def test_an_undeliverable_event_is_closed_with_its_reason_and_holds_up_nothing(
    dev_client: Client, tmp_path: Path
) -> None:
    async with service_stack(dev_client, tmp_path, webhook=False) as svc:
        # An outbox row no lifecycle can take (e.g. written by an older release).
        poison, _ = svc.outbox.add("legacy:1", "api_change_request", {"project_id": "x"})
        order = svc.launch.create_order()
        svc.launch.confirm(order)
        good, _ = svc.outbox.add(f"api:{order}", "api_start", {"odoo_id": order})
        intake_drained = await wait_for(lambda: _drained(svc))
        assert intake_drained
        rows = dict(svc.outbox._db.execute("SELECT id, outcome FROM events").fetchall())
        assert rows[poison].startswith("rejected: ValidationError")
        assert rows[good] == "started"


async def _drained(svc) -> bool:  # type: ignore[no-untyped-def]
    return svc.outbox.pending_count() == 0
