"""Change-request activities: measure the change in Odoo, and write it there exactly once."""

from __future__ import annotations

from temporalio import activity

from activities.errors import odoo_failures
from governance.change_request import AppliedChange, ApplyChange, ChangeImpact, ChangeRequestInput
from governance.launch import BUSINESS_UNIT_BY_TEAM, REGION_BY_COUNTRY
from integrations.odoo import OdooGateway


class ChangeRequestActivities:
    def __init__(self, odoo: OdooGateway) -> None:
        self._odoo = odoo

    @activity.defn
    @odoo_failures
    def assess_change(self, request: ChangeRequestInput) -> ChangeImpact:
        """Budget, cost, hours and margin before and after, from the project and its order."""
        odoo = self._odoo
        [project] = odoo.read(
            "project.project",
            [request.project_id],
            ["name", "sale_order_id", "allocated_hours", "partner_id"],
        ) or [None]
        if project is None:
            from temporalio.exceptions import ApplicationError

            raise ApplicationError(
                f"project {request.project_id} does not exist in Odoo",
                type="UnknownRecord",
                non_retryable=True,
            )
        impact = ChangeImpact(
            project_id=request.project_id,
            project_name=project["name"],
            allocated_hours_before=float(project["allocated_hours"] or 0),
            amount_delta=request.amount_delta,
            cost_delta=request.cost_delta,
            hours_delta=request.hours_delta,
            customer=project["partner_id"][1] if project["partner_id"] else "",
        )
        if not project["sale_order_id"]:
            return impact
        order_id = project["sale_order_id"][0]
        [order] = odoo.read(
            "sale.order",
            [order_id],
            ["name", "amount_untaxed", "order_line", "team_id", "partner_id"],
        )
        lines = odoo.read(
            "sale.order.line",
            order["order_line"],
            ["product_id", "product_uom_qty", "price_subtotal", "price_unit"],
        )
        products = {
            p["id"]: p
            for p in odoo.read(
                "product.product",
                sorted({li["product_id"][0] for li in lines if li["product_id"]}),
                ["standard_price", "detailed_type"],
            )
        }
        [partner] = odoo.read("res.partner", [order["partner_id"][0]], ["country_id"])
        country = (
            odoo.read("res.country", [partner["country_id"][0]], ["code"])[0]["code"]
            if partner["country_id"]
            else None
        )
        cost = sum(
            float(products.get(li["product_id"][0], {}).get("standard_price") or 0)
            * float(li["product_uom_qty"])
            for li in lines
            if li["product_id"]
        )
        service = next(
            (
                li["product_id"][0]
                for li in lines
                if li["product_id"]
                and products.get(li["product_id"][0], {}).get("detailed_type") == "service"
            ),
            None,
        )
        priced: dict[str, float] = {}
        if request.price_from_hours and service is not None:
            line = next(li for li in lines if li["product_id"] and li["product_id"][0] == service)
            unit_cost = float(products[service].get("standard_price") or 0)
            priced = {
                "amount_delta": round(request.hours_delta * float(line["price_unit"]), 2),
                "cost_delta": round(request.hours_delta * unit_cost, 2),
            }
        return impact.model_copy(
            update={
                **priced,
                "order_id": order_id,
                "order_name": order["name"],
                "budget_before": float(order["amount_untaxed"]),
                "cost_before": round(cost, 2),
                "business_unit": BUSINESS_UNIT_BY_TEAM.get(
                    order["team_id"][1] if order["team_id"] else "", "consulting"
                ),
                "region": REGION_BY_COUNTRY.get(country or "", "emea"),
                "amendment_product_id": service,
            }
        )

    @activity.defn
    @odoo_failures
    def apply_change(self, change: ApplyChange) -> AppliedChange:
        """An amendment line on the order and the project's new allocated hours, once.

        The line carries the case's reference, so a retry finds it; the hours are written
        as the absolute figure computed at assessment, so writing twice changes nothing.
        """
        impact, marker = change.impact, f"[govern:{change.ref}]"
        line_id = None
        if impact.order_id and impact.amount_delta and impact.amendment_product_id:
            line_id, _ = self._odoo.ensure_record(
                "sale.order.line",
                [("order_id", "=", impact.order_id), ("name", "ilike", marker)],
                {
                    "order_id": impact.order_id,
                    "product_id": impact.amendment_product_id,
                    "name": f"Change request: {change.description} {marker}",
                    "product_uom_qty": 1.0,
                    "price_unit": impact.amount_delta,
                },
            )
        if impact.hours_delta:
            self._odoo.write(
                "project.project",
                [impact.project_id],
                {"allocated_hours": impact.allocated_hours_after},
            )
        self._odoo.post_message_once(
            "project.project",
            impact.project_id,
            f"Govern — change request approved and applied. {impact.summary(change.description)}",
            govern_ref=f"{change.ref}/applied",
            look_first=activity.info().attempt > 1,
        )
        return AppliedChange(
            amendment_line_id=line_id, allocated_hours=impact.allocated_hours_after
        )
