"""Turning integration failures into Temporal failures with the right retry behaviour."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from temporalio.exceptions import ApplicationError

from integrations.odoo import OdooError

P = ParamSpec("P")
R = TypeVar("R")


def odoo_failures(fn: Callable[P, R]) -> Callable[P, R]:
    """Odoo's "no" (access, validation, user error...) is non-retryable; outages retry."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except OdooError as error:
            raise ApplicationError(
                str(error), type=type(error).__name__, non_retryable=not error.retryable
            ) from error

    return wrapper
