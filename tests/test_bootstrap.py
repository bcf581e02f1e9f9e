"""What a process builds from its settings."""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr

from integrations.notify import LogNotifier
from integrations.slack import SlackNotifier
from runtime.settings import Settings
from starters.bootstrap import notifier, odoo_gateway


def test_notices_go_to_slack_when_a_bot_token_is_set(tmp_path: Path) -> None:
    assert isinstance(notifier(Settings(data_dir=tmp_path)), LogNotifier)
    slack = notifier(Settings(data_dir=tmp_path, slack_bot_token=SecretStr("xoxb-1")))
    assert isinstance(slack, SlackNotifier)


def test_odoo_gateway_needs_an_api_key() -> None:
    assert odoo_gateway(Settings()) is None
    gateway = odoo_gateway(Settings(odoo_api_key=SecretStr("k")))
    assert (
        gateway is not None
        and gateway.credentials.describe() == "admin@govern on http://127.0.0.1:8069/"
    )


def test_socket_mode_says_which_slack_settings_are_missing(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVERN_SLACK")}
    result = subprocess.run(
        [sys.executable, "-m", "starters.cli", "slack-socket"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert (
        "GOVERN_SLACK_APP_TOKEN, GOVERN_SLACK_BOT_TOKEN, GOVERN_SLACK_SIGNING_SECRET"
        in result.stderr
    )
