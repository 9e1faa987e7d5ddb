"""Sign-in and sign-out (Flask-Login sessions, argon2 passwords, a back-off per account and source)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..auth import start_session
from ..errors import abort_with
from ..extensions import db
from ..services import audit, ratelimit
from ..services.login_backoff import seconds_to_wait
from ..services.users import authenticate
from . import bp
from .forms import EmptyForm, LoginForm


def safe_next(target: str | None) -> str:
    """A local path to go to after signing in (never another site)."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and not any(ord(ch) < 32 or ord(ch) == 127 for ch in target)  # no CR/LF in a Location header
        and not urlsplit(target).netloc
        and not urlsplit(target).scheme
    ):
        return target
    return url_for("console.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("console.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        limit = current_app.config["SCRI_LOGIN_RATE_LIMIT"]
        address = ratelimit.client_address(request)
        if not ratelimit.hit("login", address, limit):
            abort_with(429)
        user = authenticate(form.email.data, form.password.data, address)
        if user is not None:
            lang = session.get("lang")
            session.clear()  # a fresh session for the signed-in account
            if lang:
                session["lang"] = lang
            start_session(user)
            login_user(user)
            return redirect(safe_next(request.args.get("next")))
        # One message for an unknown address and a wrong password; a back-off is keyed on what was typed,
        # known account or not, so saying how long to wait gives nothing away.
        wait = seconds_to_wait((form.email.data or "").strip().lower(), address)
        if wait:
            flash(
                _(
                    "The e-mail or password is not right. After several failed attempts, please wait "
                    "%(seconds)s seconds before trying again.",
                    seconds=wait,
                ),
                "error",
            )
        else:
            flash(_("The e-mail or password is not right."), "error")
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("console/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    if EmptyForm().validate_on_submit():
        audit.record("logout", user=current_user)
        current_user.end_sessions()  # a copy of the session cookie kept anywhere dies with this one
        db.session.commit()
        lang = session.get("lang")
        logout_user()
        session.clear()
        if lang:
            session["lang"] = lang
    return redirect(url_for("console.login"))
