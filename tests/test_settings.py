"""Configuration: GOVERN_* variables, .env, secrets directory, and human errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import AnyHttpUrl

from runtime.settings import ConfigurationError, LogFormat, Settings, load_settings
from runtime.temporal_client import load_connect_config


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith(("GOVERN_", "TEMPORAL_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no stray .env from the developer's checkout


def test_reads_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVERN_ODOO_URL", "https://odoo.example.com")
    monkeypatch.setenv("GOVERN_ODOO_API_KEY", "k-123456")
    monkeypatch.setenv("GOVERN_LOG_FORMAT", "json")
    settings = load_settings()
    assert settings.odoo_url == AnyHttpUrl("https://odoo.example.com")
    assert settings.odoo_api_key is not None
    assert settings.odoo_api_key.get_secret_value() == "k-123456"
    assert "k-123456" not in repr(settings)
    assert settings.log_format == LogFormat.JSON


def test_reads_dotenv_and_secrets_directory(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("GOVERN_ODOO_DATABASE=firm\n")
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "govern_odoo_api_key").write_text("from-a-secret-file")
    settings = Settings(_secrets_dir=secrets)  # type: ignore[call-arg]
    assert settings.odoo_database == "firm"
    assert settings.odoo_api_key is not None
    assert settings.odoo_api_key.get_secret_value() == "from-a-secret-file"


def test_bad_settings_name_each_variable_and_hide_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVERN_ODOO_URL", "odoo without scheme")
    monkeypatch.setenv("GOVERN_HTTP_BIND", "8080")
    monkeypatch.setenv("GOVERN_ODOO_TIMEOUT_SECONDS", "-1")
    with pytest.raises(ConfigurationError) as raised:
        load_settings()
    message = str(raised.value)
    assert "GOVERN_ODOO_URL='odoo without scheme'" in message
    assert "GOVERN_HTTP_BIND='8080': Value error, expected host:port" in message
    assert "GOVERN_ODOO_TIMEOUT_SECONDS" in message
    assert "Traceback" not in message


def test_temporal_connection_follows_sdk_conventions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEMPORAL_ADDRESS", "temporal.internal:7233")
    monkeypatch.setenv("TEMPORAL_NAMESPACE", "firm-prod")
    config = load_connect_config()
    assert config["target_host"] == "temporal.internal:7233"
    assert config["namespace"] == "firm-prod"


def test_cli_prints_one_screen_and_exits_2_on_bad_setting(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVERN_")}
    env["GOVERN_LOG_LEVEL"] = "chatty"
    result = subprocess.run(
        [sys.executable, "-m", "starters.cli", "doctor"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "GOVERN_LOG_LEVEL='chatty'" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert len(result.stderr.splitlines()) < 20
