"""`scri worker`."""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("worker")
@click.option("--threads", default=2, show_default=True, type=click.IntRange(1, 16), help="Jobs at once.")
@with_appcontext
def worker_command(threads: int) -> None:
    """Run the job worker that draws reports off the request (`scri serve` starts one itself).

    Jobs come from Huey's queue (a SQLite file in the instance folder, or Redis with SCRI_REDIS_URL). On start
    the worker queues again every job a dead worker left half done.
    """
    from ..services import jobs

    logging.basicConfig(level=logging.INFO, format="[%(asctime)s] [worker] %(message)s")
    app = current_app._get_current_object()
    jobs.set_worker_app(app)
    revived = jobs.revive_all()
    if revived:
        click.echo(f"Queued again {revived} job(s) left unfinished by a stopped worker.")
    consumer = jobs.queue().create_consumer(workers=threads, worker_type="thread", periodic=False)
    click.echo("SCRI worker is waiting for jobs.")
    consumer.run()


commands = [worker_command]
