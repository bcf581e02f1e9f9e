"""Odoo's domain language: prefix ``&``, ``|``, ``!`` over ``(field, operator, value)`` leaves."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from odoo_sim.errors import ValueError_

OPERATORS = {
    "=",
    "!=",
    "<>",
    "<",
    ">",
    "<=",
    ">=",
    "in",
    "not in",
    "like",
    "ilike",
    "not like",
    "not ilike",
    "=like",
    "=ilike",
    "child_of",
    "parent_of",
}
LOGIC = {"&": 2, "|": 2, "!": 1}

# (model, record id, dotted path, operator, value) -> bool
LeafMatcher = Callable[[str, int, str, str, Any], bool]


def is_leaf(term: Any) -> bool:
    return isinstance(term, list | tuple) and len(term) == 3


def validate(domain: Sequence[Any], model: str, has_field: Callable[[str], bool]) -> None:
    """Raise Odoo's ValueError for a bad operator, a bad term or an unknown field."""
    for term in domain:
        if isinstance(term, str) and term in LOGIC:
            continue
        if not is_leaf(term):
            raise ValueError_(f"Invalid leaf {term!r}")
        path, operator, _value = term
        if operator not in OPERATORS:
            raise ValueError_(f"Invalid leaf {tuple(term)!r}")
        if path in (0, 1) or (isinstance(path, int) and not isinstance(path, bool)):
            continue  # (1, '=', 1) and (0, '=', 1) are Odoo's TRUE and FALSE leaves
        if not isinstance(path, str) or not has_field(path.split(".", 1)[0]):
            raise ValueError_(f"Invalid field {model}.{path} in leaf {tuple(term)!r}")


def evaluate(domain: Sequence[Any], leaf: Callable[[Sequence[Any]], bool]) -> bool:
    """Evaluate a domain for one record; terms are implicitly AND-ed."""
    stack: list[bool] = []
    for term in reversed(list(domain)):
        if isinstance(term, str) and term in LOGIC:
            if term == "!":
                stack.append(not stack.pop())
            else:
                first, second = stack.pop(), stack.pop()
                stack.append(first and second if term == "&" else first or second)
        else:
            stack.append(leaf(term))
    return all(stack)


def _like(pattern: str, text: str, case_sensitive: bool, anchored: bool) -> bool:
    if not anchored:
        return (pattern in text) if case_sensitive else (pattern.lower() in text.lower())
    regex = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.fullmatch(regex, text, flags) is not None


def _is_empty(value: Any) -> bool:
    return value is None or value is False or value == [] or value == ""


def compare(value: Any, operator: str, target: Any) -> bool:
    """Compare one stored value (scalar, or list of ids for x2many) with a leaf's target."""
    if isinstance(value, list):  # x2many: the leaf holds if any id matches
        if target is False and operator in ("=", "!=", "<>"):
            return (not value) if operator == "=" else bool(value)
        if operator in ("not in", "!=", "<>"):
            return not any(compare(v, "in" if operator == "not in" else "=", target) for v in value)
        return any(compare(v, operator, target) for v in value)
    if operator in ("=", "!=", "<>"):
        equal = _is_empty(value) if target is False else value == target
        return equal if operator == "=" else not equal
    if operator in ("in", "not in"):
        targets = list(target) if isinstance(target, list | tuple) else [target]
        found = value in targets or (_is_empty(value) and False in targets)
        return found if operator == "in" else not found
    if operator in ("<", ">", "<=", ">="):
        if _is_empty(value) and not isinstance(value, int | float):
            return False
        try:
            return {
                "<": value < target,
                ">": value > target,
                "<=": value <= target,
                ">=": value >= target,
            }[operator]
        except TypeError:
            return False
    if operator in ("like", "ilike", "not like", "not ilike", "=like", "=ilike"):
        text = "" if _is_empty(value) else str(value)
        matched = _like(
            str(target), text, operator in ("like", "not like", "=like"), operator.startswith("=")
        )
        return not matched if operator.startswith("not") else matched
    raise ValueError_(f"Invalid operator {operator!r}")
