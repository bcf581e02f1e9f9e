"""Odoo's RPC services (common, db, object) and the web-client session endpoints."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from odoo_sim import business
from odoo_sim.errors import (
    AccessDenied,
    AccessError,
    AttributeError_,
    Exception_,
    KeyError_,
    TypeError_,
    unknown_database,
)
from odoo_sim.models import XML_IDS, registry
from odoo_sim.orm import Env

VERSION_INFO = {
    "server_version": "17.0-20240709",
    "server_version_info": [17, 0, 0, "final", 0, ""],
    "server_serie": "17.0",
    "protocol_version": 1,
}
USER_CONTEXT = {"lang": "en_US", "tz": "Europe/Brussels"}


def _search(
    env: Env,
    model: str,
    domain: list[Any],
    offset: int = 0,
    limit: int | None = None,
    order: str | None = None,
    count: bool = False,
) -> Any:
    ids = env.search(model, domain, offset, limit, order)
    return len(ids) if count else ids


def _search_read(
    env: Env,
    model: str,
    domain: list[Any] | None = None,
    fields: list[str] | None = None,
    offset: int = 0,
    limit: int | None = None,
    order: str | None = None,
) -> Any:
    spec = env.model(model)
    if fields:
        for name in fields:
            if name not in spec.fields:
                from odoo_sim.errors import ValueError_

                raise ValueError_(f"Invalid field {name!r} on model {model!r}")
    ids = env.search(model, domain or [], offset, limit, order)
    return env.read(model, ids, fields) if ids else []


def _read(
    env: Env,
    model: str,
    ids: list[int] | int,
    fields: list[str] | None = None,
    load: str = "_classic_read",
) -> Any:
    del load
    return env.read(model, [ids] if isinstance(ids, int) else ids, fields)


def _search_count(env: Env, model: str, domain: list[Any], limit: int | None = None) -> int:
    return len(env.search(model, domain, 0, limit))


def _create(env: Env, model: str, vals_list: dict[str, Any] | list[dict[str, Any]]) -> Any:
    if isinstance(vals_list, dict):
        return env.create(model, [vals_list])[0]
    return env.create(model, vals_list)


def _write(env: Env, model: str, ids: list[int] | int, vals: dict[str, Any]) -> bool:
    return env.write(model, [ids] if isinstance(ids, int) else ids, vals)


def _unlink(env: Env, model: str, ids: list[int] | int) -> bool:
    return env.unlink(model, [ids] if isinstance(ids, int) else ids)


def _fields_get(
    env: Env, model: str, allfields: list[str] | None = None, attributes: list[str] | None = None
) -> Any:
    result = env.fields_get(model, attributes)
    return {k: v for k, v in result.items() if not allfields or k in allfields}


def _name_search(
    env: Env,
    model: str,
    name: str = "",
    args: list[Any] | None = None,
    operator: str = "ilike",
    limit: int = 100,
) -> Any:
    return env.name_search(model, name, args, operator, limit)


def _read_group(
    env: Env,
    model: str,
    domain: list[Any],
    fields: list[str],
    groupby: Any,
    offset: int = 0,
    limit: int | None = None,
    orderby: Any = False,
    lazy: bool = True,
) -> Any:
    del offset, limit, orderby
    return env.read_group(model, domain, fields, groupby, lazy)


def _exists(env: Env, model: str, ids: list[int]) -> list[int]:
    return [i for i in ids if env.tx.exists(model, i)]


def _context_get(env: Env, model: str) -> dict[str, Any]:
    del model
    return {**USER_CONTEXT, "uid": env.uid}


def _check_object_reference(env: Env, model: str, module: str, xml_id: str) -> list[Any]:
    del env, model
    target = XML_IDS.get((module, xml_id))
    if target is None:
        from odoo_sim.errors import ValueError_

        raise ValueError_(f"External ID not found in the system: {module}.{xml_id}")
    return list(target)


def _action_confirm(env: Env, model: str, ids: list[int]) -> bool:
    del model
    return business.action_confirm(env, ids)


def _create_invoices(env: Env, model: str, ids: list[int]) -> Any:
    del model
    return business.create_invoices(env, ids)


def _action_feedback(
    env: Env,
    model: str,
    ids: list[int],
    feedback: str = "",
    attachment_ids: list[int] | None = None,
) -> bool:
    """Mark activities done: a note on their record, then the activity is gone (Odoo 17)."""
    del attachment_ids
    for activity_id in ids:
        activity = env.raw(model, activity_id)
        record_model = (env.tx.get("ir.model", activity.get("res_model_id") or 0) or {}).get(
            "model"
        )
        if record_model:
            business.message_post(
                env,
                record_model,
                [activity["res_id"]],
                body=f"{activity.get('summary') or 'Activity'} done: {feedback}",
                message_type="notification",
            )
    env.unlink(model, ids)
    return True


def _message_post(env: Env, model: str, ids: list[int], **kwargs: Any) -> int:
    return business.message_post(env, model, ids, **kwargs)


Handler = Callable[..., Any]
GENERIC: dict[str, Handler] = {
    "search": _search,
    "search_read": _search_read,
    "read": _read,
    "search_count": _search_count,
    "create": _create,
    "write": _write,
    "unlink": _unlink,
    "fields_get": _fields_get,
    "name_search": _name_search,
    "read_group": _read_group,
    "exists": _exists,
}
SPECIFIC: dict[tuple[str, str], Handler] = {
    ("res.users", "context_get"): _context_get,
    ("ir.model.data", "check_object_reference"): _check_object_reference,
    ("sale.order", "action_confirm"): _action_confirm,
    ("sale.advance.payment.inv", "create_invoices"): _create_invoices,
    ("mail.activity", "action_feedback"): _action_feedback,
}


def resolve(model: str, method: str) -> Handler:
    """The handler of ``model.method``, or Odoo's error for a private or unknown method."""
    if method.startswith("_"):
        raise AccessError(f"Private methods (such as {method}) cannot be called remotely.")
    spec = registry().get(model)
    handler = SPECIFIC.get((model, method)) or GENERIC.get(method)
    if handler is None and method == "message_post" and spec is not None and spec.mail_thread:
        handler = _message_post
    if handler is None:
        if spec is None:
            from odoo_sim.errors import UserError

            raise UserError(f"Object {model} doesn't exist")
        raise AttributeError_(f"The method '{method}' does not exist on the model '{model}'")
    return handler


def call_model(env: Env, model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """Run ``model.method(*args, **kwargs)`` as Odoo's ``execute_kw`` does."""
    handler = resolve(model, method)
    env.model(model)
    try:
        inspect.signature(handler).bind(env, model, *args, **kwargs)
    except TypeError as error:
        reason = str(error).replace(
            "missing a required argument:", "missing 1 required positional argument:"
        )
        raise TypeError_(f"BaseModel.{method}() {reason}") from None
    return handler(env, model, *args, **kwargs)


@dataclass
class Users:
    """Login checks against res.users (passwords kept in the simulator's own field)."""

    env_factory: Callable[[int], Env]
    database: str
    failures: dict[str, int] = field(default_factory=dict)

    def check_database(self, name: str) -> None:
        if name != self.database:
            raise unknown_database(name)

    def login(self, database: str, login: str, password: str) -> int | bool:
        self.check_database(database)
        env = self.env_factory(1)
        for user_id in env.search("res.users", [("login", "=", login)], check=False):
            user = env.raw("res.users", user_id)
            if user.get("sim_password") == password and user.get("active", True):
                return user_id
        return False

    def check(self, database: str, uid: Any, password: str) -> int:
        self.check_database(database)
        env = self.env_factory(1)
        user = env.tx.get("res.users", uid) if isinstance(uid, int) else None
        if not user or user.get("sim_password") != password or not user.get("active", True):
            raise AccessDenied("Access Denied")
        return int(uid)


def common_service(users: Users, method: str, args: list[Any]) -> Any:
    if method == "version":
        return VERSION_INFO
    if method == "login":
        return users.login(*args[:3])
    if method == "authenticate":
        return users.login(*args[:3])
    raise Exception_(f"Method not found: {method}")


def db_service(users: Users, method: str, args: list[Any]) -> Any:
    del args
    if method == "list":
        return [users.database]
    if method == "server_version":
        return VERSION_INFO["server_version"]
    raise KeyError_(method)


def session_info(env: Env, database: str) -> dict[str, Any]:
    """What ``/web/session/authenticate`` answers (shape as recorded)."""
    user = env.raw("res.users", env.uid)
    partner = (
        env.display_name("res.partner", user.get("partner_id")) if user.get("partner_id") else ""
    )
    return {
        "uid": env.uid,
        "is_system": env.uid == 2,
        "is_admin": env.uid == 2,
        "is_internal_user": True,
        "user_context": {**USER_CONTEXT, "uid": env.uid},
        "db": database,
        "user_settings": {
            "id": env.uid,
            "user_id": {"id": env.uid},
            "is_discuss_sidebar_category_channel_open": True,
            "is_discuss_sidebar_category_chat_open": True,
            "push_to_talk_key": False,
            "use_push_to_talk": False,
            "voice_active_duration": 200,
            "volume_settings_ids": [["ADD", []]],
        },
        "server_version": VERSION_INFO["server_version"],
        "server_version_info": VERSION_INFO["server_version_info"],
        "support_url": "https://www.odoo.com/buy",
        "name": user.get("name"),
        "username": user.get("login"),
        "partner_display_name": partner,
        "partner_id": user.get("partner_id"),
        "web.base.url": "http://127.0.0.1:8069",
        "active_ids_limit": 20000,
        "profile_session": None,
        "profile_collectors": None,
        "profile_params": None,
        "max_file_upload_size": 134217728,
        "home_action_id": False,
        "cache_hashes": {"translations": "0" * 40, "load_menus": "0" * 64},
        "currencies": {"1": {"symbol": "$", "position": "before", "digits": [69, 2]}},
        "bundle_params": {"lang": "en_US"},
        "user_companies": {
            "current_company": 1,
            "allowed_companies": {
                "1": {
                    "id": 1,
                    "name": "YourCompany",
                    "sequence": 0,
                    "child_ids": [],
                    "parent_id": False,
                    "timesheet_uom_id": 4,
                    "timesheet_uom_factor": 1.0,
                }
            },
            "disallowed_ancestor_companies": {},
        },
        "show_effect": True,
        "display_switch_company_menu": False,
        "user_id": [env.uid],
        "web_tours": [],
        "tour_disable": True,
        "notification_type": "email",
        "odoobot_initialized": True,
        "iap_company_enrich": True,
        "is_quick_edit_mode_enabled": False,
        "uom_ids": {
            "4": {"id": 4, "name": "Hours", "rounding": 0.01, "timesheet_widget": "float_time"}
        },
    }
