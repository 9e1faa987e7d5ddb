"""`scri init`, `scri serve` and `scri demo`."""

from __future__ import annotations

import os
import shutil
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from ._util import UserError, user_errors


def upgrade_schema() -> None:
    """Create or upgrade the database schema through the migrations and store the built-in questionnaires
    (so that no page has to write them on first use)."""
    from ..database import upgrade_schema as upgrade
    from ..extensions import db
    from ..services.instruments import ensure_builtin_instruments

    upgrade(current_app)
    ensure_builtin_instruments()
    db.session.commit()


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Create or upgrade the database schema and store the built-in questionnaires."""
    try:
        upgrade_schema()
    except Exception as exc:  # database unreachable, permissions...
        raise UserError(f"could not prepare the database: {str(exc).splitlines()[0]}") from None
    click.echo("Database is ready.")


# The access log keeps no client address, user agent, referrer or query string (invitation tokens travel in
# `?t=`): what the consent page promises about respondents holds for the server's logs too.
ACCESS_LOG_FORMAT = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'


WORKER_CLASSES = {"gevent": "gevent", "gthread": "gthread", "sync": "sync"}


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="Worker processes.")
@click.option("--timeout", default=60, show_default=True, type=click.IntRange(5, 3600), help="Request timeout, s.")
@click.option(
    "--worker-class",
    type=click.Choice(sorted(WORKER_CLASSES)),
    default="gevent",
    show_default=True,
    help="gevent: a slow or stalled client costs a greenlet, not a worker; gthread/sync need a buffering proxy.",
)
@click.option(
    "--connections", default=500, show_default=True, type=click.IntRange(10, 10000), help="Connections per worker."
)
@click.option("--no-worker", is_flag=True, help="Do not start a job worker beside the server (run `scri worker`).")
@with_appcontext
def serve_command(
    host: str, port: int, workers: int, timeout: int, worker_class: str, connections: int, no_worker: bool
) -> None:
    """Run the production WSGI server (gunicorn)."""
    try:
        upgrade_schema()
    except Exception as exc:
        raise UserError(f"could not prepare the database: {str(exc).splitlines()[0]}") from None
    gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or shutil.which("gunicorn")
    if gunicorn is None:
        raise UserError("gunicorn is not installed; run: pip install -e .")
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host  # noqa: S104
    click.echo(f"SCRI is running at http://{shown}:{port}/  (console: http://{shown}:{port}/console/)")
    click.echo("Press Ctrl+C to stop.")
    sys.stdout.flush()
    if not no_worker and current_app.config.get("SCRI_JOBS") != "immediate":
        start_job_worker()
    options = gunicorn_arguments(host, port, workers, timeout, worker_class, connections, current_app.instance_path)
    args = [gunicorn, *options, "survey_app.wsgi:app"]
    os.execv(gunicorn, args)  # noqa: S606


def _die_with_parent() -> None:
    """In the job worker's process: receive SIGTERM when the server that started it stops (Linux)."""
    import ctypes
    import signal

    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def start_job_worker() -> None:
    """`scri worker` beside the server, so that the embedded default needs nothing but `scri serve`."""
    import subprocess

    subprocess.Popen(  # noqa: S603 - this interpreter, this package
        [sys.executable, "-m", "survey_app.cli", "worker"],
        preexec_fn=_die_with_parent,  # noqa: PLW1509 - nothing but a prctl between fork and exec
    )


def gunicorn_arguments(
    host: str, port: int, workers: int, timeout: int, worker_class: str, connections: int, control_dir: str
) -> list[str]:
    """gunicorn's options for `scri serve` (the app comes last): the worker class, timeouts, logs without client
    data, and a control socket of this instance's own (several instances on one host would otherwise share one)."""
    args = [
        "--workers",
        str(workers),
        "--worker-class",
        WORKER_CLASSES[worker_class],
        "--bind",
        f"{host}:{port}",
        "--timeout",
        str(timeout),
        "--graceful-timeout",
        "20",
        "--keep-alive",
        "75",  # longer than a proxy keeps an idle upstream connection (nginx: 60 s), or a reused one is a 502
        "--access-logfile",
        "-",
        "--access-logformat",
        ACCESS_LOG_FORMAT,
        "--error-logfile",
        "-",
        "--logger-class",
        "survey_app.gunicorn_logging.SafeLogger",
    ]
    if worker_class == "gevent":
        args += ["--worker-connections", str(connections)]
    elif worker_class == "gthread":
        args += ["--threads", "8"]
    control = os.path.join(control_dir, f"gunicorn-{port}.ctl")
    args += ["--control-socket", control] if len(control) < 100 else ["--no-control-socket"]  # AF_UNIX: 108 bytes
    return args


@click.command("demo")
@click.option("--seed", default=2025, show_default=True, help="Random seed of the synthetic responses.")
@with_appcontext
@user_errors
def demo_command(seed: int) -> None:
    """Load Shu, Ayagoz and Shalkar with an open round each and synthetic responses (safe to run twice)."""
    from ..demo import load_demo

    try:
        upgrade_schema()
    except Exception as exc:
        raise UserError(f"could not prepare the database: {str(exc).splitlines()[0]}") from None
    summary = load_demo(seed=seed)
    for line in summary:
        click.echo(line)


commands = [init_command, serve_command, demo_command]
