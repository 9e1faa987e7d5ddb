"""The yardstick of `bench_versus_bare.py`: the smallest honest Flask + Flask-SQLAlchemy app that takes the same
questionnaire as SCRI's residents (same URLs, the same sections and questions, form fields with the same names)
and stores the same rows: a response per consent, an answer row per answered question, one transaction per page,
an HMAC CSRF token on every form. No languages, skip logic, rate limits, quality flags, device cookies or
templates: what is left is what any survey server must do.

    gunicorn "benchmarks.bare_app:create_app()"   (BARE_DATABASE_URL, BARE_SECRET in the environment)
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from html import escape

from flask import Flask, abort, redirect, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import JSON, Float, ForeignKey, String, Text, insert, select
from sqlalchemy.orm import Mapped, mapped_column

from instruments.loader import builtin_instruments

db = SQLAlchemy()
INSTRUMENT = builtin_instruments()["residents"]
SECTIONS = INSTRUMENT.sections
COOKIE = "bare_response"


class BareResponse(db.Model):
    __tablename__ = "bare_response"
    id: Mapped[int] = mapped_column(primary_key=True)
    round_slug: Mapped[str] = mapped_column(String(64))
    submission_id: Mapped[str] = mapped_column(String(64), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="partial")
    section: Mapped[int] = mapped_column(default=0)


class BareAnswer(db.Model):
    __tablename__ = "bare_answer"
    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("bare_response.id"), index=True)
    question_code: Mapped[str] = mapped_column(String(64))
    value_num: Mapped[float | None] = mapped_column(Float)
    value_text: Mapped[str | None] = mapped_column(Text)
    value_json: Mapped[dict | list | None] = mapped_column(JSON(none_as_null=True))


def _csrf(secret: str, nonce: str) -> str:
    return hmac.new(secret.encode(), f"csrf|{nonce}".encode(), hashlib.sha256).hexdigest()


def _check_csrf(secret: str) -> None:
    nonce, token = request.form.get("nonce", ""), request.form.get("csrf_token", "")
    if not nonce or not hmac.compare_digest(_csrf(secret, nonce), token):
        abort(400)


def _form(secret: str, action: str, fields: str, button: str) -> str:
    nonce = secrets.token_urlsafe(16)
    return (
        "<!doctype html><html><body>"
        f'<form method="post" action="{action}">'
        f'<input type="hidden" name="nonce" value="{nonce}">'
        f'<input type="hidden" name="csrf_token" value="{_csrf(secret, nonce)}">'
        f'{fields}<button type="submit" name="action" value="next">{button}</button></form></body></html>'
    )


def _field(question) -> str:
    code = escape(question.code)
    if question.type in ("likert", "single", "yesno"):
        codes = [c.code for c in question.choices] or ["yes", "no"]
        return "".join(f'<input type="radio" name="{code}" value="{escape(c)}">' for c in codes)
    if question.type == "multiple":
        return "".join(f'<input type="checkbox" name="{code}" value="{escape(c.code)}">' for c in question.choices)
    if question.type in ("integer", "decimal"):
        low, high = question.min or 0, question.max if question.max is not None else 100
        step = "1" if question.type == "integer" else "0.1"
        return f'<input type="number" name="{code}" min="{low:g}" max="{high:g}" step="{step}">'
    if question.type == "ties":
        return "".join(
            f'<input type="radio" name="{code}__{escape(c.code)}" value="{v}">'
            for c in question.choices
            for v in ("rarely", "monthly", "weekly")
        )
    return f'<input type="text" name="{code}" maxlength="{question.max_length or 200}">'


def _value(question, form) -> dict | None:
    """The answer's columns, or None when the question was not answered; 400 on a value it cannot take."""
    if question.type == "ties":
        names = {c.code: f"{question.code}__{c.code}" for c in question.choices}
        ties = {actor: form[name] for actor, name in names.items() if form.get(name)}
        return {"value_json": ties} if ties else None
    if question.type == "multiple":
        picked = form.getlist(question.code)
        allowed = {c.code for c in question.choices}
        if any(p not in allowed for p in picked):
            abort(400)
        return {"value_json": picked} if picked else None
    raw = form.get(question.code, "").strip()
    if not raw:
        return None
    if question.type in ("likert", "integer", "decimal"):
        try:
            number = float(raw)
        except ValueError:
            abort(400)
        return {"value_num": number}
    if question.type in ("single", "yesno") and question.choices and raw not in {c.code for c in question.choices}:
        abort(400)
    return {"value_text": raw[:2000]}


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["BARE_DATABASE_URL"]
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": False, "pool_recycle": 1800}
    secret = os.environ.get("BARE_SECRET", "bare-benchmark-secret")
    db.init_app(app)

    def current() -> BareResponse:
        token = request.cookies.get(COOKIE, "")
        digest = hashlib.sha256(token.encode()).hexdigest()
        response = db.session.scalar(select(BareResponse).where(BareResponse.token_hash == digest))
        if response is None:
            abort(403)
        return response

    @app.route("/s/<slug>/residents", methods=["GET", "POST"])
    def consent(slug):
        if request.method == "GET":
            submission = secrets.token_urlsafe(24)
            hidden = f'<input type="hidden" name="submission_id" value="{submission}">'
            return _form(secret, request.path, hidden + '<input type="checkbox" name="consent" value="yes">', "Start")
        _check_csrf(secret)
        token = secrets.token_urlsafe(32)
        response = BareResponse(
            round_slug=slug,
            submission_id=request.form.get("submission_id", "")[:64],
            token_hash=hashlib.sha256(token.encode()).hexdigest(),
        )
        db.session.add(response)
        db.session.commit()
        answer = redirect(f"/s/{slug}/residents/p/1")
        answer.set_cookie(COOKIE, token, httponly=True, samesite="Lax", path="/s/")
        return answer

    @app.route("/s/<slug>/residents/p/<int:number>", methods=["GET", "POST"])
    def page(slug, number):
        if not 1 <= number <= len(SECTIONS):
            abort(404)
        response = current()
        section = SECTIONS[number - 1]
        if request.method == "GET":
            fields = "".join(_field(q) for q in section.questions)
            return _form(secret, request.path, fields, "Next")
        _check_csrf(secret)
        rows = []
        for question in section.questions:
            value = _value(question, request.form)
            if value is not None:
                empty = {"value_num": None, "value_text": None, "value_json": None}
                rows.append({"response_id": response.id, "question_code": question.code, **empty, **value})
        if rows:
            db.session.execute(insert(BareAnswer.__table__).values(rows))
        response.section = max(response.section, number)
        db.session.commit()
        target = f"/s/{slug}/residents/p/{number + 1}" if number < len(SECTIONS) else f"/s/{slug}/residents/review"
        return redirect(target)

    @app.route("/s/<slug>/residents/review", methods=["GET", "POST"])
    def review(slug):
        response = current()
        if request.method == "GET":
            return _form(secret, request.path, "", "Submit")
        _check_csrf(secret)
        response.status = "complete"
        db.session.commit()
        return redirect(f"/s/{slug}/residents/thanks")

    @app.get("/s/<slug>/residents/thanks")
    def thanks(slug):
        return "<!doctype html><html><body><p>Thank you.</p></body></html>"

    @app.get("/healthz")
    def healthz():
        return json.dumps({"status": "ok"}), 200, {"Content-Type": "application/json"}

    with app.app_context():
        db.create_all()
    return app
