"""Odoo failures as typed errors: retryable (the server may answer later) or not (it said no).

Odoo answers every call with HTTP 200; a failure is an ``error`` envelope whose
``data.name`` names the Python exception class on the server (``odoo.exceptions.UserError``,
``builtins.ValueError``...). Transport failures (refused, timeout, 5xx) never reach Odoo's
code at all.
"""

from __future__ import annotations

import http.client
import socket
import urllib.error
from typing import Any

import odoorpc.error


class OdooError(Exception):
    """Base of every Odoo failure.

    Attributes:
        retryable: whether the same call may succeed later without a change.
        odoo_name: Odoo's exception class name, e.g. ``odoo.exceptions.UserError``.
        odoo_message: Odoo's own message, kept verbatim.
    """

    retryable = False

    def __init__(self, message: str, *, odoo_name: str = "", odoo_message: str = "") -> None:
        super().__init__(message)
        self.odoo_name = odoo_name
        self.odoo_message = odoo_message or message


class OdooUnavailableError(OdooError):
    """Odoo cannot be reached, timed out or answered 5xx."""

    retryable = True


class OdooConcurrencyError(OdooError):
    """A serialization failure or lock on the server: the same call usually succeeds later."""

    retryable = True


class OdooAuthenticationError(OdooError):
    """Wrong login, password or API key, or unknown database. Never retried."""


class OdooAccessError(OdooError):
    """The user may not do this (ACL, record rule, field group, private method)."""


class OdooValidationError(OdooError):
    """Odoo refused the values (a constraint or a required field)."""


class OdooUserError(OdooError):
    """A business rule said no (e.g. confirming twice, nothing to invoice, unknown model)."""


class OdooMissingError(OdooError):
    """The record does not exist (any more)."""


class OdooProgrammingError(OdooError):
    """Govern asked something Odoo does not understand: unknown field, method or operator."""


_BY_NAME: dict[str, type[OdooError]] = {
    "odoo.exceptions.AccessDenied": OdooAuthenticationError,
    "odoo.exceptions.AccessError": OdooAccessError,
    "odoo.exceptions.ValidationError": OdooValidationError,
    "odoo.exceptions.UserError": OdooUserError,
    "odoo.exceptions.MissingError": OdooMissingError,
    "odoo.exceptions.RedirectWarning": OdooUserError,
    "odoo.http.SessionExpiredException": OdooAuthenticationError,
    "builtins.ValueError": OdooProgrammingError,
    "builtins.AttributeError": OdooProgrammingError,
    "builtins.KeyError": OdooProgrammingError,
    "builtins.TypeError": OdooProgrammingError,
    "psycopg2.errors.SerializationFailure": OdooConcurrencyError,
    "psycopg2.errors.LockNotAvailable": OdooConcurrencyError,
    "psycopg2.extensions.TransactionRollbackError": OdooConcurrencyError,
}


def from_rpc_error(error: odoorpc.error.RPCError, *, during: str = "") -> OdooError:
    """Map an odoorpc ``RPCError`` (Odoo's error envelope) to a typed error."""
    info: dict[str, Any] = error.info if isinstance(error.info, dict) else {}
    data: dict[str, Any] = info.get("data") or {}
    name = str(data.get("name") or "")
    message = str(data.get("message") or error)
    prefix = f"{during}: " if during else ""
    if not info and "wrong login" in str(error).lower():
        return OdooAuthenticationError(f"{prefix}{error}", odoo_message=str(error))
    if name == "psycopg2.OperationalError" and "does not exist" in message:
        return OdooAuthenticationError(f"{prefix}{message.strip()}", odoo_name=name)
    if name.startswith("psycopg2") and name not in _BY_NAME:
        return OdooUnavailableError(f"{prefix}{name}: {message}", odoo_name=name)
    kind = _BY_NAME.get(name, OdooError)
    return kind(f"{prefix}{name or 'Odoo error'}: {message}", odoo_name=name, odoo_message=message)


def from_transport_error(error: BaseException, *, during: str = "") -> OdooError | None:
    """Map a transport failure (refused, timeout, HTTP 5xx...) or return ``None``."""
    prefix = f"{during}: " if during else ""
    if isinstance(error, urllib.error.HTTPError):
        if error.code >= 500 or error.code in (408, 429):
            return OdooUnavailableError(f"{prefix}Odoo answered HTTP {error.code}")
        return OdooError(f"{prefix}Odoo answered HTTP {error.code}")
    if isinstance(
        error,
        urllib.error.URLError
        | socket.timeout
        | TimeoutError
        | ConnectionError
        | http.client.HTTPException,
    ):
        reason = getattr(error, "reason", error)
        return OdooUnavailableError(f"{prefix}Odoo is unreachable: {reason}")
    if isinstance(error, ValueError) and "JSON" in str(error):
        # A proxy's HTML error page instead of Odoo's JSON.
        return OdooUnavailableError(f"{prefix}Odoo answered something that is not JSON")
    return None
