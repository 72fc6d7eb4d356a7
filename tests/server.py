"""Run an ASGI app factory under a real uvicorn process on a free loopback port.

Used by the browser tests, the websocket tests and the benchmarks, which all need the server
as a user meets it: a separate process behind a real socket.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class ServerFailed(RuntimeError):
    """The server exited or did not listen in time; the message carries its log."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def app_env(database_url: str, var_dir: Path | str, port: int, **settings: str) -> dict[str, str]:
    """The environment of the app served on `port`, its data at `database_url` and `var_dir`,
    with a fresh secret key and any further INSPRAAK_* `settings`."""
    return {
        **os.environ,
        "INSPRAAK_DATABASE_URL": database_url,
        "INSPRAAK_VAR_DIR": str(var_dir),
        "INSPRAAK_SECRET_KEY": secrets.token_urlsafe(48),
        "INSPRAAK_BASE_URL": f"http://127.0.0.1:{port}",
        **settings,
    }


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


@contextmanager
def served(
    factory: str,
    env: dict[str, str],
    port: int,
    *,
    log_path: Path | None = None,
    extra_args: Sequence[str] = (),
    timeout: float = 20.0,
) -> Iterator[int]:
    """Start uvicorn serving `factory`, wait until it listens; stop it afterwards."""
    command = [sys.executable, "-m", "uvicorn", factory, "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    command += list(extra_args)
    log = log_path.open("wb") if log_path else None
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT if log else None
    )

    def failed(reason: str) -> ServerFailed:
        text = log_path.read_text(errors="replace") if log_path else ""
        return ServerFailed(f"{factory} {reason}\n{text}")

    try:
        deadline = time.monotonic() + timeout
        while not _listening(port):
            if process.poll() is not None:
                raise failed(f"exited with {process.returncode}")
            if time.monotonic() > deadline:
                raise failed(f"did not listen within {timeout} s")
            time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if log:
            log.close()
