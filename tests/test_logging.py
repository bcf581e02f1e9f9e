"""Logging: one pipeline for Govern, the stdlib and the Temporal SDK; secrets never leak."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from runtime.logging import configure_logging, get_logger
from runtime.settings import LogFormat, Settings

ODOO_KEY = "odoo-api-key-4f1c9a"
SLACK_TOKEN = "xoxb-1234-5678-secret"
SIGNING_SECRET = "8f14e45fceea167a5a36dedd4bea2543"


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    settings = Settings(
        odoo_api_key=SecretStr(ODOO_KEY),
        slack_bot_token=SecretStr(SLACK_TOKEN),
        slack_signing_secret=SecretStr(SIGNING_SECRET),
    )
    buffer = io.StringIO()
    configure_logging("DEBUG", LogFormat.JSON, settings.secret_values(), stream=buffer)
    yield buffer
    logging.getLogger().handlers.clear()


def _lines(buffer: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


def test_secrets_never_reach_the_logs(log_output: io.StringIO) -> None:
    get_logger("govern.test").info(
        f"calling Odoo with {ODOO_KEY}",
        password=ODOO_KEY,
        headers={"Authorization": f"Bearer {SLACK_TOKEN}"},
        url=f"https://hooks.example/{SLACK_TOKEN}",
    )
    logging.getLogger("temporalio.activity").warning("slack said %s", SIGNING_SECRET)
    logging.getLogger("odoorpc").debug("args %r", ["govern", 2, ODOO_KEY, "res.partner"])
    try:
        raise ValueError(f"login failed for key {ODOO_KEY}")
    except ValueError:
        get_logger("govern.test").exception("odoo failed")

    text = log_output.getvalue()
    for secret in (ODOO_KEY, SLACK_TOKEN, SIGNING_SECRET):
        assert secret not in text
    lines = _lines(log_output)
    assert len(lines) == 4
    assert lines[0]["event"] == "calling Odoo with ***"
    assert lines[0]["password"] == "***"
    assert lines[0]["headers"] == {"Authorization": "***"}
    assert "login failed for key ***" in str(lines[3]["exception"])


def test_stdlib_and_temporal_loggers_share_the_pipeline(log_output: io.StringIO) -> None:
    logging.getLogger("temporalio.worker._worker").info("Beginning worker shutdown")
    get_logger("workers.worker").info("worker started", task_queue="govern")
    first, second = _lines(log_output)
    assert first["logger"] == "temporalio.worker._worker"
    assert first["level"] == "info"
    assert second == {
        "event": "worker started",
        "task_queue": "govern",
        "level": "info",
        "logger": "workers.worker",
        "timestamp": second["timestamp"],
    }


def test_console_format_on_a_terminal() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    buffer = Terminal()
    configure_logging("INFO", LogFormat.AUTO, stream=buffer)
    try:
        get_logger("x").info("hello", who="finance")
    finally:
        logging.getLogger().handlers.clear()
    text = buffer.getvalue()
    assert "hello" in text and "who" in text
    with pytest.raises(json.JSONDecodeError):
        json.loads(text.splitlines()[0])
