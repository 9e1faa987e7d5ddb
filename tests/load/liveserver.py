"""Run the real application with `scri serve` (gunicorn) on 127.0.0.1 and a free port, for browser and load tests.

Used by tests/e2e/conftest.py, tests/load/test_load.py and the stand-alone tests/load/run_load.py.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def scri_executable() -> str:
    """The `scri` script of the interpreter running the tests (the project's virtualenv)."""
    candidate = Path(sys.executable).parent / "scri"
    if candidate.exists():
        return str(candidate)
    raise RuntimeError("the scri command is not installed next to this Python; run: pip install -e '.[test]'")


def scri_command(*args: str) -> list[str]:
    """`scri ARGS` run by this interpreter from the project folder, so the code under test is this checkout's
    even if the virtualenv's editable install points at another copy of the project."""
    return [sys.executable, "-c", "import sys; from survey_app.cli import main; sys.argv[0] = 'scri'; main()", *args]


def wait_healthy(port: int, timeout: float, process, what: str, tail=lambda: "") -> None:
    """Poll GET /healthz on 127.0.0.1:`port` until it answers 200; RuntimeError if `process` exits first or
    `timeout` seconds pass (the message ends with `tail()`, the last lines of its log)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}:\n{tail()}")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            conn.request("GET", "/healthz")
            response = conn.getresponse()
            response.read()
            if response.status == 200:
                return
        except (OSError, http.client.HTTPException):
            pass
        finally:
            conn.close()
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not answer /healthz within {timeout:.0f} s:\n{tail()}")


class LiveServer:
    """`scri serve --host 127.0.0.1 --port P --workers N` with its own environment; a context manager."""

    def __init__(
        self,
        database_url: str,
        instance_path: str | Path,
        *,
        workers: int = 2,
        log_path: str | Path | None = None,
        env: dict[str, str] | None = None,
        startup_timeout: float = 60.0,
    ) -> None:
        self.database_url = database_url
        self.instance_path = Path(instance_path)
        self.workers = workers
        self.log_path = Path(log_path) if log_path else self.instance_path / "server.log"
        self.extra_env = dict(env or {})
        self.startup_timeout = startup_timeout
        self.port = 0
        self.process: subprocess.Popen | None = None
        self._log = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "DATABASE_URL": self.database_url,
                "SCRI_INSTANCE_PATH": str(self.instance_path),
                "SCRI_ENV": "testing",
                "SECRET_KEY": "live-server-secret-key-for-tests-only-0123456789",
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.update(self.extra_env)
        return env

    def start(self) -> LiveServer:
        self.instance_path.mkdir(parents=True, exist_ok=True)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        last_error = ""
        for _attempt in range(3):  # the free port may be taken between the probe and the bind
            self.port = free_port()
            self._log = open(self.log_path, "ab")  # noqa: SIM115 (closed in stop())
            self.process = subprocess.Popen(  # noqa: S603
                scri_command("serve", "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(self.workers)),
                cwd=PROJECT_ROOT,
                env=self.environment(),
                stdout=self._log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            try:
                self._wait_ready()
                return self
            except RuntimeError as exc:
                last_error = str(exc)
                self.stop()
        raise RuntimeError(last_error)

    def _wait_ready(self) -> None:
        wait_healthy(self.port, self.startup_timeout, self.process, "scri serve", self.log_tail)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        """Stop gunicorn (the master stops its workers), then make sure nothing of ours is left."""
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)  # the session this object started, nothing else
                process.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
