"""Debian's nginx as the reverse proxy in front of a `LiveServer`, as a city runs it: the proxy appends the
client's address to X-Forwarded-For and the app trusts one hop (`SCRI_TRUSTED_PROXIES=1`)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path

from liveserver import free_port, wait_healthy

CONFIG = """\
{user}worker_processes 2;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 2048; }}
http {{
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    client_max_body_size 12m;
    upstream scri {{
{upstreams}
        keepalive 32;
        keepalive_timeout 30s;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://scri;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_read_timeout 120s;
        }}
    }}
}}
"""


def nginx_binary() -> str | None:
    """Debian's nginx (package `nginx`), or None when it is not installed."""
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.path.exists(p)), None)


class NginxProxy:
    """nginx on 127.0.0.1 and a free port, proxying to `upstream_port` (one port, or several that it balances
    round-robin); a context manager."""

    def __init__(self, upstream_port: int | list[int], folder: str | Path) -> None:
        self.upstream_ports = upstream_port if isinstance(upstream_port, list) else [upstream_port]
        self.prefix = Path(folder) / "nginx"
        self.port = 0
        self.process: subprocess.Popen | None = None
        self._stderr = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> NginxProxy:
        binary = nginx_binary()
        if binary is None:
            raise RuntimeError("nginx is not installed (Debian: apt-get install nginx)")
        self.prefix.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        user = "user root;\n" if os.geteuid() == 0 else ""  # as root the workers would run as nobody
        conf = self.prefix / "nginx.conf"
        upstreams = "\n".join(f"        server 127.0.0.1:{port};" for port in self.upstream_ports)
        conf.write_text(CONFIG.format(user=user, prefix=self.prefix, upstreams=upstreams, port=self.port))
        self._stderr = open(self.prefix / "stderr.log", "wb")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(  # noqa: S603
            [binary, "-p", str(self.prefix), "-c", str(conf), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=self._stderr,
            start_new_session=True,
        )
        try:
            self._wait_ready()
        except RuntimeError:
            self.stop()
            raise
        return self

    def _wait_ready(self, timeout: float = 20.0) -> None:
        def tail() -> str:
            return (self.prefix / "stderr.log").read_text(errors="replace")

        wait_healthy(self.port, timeout, self.process, "nginx", tail)

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGQUIT)  # graceful: finish the requests in flight
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def __enter__(self) -> NginxProxy:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
