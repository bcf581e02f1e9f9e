"""The models the simulator serves: recorded field metadata plus a few models it adds."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import Any

FieldSpec = dict[str, Any]

# Group ids as on the recorded server where they appear (39 = project.group_project_stages).
GROUP_INTERNAL = 1
GROUP_ACCESS_RIGHTS = 2
GROUP_CONTACT_CREATION = 8
GROUP_SALES_USER = 13
GROUP_SALES_MANAGER = 15
GROUP_PROJECT_USER = 19
GROUP_PROJECT_ADMIN = 20
GROUP_TIMESHEET_USER = 21
GROUP_INVOICING = 25
GROUP_EXPENSE_APPROVER = 30
GROUP_PROJECT_STAGES = 39

GROUPS: dict[int, tuple[str, str]] = {
    GROUP_INTERNAL: ("User types", "Internal User"),
    GROUP_ACCESS_RIGHTS: ("Administration", "Access Rights"),
    GROUP_CONTACT_CREATION: ("Extra Rights", "Contact Creation"),
    GROUP_SALES_USER: ("Sales", "User: Own Documents Only"),
    GROUP_SALES_MANAGER: ("Sales", "Administrator"),
    GROUP_PROJECT_USER: ("Project", "User"),
    GROUP_PROJECT_ADMIN: ("Project", "Administrator"),
    GROUP_TIMESHEET_USER: ("Timesheets", "User: own timesheets only"),
    GROUP_INVOICING: ("Invoicing", "Billing"),
    GROUP_EXPENSE_APPROVER: ("Expenses", "Team Approver"),
    GROUP_PROJECT_STAGES: ("Technical", "Use Stages on Project"),
}

XML_IDS: dict[tuple[str, str], tuple[str, int]] = {
    ("project", "group_project_stages"): ("res.groups", GROUP_PROJECT_STAGES),
    ("base", "group_user"): ("res.groups", GROUP_INTERNAL),
    ("mail", "mt_note"): ("mail.message.subtype", 2),
    ("mail", "mt_comment"): ("mail.message.subtype", 1),
    ("mail", "mail_activity_data_todo"): ("mail.activity.type", 4),
}


@dataclass(frozen=True)
class Acl:
    """Groups allowed each operation (any one suffices); ``None`` means every internal user."""

    read: int | None = None
    write: int | None = None
    create: int | None = None
    unlink: int | None = None

    def group_for(self, operation: str) -> int | None:
        return getattr(self, operation)


@dataclass
class ModelSpec:
    name: str
    description: str
    fields: dict[str, FieldSpec]
    acl: Acl = field(default_factory=Acl)
    order: str = "id"
    required: tuple[str, ...] = ()
    field_groups: dict[str, int] = field(default_factory=dict)
    mail_thread: bool = False


def _f(type_: str, string: str, **extra: Any) -> FieldSpec:
    spec: FieldSpec = {
        "type": type_,
        "string": string,
        "required": False,
        "readonly": False,
        "store": True,
    }
    spec.update(extra)
    return spec


_ADDED_FIELDS: dict[str, dict[str, FieldSpec]] = {
    "mail.message": {
        "id": _f("integer", "ID", readonly=True),
        "model": _f("char", "Related Document Model"),
        "res_id": _f("many2one_reference", "Related Document ID"),
        "body": _f("html", "Contents"),
        "subject": _f("char", "Subject"),
        "author_id": _f("many2one", "Author", relation="res.partner"),
        "date": _f("datetime", "Date"),
        "message_type": _f(
            "selection",
            "Type",
            selection=[
                ["email", "Incoming Email"],
                ["comment", "Comment"],
                ["email_outgoing", "Outgoing Email"],
                ["notification", "System notification"],
                ["auto_comment", "Automated Targeted Notification"],
                ["user_notification", "User Specific Notification"],
            ],
        ),
        "subtype_id": _f("many2one", "Subtype", relation="mail.message.subtype"),
        "display_name": _f("char", "Display Name", readonly=True, store=False),
    },
    "mail.message.subtype": {"name": _f("char", "Message Type")},
    "mail.activity.type": {"name": _f("char", "Name")},
    "ir.model": {"model": _f("char", "Model"), "name": _f("char", "Model Description")},
    "ir.model.fields": {
        "name": _f("char", "Field Name"),
        "model": _f("char", "Model Name"),
        "model_id": _f("many2one", "Model", relation="ir.model"),
        "ttype": _f("char", "Field Type"),
    },
    "ir.model.fields.selection": {
        "field_id": _f("many2one", "Field", relation="ir.model.fields"),
        "value": _f("char", "Value"),
        "name": _f("char", "Name"),
    },
    "base.automation": {
        "name": _f("char", "Automation Rule Name"),
        "model_id": _f("many2one", "Model", relation="ir.model"),
        "trigger": _f("char", "Trigger"),
        "trigger_field_ids": _f("many2many", "Trigger Fields", relation="ir.model.fields"),
        "trg_selection_field_id": _f(
            "many2one", "Trigger Field Value", relation="ir.model.fields.selection"
        ),
        "filter_pre_domain": _f("char", "Before Update Domain"),
        "filter_domain": _f("char", "Apply on"),
        "action_server_ids": _f("one2many", "Actions", relation="ir.actions.server"),
        "active": _f("boolean", "Active"),
    },
    "ir.actions.server": {
        "name": _f("char", "Action Name"),
        "model_id": _f("many2one", "Model", relation="ir.model"),
        "state": _f("char", "Type"),
        "usage": _f("char", "Usage"),
        "base_automation_id": _f("many2one", "Automation Rule", relation="base.automation"),
        "webhook_url": _f("char", "Webhook URL"),
        "webhook_field_ids": _f("many2many", "Webhook Fields", relation="ir.model.fields"),
        "webhook_sample_payload": _f("text", "Sample Payload", store=False),
    },
    "ir.model.data": {"name": _f("char", "External Identifier")},
    "sale.advance.payment.inv": {
        "advance_payment_method": _f(
            "selection",
            "Create Invoice",
            selection=[
                ["delivered", "Regular invoice"],
                ["percentage", "Down payment (percentage)"],
                ["fixed", "Down payment (fixed amount)"],
            ],
        ),
        "sale_order_ids": _f("many2many", "Sales Orders", relation="sale.order"),
    },
    "account.move.line": {
        "move_id": _f("many2one", "Journal Entry", relation="account.move"),
        "name": _f("char", "Label"),
        "product_id": _f("many2one", "Product", relation="product.product"),
        "quantity": _f("float", "Quantity"),
        "price_unit": _f("float", "Unit Price"),
        "price_subtotal": _f("monetary", "Subtotal"),
        "sale_line_ids": _f("many2many", "Sales Order Lines", relation="sale.order.line"),
    },
    "account.analytic.account": {
        "name": _f("char", "Analytic Account"),
        "code": _f("char", "Reference"),
        "partner_id": _f("many2one", "Customer", relation="res.partner"),
    },
    "account.payment.term": {"name": _f("char", "Payment Terms")},
    "res.country": {"name": _f("char", "Country Name"), "code": _f("char", "Country Code")},
    "res.partner.category": {"name": _f("char", "Tag Name")},
    "res.company": {"name": _f("char", "Company Name")},
    "hr.department": {
        "name": _f("char", "Department Name"),
        "manager_id": _f("many2one", "Manager", relation="hr.employee"),
    },
    "project.task.type": {"name": _f("char", "Name"), "sequence": _f("integer", "Sequence")},
    "crm.team": {"name": _f("char", "Sales Team")},
    "uom.uom": {"name": _f("char", "Unit of Measure")},
}

_EXTRA_FIELDS: dict[str, dict[str, FieldSpec]] = {
    # Hidden from fields_get unless the user has GROUP_PROJECT_STAGES, as on the recording.
    "project.project": {"stage_id": _f("many2one", "Stage", relation="project.project.stage")},
}

_DESCRIPTIONS = {
    "sale.order": "Sales Order",
    "sale.order.line": "Sales Order Line",
    "project.project": "Project",
    "project.project.stage": "Project Stage",
    "project.task": "Task",
    "project.milestone": "Project Milestone",
    "account.analytic.line": "Analytic Line",
    "hr.expense": "Expense",
    "hr.expense.sheet": "Expense Report",
    "account.move": "Journal Entry",
    "res.partner": "Contact",
    "res.users": "User",
    "res.groups": "Access Groups",
    "hr.employee": "Employee",
    "mail.activity": "Activity",
    "product.product": "Product",
    "mail.message": "Message",
}

_ACLS = {
    "sale.order": Acl(GROUP_SALES_USER, GROUP_SALES_USER, GROUP_SALES_USER, GROUP_SALES_MANAGER),
    "sale.order.line": Acl(GROUP_SALES_USER, GROUP_SALES_USER, GROUP_SALES_USER, GROUP_SALES_USER),
    "project.project": Acl(None, GROUP_PROJECT_ADMIN, GROUP_PROJECT_ADMIN, GROUP_PROJECT_ADMIN),
    "res.users": Acl(None, GROUP_ACCESS_RIGHTS, GROUP_ACCESS_RIGHTS, GROUP_ACCESS_RIGHTS),
    "res.partner": Acl(None, None, GROUP_CONTACT_CREATION, GROUP_CONTACT_CREATION),
    "base.automation": Acl(
        GROUP_ACCESS_RIGHTS, GROUP_ACCESS_RIGHTS, GROUP_ACCESS_RIGHTS, GROUP_ACCESS_RIGHTS
    ),
    "ir.actions.server": Acl(None, GROUP_ACCESS_RIGHTS, GROUP_ACCESS_RIGHTS, GROUP_ACCESS_RIGHTS),
}

_REQUIRED = {
    "sale.order": ("partner_id",),
    "sale.order.line": ("product_id",),
    "project.project": ("name",),
    "project.task": ("name",),
    "project.milestone": ("name", "project_id"),
    "account.analytic.line": ("name",),
    "res.partner": ("name",),
    "res.users": ("login", "name"),
    "hr.employee": ("name",),
    "mail.activity": ("res_model_id", "res_id"),
}

_ORDERS = {
    "sale.order": "date_order desc, id desc",
    "project.project": "sequence, name, id",
    "project.project.stage": "sequence, id",
    "project.task": "priority desc, sequence, id desc",
    "account.analytic.line": "date desc, id desc",
    "res.partner": "complete_name ASC, id DESC",
    "mail.message": "id desc",
    "hr.employee": "name",
}

MAIL_THREAD_MODELS = {
    "sale.order",
    "project.project",
    "project.task",
    "project.milestone",
    "hr.expense",
    "hr.expense.sheet",
    "account.move",
    "res.partner",
    "hr.employee",
}


@cache
def recorded_fields() -> dict[str, dict[str, FieldSpec]]:
    """fields_get answers recorded from Odoo 17 (string, type, relation, required...)."""
    text = files("odoo_sim").joinpath("data/fields_get.json").read_text()
    return json.loads(text)  # type: ignore[no-any-return]


def _with_standard_fields(fields: dict[str, FieldSpec]) -> dict[str, FieldSpec]:
    fields = dict(fields)
    fields.setdefault("id", _f("integer", "ID", readonly=True))
    fields.setdefault("display_name", _f("char", "Display Name", readonly=True, store=False))
    fields.setdefault("create_date", _f("datetime", "Created on", readonly=True))
    fields.setdefault("write_date", _f("datetime", "Last Updated on", readonly=True))
    return fields


@cache
def registry() -> dict[str, ModelSpec]:
    """Every model the simulator knows, by name."""
    models: dict[str, ModelSpec] = {}
    sources = {**recorded_fields(), **_ADDED_FIELDS}
    for name, fields in sources.items():
        merged = {**fields, **_EXTRA_FIELDS.get(name, {})}
        models[name] = ModelSpec(
            name=name,
            description=_DESCRIPTIONS.get(name, name),
            fields=_with_standard_fields(merged),
            acl=_ACLS.get(name, Acl()),
            order=_ORDERS.get(name, "id"),
            required=_REQUIRED.get(name, ()),
            field_groups={"stage_id": GROUP_PROJECT_STAGES} if name == "project.project" else {},
            mail_thread=name in MAIL_THREAD_MODELS,
        )
    return models
