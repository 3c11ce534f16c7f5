"""The benchmark's server: gunicorn on a free loopback port, with the portal's own settings
(config/gunicorn.conf.py)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from bench.measure import HttpClient
from bench.urls import HELLO_JSON_PATH

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "config" / "gunicorn.conf.py"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(env: dict[str, str], *, timeout: float = 90, extra: list[str] | None = None):
    """Serve the project (bench settings, from ``env``) and yield the port; stop it after.
    ``extra``: gunicorn options over the config file's."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        f"--config={CONFIG}",
        f"--bind=127.0.0.1:{port}",
        "--log-level=warning",
        *(extra or []),
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603 - our own argv
    try:
        client = HttpClient(port)
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {process.returncode}")
            try:
                if client.get(HELLO_JSON_PATH).status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s")
            time.sleep(0.3)
        yield port
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def server_env(base: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ if base is None else base)
    env["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    # Persistent database connections, as docker-compose.yml deploys the web tier: without,
    # every request opens one (~5 ms on PostgreSQL), which the hello-world views never do.
    env.setdefault("CONN_MAX_AGE", "60")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env
