"""Govern's custom search attributes, as typed keys, in one place.

Every governed case carries these so that "what is stuck, and where" is one visibility
query away (``GovernState = "awaiting_approval" AND GovernSlaBreached = true``). Values
are business keys and pseudonymous directory ids only: search attributes are not
encrypted, so no names, e-mails or secrets go here.
"""

from __future__ import annotations

from temporalio.common import SearchAttributeKey

LIFECYCLE = SearchAttributeKey.for_keyword("GovernLifecycle")
"""Which governed lifecycle the case is: ``project_launch``, ``approval``, ..."""

STATE = SearchAttributeKey.for_keyword("GovernState")
"""Where the case is: ``gathering``, ``awaiting_approval``, ``completed``, ..."""

PENDING_APPROVERS = SearchAttributeKey.for_keyword_list("GovernPendingApprovers")
"""Directory ids of the people a decision is waiting on."""

ODOO_MODEL = SearchAttributeKey.for_keyword("GovernOdooModel")
"""The Odoo model of the governed record, e.g. ``sale.order``."""

ODOO_ID = SearchAttributeKey.for_int("GovernOdooId")
"""The Odoo database id of the governed record."""

BUSINESS_UNIT = SearchAttributeKey.for_keyword("GovernBusinessUnit")
"""The business unit that owns the case."""

AMOUNT_AT_STAKE = SearchAttributeKey.for_float("GovernAmountAtStake")
"""Money the decision governs, in the company currency."""

SLA_BREACHED = SearchAttributeKey.for_bool("GovernSlaBreached")
"""True once any step of the case ran past its deadline."""

ALL_KEYS = (
    LIFECYCLE,
    STATE,
    PENDING_APPROVERS,
    ODOO_MODEL,
    ODOO_ID,
    BUSINESS_UNIT,
    AMOUNT_AT_STAKE,
    SLA_BREACHED,
)
"""Every Govern search attribute; `govern setup` and the dev server register these."""
