"""Govern's gateway to Odoo 16/17/18 over JSON-RPC, through odoorpc."""

from integrations.odoo.errors import (
    OdooAccessError,
    OdooAuthenticationError,
    OdooConcurrencyError,
    OdooError,
    OdooMissingError,
    OdooProgrammingError,
    OdooUnavailableError,
    OdooUserError,
    OdooValidationError,
)
from integrations.odoo.gateway import OdooCredentials, OdooGateway

__all__ = [
    "OdooAccessError",
    "OdooAuthenticationError",
    "OdooConcurrencyError",
    "OdooCredentials",
    "OdooError",
    "OdooGateway",
    "OdooMissingError",
    "OdooProgrammingError",
    "OdooUnavailableError",
    "OdooUserError",
    "OdooValidationError",
]
