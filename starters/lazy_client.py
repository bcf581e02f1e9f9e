"""A Temporal client that connects on first use and again after a failure, so a service
can start (and keep accepting events) while Temporal is down."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from temporalio.client import Client

CONNECT_TIMEOUT_SECONDS = 2.0


class LazyClient:
    def __init__(self, connect: Callable[[], Awaitable[Client]]) -> None:
        self._connect = connect
        self._client: Client | None = None
        self._lock = asyncio.Lock()

    async def __call__(self) -> Client:
        if self._client is not None:
            return self._client
        async with self._lock:
            if self._client is None:
                self._client = await asyncio.wait_for(self._connect(), CONNECT_TIMEOUT_SECONDS)
            return self._client
