"""The simulator's HTTP server: Odoo's JSON-RPC endpoints plus a small control API."""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from collections import Counter
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from odoo_sim import rpc
from odoo_sim.errors import OdooServerError, SessionExpired, ValidationError
from odoo_sim.faults import Faults
from odoo_sim.orm import Env
from odoo_sim.seed import seed
from odoo_sim.store import Store, Transaction
from odoo_sim.webhooks import Automations, Delivery

log = logging.getLogger(__name__)
CONTROL_PREFIX = "/govern-sim/"
SESSION_MAX_AGE = 604800


class OdooSim:
    """A running Odoo 17 double.

    Args:
        host: interface to listen on (loopback by default).
        port: TCP port; 0 picks a free one.
        database: the one database it serves.
        data_file: SQLite file for durable data; ``None`` keeps it in memory.
        seed_data: seed a professional-services firm when the store is empty.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 8069,
        database: str = "govern",
        data_file: Path | None = None,
        seed_data: bool = True,
    ) -> None:
        self.host = host
        self.port = port
        self.database = database
        self.store = Store(data_file or ":memory:")
        if seed_data and self.store.is_empty:
            tx = Transaction(self.store)
            seed(Env(tx, uid=1))
            tx.commit()
        self.faults = Faults()
        self.calls: Counter[str] = Counter()
        self.deliveries: list[Delivery] = []
        self.sessions: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.users = rpc.Users(env_factory=self._env, database=database)

    # -- lifecycle -------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> OdooSim:
        """Listen and serve in a background thread."""
        server = _Server((self.host, self.port), _Handler)
        server.sim = self
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="odoo-sim", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(5)

    def close(self) -> None:
        self.stop()
        self.store.close()

    def refuse_connections(self, seconds: float) -> None:
        """Stop listening for ``seconds`` (clients see "connection refused"), then resume."""
        self.stop()

        def resume() -> None:
            time.sleep(seconds)
            self.start()

        threading.Thread(target=resume, name="odoo-sim-resume", daemon=True).start()

    def __enter__(self) -> OdooSim:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- counters ------------------------------------------------------------------

    def count(self, key: str) -> None:
        with self._lock:
            self.calls[key] += 1

    def stats(self) -> dict[str, Any]:
        with self._lock:
            return {"total": sum(self.calls.values()), "calls": dict(self.calls)}

    def reset_stats(self) -> None:
        with self._lock:
            self.calls.clear()

    # -- calls -----------------------------------------------------------------------

    def _env(
        self,
        uid: int,
        tx: Transaction | None = None,
        context: dict[str, Any] | None = None,
        automations: Automations | None = None,
    ) -> Env:
        return Env(tx or Transaction(self.store), uid, context, automations)

    def execute(
        self, uid: int, model: str, method: str, args: list[Any], kwargs: dict[str, Any]
    ) -> Any:
        """One object call in its own transaction; webhooks go out before the commit."""
        kwargs = dict(kwargs)
        context = kwargs.pop("context", None) or {}
        automations = Automations(deliveries=self.deliveries)
        tx = Transaction(self.store)
        env = self._env(uid, tx, context, automations)
        self.count(f"{model}.{method}")
        result = rpc.call_model(env, model, method, args, kwargs)
        if automations.sent_in_call:
            if self.faults.webhook_commit_delay_ms:
                time.sleep(self.faults.webhook_commit_delay_ms / 1000)
            if self.faults.abort_after_webhook > 0:
                self.faults.abort_after_webhook -= 1
                raise ValidationError("Simulated failure after the webhook: nothing was committed.")
        tx.commit()
        return result

    def has_webhook(self, url: str) -> bool:
        """Whether a webhook action already posts to ``url`` (a kept data file has it)."""
        env = Env(Transaction(self.store), uid=1)
        return bool(env.search("ir.actions.server", [("webhook_url", "=", url)], check=False))

    def add_webhook(self, model: str, url: str, fields: list[str], state: str | None = None) -> int:
        """Configure a "Send Webhook Notification" rule, as an admin would in Odoo.

        With ``state``, it fires once when the record reaches that state (Odoo's
        ``on_state_set`` with ``trigger_field_ids=[state]``); without, on every create/write.
        """
        tx = Transaction(self.store)
        env = Env(tx, uid=1)
        model_id = env.search("ir.model", [("model", "=", model)], check=False)[0]
        field_ids = env.search(
            "ir.model.fields", [("model", "=", model), ("name", "in", fields)], check=False
        )
        values: dict[str, Any] = {
            "name": f"Govern: {model} webhook",
            "model_id": model_id,
            "trigger": "on_create_or_write",
            "active": True,
            "action_server_ids": [
                [
                    0,
                    0,
                    {
                        "name": rpc_action_name(),
                        "model_id": model_id,
                        "state": "webhook",
                        "usage": "base_automation",
                        "webhook_url": url,
                        "webhook_field_ids": [[6, 0, field_ids]],
                    },
                ]
            ],
        }
        if state:
            state_field = env.search(
                "ir.model.fields", [("model", "=", model), ("name", "=", "state")], check=False
            )
            selection = env.search(
                "ir.model.fields.selection",
                [("field_id", "=", state_field[0]), ("value", "=", state)],
                check=False,
            )
            values.update(
                trigger="on_state_set",
                trigger_field_ids=[[6, 0, state_field]],
                trg_selection_field_id=selection[0],
            )
        rule = env.create_one("base.automation", values)
        tx.commit()
        return rule


def rpc_action_name() -> str:
    from odoo_sim.webhooks import ACTION_NAME

    return ACTION_NAME


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256
    sim: OdooSim


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        log.debug("odoo-sim %s", format % args)

    # -- plumbing ----------------------------------------------------------------------

    def _send(
        self, status: int, payload: Any, cookies: list[str] = (), raw: bytes | None = None
    ) -> None:  # type: ignore[assignment]
        body = raw if raw is not None else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for cookie in cookies:
            self.send_header("Set-Cookie", cookie)
        self.end_headers()
        self.wfile.write(body)

    def _session_cookie(self, session_id: str) -> str:
        expires = formatdate(time.time() + SESSION_MAX_AGE * 52, usegmt=True)
        return (
            f"session_id={session_id}; Expires={expires}; Max-Age={SESSION_MAX_AGE}; "
            "HttpOnly; Path=/"
        )

    def _session_id(self) -> str | None:
        for part in (self.headers.get("Cookie") or "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == "session_id":
                return value
        return None

    def _new_session(self, **data: Any) -> str:
        session_id = secrets.token_hex(20)
        self.server.sim.sessions[session_id] = data
        return session_id

    @staticmethod
    def _error(request_id: Any, error: OdooServerError) -> dict[str, Any]:
        return {
            "jsonrpc": "2.0",
            "id": request_id,
            "error": {
                "code": error.code,
                "message": "Odoo Session Expired" if error.code == 100 else "Odoo Server Error",
                "data": {
                    "name": error.wire_name,
                    "debug": 'Traceback (most recent call last):\n  File "odoo_sim", in call\n'
                    f"{error.wire_name}: {error.message}",
                    "message": error.message,
                    "arguments": [error.message],
                    "context": {},
                },
            },
        }

    # -- routes ------------------------------------------------------------------------

    def do_GET(self) -> None:  # noqa: N802
        sim = self.server.sim
        if self.path == CONTROL_PREFIX + "stats":
            return self._send(200, sim.stats())
        if self.path == CONTROL_PREFIX + "faults":
            return self._send(200, sim.faults.describe())
        if self.path == CONTROL_PREFIX + "webhooks":
            return self._send(
                200,
                [
                    {"url": d.url, "body": json.loads(d.body), "status": d.status, "error": d.error}
                    for d in sim.deliveries
                ],
            )
        self._send(404, {"error": "not found"})

    def do_POST(self) -> None:  # noqa: N802
        sim = self.server.sim
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if self.path.startswith(CONTROL_PREFIX):
            return self._control(raw)
        if sim.faults.latency_ms:
            time.sleep(sim.faults.latency_ms / 1000)
        if sim.faults.should_fail():
            body = b"<html><body><h1>503 Service Unavailable</h1></body></html>"
            self.send_response(503)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        try:
            request = json.loads(raw or b"{}")
        except ValueError:
            return self._send(400, {"error": "malformed JSON"})
        request_id = request.get("id")
        params = request.get("params") or {}
        cookies: list[str] = []
        try:
            result, cookies = self._route(params)
        except SessionExpired as error:
            return self._send(200, self._error(None, error))
        except OdooServerError as error:
            return self._send(200, self._error(request_id, error), cookies)
        except Exception as error:  # a bug in the simulator: answer as Odoo would
            log.exception("odoo-sim failed")
            from odoo_sim.errors import Exception_

            return self._send(
                200, self._error(request_id, Exception_(f"{type(error).__name__}: {error}"))
            )
        if result is _NO_RESULT:
            return self._send(200, {"jsonrpc": "2.0", "id": request_id}, cookies)
        self._send(200, {"jsonrpc": "2.0", "id": request_id, "result": result}, cookies)

    def _route(self, params: dict[str, Any]) -> tuple[Any, list[str]]:
        sim = self.server.sim
        path = self.path.split("?", 1)[0]
        if path == "/web/webclient/version_info":
            sim.count("web.version_info")
            return rpc.VERSION_INFO, [self._session_cookie(self._new_session())]
        if path == "/jsonrpc":
            return self._jsonrpc(params), []
        if path == "/web/session/authenticate":
            sim.count("web.session.authenticate")
            uid = sim.users.login(
                params.get("db", ""), params.get("login", ""), params.get("password", "")
            )
            if not uid:
                from odoo_sim.errors import AccessDenied

                raise AccessDenied("Access Denied")
            session = self._new_session(uid=uid, db=params.get("db"))
            return rpc.session_info(sim._env(int(uid)), sim.database), [
                self._session_cookie(session)
            ]
        session = sim.sessions.get(self._session_id() or "")
        if path == "/web/session/destroy":
            sim.sessions.pop(self._session_id() or "", None)
            expired = formatdate(time.time() + SESSION_MAX_AGE * 52, usegmt=True)
            return _NO_RESULT, [
                f"cids=; Expires={expired}; Max-Age=0; Path=/",
                self._session_cookie(self._new_session()),
            ]
        if not session or not session.get("uid"):
            raise SessionExpired("Session expired")
        if path == "/web/session/get_session_info":
            return rpc.session_info(sim._env(session["uid"]), sim.database), [
                self._session_cookie(self._session_id() or "")
            ]
        if path.startswith("/web/dataset/call_kw"):
            return sim.execute(
                session["uid"],
                params.get("model", ""),
                params.get("method", ""),
                list(params.get("args") or []),
                dict(params.get("kwargs") or {}),
            ), []
        from odoo_sim.errors import Exception_

        raise Exception_(f"Not found: {path}")

    def _jsonrpc(self, params: dict[str, Any]) -> Any:
        sim = self.server.sim
        service, method = params.get("service"), params.get("method", "")
        args = list(params.get("args") or [])
        if service == "common":
            sim.count(f"common.{method}")
            return rpc.common_service(sim.users, method, args)
        if service == "db":
            sim.count(f"db.{method}")
            return rpc.db_service(sim.users, method, args)
        if service == "object":
            if method not in ("execute", "execute_kw"):
                from odoo_sim.errors import Exception_

                raise Exception_(f"Method not found: {method}")
            database, uid, password, model, model_method, *rest = args
            sim.users.check(database, uid, password)
            if method == "execute_kw":
                call_args = list(rest[0]) if rest else []
                call_kwargs = dict(rest[1]) if len(rest) > 1 and rest[1] else {}
            else:
                call_args, call_kwargs = list(rest), {}
            return sim.execute(uid, model, model_method, call_args, call_kwargs)
        from odoo_sim.errors import KeyError_

        raise KeyError_(str(service))

    def _control(self, raw: bytes) -> None:
        sim = self.server.sim
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            return self._send(400, {"error": "malformed JSON"})
        if self.path == CONTROL_PREFIX + "stats/reset":
            sim.reset_stats()
            return self._send(200, sim.stats())
        if self.path == CONTROL_PREFIX + "faults":
            refuse = float(body.pop("refuse_seconds", 0) or 0)
            sim.faults.update(body)
            self._send(200, sim.faults.describe())
            if refuse > 0:
                sim.refuse_connections(refuse)
            return None
        if self.path == CONTROL_PREFIX + "webhooks":
            rule = sim.add_webhook(
                body["model"], body["url"], body.get("fields", ["name"]), body.get("state")
            )
            return self._send(200, {"automation_id": rule})
        return self._send(404, {"error": "not found"})


_NO_RESULT = object()
