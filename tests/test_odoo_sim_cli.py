"""`govern odoo-sim` serves a seeded Odoo that odoorpc in another process can use;
`govern doctor` explains Odoo problems against it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import odoorpc
from pydantic import SecretStr

from odoo_sim import OdooSim
from runtime.settings import Settings
from runtime.temporal_servers import free_port, port_is_open
from starters.doctor import Status, check_odoo


def test_odoo_sim_command_serves_odoorpc_from_another_process(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "starters.cli",
            "odoo-sim",
            "--port",
            str(port),
            "--data-file",
            str(tmp_path / "odoo.sqlite"),
        ],
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while not port_is_open("127.0.0.1", port) and time.monotonic() < deadline:
            time.sleep(0.1)
        client = odoorpc.ODOO("127.0.0.1", port=port)
        client.login("govern", "admin", "admin")
        partners = client.execute_kw(
            "res.partner",
            "search_read",
            [[("is_company", "=", True)]],
            {"fields": ["name"], "limit": 3},
        )
        assert [p["name"] for p in partners] == [
            "Azure Interior",
            "Deco Addict",
            "Gemini Furniture",
        ]
        order = client.execute_kw("sale.order", "create", [{"partner_id": 11}])
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(20)
    assert process.returncode == 0
    # The data file keeps what was written.
    with OdooSim(port=0, data_file=tmp_path / "odoo.sqlite") as again:
        client = odoorpc.ODOO("127.0.0.1", port=again.port)
        client.login("govern", "admin", "admin")
        assert client.execute_kw("sale.order", "search_count", [[("id", "=", order)]]) == 1


def test_doctor_names_a_wrong_odoo_password() -> None:
    with OdooSim(port=0) as sim:
        settings = Settings(odoo_url=sim.url, odoo_api_key=SecretStr("not-the-key"))
        [check] = check_odoo(settings)
        assert check.status == Status.FAIL
        assert "refused the login admin@govern" in check.detail
        assert "GOVERN_ODOO_API_KEY" in check.fix
        ok = check_odoo(Settings(odoo_url=sim.url, odoo_api_key=SecretStr("admin")))
        assert ok[0].status == Status.OK
        assert "Odoo 17" in ok[0].detail


def test_doctor_names_an_unreachable_odoo() -> None:
    settings = Settings(odoo_url=f"http://127.0.0.1:{free_port()}", odoo_api_key=SecretStr("k"))
    [check] = check_odoo(settings)
    assert check.status == Status.FAIL
    assert "unreachable" in check.detail
    assert "GOVERN_ODOO_URL" in check.fix


def test_doctor_says_when_no_odoo_key_is_set() -> None:
    [check] = check_odoo(Settings())
    assert "GOVERN_ODOO_API_KEY" in check.fix
