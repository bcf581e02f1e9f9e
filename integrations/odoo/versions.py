"""What differs between Odoo 16, 17 and 18 that Govern cares about, detected per server."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


@dataclass
class OdooDialect:
    """The server's major version and per-connection field knowledge.

    Attributes:
        major: 16, 17, 18...
        fields_cache: ``fields_get`` answers by model, filled on first use.
    """

    major: int
    fields_cache: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)

    @classmethod
    def detect(cls, server_version: str) -> OdooDialect:
        """From odoorpc's ``version`` string, e.g. ``17.0-20240709`` or ``saas~17.4``."""
        match = re.search(r"(\d+)\.", server_version or "")
        return cls(major=int(match.group(1)) if match else 17)

    @property
    def project_analytic_field(self) -> str:
        """``project.project``'s analytic account: ``account_id`` from 18 on."""
        return "account_id" if self.major >= 18 else "analytic_account_id"

    @property
    def sale_order_confirmed_states(self) -> tuple[str, ...]:
        """States of a confirmed order: 16 still has the locked ``done`` state."""
        return ("sale", "done") if self.major <= 16 else ("sale",)
