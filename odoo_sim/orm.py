"""The ORM the RPC layer calls: search, read, create, write, unlink... with Odoo's errors."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from odoo_sim import domain as domains
from odoo_sim.errors import (
    AccessError,
    MissingError,
    UserError,
    ValidationError,
    ValueError_,
)
from odoo_sim.models import GROUPS, ModelSpec, registry
from odoo_sim.store import Record, Transaction

if TYPE_CHECKING:
    from odoo_sim.webhooks import Automations

# one2many fields and the many2one on the other side that they mirror
INVERSES: dict[tuple[str, str], str] = {
    ("sale.order", "order_line"): "order_id",
    ("project.project", "task_ids"): "project_id",
    ("project.project", "milestone_ids"): "project_id",
    ("res.partner", "child_ids"): "parent_id",
    ("account.move", "invoice_line_ids"): "move_id",
    ("account.move", "line_ids"): "move_id",
    ("hr.expense.sheet", "expense_line_ids"): "sheet_id",
    ("base.automation", "action_server_ids"): "base_automation_id",
    ("res.users", "employee_ids"): "user_id",
    ("hr.employee", "child_ids"): "parent_id",
    ("project.task", "timesheet_ids"): "task_id",
}

_EMPTY_BY_TYPE: dict[str, Any] = {
    "integer": 0,
    "float": 0.0,
    "monetary": 0.0,
    "one2many": [],
    "many2many": [],
    "boolean": False,
}


def now_string() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")


def today_string() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d")


Computed = Callable[["Env", int], Any]
COMPUTED: dict[tuple[str, str], Computed] = {}
DISPLAY: dict[str, Callable[[Env, int], str]] = {}


def computed(model: str, *fields: str) -> Callable[[Computed], Computed]:
    def register(fn: Computed) -> Computed:
        for name in fields:
            COMPUTED[(model, name)] = fn
        return fn

    return register


class Env:
    """One RPC call's access to the data, as one user, inside one transaction."""

    def __init__(
        self,
        tx: Transaction,
        uid: int,
        context: dict[str, Any] | None = None,
        automations: Automations | None = None,
    ) -> None:
        self.tx = tx
        self.uid = uid
        self.context = context or {}
        self.automations = automations
        self._groups: set[int] | None = None

    # -- models, users, access ---------------------------------------------------------

    def model(self, name: str) -> ModelSpec:
        spec = registry().get(name)
        if spec is None:
            raise UserError(f"Object {name} doesn't exist")
        return spec

    @property
    def groups(self) -> set[int]:
        if self._groups is None:
            user = self.tx.get("res.users", self.uid) or {}
            self._groups = set(user.get("groups_id", []))
        return self._groups

    @property
    def is_superuser(self) -> bool:
        return self.uid == 1

    def has_group(self, group: int | None) -> bool:
        return group is None or self.is_superuser or group in self.groups

    def user_name(self) -> str:
        return str((self.tx.get("res.users", self.uid) or {}).get("name", "?"))

    def check_access(self, spec: ModelSpec, operation: str) -> None:
        if not self.has_group(spec.acl.read):
            raise AccessError(
                "Uh-oh! Looks like you have stumbled upon some top-secret records.\n\n"
                f"Sorry, {self.user_name()} (id={self.uid}) doesn't have 'read' access to:\n"
                f"- {spec.description} ({spec.name})\n\n"
                "If you really, really need access, perhaps you can win over your friendly "
                "administrator with a batch of freshly baked cookies."
            )
        group = spec.acl.group_for(operation)
        if operation != "read" and not self.has_group(group):
            verb = {"write": "modify", "create": "create", "unlink": "delete"}[operation]
            category, name = GROUPS[group] if group else ("", "")
            raise AccessError(
                f"You are not allowed to {verb} '{spec.description}' ({spec.name}) records.\n\n"
                "This operation is allowed for the following groups:\n"
                f"\t- {category}/{name}\n\n"
                "Contact your administrator to request access if necessary."
            )

    def check_field_groups(self, spec: ModelSpec, fields: Sequence[str], operation: str) -> None:
        denied = [f for f in fields if not self.has_group(spec.field_groups.get(f))]
        if denied:
            lines = "\n".join(
                f"- {f} (allowed for groups '{' / '.join(GROUPS[spec.field_groups[f]])}')"
                for f in denied
            )
            raise AccessError(
                "The requested operation can not be completed due to security restrictions.\n\n"
                f"Document type: {spec.description} ({spec.name})\n"
                f"Operation: {operation}\nUser: {self.uid}\nFields:\n{lines}"
            )

    def visible_fields(self, spec: ModelSpec) -> dict[str, dict[str, Any]]:
        return {n: f for n, f in spec.fields.items() if self.has_group(spec.field_groups.get(n))}

    # -- values --------------------------------------------------------------------

    def raw(self, model: str, record_id: int) -> Record:
        record = self.tx.get(model, record_id)
        if record is None:
            raise self.missing(model, [record_id])
        return record

    def missing(self, model: str, ids: Sequence[int]) -> MissingError:
        shown = ", ".join(str(i) for i in ids) + ("," if len(ids) == 1 else "")
        return MissingError(
            "Record does not exist or has been deleted.\n"
            f"(Record: {model}({shown}), User: {self.uid})"
        )

    def value(self, model: str, record_id: int, field: str) -> Any:
        """A field's raw value: an id (or False) for many2one, ids for x2many."""
        if field == "id":
            return record_id
        fn = COMPUTED.get((model, field))
        if fn is not None:
            return fn(self, record_id)
        inverse = INVERSES.get((model, field))
        if inverse is not None:
            relation = self.model(model).fields[field]["relation"]
            return [
                i for i in self.tx.ids(relation) if self.raw(relation, i).get(inverse) == record_id
            ]
        if field == "display_name":
            return self.display_name(model, record_id)
        record = self.raw(model, record_id)
        if field in record:
            return record[field]
        spec = self.model(model).fields.get(field, {})
        return _EMPTY_BY_TYPE.get(spec.get("type", ""), False)

    def display_name(self, model: str, record_id: int) -> str:
        fn = DISPLAY.get(model)
        if fn is not None:
            return fn(self, record_id)
        record = self.tx.get(model, record_id) or {}
        return str(record.get("name") or f"{model},{record_id}")

    def browse_values(self, model: str, record_id: int, fields: Sequence[str]) -> Record:
        spec = self.model(model)
        row: Record = {"id": record_id}
        for name in fields:
            if name == "id":
                continue
            value = self.value(model, record_id, name)
            kind = spec.fields[name]["type"]
            if kind == "many2one" and value:
                relation = spec.fields[name]["relation"]
                value = (
                    [value, self.display_name(relation, value)]
                    if self.tx.exists(relation, value)
                    else False
                )
            row[name] = value
        return row

    # -- search ------------------------------------------------------------------

    def _leaf(self, model: str, record_id: int, term: Sequence[Any]) -> bool:
        path, operator, target = term
        if not isinstance(path, str):
            return bool(path) == bool(target) if operator == "=" else bool(path) != bool(target)
        spec = self.model(model)
        head, _, rest = path.partition(".")
        value = self.value(model, record_id, head)
        field = spec.fields[head]
        relation = field.get("relation")
        if rest and relation:
            ids = value if isinstance(value, list) else ([value] if value else [])
            return any(self._leaf(relation, i, (rest, operator, target)) for i in ids)
        if operator in ("child_of", "parent_of"):
            tree_model = relation or model
            roots = target if isinstance(target, list) else [target]
            wanted = self._tree(tree_model, roots, down=operator == "child_of")
            ids = value if isinstance(value, list) else [value]
            return any(i in wanted for i in ids)
        if relation and isinstance(target, str) and operator in ("=", "ilike", "like"):
            ids = value if isinstance(value, list) else ([value] if value else [])
            return any(
                domains.compare(self.display_name(relation, i), operator, target) for i in ids
            )
        return domains.compare(value, operator, target)

    def _tree(self, model: str, roots: list[int], down: bool) -> set[int]:
        found = set(roots)
        if down:
            changed = True
            while changed:
                changed = False
                for i in self.tx.ids(model):
                    if i not in found and self.raw(model, i).get("parent_id") in found:
                        found.add(i)
                        changed = True
        else:
            for root in roots:
                parent = (self.tx.get(model, root) or {}).get("parent_id")
                while parent and parent not in found:
                    found.add(parent)
                    parent = (self.tx.get(model, parent) or {}).get("parent_id")
        return found

    def search(
        self,
        model: str,
        domain: Sequence[Any],
        offset: int = 0,
        limit: int | None = None,
        order: str | None = None,
        check: bool = True,
    ) -> list[int]:
        spec = self.model(model)
        if check and not self.has_group(spec.acl.read):
            return []  # Odoo 17 answers an empty search when the model is not readable
        domains.validate(domain, model, lambda f: f in spec.fields)
        with_active = (
            "active" in spec.fields
            and not any(domains.is_leaf(t) and t[0] == "active" for t in domain)
            and self.context.get("active_test", True)
        )
        matched = [
            i
            for i in self.tx.ids(model)
            if (not with_active or self.raw(model, i).get("active", True) is not False)
            and domains.evaluate(domain, lambda t, i=i: self._leaf(model, i, t))
            and self._rule_allows(model, i)
        ]
        matched = self._order(model, matched, order or spec.order)
        end = None if limit is None or limit is False else offset + int(limit)
        return matched[offset:end]

    def _rule_allows(self, model: str, record_id: int) -> bool:
        from odoo_sim.models import GROUP_EXPENSE_APPROVER

        if model in ("hr.expense", "hr.expense.sheet") and not self.has_group(
            GROUP_EXPENSE_APPROVER
        ):
            employee = self.raw(model, record_id).get("employee_id")
            owner = (
                (self.tx.get("hr.employee", employee) or {}).get("user_id") if employee else None
            )
            return owner == self.uid
        return True

    def _order(self, model: str, ids: list[int], order: str) -> list[int]:
        keys = []
        for part in reversed([p.strip() for p in order.split(",") if p.strip()]):
            name, _, direction = part.partition(" ")
            keys.append((name, direction.strip().lower() == "desc"))
        result = list(ids)
        for name, descending in keys:
            if name not in self.model(model).fields and name != "id":
                raise ValueError_(f"Invalid field {name!r} on model {model!r}")

            def sort_key(i: int, name: str = name) -> Any:
                value = (
                    self.value(model, i, name)
                    if name != "complete_name"
                    else self.display_name(model, i)
                )
                if isinstance(value, list):
                    value = len(value)
                return (value is False or value is None, value if value not in (False, None) else 0)

            result.sort(key=sort_key, reverse=descending)
        return result

    # -- read ----------------------------------------------------------------------

    def read(self, model: str, ids: Sequence[int], fields: Sequence[str] | None) -> list[Record]:
        spec = self.model(model)
        self.check_access(spec, "read")
        if fields:
            for name in fields:
                if name not in spec.fields:
                    raise ValueError_(f"Invalid field {name!r} on model {model!r}")
            self.check_field_groups(spec, fields, "read")
            wanted = list(fields)
        else:
            wanted = [f for f in self.visible_fields(spec) if f != "id"]
        existing = [i for i in ids if self.tx.exists(model, i)]
        return [self.browse_values(model, i, wanted) for i in existing]

    # -- write -----------------------------------------------------------------------

    def _check_values(self, spec: ModelSpec, values: Record) -> Record:
        clean: Record = {}
        for name, value in values.items():
            field = spec.fields.get(name)
            if field is None:
                raise ValueError_(f"Invalid field {name!r} on model {spec.name!r}")
            kind = field["type"]
            if kind == "integer" and value is not False:
                try:
                    value = int(value)
                except (TypeError, ValueError):
                    raise ValueError_(
                        f"invalid literal for int() with base 10: {value!r}"
                    ) from None
            elif kind in ("float", "monetary") and value is not False:
                value = float(value)
            elif kind == "selection" and value is not False:
                allowed = [k for k, _ in field.get("selection", [])]
                if allowed and value not in allowed:
                    raise ValueError_(f"Wrong value for {spec.name}.{name}: {value!r}")
            elif kind == "many2one":
                value = value if isinstance(value, int) and not isinstance(value, bool) else False
            clean[name] = value
        return clean

    def _required_error(self, spec: ModelSpec, name: str) -> ValidationError:
        label = spec.fields[name]["string"]
        return ValidationError(
            "The operation cannot be completed:\n"
            "- Create/update: a mandatory field is not set.\n"
            "- Delete: another model requires the record being deleted. "
            "If possible, archive it instead.\n\n"
            f"Model: {spec.description} ({spec.name})\nField: {label} ({name})\n"
        )

    def _apply_x2many(
        self, spec: ModelSpec, record_id: int, name: str, commands: Any
    ) -> list[int] | None:
        """Run x2many commands; returns the new id list for many2many (stored) fields."""
        field = spec.fields[name]
        relation = field["relation"]
        inverse = INVERSES.get((spec.name, name))
        current: list[int] = (
            list(self.value(spec.name, record_id, name))
            if self.tx.exists(spec.name, record_id)
            else []
        )
        if commands and all(isinstance(c, int) for c in commands):
            commands = [[6, 0, commands]]
        for command in commands or []:
            code = command[0]
            if code == 0:
                values = dict(command[2])
                if inverse:
                    values[inverse] = record_id
                current.append(self.create_one(relation, values))
            elif code == 1:
                self.write(relation, [command[1]], dict(command[2]))
            elif code == 2:
                self.unlink(relation, [command[1]])
                current = [i for i in current if i != command[1]]
            elif code == 3:
                current = [i for i in current if i != command[1]]
            elif code == 4:
                if command[1] not in current:
                    current.append(command[1])
            elif code == 5:
                current = []
            elif code == 6:
                current = list(command[2])
        return None if inverse else current

    def create(self, model: str, values_list: Sequence[Record]) -> list[int]:
        spec = self.model(model)
        self.check_access(spec, "create")
        return [self.create_one(model, values) for values in values_list]

    def create_one(self, model: str, values: Record) -> int:
        from odoo_sim import business

        spec = self.model(model)
        values = business.defaults(self, model, dict(values))
        password = values.pop("password", None) if model == "res.users" else None
        x2many = {
            k: v
            for k, v in values.items()
            if spec.fields.get(k, {}).get("type") in ("one2many", "many2many")
        }
        scalars = self._check_values(spec, {k: v for k, v in values.items() if k not in x2many})
        # Like a database sequence, a failed insert still consumes its id.
        record_id = self.tx.store.next_id(model)
        for name in spec.required:
            if not scalars.get(name) and name not in x2many:
                raise self._required_error(spec, name)
        stamp = now_string()
        record = {"create_date": stamp, "write_date": stamp, "create_uid": self.uid, **scalars}
        if password is not None:
            record["sim_password"] = password
        self.tx.put(model, record_id, record)
        for name, commands in x2many.items():
            stored = self._apply_x2many(spec, record_id, name, commands)
            if stored is not None:
                self.tx.update(model, record_id, {name: stored})
        business.after_create(self, model, record_id)
        if self.automations:
            self.automations.on_create(self, model, record_id)
        return record_id

    def write(self, model: str, ids: Sequence[int], values: Record) -> bool:
        from odoo_sim import business

        spec = self.model(model)
        self.check_access(spec, "write")
        self.check_field_groups(spec, list(values), "write")
        missing = [i for i in ids if not self.tx.exists(model, i)]
        if missing:
            raise self.missing(model, missing)
        x2many = {
            k: v
            for k, v in values.items()
            if spec.fields.get(k, {}).get("type") in ("one2many", "many2many")
        }
        scalars = self._check_values(spec, {k: v for k, v in values.items() if k not in x2many})
        for name in spec.required:
            if name in scalars and not scalars[name]:
                raise self._required_error(spec, name)
        for record_id in ids:
            before = dict(self.raw(model, record_id))
            self.tx.update(model, record_id, {**scalars, "write_date": now_string()})
            for name, commands in x2many.items():
                stored = self._apply_x2many(spec, record_id, name, commands)
                if stored is not None:
                    self.tx.update(model, record_id, {name: stored})
            business.after_write(self, model, record_id, before, set(values))
            if self.automations:
                self.automations.on_write(self, model, record_id, before, set(values))
        return True

    def unlink(self, model: str, ids: Sequence[int]) -> bool:
        spec = self.model(model)
        self.check_access(spec, "unlink")
        missing = [i for i in ids if not self.tx.exists(model, i)]
        if model in ("ir.actions.server", "base.automation"):
            # ir.actions overrides unlink and ignores records already gone (recorded).
            ids, missing = [i for i in ids if i not in missing], []
        if missing:
            raise self.missing(model, missing)
        for record_id in ids:
            for (parent, field), inverse in INVERSES.items():
                relation = registry()[parent].fields.get(field, {}).get("relation")
                if parent == model and relation and relation != model:
                    for child in [
                        c
                        for c in self.tx.ids(relation)
                        if self.raw(relation, c).get(inverse) == record_id
                    ]:
                        self.tx.delete(relation, child)
            self.tx.delete(model, record_id)
        return True

    # -- misc ORM methods --------------------------------------------------------

    def fields_get(self, model: str, attributes: Sequence[str] | None) -> dict[str, Any]:
        spec = self.model(model)
        result = {}
        for name, field in self.visible_fields(spec).items():
            if attributes:
                # Odoo adds these to some fields whatever was asked, as recorded.
                keys = {*attributes, "help", "exportable", "selectable", "searchable"}
                result[name] = {k: v for k, v in field.items() if k in keys}
            else:
                result[name] = {
                    "change_default": False,
                    "company_dependent": False,
                    "depends": [],
                    "exportable": True,
                    "manual": False,
                    "name": name,
                    "searchable": True,
                    "sortable": bool(field.get("store")),
                    **field,
                }
        return result

    def name_search(
        self,
        model: str,
        name: str = "",
        args: Sequence[Any] | None = None,
        operator: str = "ilike",
        limit: int = 100,
    ) -> list[list[Any]]:
        ids = self.search(model, list(args or []))
        matched = [
            i
            for i in ids
            if not name or domains.compare(self.display_name(model, i), operator, name)
        ]
        return [[i, self.display_name(model, i)] for i in matched[:limit]]

    def read_group(
        self,
        model: str,
        domain: Sequence[Any],
        fields: Sequence[str],
        groupby: Sequence[str] | str,
        lazy: bool = True,
    ) -> list[Record]:
        del fields
        group_field = groupby if isinstance(groupby, str) else groupby[0]
        counts: dict[Any, int] = {}
        for i in self.search(model, domain):
            key = self.value(model, i, group_field)
            counts[key] = counts.get(key, 0) + 1
        count_key = "__count" if not lazy else f"{group_field}_count"
        return [
            {group_field: key, count_key: n, "__domain": [[group_field, "=", key]]}
            for key, n in counts.items()
        ]
