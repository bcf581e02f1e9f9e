"""The Odoo gateway over HTTP against odoo_sim, with unmodified odoorpc."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from integrations.odoo import (
    OdooAccessError,
    OdooAuthenticationError,
    OdooCredentials,
    OdooGateway,
    OdooMissingError,
    OdooProgrammingError,
    OdooUnavailableError,
    OdooUserError,
    OdooValidationError,
)
from integrations.odoo.versions import OdooDialect
from odoo_sim import OdooSim


@pytest.fixture
def sim() -> Iterator[OdooSim]:
    with OdooSim(port=0) as running:
        yield running


def _gateway(
    sim: OdooSim, login: str = "admin", secret: str = "admin", timeout: float = 5
) -> OdooGateway:
    return OdooGateway(OdooCredentials(sim.url, "govern", login, SecretStr(secret), timeout))


def test_reads_with_explicit_fields_in_one_call(sim: OdooSim) -> None:
    gateway = _gateway(sim)
    gateway.whoami()
    sim.reset_stats()
    orders = gateway.search_read(
        "sale.order", [("state", "=", "sale")], ["name", "partner_id", "amount_total"], limit=3
    )
    assert len(orders) == 3
    assert set(orders[0]) == {"id", "name", "partner_id", "amount_total"}
    assert sim.stats() == {"total": 1, "calls": {"sale.order.search_read": 1}}


def test_detects_version_and_fields_once_per_connection(sim: OdooSim) -> None:
    gateway = _gateway(sim)
    uid, dialect = gateway.whoami()
    assert (uid, dialect.major) == (2, 17)
    assert dialect.project_analytic_field == "analytic_account_id"
    assert dialect.sale_order_confirmed_states == ("sale",)
    assert gateway.has_field("project.project", "analytic_account_id")
    assert not gateway.has_field("project.project", "stage_id")  # needs its group
    assert not gateway.has_field("hr.employee", "is_absent")  # hr_holidays not installed
    sim.reset_stats()
    gateway.has_field("project.project", "name")
    assert sim.stats()["total"] == 0


@pytest.mark.parametrize(
    ("version", "analytic", "states"),
    [
        ("16.0", "analytic_account_id", ("sale", "done")),
        ("18.0+e", "account_id", ("sale",)),
        ("saas~17.4", "analytic_account_id", ("sale",)),
    ],
)
def test_dialects_hide_version_differences(
    version: str, analytic: str, states: tuple[str, ...]
) -> None:
    dialect = OdooDialect.detect(version)
    assert dialect.project_analytic_field == analytic
    assert dialect.sale_order_confirmed_states == states


def test_every_odoo_error_kind_is_typed_and_keeps_odoo_message(sim: OdooSim) -> None:
    gateway = _gateway(sim)
    with pytest.raises(OdooMissingError, match=r"project.project\(999999,\)"):
        gateway.write("project.project", [999999], {"name": "x"})
    with pytest.raises(OdooValidationError) as validation:
        gateway.create("sale.order", {"client_order_ref": "no partner"})
    assert "Field: Customer (partner_id)" in validation.value.odoo_message
    with pytest.raises(OdooProgrammingError, match="Invalid field 'nope' on model 'sale.order'"):
        gateway.search_read("sale.order", [], ["nope"])
    with pytest.raises(OdooProgrammingError, match="Invalid leaf"):
        gateway.search("sale.order", [("name", "bogus", "x")])
    with pytest.raises(OdooAccessError, match="Private methods"):
        gateway.execute_kw("sale.order", "_create_invoices", [[1]])
    with pytest.raises(OdooAccessError, match="Use Stages on Project"):
        gateway.read("project.project", [1], ["stage_id"])
    with pytest.raises(OdooProgrammingError, match="does not exist on the model"):
        gateway.execute_kw("sale.order", "no_such_method", [[1]])
    with pytest.raises(OdooUserError, match="Object no.such.model doesn't exist"):
        gateway.search("no.such.model", [])
    with pytest.raises(OdooUserError, match="not in a state requiring confirmation"):
        gateway.execute_kw("sale.order", "action_confirm", [[4]])
    for error in (OdooMissingError, OdooValidationError, OdooAccessError, OdooUserError):
        assert not error.retryable


def test_low_privilege_user_gets_access_error(sim: OdooSim) -> None:
    admin = _gateway(sim)
    admin.create(
        "res.users",
        {"name": "Low", "login": "low", "password": "low-pw", "groups_id": [[6, 0, [1]]]},
    )
    low = _gateway(sim, "low", "low-pw")
    with pytest.raises(OdooAccessError, match="doesn't have 'read' access"):
        low.read("sale.order", [6], ["name"])
    with pytest.raises(OdooAccessError, match="not allowed to modify 'Project'"):
        low.write("project.project", [1], {"name": "x"})


def test_wrong_password_is_reported_once_not_retried_in_a_storm(sim: OdooSim) -> None:
    gateway = _gateway(sim, secret="wrong-password")
    with pytest.raises(OdooAuthenticationError, match="refused the login admin@govern") as first:
        gateway.whoami()
    assert not first.value.retryable
    assert "GOVERN_ODOO_API_KEY" in str(first.value)
    for _ in range(5):
        with pytest.raises(OdooAuthenticationError):
            gateway.search("res.partner", [])
    assert sim.stats()["calls"].get("common.login") == 1


def test_unknown_database_is_an_authentication_problem(sim: OdooSim) -> None:
    gateway = OdooGateway(OdooCredentials(sim.url, "nope", "admin", SecretStr("admin")))
    with pytest.raises(OdooAuthenticationError, match='database "nope" does not exist'):
        gateway.whoami()


def test_outage_in_the_middle_of_a_sequence_is_retryable_then_recovers(sim: OdooSim) -> None:
    gateway = _gateway(sim)
    gateway.read("sale.order", [6], ["name"])
    sim.faults.update({"outage_seconds": 30})
    with pytest.raises(OdooUnavailableError, match="HTTP 503") as unavailable:
        gateway.read("sale.order", [6], ["name"])
    assert unavailable.value.retryable
    sim.faults.update({"outage_seconds": 0})
    assert gateway.read("sale.order", [6], ["name"])[0]["name"] == "S00006"


def test_refused_connection_and_timeout_are_retryable(sim: OdooSim) -> None:
    gateway = _gateway(sim, timeout=0.5)
    gateway.whoami()
    sim.faults.update({"latency_ms": 1500})
    with pytest.raises(OdooUnavailableError, match="unreachable"):
        gateway.read("sale.order", [6], ["name"])
    sim.faults.update({"latency_ms": 0})
    sim.refuse_connections(1.0)
    with pytest.raises(OdooUnavailableError, match="unreachable"):
        gateway.read("sale.order", [6], ["name"])


def test_post_message_once_survives_a_retry(sim: OdooSim) -> None:
    gateway = _gateway(sim)
    first, created = gateway.post_message_once(
        "sale.order", 6, "Launch approved <by finance>", govern_ref="launch:sale.order:6/summary"
    )
    again, created_again = gateway.post_message_once(
        "sale.order", 6, "Launch approved <by finance>", govern_ref="launch:sale.order:6/summary"
    )
    assert (created, created_again) == (True, False)
    assert first == again
    [message] = gateway.read("mail.message", [first], ["body", "model", "res_id"])
    assert message["body"].startswith("<p>Launch approved &lt;by finance&gt;")


def test_ensure_record_creates_exactly_once(sim: OdooSim) -> None:
    gateway = _gateway(sim)
    key = [("name", "=", "Govern staffing request SO6")]
    first = gateway.ensure_record(
        "project.task", key, {"name": "Govern staffing request SO6", "project_id": 1}
    )
    second = gateway.ensure_record(
        "project.task", key, {"name": "Govern staffing request SO6", "project_id": 1}
    )
    assert first[1] and not second[1]
    assert first[0] == second[0]


def test_one_connection_per_thread(sim: OdooSim) -> None:
    gateway = _gateway(sim)
    names: list[str] = []

    def work() -> None:
        names.append(gateway.read("sale.order", [7], ["name"])[0]["name"])

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert names == ["S00007"] * 4
    assert sim.stats()["calls"]["common.login"] == 4
