"""The Odoo business behaviour Govern relies on, as recorded from Odoo 17 Community.

Sale order confirmation creating projects and tasks per product ``service_tracking``,
delivered quantities from timesheets and milestones, the invoicing wizard, chatter.
"""

from __future__ import annotations

import html
from typing import Any

from odoo_sim.errors import UserError
from odoo_sim.orm import DISPLAY, Env, computed, now_string, today_string
from odoo_sim.store import Record

TAX_RATE = 0.15  # the recorded company's default sales tax
DEFAULT_HOURLY_COST = 100.0


# -- display names -------------------------------------------------------------------


def _partner_name(env: Env, partner_id: int) -> str:
    partner = env.tx.get("res.partner", partner_id) or {}
    parent = partner.get("parent_id")
    name = str(partner.get("name", ""))
    return f"{_partner_name(env, parent)}, {name}" if parent else name


def _order_line_name(env: Env, line_id: int) -> str:
    line = env.raw("sale.order.line", line_id)
    order = env.tx.get("sale.order", line.get("order_id")) or {}
    partner = _partner_name(env, order.get("partner_id")) if order.get("partner_id") else ""
    return f"{order.get('name', '')} - {line.get('name', '')} ({partner})"


def _product_name(env: Env, product_id: int) -> str:
    product = env.tx.get("product.product", product_id) or {}
    code = product.get("default_code")
    return f"[{code}] {product.get('name', '')}" if code else str(product.get("name", ""))


DISPLAY["res.partner"] = _partner_name
DISPLAY["sale.order.line"] = _order_line_name
DISPLAY["product.product"] = _product_name
DISPLAY["mail.message.subtype"] = lambda env, i: str(
    (env.tx.get("mail.message.subtype", i) or {}).get("name", "")
)


# -- computed fields -------------------------------------------------------------------


@computed("sale.order.line", "price_subtotal")
def _line_subtotal(env: Env, line_id: int) -> float:
    line = env.raw("sale.order.line", line_id)
    gross = float(line.get("product_uom_qty", 0.0)) * float(line.get("price_unit", 0.0))
    return round(gross * (1 - float(line.get("discount", 0.0)) / 100), 2)


@computed("sale.order.line", "price_total")
def _line_total(env: Env, line_id: int) -> float:
    return round(_line_subtotal(env, line_id) * (1 + TAX_RATE), 2)


@computed("sale.order.line", "is_service")
def _line_is_service(env: Env, line_id: int) -> bool:
    product = (
        env.tx.get("product.product", env.raw("sale.order.line", line_id).get("product_id")) or {}
    )
    return product.get("detailed_type") == "service"


@computed("sale.order.line", "qty_delivered")
def _line_delivered(env: Env, line_id: int) -> float:
    line = env.raw("sale.order.line", line_id)
    product = env.tx.get("product.product", line.get("product_id")) or {}
    method = product.get("service_type", "manual")
    if method == "timesheet":
        return round(
            0.0
            + sum(
                float(env.raw("account.analytic.line", t).get("unit_amount", 0.0))
                for t in env.tx.ids("account.analytic.line")
                if env.raw("account.analytic.line", t).get("so_line") == line_id
            ),
            2,
        )
    if method == "milestones":
        share = sum(
            float(env.raw("project.milestone", m).get("quantity_percentage", 0.0))
            for m in env.tx.ids("project.milestone")
            if env.raw("project.milestone", m).get("sale_line_id") == line_id
            and env.raw("project.milestone", m).get("is_reached")
        )
        return round(float(line.get("product_uom_qty", 0.0)) * share, 2)
    return float(line.get("qty_delivered", 0.0))


@computed("sale.order.line", "qty_to_invoice")
def _line_to_invoice(env: Env, line_id: int) -> float:
    line = env.raw("sale.order.line", line_id)
    order = env.tx.get("sale.order", line.get("order_id")) or {}
    if order.get("state") != "sale":
        return 0.0
    product = env.tx.get("product.product", line.get("product_id")) or {}
    basis = (
        float(line.get("product_uom_qty", 0.0))
        if product.get("invoice_policy") == "order"
        else _line_delivered(env, line_id)
    )
    return round(basis - float(line.get("qty_invoiced", 0.0)), 2)


def _lines(env: Env, order_id: int) -> list[int]:
    return [
        i
        for i in env.tx.ids("sale.order.line")
        if env.raw("sale.order.line", i).get("order_id") == order_id
    ]


@computed("sale.order", "amount_untaxed")
def _order_untaxed(env: Env, order_id: int) -> float:
    return round(sum(_line_subtotal(env, i) for i in _lines(env, order_id)), 2)


@computed("sale.order", "amount_tax")
def _order_tax(env: Env, order_id: int) -> float:
    return round(_order_untaxed(env, order_id) * TAX_RATE, 2)


@computed("sale.order", "amount_total")
def _order_total(env: Env, order_id: int) -> float:
    return round(_order_untaxed(env, order_id) + _order_tax(env, order_id), 2)


@computed("sale.order", "project_ids")
def _order_projects(env: Env, order_id: int) -> list[int]:
    linked = env.raw("sale.order", order_id).get("project_id")
    created = [
        i
        for i in env.tx.ids("project.project")
        if env.raw("project.project", i).get("sale_order_id") == order_id
    ]
    return created + ([linked] if linked and linked not in created else [])


@computed("sale.order", "tasks_ids")
def _order_tasks(env: Env, order_id: int) -> list[int]:
    return [
        i
        for i in env.tx.ids("project.task")
        if env.raw("project.task", i).get("sale_order_id") == order_id
    ]


@computed("sale.order", "invoice_count")
def _order_invoice_count(env: Env, order_id: int) -> int:
    return len(env.raw("sale.order", order_id).get("invoice_ids", []))


@computed("sale.order", "invoice_status")
def _order_invoice_status(env: Env, order_id: int) -> str:
    order = env.raw("sale.order", order_id)
    if order.get("state") != "sale":
        return "no"
    lines = _lines(env, order_id)
    if any(_line_to_invoice(env, i) > 0 for i in lines):
        return "to invoice"
    invoiced = lines and all(
        float(env.raw("sale.order.line", i).get("qty_invoiced", 0.0))
        >= float(env.raw("sale.order.line", i).get("product_uom_qty", 0.0))
        for i in lines
    )
    return "invoiced" if invoiced else "no"


@computed("res.users", "password", "new_password")
def _never_shown(env: Env, user_id: int) -> str:
    del env, user_id
    return ""


@computed("project.project", "task_count")
def _project_task_count(env: Env, project_id: int) -> int:
    return sum(
        1
        for i in env.tx.ids("project.task")
        if env.raw("project.task", i).get("project_id") == project_id
    )


@computed("account.move", "amount_untaxed")
def _move_untaxed(env: Env, move_id: int) -> float:
    return round(
        sum(
            float(env.raw("account.move.line", i).get("price_subtotal", 0.0))
            for i in env.tx.ids("account.move.line")
            if env.raw("account.move.line", i).get("move_id") == move_id
        ),
        2,
    )


@computed("account.move", "amount_total")
def _move_total(env: Env, move_id: int) -> float:
    return round(_move_untaxed(env, move_id) * (1 + TAX_RATE), 2)


@computed("hr.expense.sheet", "total_amount")
def _sheet_total(env: Env, sheet_id: int) -> float:
    return round(
        sum(
            float(env.raw("hr.expense", i).get("total_amount", 0.0))
            for i in env.tx.ids("hr.expense")
            if env.raw("hr.expense", i).get("sheet_id") == sheet_id
        ),
        2,
    )


# -- defaults and create/write hooks --------------------------------------------------


def defaults(env: Env, model: str, values: Record) -> Record:
    """Fill what Odoo fills on create."""
    if model == "sale.order":
        values.setdefault("state", "draft")
        values.setdefault("user_id", env.uid)
        values.setdefault("date_order", now_string())
        values.setdefault("company_id", 1)
        if "name" not in values:
            values["name"] = f"S{env.tx.store.next_id('ir.sequence.sale.order'):05d}"
    elif model == "sale.order.line":
        product = env.tx.get("product.product", values.get("product_id")) or {}
        values.setdefault("name", product.get("name", ""))
        values.setdefault("price_unit", float(product.get("list_price", 0.0)))
        values.setdefault("product_uom_qty", 1.0)
        values.setdefault("qty_invoiced", 0.0)
    elif model == "project.project":
        values.setdefault("active", True)
        values.setdefault("last_update_status", "to_define")
        values.setdefault("allow_timesheets", True)
        values.setdefault("user_id", env.uid)
    elif model == "project.task":
        project = env.tx.get("project.project", values.get("project_id")) or {}
        values.setdefault("active", True)
        values.setdefault("stage_id", 31)
        if project.get("sale_line_id") and "sale_line_id" not in values:
            values["sale_line_id"] = project["sale_line_id"]
        values.setdefault("partner_id", project.get("partner_id", False))
        if values.get("sale_line_id"):
            line = env.tx.get("sale.order.line", values["sale_line_id"]) or {}
            values.setdefault("sale_order_id", line.get("order_id", False))
    elif model == "account.analytic.line":
        _timesheet_defaults(env, values)
    elif model == "project.milestone":
        values.setdefault("is_reached", False)
    elif model in ("res.partner", "res.users", "hr.employee"):
        values.setdefault("active", True)
    elif model == "base.automation":
        values.setdefault("active", True)
        selection = env.tx.get(
            "ir.model.fields.selection", values.get("trg_selection_field_id") or 0
        )
        if (
            values.get("trigger") == "on_state_set"
            and selection
            and values.get("trigger_field_ids")
        ):
            field = env.tx.get("ir.model.fields", selection.get("field_id") or 0) or {}
            values.setdefault(
                "filter_domain", f"[('{field.get('name')}', '=', '{selection['value']}')]"
            )
    elif model == "ir.actions.server" and values.get("state") == "webhook":
        values["name"] = "Send Webhook Notification"  # Odoo names every webhook action so
    elif model == "mail.activity":
        values.setdefault("user_id", env.uid)
        values.setdefault("date_deadline", today_string())
    return values


def _timesheet_defaults(env: Env, values: Record) -> None:
    values.setdefault("date", today_string())
    project = env.tx.get("project.project", values.get("project_id")) or {}
    task = env.tx.get("project.task", values.get("task_id")) or {}
    employee = env.tx.get("hr.employee", values.get("employee_id")) or {}
    values.setdefault("user_id", employee.get("user_id") or env.uid)
    values.setdefault("account_id", project.get("analytic_account_id", False))
    so_line = task.get("sale_line_id") or project.get("sale_line_id") or False
    values.setdefault("so_line", so_line)
    product = {}
    if so_line:
        line = env.tx.get("sale.order.line", so_line) or {}
        product = env.tx.get("product.product", line.get("product_id")) or {}
    kind = {"timesheet": "billable_time", "milestones": "billable_milestones"}.get(
        product.get("service_type", ""), "billable_fixed" if so_line else "non_billable"
    )
    values.setdefault("timesheet_invoice_type", kind)
    cost = float(employee.get("hourly_cost", DEFAULT_HOURLY_COST))
    values.setdefault("amount", -round(float(values.get("unit_amount", 0.0)) * cost, 2))


def after_create(env: Env, model: str, record_id: int) -> None:
    del env, model, record_id


def after_write(env: Env, model: str, record_id: int, before: Record, changed: set[str]) -> None:
    if model == "project.milestone" and "is_reached" in changed:
        reached = env.raw(model, record_id).get("is_reached")
        if reached and not before.get("is_reached"):
            env.tx.update(model, record_id, {"reached_date": today_string()})
        elif not reached:
            env.tx.update(model, record_id, {"reached_date": False})


# -- business methods called over RPC ------------------------------------------------


def action_confirm(env: Env, ids: list[int]) -> bool:
    orders = [env.raw("sale.order", i) | {"id": i} for i in ids]
    blocked = [o["name"] for o in orders if o.get("state") not in ("draft", "sent")]
    if blocked:
        raise UserError(
            "The following orders are not in a state requiring confirmation: " + ", ".join(blocked)
        )
    for order in orders:
        env.write("sale.order", [order["id"]], {"state": "sale", "date_order": now_string()})
        _create_projects_and_tasks(env, order["id"])
    return True


def _create_projects_and_tasks(env: Env, order_id: int) -> None:
    order = env.raw("sale.order", order_id)
    project_id: int | None = None
    for line_id in _lines(env, order_id):
        line = env.raw("sale.order.line", line_id)
        product = env.tx.get("product.product", line.get("product_id")) or {}
        tracking = product.get("service_tracking", "no")
        if tracking in ("project_only", "task_in_project"):
            if project_id is None:
                suffix = line.get("name") if tracking == "project_only" else "Sales Order"
                project_id = _create_project(env, order_id, order, line_id, str(suffix))
            env.tx.update("sale.order.line", line_id, {"project_id": project_id})
        if tracking == "task_in_project":
            task = _create_task(env, order, line_id, line, project_id)
            env.tx.update("sale.order.line", line_id, {"task_id": task})
        elif tracking == "task_global_project" and product.get("project_id"):
            task = _create_task(env, order, line_id, line, product["project_id"])
            env.tx.update("sale.order.line", line_id, {"task_id": task})


def _create_project(env: Env, order_id: int, order: Record, line_id: int, suffix: str) -> int:
    ref = order.get("client_order_ref")
    prefix = f"{ref} - " if ref else ""
    partner = _partner_name(env, order["partner_id"])
    account = env.create_one(
        "account.analytic.account",
        {
            "name": f"[{ref}] {order['name']} - {partner}"
            if ref
            else f"{order['name']} - {partner}",
            "partner_id": order["partner_id"],
        },
    )
    return env.create_one(
        "project.project",
        {
            "name": f"{prefix}{order['name']} - {suffix}",
            "sale_order_id": order_id,
            "sale_line_id": line_id,
            "partner_id": order["partner_id"],
            "analytic_account_id": account,
            "allow_billable": True,
            "allow_timesheets": True,
            "allow_milestones": True,
            "user_id": False,
            "company_id": 1,
        },
    )


def _create_task(
    env: Env, order: Record, line_id: int, line: Record, project_id: int | None
) -> int:
    return env.create_one(
        "project.task",
        {
            "name": line.get("name", ""),
            "project_id": project_id or False,
            "sale_line_id": line_id,
            "sale_order_id": line.get("order_id"),
            "partner_id": order["partner_id"],
            "allocated_hours": float(line.get("product_uom_qty", 0.0)),
            "stage_id": 1,
        },
    )


def create_invoices(env: Env, wizard_ids: list[int]) -> dict[str, Any]:
    """``sale.advance.payment.inv.create_invoices``: a draft out_invoice per order."""
    order_ids = env.context.get("active_ids") or []
    for wizard_id in wizard_ids:
        env.raw("sale.advance.payment.inv", wizard_id)
    move_id = None
    for order_id in order_ids:
        order = env.raw("sale.order", order_id)
        billable = [(i, _line_to_invoice(env, i)) for i in _lines(env, order_id)]
        billable = [(i, q) for i, q in billable if q > 0]
        if not billable:
            raise UserError(NOTHING_TO_INVOICE)
        move_id = env.create_one(
            "account.move",
            {
                "name": "/",
                "move_type": "out_invoice",
                "state": "draft",
                "invoice_origin": order["name"],
                "partner_id": order["partner_id"],
                "payment_state": "not_paid",
                "invoice_date": False,
            },
        )
        for line_id, quantity in billable:
            line = env.raw("sale.order.line", line_id)
            env.create_one(
                "account.move.line",
                {
                    "move_id": move_id,
                    "name": line.get("name", ""),
                    "product_id": line.get("product_id"),
                    "quantity": quantity,
                    "price_unit": float(line.get("price_unit", 0.0)),
                    "price_subtotal": round(
                        quantity
                        * float(line.get("price_unit", 0.0))
                        * (1 - float(line.get("discount", 0.0)) / 100),
                        2,
                    ),
                    "sale_line_ids": [line_id],
                },
            )
            env.tx.update(
                "sale.order.line",
                line_id,
                {"qty_invoiced": round(float(line.get("qty_invoiced", 0.0)) + quantity, 2)},
            )
        env.tx.update(
            "sale.order", order_id, {"invoice_ids": [*order.get("invoice_ids", []), move_id]}
        )
        order_partner = order["partner_id"]
        origin = order["name"]
    return {
        "id": 286,
        "name": "Invoices",
        "type": "ir.actions.act_window",
        "xml_id": "account.action_move_out_invoice_type",
        "help": INVOICE_HELP,
        "binding_model_id": False,
        "binding_type": "action",
        "binding_view_types": "list,form",
        "display_name": "Invoices",
        "view_id": [771, "account.out.invoice.tree"],
        "domain": "[('move_type', '=', 'out_invoice')]",
        "context": {
            "default_move_type": "out_invoice",
            "default_partner_id": order_partner,
            "default_partner_shipping_id": order_partner,
            "default_invoice_payment_term_id": None,
            "default_invoice_origin": origin,
        },
        "res_id": move_id,
        "res_model": "account.move",
        "target": "current",
        "view_mode": "tree,kanban,form,activity",
        "mobile_view_mode": "kanban",
        "views": [[778, "form"], [771, "tree"], [False, "kanban"], [False, "activity"]],
        "limit": 80,
        "groups_id": [],
        "search_view_id": [781, "account.invoice.select"],
        "filter": False,
    }


INVOICE_HELP = (
    '<p class="o_view_nocontent_smiling_face">\n                Create a customer invoice\n'
    "              </p><p>\n                Create invoices, register payments and keep track "
    "of the discussions with your customers.\n              </p>\n            "
)

NOTHING_TO_INVOICE = (
    "Cannot create an invoice. No items are available to invoice.\n\n"
    "To resolve this issue, please ensure that:\n"
    "   \u2022 The products have been delivered before attempting to invoice them.\n"
    "   \u2022 The invoicing policy of the product is configured correctly.\n\n"
    "If you want to invoice based on ordered quantities instead:\n"
    "   \u2022 For consumable or storable products, open the product, go to the 'General "
    "Information' tab and change the 'Invoicing Policy' from 'Delivered Quantities' to "
    "'Ordered Quantities'.\n"
    "   \u2022 For services (and other products), change the 'Invoicing Policy' to "
    "'Prepaid/Fixed Price'.\n"
)


def message_post(
    env: Env,
    model: str,
    ids: list[int],
    body: str = "",
    message_type: str = "notification",
    subtype_xmlid: str | None = None,
    subject: str | None = None,
    **_: Any,
) -> int:
    """Post on a record's chatter; a string body is escaped and wrapped, as over RPC."""
    record_id = ids[0]
    env.raw(model, record_id)
    escaped = html.escape(str(body), quote=False).replace("\n", "<br>")
    user = env.tx.get("res.users", env.uid) or {}
    subtype = 1 if subtype_xmlid == "mail.mt_comment" else 2
    return env.create_one(
        "mail.message",
        {
            "model": model,
            "res_id": record_id,
            "body": f"<p>{escaped}</p>" if body else "",
            "author_id": user.get("partner_id", False),
            "date": now_string(),
            "message_type": message_type,
            "subtype_id": subtype,
            "subject": subject or False,
        },
    )
