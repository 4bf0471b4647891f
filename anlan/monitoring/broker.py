"""A throwaway mosquitto broker on loopback, for the tests, the benchmark and ``make demo``.

``start(port=None)`` writes a configuration file into a fresh temporary folder (listener on
127.0.0.1 at the given or a free port, anonymous clients allowed, persistence in that folder,
saved every second and on shutdown), starts ``mosquitto -c`` as a child process and waits until
the port accepts connections. ``restart()`` stops it gracefully (SIGTERM, so the persistence
file is written) and starts it again on the same port with the same folder, which is what a
broker restart in production looks like to the clients. ``stop()`` ends it and removes the
folder. This is not a production broker: see docs/operations.md for securing one.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

DEFAULT_BINARY = "/usr/sbin/mosquitto"


class BrokerError(RuntimeError):
    pass


def binary() -> str | None:
    """The mosquitto executable, or None when it is not installed."""
    found = shutil.which("mosquitto")
    if found:
        return found
    return DEFAULT_BINARY if os.access(DEFAULT_BINARY, os.X_OK) else None


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def _accepts(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.2):
            return True
    except OSError:
        return False


class Broker:
    host = "127.0.0.1"

    def __init__(self, port: int | None = None, *, executable: str | None = None):
        self.executable = executable or binary()
        if self.executable is None:
            raise BrokerError("mosquitto is not installed (Debian package: mosquitto).")
        self.port = port or free_port(self.host)
        self.folder = Path(tempfile.mkdtemp(prefix="anlan-mosquitto-"))
        self.config = self.folder / "mosquitto.conf"
        self.log = self.folder / "mosquitto.log"
        self.process: subprocess.Popen | None = None
        self._write_config()

    @property
    def url(self) -> str:
        return f"mqtt://{self.host}:{self.port}"

    def _write_config(self) -> None:
        lines = [
            f"listener {self.port} {self.host}",
            "allow_anonymous true",
            "persistence true",
            f"persistence_location {self.folder}/",
            "autosave_interval 1",
            # A consumer that falls behind must not lose QoS 1 messages (the default keeps
            # 1,000 per client and drops the rest).
            "max_queued_messages 0",
            "log_dest stderr",
            "log_type error",
            "log_type warning",
        ]
        if os.geteuid() == 0:
            # Started as root, mosquitto switches to its own user (``mosquitto``) after reading
            # this file: that user must own the folder to write the persistence file there.
            try:
                account = pwd.getpwnam("mosquitto")
            except KeyError:
                lines.append("user root")
            else:
                os.chown(self.folder, account.pw_uid, account.pw_gid)
        self.config.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def start(self, timeout: float = 10.0) -> Broker:
        if self.process is not None and self.process.poll() is None:
            return self
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [self.executable, "-c", str(self.config)],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BrokerError(
                    f"mosquitto exited with code {self.process.returncode}:\n{self.log_text()}"
                )
            if _accepts(self.host, self.port):
                return self
            time.sleep(0.05)
        self._kill()
        raise BrokerError(f"mosquitto did not listen on port {self.port}:\n{self.log_text()}")

    def log_text(self) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")[-4000:]
        except OSError:
            return ""

    def _kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def halt(self, timeout: float = 10.0) -> None:
        """Stop the process gracefully (it saves its persistence file); keep the folder."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self._kill()

    def restart(self) -> Broker:
        self.halt()
        return self.start()

    def stop(self) -> None:
        self.halt()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Broker:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start(port: int | None = None) -> Broker:
    """A running throwaway broker; call ``.stop()`` (or use it as a context manager)."""
    broker = Broker(port)
    try:
        return broker.start()
    except BaseException:
        broker.stop()
        raise
