"""A local fake of the Slack Web API and of response URLs, recording every call."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FakeSlack:
    def __init__(self, emails: dict[str, str] | None = None) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.responses: list[dict[str, Any]] = []
        self.emails = emails or {}
        self.failing = False
        self._ts = 0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    params = json.loads(raw or "{}")
                else:
                    params = {k: v[0] for k, v in urllib.parse.parse_qs(raw).items()}
                    for key in ("blocks", "view"):
                        if isinstance(params.get(key), str):
                            params[key] = json.loads(params[key])
                if self.path.startswith("/response/"):
                    fake.responses.append(params)
                    return self._answer({"ok": True})
                method = self.path.removeprefix("/api/")
                fake.calls.append((method, params))
                self._answer(fake.answer(method, params))

            def _answer(self, payload: dict[str, Any]) -> None:
                body = json.dumps(payload).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if self.failing and method.startswith("chat."):
            return {"ok": False, "error": "account_inactive"}
        if method == "chat.postMessage":
            self._ts += 1
            return {"ok": True, "channel": params.get("channel"), "ts": f"{self._ts}.0001"}
        if method == "users.info":
            email = self.emails.get(str(params.get("user")))
            return {"ok": True, "user": {"id": params.get("user"), "profile": {"email": email}}}
        if method == "views.open":
            return {"ok": True, "view": {"id": "V1"}}
        return {"ok": True, "channel": params.get("channel"), "ts": params.get("ts")}

    def posted(self, channel: str) -> list[dict[str, Any]]:
        return [p for m, p in self.calls if m == "chat.postMessage" and p.get("channel") == channel]

    def updates(self) -> list[dict[str, Any]]:
        return [p for m, p in self.calls if m == "chat.update"]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def signed(
    secret: str, payload: dict[str, Any], timestamp: float | None = None
) -> tuple[bytes, dict[str, str]]:
    """A form body and headers exactly as Slack signs interaction requests (v0)."""
    body = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
    stamp = str(int(timestamp if timestamp is not None else time.time()))
    digest = hmac.new(secret.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256).hexdigest()
    return body, {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": f"v0={digest}",
    }


def block_action(user: str, action_id: str, value: str, response_url: str) -> dict[str, Any]:
    """A block_actions payload shaped as Slack sends it for a button click."""
    return {
        "type": "block_actions",
        "team": {"id": "T0001", "domain": "firm"},
        "user": {"id": user, "username": user.lower(), "team_id": "T0001"},
        "api_app_id": "A0001",
        "token": "legacy-verification-token",
        "trigger_id": f"trigger-{user}",
        "container": {
            "type": "message",
            "message_ts": "1.0001",
            "channel_id": "D0001",
            "is_ephemeral": False,
        },
        "channel": {"id": "D0001", "name": "directmessage"},
        "message": {"type": "message", "ts": "1.0001", "text": "approval"},
        "response_url": response_url,
        "actions": [
            {
                "action_id": action_id,
                "block_id": "govern_decision",
                "value": value,
                "type": "button",
                "action_ts": f"{time.time():.6f}",
                "text": {"type": "plain_text", "text": action_id},
            }
        ],
    }


def view_submission(
    user: str, private_metadata: str, delegate: str, comment: str
) -> dict[str, Any]:
    return {
        "type": "view_submission",
        "team": {"id": "T0001", "domain": "firm"},
        "user": {"id": user, "username": user.lower(), "team_id": "T0001"},
        "api_app_id": "A0001",
        "token": "legacy-verification-token",
        "trigger_id": "trigger-2",
        "view": {
            "id": "V1",
            "type": "modal",
            "callback_id": "govern_delegate_modal",
            "private_metadata": private_metadata,
            "state": {
                "values": {
                    "delegate": {"value": {"type": "plain_text_input", "value": delegate}},
                    "comment": {"value": {"type": "plain_text_input", "value": comment}},
                }
            },
        },
    }
