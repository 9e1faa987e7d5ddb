"""Reports drawn off the request by `scri worker` (Huey on SQLite in the instance folder): the download goes to a
progress page and then to the file, and a worker killed in the middle of a job loses nothing: the job is queued
again once its heartbeat stops, and another worker finishes it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.models import Job

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PDF = "/console/rounds/shu-2025/report.pdf?lang=en"


@pytest.fixture
def queued(demo_app, tmp_path):
    """The demo app with jobs going through the real queue (not drawn in the request), a 3-second heartbeat
    limit, and no PDF of shu-2025 in English in the cache."""
    saved = {k: demo_app.config[k] for k in ("SCRI_JOBS", "SCRI_JOB_STALE_SECONDS")}
    demo_app.config.update(SCRI_JOBS="queue", SCRI_JOB_STALE_SECONDS=3)
    demo_app.extensions.pop("scri_huey", None)
    from survey_app.models import SurveyRound
    from survey_app.services import results
    from survey_app.services.result_cache import report_cache

    with demo_app.test_request_context():
        round_ = db.session.scalar(select(SurveyRound).where(SurveyRound.slug == "shu-2025"))
        key = results.pdf_key("city_pdf", [round_], "en", False)
        report_cache().path(key, ".pdf").unlink(missing_ok=True)
        from sqlalchemy import delete

        db.session.execute(delete(Job))  # nor a copy kept by an earlier job
        db.session.commit()
        db.session.remove()
    workers = []

    def start_worker():
        env = {
            **os.environ,
            "DATABASE_URL": demo_app.config["SQLALCHEMY_DATABASE_URI"],
            "SCRI_INSTANCE_PATH": demo_app.instance_path,
            "SECRET_KEY": demo_app.config["SECRET_KEY"],
            "SCRI_ENV": "testing",
            "SCRI_JOBS": "queue",
            "SCRI_JOB_STALE_SECONDS": "3",
        }
        log = open(tmp_path / f"worker-{len(workers)}.log", "wb")  # noqa: SIM115 - closed at teardown
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "survey_app.cli", "worker", "--threads", "1"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=log,
        )
        workers.append((process, log))
        return process

    yield start_worker
    for process, log in workers:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
        log.close()
    demo_app.config.update(saved)
    demo_app.extensions.pop("scri_huey", None)


def _job(app, job_id):
    with app.app_context():
        job = db.session.get(Job, job_id)
        db.session.expunge_all()
        return job


def _wait(predicate, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_killed_worker_loses_no_job(demo_app, demo_admin_client, queued):
    client = demo_admin_client
    asked = client.get(PDF)
    assert asked.status_code == 302 and "/jobs/" in asked.headers["Location"]
    job_id = asked.headers["Location"].rsplit("/", 1)[-1]
    progress = client.get(f"/jobs/{job_id}")
    assert progress.status_code == 200 and "Preparing the report" in progress.get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="2">' in progress.get_data(as_text=True)

    first = queued()
    _wait(lambda: _job(demo_app, job_id).state == "running", 60, "the first worker to take the job")
    first.send_signal(signal.SIGKILL)  # in the middle of drawing the PDF
    first.wait(timeout=10)
    assert _job(demo_app, job_id).state == "running", "nobody finished it"

    queued()  # a new worker; the job comes back to the queue once its heartbeat is 3 s old

    def done():
        page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
        return "The report is ready" in page

    _wait(done, 120, "the second worker to finish the job")
    job = _job(demo_app, job_id)
    assert job.state == "done" and job.attempts == 2 and job.error is None
    ready = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert f'content="0;url={PDF.replace("&", "&amp;")}"' in ready or f'content="0;url={PDF}"' in ready
    pdf = client.get(PDF)
    assert pdf.status_code == 200 and pdf.data[:5] == b"%PDF-"
    assert pdf.headers["Content-Disposition"].startswith("attachment;")
    # An app server on another machine has no such file in its cache folder: it takes the job's copy.
    from survey_app.services.result_cache import report_cache

    with demo_app.test_request_context():
        for path in report_cache().folder.glob("*.pdf"):
            path.unlink()
    again = client.get(PDF)
    assert again.status_code == 200 and again.data == pdf.data
    with demo_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Job).where(Job.state != "done")) == 0


def test_asking_again_while_a_job_runs_joins_the_same_job(demo_app, demo_admin_client, queued):
    client = demo_admin_client
    first = client.get(PDF).headers["Location"]
    second = client.get(PDF).headers["Location"]
    assert first == second
    with demo_app.app_context():
        assert db.session.scalar(select(Job).where(Job.id == first.rsplit("/", 1)[-1])).state == "queued"


def test_an_unknown_or_malformed_job_is_404(client):
    assert client.get("/jobs/" + "0" * 32).status_code == 404
    assert client.get("/jobs/not-a-job").status_code == 404
