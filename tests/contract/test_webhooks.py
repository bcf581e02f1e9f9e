"""Odoo's "Send Webhook Notification" as the simulator sends it vs. what Odoo 17 sent."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import odoorpc
import pytest

from odoo_sim import OdooSim
from tests.contract.test_odoo17_recordings import RECORDINGS, _exchanges


class Capture:
    """A local HTTP server that records every request, like the recording's capture server."""

    def __init__(self, on_request: Any = None) -> None:
        self.requests: list[dict[str, Any]] = []
        capture = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                seen = {
                    "path": self.path,
                    "headers": list(self.headers.items()),
                    "raw_body": raw.decode(),
                }
                if on_request:
                    seen["observed"] = on_request(json.loads(raw))
                capture.requests.append(seen)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b"{}")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def capture() -> Iterator[Capture]:
    server = Capture()
    yield server
    server.close()


def _recorded_captures() -> list[dict[str, Any]]:
    path = RECORDINGS / "webhook_capture.json"
    if not path.exists():
        pytest.skip("webhook capture not found")
    return json.loads(path.read_text())["captures"]


def test_webhook_scenarios_send_what_odoo_sent(capture: Capture) -> None:
    # Every exchange, in order, so the ids in the recorded requests line up.
    with OdooSim(port=0) as sim, httpx.Client(base_url=sim.url) as http:
        for exchange in _exchanges():
            body = json.dumps(exchange["request"]["json"]).replace(
                "http://127.0.0.1:8071", capture.url
            )
            http.post(
                exchange["request"]["path"],
                content=body,
                headers={"Content-Type": "application/json"},
            )
    recorded = _recorded_captures()
    ours = capture.requests
    by_path = {
        path: [c for c in ours if c["path"] == path] for path in {c["path"] for c in recorded}
    }
    for path in ("/hook-project", "/hook-v1", "/hook-v2"):
        assert len(by_path[path]) == 1, path
    states = {json.loads(c["raw_body"])["state"] for c in by_path["/hook"]}
    assert states == {"draft", "sale"}  # the rule without trigger fields fires on every write

    for theirs in recorded:
        mine = next(c for c in ours if c["path"] == theirs["path"])
        assert [h for h, _ in mine["headers"]] == [h for h, _ in theirs["headers"]]
        assert dict(mine["headers"])["User-Agent"] == "python-requests/2.25.1"
        assert dict(mine["headers"])["Content-Type"] == "application/json"
        mine_body, theirs_body = json.loads(mine["raw_body"]), theirs["json"]
        assert list(mine_body) == sorted(mine_body)
        assert set(mine_body) == set(theirs_body)
        assert mine_body["_action"].startswith("Send Webhook Notification(#")
        # The same serialisation: sorted keys, ", " and ": " separators, bare many2one ids.
        assert mine["raw_body"] == json.dumps(mine_body, sort_keys=True)
        assert isinstance(mine_body["partner_id"], int)


def test_webhook_is_sent_before_the_change_commits() -> None:
    seen_states: list[str] = []

    def read_order_meanwhile(payload: dict[str, Any]) -> None:
        client = odoorpc.ODOO("127.0.0.1", port=sim.port)
        client.login("govern", "admin", "admin")
        [order] = client.execute_kw("sale.order", "read", [[payload["id"]]], {"fields": ["state"]})
        seen_states.append(order["state"])

    capture = Capture(on_request=read_order_meanwhile)
    sim = OdooSim(port=0).start()
    try:
        sim.add_webhook("sale.order", capture.url + "/hook", ["name", "state"], state="sale")
        client = odoorpc.ODOO("127.0.0.1", port=sim.port)
        client.login("govern", "admin", "admin")
        order = client.execute_kw(
            "sale.order",
            "create",
            [{"partner_id": 11, "order_line": [[0, 0, {"product_id": 52, "product_uom_qty": 10}]]}],
        )
        client.execute_kw("sale.order", "action_confirm", [[order]])
        after = client.execute_kw("sale.order", "read", [[order]], {"fields": ["state"]})[0]
    finally:
        capture.close()
        sim.close()
    assert [json.loads(c["raw_body"])["state"] for c in capture.requests] == ["sale"]
    assert seen_states == ["draft"], (
        "a reader during the webhook must not see the uncommitted state"
    )
    assert after["state"] == "sale"
