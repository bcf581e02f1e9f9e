"""Seed data: a believable professional-services firm, with ids laid out like the recorded
server's so that recorded requests (order 26 is the next order, project 13 the next
project...) replay verbatim."""

from __future__ import annotations

from typing import Any

from odoo_sim.models import GROUP_PROJECT_STAGES, GROUPS, registry
from odoo_sim.orm import Env

# (id, model) of the ir.model rows the recordings reference, and recorded field ids.
RECORDED_MODEL_IDS = {"sale.order": 540, "project.project": 507}
RECORDED_FIELD_IDS = {
    ("sale.order", "amount_total"): 7160,
    ("sale.order", "name"): 7128,
    ("sale.order", "partner_id"): 7130,
    ("sale.order", "state"): 7131,
    ("sale.order", "user_id"): 7155,
    ("project.project", "date_start"): 6485,
    ("project.project", "name"): 6460,
    ("project.project", "partner_id"): 6464,
    ("project.project", "sale_order_id"): 7513,
    ("project.project", "user_id"): 6480,
}
SALE_STATE_SELECTION_ID = 1162

# Where each model's ids continue after the seed, as on the recorded server.
NEXT_IDS = {
    "sale.order": 26,
    "ir.sequence.sale.order": 26,
    "sale.order.line": 64,
    "project.project": 13,
    "project.task": 73,
    "account.analytic.line": 528,
    "project.milestone": 6,
    "mail.message": 543,
    "account.move": 25,
    "account.move.line": 69,
    "account.analytic.account": 31,
    "res.users": 8,
    "res.partner": 40,
    "base.automation": 1,
    "ir.actions.server": 452,
    "sale.advance.payment.inv": 1,
    "hr.employee": 20,
    "mail.activity": 1,
}


def _put(env: Env, model: str, record_id: int, values: dict[str, Any]) -> None:
    env.tx.put(
        model,
        record_id,
        {"create_date": "2026-10-01 09:00:00", "write_date": "2026-10-01 09:00:00", **values},
    )


def seed(env: Env) -> None:
    """Fill an empty store."""
    _metadata(env)
    _people(env)
    _catalogue(env)
    _projects_and_orders(env)
    _time_and_expenses(env)
    for model, next_id in NEXT_IDS.items():
        env.tx.store.set_next_id(model, next_id)


def _metadata(env: Env) -> None:
    field_id = 20000
    selection_id = 5000
    model_id = 600
    for name, spec in sorted(registry().items()):
        mid = RECORDED_MODEL_IDS.get(name) or model_id
        model_id += 1
        _put(env, "ir.model", mid, {"model": name, "name": spec.description})
        for field_name, field in spec.fields.items():
            fid = RECORDED_FIELD_IDS.get((name, field_name)) or field_id
            field_id += 1
            _put(
                env,
                "ir.model.fields",
                fid,
                {"name": field_name, "model": name, "model_id": mid, "ttype": field["type"]},
            )
            for value, label in field.get("selection") or []:
                sid = (
                    SALE_STATE_SELECTION_ID
                    if (name, field_name, value) == ("sale.order", "state", "sale")
                    else selection_id
                )
                selection_id += 1
                _put(
                    env,
                    "ir.model.fields.selection",
                    sid,
                    {"field_id": fid, "value": value, "name": label},
                )
    for group_id, (category, name) in GROUPS.items():
        _put(env, "res.groups", group_id, {"name": name, "full_name": f"{category} / {name}"})
    _put(env, "res.company", 1, {"name": "YourCompany"})
    _put(env, "mail.message.subtype", 1, {"name": "Discussions"})
    _put(env, "mail.message.subtype", 2, {"name": "Note"})
    _put(env, "mail.activity.type", 4, {"name": "To-Do"})
    for sid, name, seq in [
        (1, "To Do", 10),
        (2, "In Progress", 15),
        (3, "Done", 20),
        (4, "Canceled", 25),
        (5, "On Hold", 30),
    ]:
        _put(
            env,
            "project.project.stage",
            sid,
            {"name": name, "sequence": seq, "fold": sid in (3, 4), "active": True},
        )
    for tid, name in [(1, "New"), (31, "To Do"), (32, "In Progress"), (33, "Done")]:
        _put(env, "project.task.type", tid, {"name": name, "sequence": tid})
    for pid, name in [
        (1, "Immediate Payment"),
        (2, "15 Days"),
        (4, "30 Days"),
        (10, "30% Now, Balance 60 Days"),
    ]:
        _put(env, "account.payment.term", pid, {"name": name})
    for cid, name, code in [
        (21, "Belgium", "BE"),
        (75, "France", "FR"),
        (57, "Germany", "DE"),
        (233, "United States", "US"),
        (232, "United Kingdom", "GB"),
    ]:
        _put(env, "res.country", cid, {"name": name, "code": code})
    for cid, name in [(1, "Tier: Strategic"), (2, "Tier: Key"), (3, "Tier: Standard")]:
        _put(env, "res.partner.category", cid, {"name": name})
    for tid, name in [(1, "Consulting EMEA"), (2, "Consulting Americas"), (3, "Managed Services")]:
        _put(env, "crm.team", tid, {"name": name})
    _put(env, "uom.uom", 4, {"name": "Hours"})
    for did, name, manager in [
        (1, "Delivery", 4),
        (2, "Finance", 5),
        (3, "Sales", 1),
        (4, "Resourcing", 6),
    ]:
        _put(env, "hr.department", did, {"name": name, "manager_id": manager})


PEOPLE = [
    # user id, login, name, partner id, employee id, manager employee id, department, groups
    (2, "admin", "Mitchell Admin", 3, 1, None, 3, "all"),
    (3, "ines", "Ines Moreau", 4, 5, 1, 2, "finance"),
    (4, "dario", "Dario Rossi", 5, 4, 1, 1, "delivery"),
    (5, "rosa", "Rosa Jansen", 6, 6, 4, 4, "delivery"),
    (6, "demo", "Marc Demo", 7, 3, 4, 3, "sales"),
    (7, "elena", "Elena Kovacs", 16, 2, None, 3, "executive"),
]


def _groups_for(kind: str) -> list[int]:
    from odoo_sim import models as m

    everyone = [m.GROUP_INTERNAL, m.GROUP_TIMESHEET_USER, m.GROUP_PROJECT_USER]
    extra = {
        "all": [g for g in GROUPS if g != GROUP_PROJECT_STAGES],
        "finance": [m.GROUP_INVOICING, m.GROUP_SALES_USER, m.GROUP_EXPENSE_APPROVER],
        "delivery": [m.GROUP_PROJECT_ADMIN, m.GROUP_SALES_USER, m.GROUP_EXPENSE_APPROVER],
        "sales": [m.GROUP_SALES_USER, m.GROUP_EXPENSE_APPROVER],
        "executive": [
            m.GROUP_SALES_MANAGER,
            m.GROUP_SALES_USER,
            m.GROUP_PROJECT_ADMIN,
            m.GROUP_INVOICING,
            m.GROUP_EXPENSE_APPROVER,
        ],
    }[kind]
    return sorted(set(everyone + extra))


def _people(env: Env) -> None:
    _put(
        env,
        "res.partner",
        1,
        {"name": "YourCompany", "is_company": True, "active": True, "country_id": 21},
    )
    _put(env, "res.partner", 2, {"name": "OdooBot", "active": True})
    _put(
        env,
        "res.users",
        1,
        {
            "login": "__system__",
            "name": "OdooBot",
            "partner_id": 2,
            "active": False,
            "groups_id": sorted(GROUPS),
            "share": False,
        },
    )
    for uid, login, name, partner, employee, manager, department, kind in PEOPLE:
        _put(
            env,
            "res.partner",
            partner,
            {
                "name": name,
                "parent_id": 1,
                "active": True,
                "email": f"{login}@yourcompany.example.com",
            },
        )
        _put(
            env,
            "res.users",
            uid,
            {
                "login": login,
                "name": name,
                "partner_id": partner,
                "active": True,
                "share": False,
                "email": f"{login}@yourcompany.example.com",
                "groups_id": _groups_for(kind),
                # The recorded server's demo users log in with their login as password.
                "sim_password": login,
            },
        )
        _put(
            env,
            "hr.employee",
            employee,
            {
                "name": name,
                "user_id": uid,
                "parent_id": manager or False,
                "department_id": department,
                "work_email": f"{login}@yourcompany.example.com",
                "active": True,
                "hourly_cost": 100.0,
                "company_id": 1,
            },
        )
    for employee, name, manager in [(7, "Sam Carter", 4), (8, "Priya Nair", 4), (9, "Tom Berg", 6)]:
        _put(
            env,
            "hr.employee",
            employee,
            {
                "name": name,
                "parent_id": manager,
                "department_id": 1,
                "active": True,
                "hourly_cost": 85.0,
                "company_id": 1,
            },
        )
    customers = [
        # id, name, country, tier, payment term, team
        (8, "Joel Willis", 21, 3, 4, 1),
        (9, "Wood Corner", 233, 2, 4, 2),
        (10, "Deco Addict", 75, 1, 10, 1),
        (11, "Gemini Furniture", 233, 2, 4, 2),
        (12, "Ready Mat", 57, 3, 2, 1),
        (13, "The Jackson Group", 233, 3, False, 2),
        (14, "Azure Interior", 21, 1, 4, 1),
        (15, "Lumen Health", 232, 1, 4, 3),
    ]
    for pid, name, country, tier, term, team in customers:
        _put(
            env,
            "res.partner",
            pid,
            {
                "name": name,
                "is_company": pid != 8,
                "parent_id": 1 if pid == 8 else False,
                "country_id": country,
                "category_id": [tier],
                "property_payment_term_id": term,
                "team_id": team,
                "active": True,
                "email": f"contact@{name.lower().replace(' ', '')}.example.com",
            },
        )
    for pid, name in [(18, "Douglas Fletcher"), (19, "Floyd Steward"), (35, "Addison Olson")]:
        _put(
            env,
            "res.partner",
            pid,
            {"name": name, "parent_id": 10, "active": True, "country_id": 75, "is_company": False},
        )


PRODUCTS = [
    # id, name, service_tracking, service_type, invoice_policy, list price, cost
    (4, "Virtual Home Staging", "project_only", "timesheet", "delivery", 38.25, 30.0),
    (47, "Advisory Day (Fixed Price)", "no", "manual", "order", 250.0, 120.0),
    (
        49,
        "Junior Architect (Invoice on Timesheets)",
        "task_in_project",
        "timesheet",
        "delivery",
        100.0,
        70.0,
    ),
    (50, "Discovery Workshop", "project_only", "milestones", "delivery", 4800.0, 2600.0),
    (
        51,
        "Implementation (Milestones)",
        "task_in_project",
        "milestones",
        "delivery",
        24000.0,
        15500.0,
    ),
    (
        52,
        "Senior Consultant (Timesheets)",
        "task_in_project",
        "timesheet",
        "delivery",
        180.0,
        110.0,
    ),
    (53, "Managed Service Retainer", "no", "manual", "order", 3000.0, 1900.0),
    (
        54,
        "Support Desk (Global Project)",
        "task_global_project",
        "timesheet",
        "delivery",
        95.0,
        60.0,
    ),
]


def _catalogue(env: Env) -> None:
    for pid, name, tracking, service_type, policy, price, cost in PRODUCTS:
        _put(
            env,
            "product.product",
            pid,
            {
                "name": name,
                "detailed_type": "service",
                "type": "service",
                "service_tracking": tracking,
                "service_type": service_type,
                "invoice_policy": policy,
                "list_price": price,
                "standard_price": cost,
                "active": True,
                "sale_ok": True,
                "project_id": 3 if tracking == "task_global_project" else False,
            },
        )
    _put(
        env,
        "product.product",
        41,
        {
            "name": "Others",
            "default_code": "EXP_GEN",
            "detailed_type": "service",
            "type": "service",
            "can_be_expensed": True,
            "list_price": 0.0,
            "active": True,
        },
    )


def _projects_and_orders(env: Env) -> None:
    names = [
        "Office Design",
        "Research & Development",
        "Support Desk",
        "Renovations",
        "Internal Academy",
        "Data Platform Rollout",
        "ERP Upgrade",
        "Brand Refresh",
        "Cloud Migration",
        "Security Audit",
        "Analytics Pilot",
        "Process Mining",
    ]
    for pid, name in enumerate(names, start=1):
        _put(
            env,
            "project.project",
            pid,
            {
                "name": name,
                "partner_id": 8 if pid == 1 else False,
                "user_id": 6 if pid == 1 else 2,
                "allow_timesheets": True,
                "allow_milestones": True,
                "allow_billable": pid != 5,
                "date_start": "2026-10-01",
                "date": "2026-12-11",
                "analytic_account_id": 18 + pid,
                "last_update_status": "on_track",
                "active": True,
                "stage_id": 2,
                "company_id": 1,
            },
        )
        _put(env, "account.analytic.account", 18 + pid, {"name": name})
    customers = [10, 11, 12, 14, 9, 10, 13, 15]
    drafts, sent = {1, 2, 3, 5}, {19}
    line_id = 1
    for order_id in range(1, 26):
        partner = customers[order_id % len(customers)]
        if order_id in (1, 5, 21, 23):
            partner = 10
        state = "draft" if order_id in drafts else "sent" if order_id in sent else "sale"
        _put(
            env,
            "sale.order",
            order_id,
            {
                "name": f"S{order_id:05d}",
                "partner_id": partner,
                "state": state,
                "user_id": 6 if order_id % 3 else 2,
                "date_order": f"2026-{9 + order_id % 3:02d}-{1 + order_id:02d} 10:00:00",
                "payment_term_id": 4,
                "team_id": 1 + order_id % 3,
                "company_id": 1,
                "project_id": 1 + order_id % 12,
                "client_order_ref": f"PO-{4400 + order_id}" if order_id % 2 else False,
                "invoice_ids": [order_id]
                if state == "sale" and order_id not in (7, 21, 22, 23, 25)
                else [],
            },
        )
        products = [(52, 40.0), (50, 1.0)] if order_id % 2 else [(53, 3.0), (47, 2.0)]
        for product_id, qty in products:
            product = next(p for p in PRODUCTS if p[0] == product_id)
            invoiced = qty if state == "sale" and order_id not in (7, 21, 22, 23, 25) else 0.0
            _put(
                env,
                "sale.order.line",
                line_id,
                {
                    "order_id": order_id,
                    "product_id": product_id,
                    "name": product[1],
                    "product_uom_qty": qty,
                    "price_unit": product[5],
                    "qty_invoiced": invoiced,
                    "qty_delivered": invoiced,
                    "discount": 0.0,
                },
            )
            line_id += 1
        if state == "sale" and order_id in (7, 21, 22, 23, 25):
            _put(
                env,
                "sale.order.line",
                line_id,
                {
                    "order_id": order_id,
                    "product_id": 53,
                    "name": "Managed Service Retainer",
                    "product_uom_qty": 4.0,
                    "price_unit": 3000.0 + 1000 * (order_id % 4),
                    "qty_invoiced": 0.0,
                    "qty_delivered": 0.0,
                    "discount": 5.0,
                },
            )
            line_id += 1
    for move_id in range(1, 25):
        _put(
            env,
            "account.move",
            move_id,
            {
                "name": f"INV/2026/{move_id:05d}",
                "move_type": "out_invoice",
                "state": "posted",
                "invoice_origin": f"S{move_id:05d}",
                "partner_id": 10,
                "payment_state": "paid",
            },
        )
    for mid, (name, project, reached) in enumerate(
        [
            ("Design approved", 1, True),
            ("Prototype", 1, False),
            ("Go-live", 2, False),
            ("Kick-off", 6, True),
            ("UAT sign-off", 6, False),
        ],
        start=1,
    ):
        _put(
            env,
            "project.milestone",
            mid,
            {
                "name": name,
                "project_id": project,
                "is_reached": reached,
                "reached_date": "2026-11-02" if reached else False,
                "deadline": "2026-12-15",
                "quantity_percentage": 0.5,
            },
        )


def _time_and_expenses(env: Env) -> None:
    task_id = 1
    for project in range(1, 13):
        for n in range(6):
            _put(
                env,
                "project.task",
                task_id,
                {
                    "name": f"Task {n + 1}",
                    "project_id": project,
                    "stage_id": 31,
                    "active": True,
                    "allocated_hours": 8.0,
                },
            )
            task_id += 1
    for line_id in range(1, 41):
        _put(
            env,
            "account.analytic.line",
            line_id,
            {
                "name": "Design work",
                "project_id": 1 + line_id % 4,
                "task_id": 1 + line_id % 20,
                "employee_id": [1, 3, 4, 7, 8][line_id % 5],
                "unit_amount": 2.0 + line_id % 5,
                "date": f"2026-11-{1 + line_id % 28:02d}",
                "amount": -200.0,
                "user_id": 2,
                "timesheet_invoice_type": "non_billable",
                "so_line": False,
                "account_id": 20,
            },
        )
    sheets = [
        (1, "Commercial Travel at New York", 1, [5, 6, 7, 8]),
        (2, "Customer meeting", 3, [4]),
        (3, "Training", 4, [3]),
        (4, "Office supplies", 1, [2]),
    ]
    amounts = {1: 289.0, 2: 889.0, 3: 120.0, 4: 273.65, 5: 1200.0, 6: 900.0, 7: 509.6, 8: 300.0}
    names = {
        1: "Screen",
        2: "Laptop",
        3: "Course fee",
        4: "Lunch with customer",
        5: "Flight",
        6: "Hotel",
        7: "Taxi",
        8: "Meals",
    }
    sheet_of = {e: s for s, _, _, lines in sheets for e in lines}
    for expense_id in range(1, 9):
        sheet = sheet_of.get(expense_id, False)
        employee = next((emp for s, _, emp, _ in sheets if s == sheet), 1)
        _put(
            env,
            "hr.expense",
            expense_id,
            {
                "name": names[expense_id],
                "state": "reported" if sheet else "draft",
                "total_amount": amounts[expense_id],
                "total_amount_currency": amounts[expense_id],
                "employee_id": employee,
                "sheet_id": sheet,
                "product_id": 41,
                "date": "2026-04-03",
                "payment_mode": "own_account",
                "sale_order_id": False,
            },
        )
    for sheet_id, name, employee, _lines in sheets:
        _put(
            env,
            "hr.expense.sheet",
            sheet_id,
            {
                "name": name,
                "state": "draft",
                "approval_state": False,
                "employee_id": employee,
                "payment_state": "not_paid",
            },
        )
