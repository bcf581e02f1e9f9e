"""Server-side exceptions, named as Odoo names them on the wire (``data.name``)."""

from __future__ import annotations


class OdooServerError(Exception):
    """An error Odoo reports in its JSON-RPC error envelope."""

    wire_name = "odoo.exceptions.UserError"
    code = 200

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _kind(name: str, code: int = 200) -> type[OdooServerError]:
    return type(name.rsplit(".", 1)[-1], (OdooServerError,), {"wire_name": name, "code": code})


UserError = _kind("odoo.exceptions.UserError")
AccessError = _kind("odoo.exceptions.AccessError")
AccessDenied = _kind("odoo.exceptions.AccessDenied")
MissingError = _kind("odoo.exceptions.MissingError")
ValidationError = _kind("odoo.exceptions.ValidationError")
SessionExpired = _kind("odoo.http.SessionExpiredException", code=100)
ValueError_ = _kind("builtins.ValueError")
AttributeError_ = _kind("builtins.AttributeError")
TypeError_ = _kind("builtins.TypeError")
KeyError_ = _kind("builtins.KeyError")
Exception_ = _kind("builtins.Exception")
DatabaseMissing = _kind("psycopg2.OperationalError")


def unknown_database(name: str) -> OdooServerError:
    return DatabaseMissing(
        'connection to server at "127.0.0.1", port 5432 failed: FATAL:  '
        f'database "{name}" does not exist\n'
    )
