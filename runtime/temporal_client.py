"""Connecting to Temporal the same way everywhere: SDK env conventions, pydantic payloads."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from temporalio.client import Client, Interceptor
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.envconfig import ClientConfig
from temporalio.runtime import Runtime

from runtime.settings import ConfigurationError

DEFAULT_ADDRESS = "localhost:7233"
DEFAULT_NAMESPACE = "default"


def load_connect_config(**overrides: Any) -> dict[str, Any]:
    """Read Temporal's connection settings the SDK's way.

    ``TEMPORAL_ADDRESS``, ``TEMPORAL_NAMESPACE``, ``TEMPORAL_API_KEY``, ``TEMPORAL_TLS*``,
    ``TEMPORAL_PROFILE`` and the ``temporal.toml`` config file, as the ``temporal`` CLI
    reads them. Explicit keyword overrides win.

    Raises:
        ConfigurationError: the config file or a ``TEMPORAL_*`` value is malformed.
    """
    try:
        config: dict[str, Any] = dict(ClientConfig.load_client_connect_config())
    except Exception as error:  # the SDK raises several kinds for bad files/values
        raise ConfigurationError(f"Temporal connection settings are not valid: {error}") from None
    config.setdefault("target_host", DEFAULT_ADDRESS)
    config.setdefault("namespace", DEFAULT_NAMESPACE)
    config.update({k: v for k, v in overrides.items() if v is not None})
    return config


async def connect_temporal(
    *,
    runtime: Runtime | None = None,
    interceptors: Sequence[Interceptor] = (),
    **overrides: Any,
) -> Client:
    """Connect a client with the pydantic data converter (always) and Govern's interceptors."""
    config = load_connect_config(**overrides)
    return await Client.connect(
        **config,
        data_converter=pydantic_data_converter,
        interceptors=list(interceptors),
        runtime=runtime,
    )
