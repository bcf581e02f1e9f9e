"""Billing-readiness activities: the period's evidence from Odoo, and the draft invoice
through Odoo's own invoicing wizard, exactly once."""

from __future__ import annotations

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.errors import odoo_failures
from governance.billing import (
    BillingAssessment,
    BillingCheck,
    BillingRequest,
    CheckName,
    InvoiceRequest,
    InvoiceResult,
    period_bounds,
    timesheet_approval_key,
)
from governance.launch import BUSINESS_UNIT_BY_TEAM, TIER_BY_TAG
from governance.policy import BillingRules
from integrations.odoo import OdooGateway, OdooUserError

APPROVED_EXPENSE_STATES = ("approved", "done")


class BillingActivities:
    def __init__(self, odoo: OdooGateway) -> None:
        self._odoo = odoo

    @activity.defn
    @odoo_failures
    def assess_billing(self, request: BillingRequest, rules: BillingRules) -> BillingAssessment:
        odoo = self._odoo
        start, end = period_bounds(request.period)
        rows = odoo.read(
            "sale.order",
            [request.order_id],
            [
                "name",
                "state",
                "client_order_ref",
                "partner_id",
                "order_line",
                "project_ids",
                "amount_untaxed",
                "team_id",
            ],
        )
        if not rows:
            raise ApplicationError(
                f"sale order {request.order_id} does not exist in Odoo",
                type="UnknownRecord",
                non_retryable=True,
            )
        order = rows[0]
        marker = f"[govern:billing-readiness:sale.order:{request.order_id}:{request.period}]"
        existing = odoo.search("account.move", [("ref", "=", marker)], limit=1)
        lines = odoo.read(
            "sale.order.line",
            order["order_line"],
            ["name", "qty_to_invoice", "qty_invoiced", "price_unit", "discount"],
        )
        billable = [
            (li, li["qty_to_invoice"] * li["price_unit"] * (1 - (li["discount"] or 0) / 100))
            for li in lines
            if li["qty_to_invoice"] > 0
        ]
        invoiced = sum(
            li["qty_invoiced"] * li["price_unit"] * (1 - (li["discount"] or 0) / 100)
            for li in lines
        )
        partner = odoo.read("res.partner", [order["partner_id"][0]], ["name", "category_id"])[0]
        tags = (
            odoo.read("res.partner.category", partner["category_id"], ["name"])
            if partner["category_id"]
            else []
        )
        tier = next((TIER_BY_TAG[t["name"]] for t in tags if t["name"] in TIER_BY_TAG), "standard")
        projects = order["project_ids"]
        checks = [self._time_check(projects, request.period, start, end)]
        pending_expenses = odoo.search_read(
            "hr.expense",
            [
                ("sale_order_id", "=", request.order_id),
                ("date", ">=", start),
                ("date", "<=", end),
                ("state", "not in", list(APPROVED_EXPENSE_STATES)),
            ],
            ["name", "state"],
        )
        checks.append(
            BillingCheck(
                name=CheckName.EXPENSES_APPROVED,
                passed=not pending_expenses,
                evidence=f"{len(pending_expenses)} expense(s) of the period not approved"
                + (
                    f": {', '.join(e['name'] for e in pending_expenses[:5])}"
                    if pending_expenses
                    else ""
                ),
            )
        )
        late = (
            odoo.search_read(
                "project.milestone",
                [
                    ("project_id", "in", projects),
                    ("deadline", "<=", end),
                    ("is_reached", "=", False),
                ],
                ["name"],
            )
            if projects
            else []
        )
        checks.append(
            BillingCheck(
                name=CheckName.MILESTONES_REACHED,
                passed=not late,
                evidence=f"{len(late)} milestone(s) due by {end} not reached"
                + (f": {', '.join(m['name'] for m in late[:5])}" if late else ""),
            )
        )
        needs_po = tier in rules.po_required_tiers
        checks.append(
            BillingCheck(
                name=CheckName.PO_NUMBER,
                passed=not needs_po or bool(order["client_order_ref"]),
                evidence=f"{tier} customer; PO number: {order['client_order_ref'] or 'none'}"
                + (" (required)" if needs_po else ""),
            )
        )
        amount = round(sum(value for _, value in billable), 2)
        cap = float(order["amount_untaxed"]) * rules.cap_pct_of_order / 100
        checks.append(
            BillingCheck(
                name=CheckName.CAP,
                passed=invoiced + amount <= cap + 0.005,
                evidence=f"invoiced {invoiced:,.2f} + now {amount:,.2f} vs cap {cap:,.2f} "
                f"({rules.cap_pct_of_order:g} % of the order)",
            )
        )
        return BillingAssessment(
            order_id=request.order_id,
            order_name=order["name"],
            customer=partner["name"],
            business_unit=BUSINESS_UNIT_BY_TEAM.get(
                order["team_id"][1] if order["team_id"] else "", "consulting"
            ),
            billable_amount=amount,
            billable_lines=[li["name"] for li, _ in billable],
            checks=checks,
            existing_invoice_id=existing[0] if existing else None,
        )

    def _time_check(self, projects: list[int], period: str, start: str, end: str) -> BillingCheck:
        if not projects:
            return BillingCheck(name=CheckName.TIME_APPROVED, passed=True, evidence="no project")
        hours = self._odoo.search_read(
            "account.analytic.line",
            [("project_id", "in", projects), ("date", ">=", start), ("date", "<=", end)],
            ["unit_amount", "project_id"],
        )
        logged = {
            p: sum(h["unit_amount"] for h in hours if h["project_id"] and h["project_id"][0] == p)
            for p in projects
        }
        missing = []
        for project, total in logged.items():
            if total <= 0:
                continue
            key = timesheet_approval_key(project, period)
            approved = self._odoo.search(
                "mail.message",
                [
                    ("model", "=", "project.project"),
                    ("res_id", "=", project),
                    ("body", "ilike", f"[govern:{key}/"),
                    ("body", "ilike", "every stage approved"),
                ],
                limit=1,
            )
            if not approved:
                missing.append(f"project {project}: {total:g} h")
        total_hours = sum(logged.values())
        return BillingCheck(
            name=CheckName.TIME_APPROVED,
            passed=not missing,
            evidence=f"{total_hours:g} h logged in {period}; "
            + (f"not approved: {'; '.join(missing)}" if missing else "approved"),
        )

    @activity.defn
    @odoo_failures
    def orders_to_invoice(self, limit: int) -> list[int]:
        """Confirmed orders Odoo says have something to invoice (one batched read)."""
        rows = self._odoo.search_read(
            "sale.order",
            [
                ("state", "in", list(self._odoo.dialect().sale_order_confirmed_states)),
                ("invoice_status", "=", "to invoice"),
            ],
            ["id"],
            limit=limit,
            order="id",
        )
        return [row["id"] for row in rows]

    @activity.defn
    @odoo_failures
    def create_draft_invoice(self, request: InvoiceRequest) -> InvoiceResult:
        """The draft invoice through Odoo's wizard, once: tagged with the case's reference.

        A retry after a crash between the wizard and the tag finds the untagged draft the
        first attempt made (the wizard then has nothing left to invoice) and adopts it.
        """
        odoo = self._odoo
        marker = f"[govern:{request.ref}]"
        found = odoo.search("account.move", [("ref", "=", marker)], limit=1)
        if found:
            return self._describe(found[0])
        context = {
            "active_model": "sale.order",
            "active_ids": [request.order_id],
            "active_id": request.order_id,
        }
        wizard = odoo.execute_kw(
            "sale.advance.payment.inv",
            "create",
            [{"advance_payment_method": "delivered"}],
            {"context": context},
        )
        try:
            action = odoo.execute_kw(
                "sale.advance.payment.inv", "create_invoices", [[wizard]], {"context": context}
            )
            move_id = int(action["res_id"])
        except OdooUserError:
            orphans = (
                odoo.search(
                    "account.move",
                    [
                        ("invoice_origin", "=", request.order_name),
                        ("state", "=", "draft"),
                        ("ref", "=", False),
                    ],
                    limit=1,
                )
                if activity.info().attempt > 1
                else []
            )
            if not orphans:
                return InvoiceResult(move_id=None, nothing_to_invoice=True)
            move_id = orphans[0]
        odoo.write("account.move", [move_id], {"ref": marker})
        return self._describe(move_id)

    def _describe(self, move_id: int) -> InvoiceResult:
        [move] = self._odoo.read("account.move", [move_id], ["amount_untaxed", "invoice_line_ids"])
        lines = self._odoo.read("account.move.line", move["invoice_line_ids"], ["name"])
        return InvoiceResult(
            move_id=move_id,
            amount_untaxed=move["amount_untaxed"],
            lines=[line["name"] for line in lines],
        )
