"""Long work off the request path: governance and comparative PDFs, numbered paper questionnaires, through Huey.

The queue is Huey's: on SQLite (a file in the instance folder) for the embedded default, on Redis when
``SCRI_REDIS_URL`` is set; ``scri worker`` runs its consumer (``scri serve`` starts one beside gunicorn). Each
job also has a row in the database with its state and a heartbeat the worker renews while it works, so a
worker that dies (killed, out of memory, the machine restarted) loses no job: a job whose heartbeat stopped
is queued again the next time anyone looks at it, and by every worker that starts. ``SCRI_JOBS=immediate``
(the tests) runs a job at once inside the request instead.

What a job makes goes to the report file cache under its key, so the request that follows serves the file.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from datetime import timedelta

from flask import current_app, has_app_context
from sqlalchemy import delete, select, update

from ..extensions import db
from ..models import Job
from ..models._base import utcnow

HEARTBEAT_SECONDS = 2.0
MAX_ATTEMPTS = 3
_WORKER_APP = None  # the app of a `scri worker` process (jobs there run outside any request)
_RUNNERS: dict = {}  # kind → function(params) -> bytes


def runner(kind: str):
    """Register the function that makes a kind of job's file from its parameters."""

    def register(function):
        _RUNNERS[kind] = function
        return function

    return register


def queue():
    """The app's Huey instance (made once per process)."""
    app = current_app._get_current_object()
    huey = app.extensions.get("scri_huey")
    if huey is None:
        huey = _make_queue(app)
        app.extensions["scri_huey"] = huey
    return huey


def _make_queue(app):
    from huey import MemoryHuey, RedisHuey, SqliteHuey

    mode = app.config.get("SCRI_JOBS", "queue")
    if mode == "immediate":
        huey = MemoryHuey("scri", immediate=True, results=False)
    elif app.config.get("SCRI_REDIS_URL"):
        huey = RedisHuey("scri", url=app.config["SCRI_REDIS_URL"], results=False)
    else:
        from pathlib import Path

        huey = SqliteHuey("scri", filename=str(Path(app.instance_path) / "jobs.sqlite3"), results=False)
    huey.scri_run_job = huey.task(name="scri.run_job")(_run_task)
    return huey


def _run_task(job_id: str) -> None:
    if has_app_context():
        run(job_id)
    else:
        with _WORKER_APP.app_context():
            run(job_id)
            db.session.remove()


def find(job_id: str) -> Job | None:
    if not job_id or len(job_id) != 32 or not all(c in "0123456789abcdef" for c in job_id):
        return None
    return db.session.get(Job, job_id)


def stale_after() -> timedelta:
    """How long a running job's heartbeat may be silent before the job counts as lost."""
    return timedelta(seconds=float(current_app.config.get("SCRI_JOB_STALE_SECONDS", 30)))


def lost(job: Job) -> bool:
    """A job whose worker died: running, and no heartbeat for longer than :func:`stale_after`."""
    beat = job.heartbeat_at or job.started_at
    return job.state == "running" and beat is not None and utcnow() - beat > stale_after()


def request(kind: str, key: str, params: dict, user_id: int | None = None) -> Job:
    """The job that makes the file cached under `key`: the one already queued or running, or a new one (queued
    now)."""
    digest = _digest(key)
    job = db.session.scalar(
        select(Job).where(Job.key == digest, Job.state.in_(("queued", "running"))).order_by(Job.created_at.desc())
    )
    if job is not None:
        return revive(job)
    _forget_old_jobs()
    params = {**params, "cache_key": key}
    job = Job(id=secrets.token_hex(16), kind=kind, key=digest, params=params, state="queued", attempts=0)
    job.created_by_id = user_id
    db.session.add(job)
    db.session.commit()
    _enqueue(job)
    return job


def _digest(key: str) -> str:
    """A job's `key` column: the hash of its cache key (which is longer than a column should hold)."""
    return hashlib.sha256(key.encode()).hexdigest()


def made_file(key: str) -> bytes | None:
    """The file a finished job made for `key` (on whichever machine it ran), or None."""
    return db.session.scalar(
        select(Job.result)
        .where(Job.key == _digest(key), Job.state == "done", Job.result.is_not(None))
        .order_by(Job.finished_at.desc())
        .limit(1)
    )


def stored_file(key: str) -> bytes | None:
    """The file made for `key`, if any worker made it: from this machine's report cache, or from the job that
    made it on another machine (then kept in this machine's cache too)."""
    from .result_cache import report_cache

    cache = report_cache()
    data = cache.get(key, ".pdf")
    if data is None:
        data = made_file(key)
        if data is not None:
            cache.put(key, ".pdf", data)
    return data


def file_or_job(kind: str, key: str, params: dict, user_id: int | None = None) -> tuple[bytes | None, Job | None]:
    """The file made for `key` already, or (None, the job making it). With ``SCRI_JOBS=immediate`` the job runs
    here and the file comes at once."""
    data = stored_file(key)
    if data is not None:
        return data, None
    job = request(kind, key, params, user_id)
    data = stored_file(key)
    return (data, None) if data is not None else (None, job)


def _forget_old_jobs(days: int = 7) -> None:
    """Jobs (and the files they keep) older than a week go; their files' data has long changed or is cached."""
    db.session.execute(delete(Job).where(Job.created_at < utcnow() - timedelta(days=days), Job.state != "running"))


def revive(job: Job) -> Job:
    """Queue a lost job again (or give it up after MAX_ATTEMPTS); other jobs are returned as they are."""
    if not lost(job):
        return job
    if job.attempts >= MAX_ATTEMPTS:
        job.state, job.error, job.finished_at = "failed", "the worker stopped while making it", utcnow()
        db.session.commit()
        return job
    job.state = "queued"
    db.session.commit()
    _enqueue(job)
    return job


def revive_all() -> int:
    """Queue again every job a dead worker left running (a worker does this when it starts)."""
    jobs = db.session.scalars(select(Job).where(Job.state == "running")).all()
    return sum(revive(job).state == "queued" for job in jobs)


def _enqueue(job: Job) -> None:
    queue().scri_run_job(job.id)


def run(job_id: str) -> None:
    """Do one job: mark it running, keep its heartbeat while the file is made, store the file, mark it done
    (or failed, with the reason). A job that is done already, or taken by another worker, is left alone."""
    from .result_cache import report_cache

    job = db.session.get(Job, job_id)
    if job is None or job.state != "queued":
        return
    job.state, job.attempts, job.started_at, job.heartbeat_at = "running", job.attempts + 1, utcnow(), utcnow()
    db.session.commit()
    stop = threading.Event()
    beat = None
    if current_app.config.get("SCRI_JOBS", "queue") != "immediate":
        beat = threading.Thread(target=_heartbeat, args=(current_app._get_current_object(), job_id, stop), daemon=True)
        beat.start()
    try:
        data = _RUNNERS[job.kind](job.params)
        report_cache().put(job.params["cache_key"], ".pdf", data)
        job.state, job.error, job.result = "done", None, data
    except Exception as exc:  # noqa: BLE001 - the reason is kept for the progress page and the log
        db.session.rollback()
        current_app.logger.exception("job %s (%s) failed", job_id, job.kind)
        job = db.session.get(Job, job_id)
        job.state, job.error = "failed", str(exc)[:500]
    finally:
        stop.set()
        if beat is not None:
            beat.join(timeout=5)
    job.finished_at = utcnow()
    db.session.commit()


def _heartbeat(app, job_id: str, stop: threading.Event) -> None:
    with app.app_context():
        engine = db.engine
        while not stop.wait(HEARTBEAT_SECONDS):
            with engine.begin() as conn:
                conn.execute(update(Job).where(Job.id == job_id, Job.state == "running").values(heartbeat_at=utcnow()))


def set_worker_app(app) -> None:
    global _WORKER_APP
    _WORKER_APP = app
