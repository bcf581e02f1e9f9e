"""Runs a Govern worker until SIGINT/SIGTERM, then drains it gracefully."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from datetime import timedelta

from temporalio.client import Client
from temporalio.worker import Worker

from runtime.logging import get_logger
from workers.registry import WORKFLOWS, ActivityDependencies, build_activities

log = get_logger(__name__)

# Odoo calls are blocking (odoorpc): sync activities run here, one connection per thread.
ACTIVITY_THREADS = 16


def build_worker(
    client: Client,
    task_queue: str,
    deps: ActivityDependencies,
    shutdown_grace: timedelta = timedelta(seconds=30),
) -> Worker:
    """A worker serving every Govern workflow and activity on ``task_queue``."""
    return Worker(
        client,
        task_queue=task_queue,
        workflows=list(WORKFLOWS),
        activities=build_activities(deps),
        activity_executor=ThreadPoolExecutor(ACTIVITY_THREADS, thread_name_prefix="govern-act"),
        graceful_shutdown_timeout=shutdown_grace,
    )


async def run_until_stopped(worker: Worker, stop: asyncio.Event) -> None:
    """Run ``worker`` until ``stop`` is set (see :func:`stop_on_signals`).

    On a stop request the worker stops polling and gives in-flight activities the
    graceful-shutdown time to finish before they are cancelled.
    """
    async with worker:
        log.info("worker started", task_queue=worker.task_queue)
        await stop.wait()
        log.info("worker stopping; letting in-flight activities finish")
    log.info("worker stopped", task_queue=worker.task_queue)


@contextmanager
def stop_on_signals() -> Iterator[asyncio.Event]:
    """An event set by SIGINT or SIGTERM, for the whole life of a command.

    Installed before anything starts, so a Ctrl-C at any moment leads to an orderly stop
    (worker drained, then the dev server) instead of a cancelled task.
    """
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    installed: list[signal.Signals] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        with suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, stop.set)
            installed.append(sig)
    try:
        yield stop
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)
