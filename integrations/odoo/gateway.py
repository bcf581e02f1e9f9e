"""The Odoo gateway: typed errors, one odoorpc connection per thread, explicit field lists.

odoorpc is blocking, so the gateway is too: activities that use it are sync activities
running on the worker's thread pool, and async callers wrap calls in ``asyncio.to_thread``.
Each thread lazily opens its own connection (odoorpc sessions are not thread-safe).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import odoorpc
import odoorpc.error
from pydantic import SecretStr

from integrations.odoo.errors import (
    OdooAuthenticationError,
    OdooError,
    from_rpc_error,
    from_transport_error,
)
from integrations.odoo.versions import OdooDialect

Domain = Sequence[Any]

# After a refused login, calls fail fast for this long instead of hammering Odoo
# with the same wrong password from every thread and every activity retry.
AUTH_FAILURE_HOLD_SECONDS = 60.0


@dataclass(frozen=True)
class OdooCredentials:
    """Where Odoo is and who Govern is there."""

    url: str
    database: str
    login: str
    secret: SecretStr = field(repr=False)
    timeout_seconds: float = 15.0

    def describe(self) -> str:
        return f"{self.login}@{self.database} on {self.url}"


@dataclass
class _Session:
    odoo: odoorpc.ODOO
    uid: int
    dialect: OdooDialect


class OdooGateway:
    """Everything Govern asks of Odoo goes through here.

    Args:
        credentials: the Odoo server, database and user.
    """

    def __init__(self, credentials: OdooCredentials) -> None:
        self.credentials = credentials
        self._local = threading.local()
        self._auth_failure: tuple[float, OdooAuthenticationError] | None = None
        self._lock = threading.Lock()

    # -- connection -------------------------------------------------------------------

    def _open(self) -> _Session:
        held = self._auth_failure
        if held and time.monotonic() - held[0] < AUTH_FAILURE_HOLD_SECONDS:
            raise held[1]
        parts = urlsplit(self.credentials.url)
        secure = parts.scheme == "https"
        port = parts.port or (443 if secure else 80)
        with self._translated("connecting to Odoo"):
            odoo = odoorpc.ODOO(
                parts.hostname or "localhost",
                protocol="jsonrpc+ssl" if secure else "jsonrpc",
                port=port,
                timeout=self.credentials.timeout_seconds,
            )
        try:
            with self._translated(f"logging in to Odoo as {self.credentials.describe()}"):
                odoo.login(
                    self.credentials.database,
                    self.credentials.login,
                    self.credentials.secret.get_secret_value(),
                )
        except OdooAuthenticationError as error:
            refused = OdooAuthenticationError(
                f"Odoo refused the login {self.credentials.describe()}: wrong login, password "
                f"or API key, or no such database ({error.odoo_message.strip()}). "
                "Check GOVERN_ODOO_LOGIN, GOVERN_ODOO_API_KEY and GOVERN_ODOO_DATABASE.",
                odoo_name=error.odoo_name,
                odoo_message=error.odoo_message,
            )
            with self._lock:
                self._auth_failure = (time.monotonic(), refused)
            raise refused from None
        uid = int(odoo.env.uid)
        session = _Session(odoo=odoo, uid=uid, dialect=OdooDialect.detect(odoo.version))
        self._local.session = session
        return session

    def _session(self) -> _Session:
        session: _Session | None = getattr(self._local, "session", None)
        return session or self._open()

    @contextmanager
    def _translated(self, during: str) -> Iterator[None]:
        try:
            yield
        except odoorpc.error.RPCError as error:
            raise from_rpc_error(error, during=during) from error
        except OdooError:
            raise
        except Exception as error:
            mapped = from_transport_error(error, during=during)
            if mapped is None:
                raise
            # A broken transport may have left the session half-open: start afresh next time.
            self._local.session = None
            raise mapped from error

    # -- generic calls --------------------------------------------------------------

    def execute_kw(
        self,
        model: str,
        method: str,
        args: Sequence[Any] = (),
        kwargs: dict[str, Any] | None = None,
    ) -> Any:
        """Call ``model.method(*args, **kwargs)`` on Odoo, mapping failures to typed errors."""
        session = self._session()
        with self._translated(f"{model}.{method}"):
            return session.odoo.execute_kw(model, method, list(args), kwargs or {})

    def whoami(self) -> tuple[int, OdooDialect]:
        """Log in if needed and return the user id and the server's dialect."""
        session = self._session()
        return session.uid, session.dialect

    def dialect(self) -> OdooDialect:
        return self._session().dialect

    def has_field(self, model: str, field_name: str) -> bool:
        """Whether ``model`` has ``field_name`` on this server (fields_get, once per model)."""
        return field_name in self.fields(model)

    def fields(self, model: str) -> dict[str, dict[str, Any]]:
        """Field descriptions of ``model``, cached for the life of the connection."""
        session = self._session()
        cached = session.dialect.fields_cache.get(model)
        if cached is None:
            cached = self.execute_kw(
                model, "fields_get", [], {"attributes": ["type", "relation", "selection", "string"]}
            )
            session.dialect.fields_cache[model] = cached
        return cached

    # -- ORM helpers ------------------------------------------------------------------

    def search_read(
        self,
        model: str,
        domain: Domain,
        fields: Sequence[str],
        *,
        limit: int | None = None,
        offset: int = 0,
        order: str | None = None,
    ) -> list[dict[str, Any]]:
        kwargs: dict[str, Any] = {"fields": list(fields)}
        if limit is not None:
            kwargs["limit"] = limit
        if offset:
            kwargs["offset"] = offset
        if order:
            kwargs["order"] = order
        return list(self.execute_kw(model, "search_read", [list(domain)], kwargs))

    def read(self, model: str, ids: Sequence[int], fields: Sequence[str]) -> list[dict[str, Any]]:
        """Read records by id in one call; missing ids are simply absent from the answer."""
        if not ids:
            return []
        return list(self.execute_kw(model, "read", [list(ids)], {"fields": list(fields)}))

    def search(self, model: str, domain: Domain, *, limit: int | None = None) -> list[int]:
        kwargs = {"limit": limit} if limit is not None else {}
        return list(self.execute_kw(model, "search", [list(domain)], kwargs))

    def search_count(self, model: str, domain: Domain) -> int:
        return int(self.execute_kw(model, "search_count", [list(domain)]))

    def create(self, model: str, values: dict[str, Any]) -> int:
        created = self.execute_kw(model, "create", [values])
        return int(created[0] if isinstance(created, list) else created)

    def write(self, model: str, ids: Sequence[int], values: dict[str, Any]) -> None:
        self.execute_kw(model, "write", [list(ids), values])

    # -- idempotent writes, keyed by a Govern case key ----------------------------

    def ensure_record(
        self, model: str, key_domain: Domain, values: dict[str, Any], *, look_first: bool = True
    ) -> tuple[int, bool]:
        """Find the record ``key_domain`` identifies, or create it with ``values``.

        ``look_first=False`` creates straight away: for a key only Govern writes, on an
        activity's first attempt (nothing can exist yet), it saves one Odoo call.

        Returns:
            The record id and whether it was created now.
        """
        if look_first:
            found = self.search(model, key_domain, limit=1)
            if found:
                return found[0], False
        return self.create(model, values), True

    def post_message_once(
        self,
        model: str,
        record_id: int,
        body: str,
        *,
        govern_ref: str,
        subject: str | None = None,
        look_first: bool = True,
    ) -> tuple[int, bool]:
        """Post ``body`` to a record's chatter unless a message with ``govern_ref`` is there.

        ``govern_ref`` (e.g. ``project-launch:sale.order:42/summary``) is written into the
        message, visibly, so a retry finds the first post instead of writing a second one.

        ``look_first=False`` skips the look-up when the caller knows no earlier attempt
        can have posted (an activity's first attempt), saving one Odoo call.

        Returns:
            The mail.message id and whether it was posted now.
        """
        marker = f"[govern:{govern_ref}]"
        if look_first:
            found = self.search(
                "mail.message",
                [("model", "=", model), ("res_id", "=", record_id), ("body", "ilike", marker)],
                limit=1,
            )
            if found:
                return found[0], False
        kwargs: dict[str, Any] = {"body": f"{body}\n{marker}", "message_type": "comment"}
        if subject:
            kwargs["subject"] = subject
        message_id = self.execute_kw(model, "message_post", [[record_id]], kwargs)
        return int(message_id), True
