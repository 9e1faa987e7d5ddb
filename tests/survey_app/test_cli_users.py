"""`scri users create|password|token`: hashed passwords and tokens, clear errors."""

from sqlalchemy import select

from survey_app.auth import hash_token
from survey_app.extensions import db
from survey_app.models import ApiToken, AuditEvent, User


def test_create_a_coordinator_and_a_token(app, runner, make_city, client):
    make_city()
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "Coord@Shu.kz",
            "--role",
            "coordinator",
            "--city",
            "Shu",
            "--password-stdin",
        ],
        input="a long password\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "coord@shu.kz"))
        assert user.password_hash.startswith("$argon2") and "a long password" not in user.password_hash
        assert [c.slug for c in user.cities] == ["shu"]
    token = runner.invoke(args=["users", "token", "--email", "coord@shu.kz"]).output.strip()
    assert token.startswith("scri_") and len(token) > 40
    with app.app_context():
        stored = db.session.scalars(select(ApiToken.token_hash)).all()
        assert stored == [hash_token(token)] and token not in stored
        assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "token.create"))
    assert client.get("/api/v1/rounds/none/scores", headers={"Authorization": f"Bearer {token}"}).status_code == 404


def test_bad_input_is_one_line_and_stores_nothing(app, runner, make_city):
    make_city()
    cases = [
        (["--email", "x@y.kz", "--role", "coordinator", "--city", "Shu"], "", "--password-stdin"),
        (
            ["--email", "x@y.kz", "--role", "coordinator", "--city", "Shu", "--password-stdin"],
            "short\n",
            "at least 10 characters",
        ),
        (["--email", "not-an-email", "--role", "admin", "--password-stdin"], "a long password\n", "not a valid e-mail"),
        (["--email", "x@y.kz", "--role", "viewer", "--password-stdin"], "a long password\n", "needs at least one city"),
        (
            ["--email", "x@y.kz", "--role", "viewer", "--city", "Atlantis", "--password-stdin"],
            "a long password\n",
            "unknown city",
        ),
    ]
    for args, stdin, message in cases:
        result = runner.invoke(args=["users", "create", *args], input=stdin)
        assert result.exit_code == 2, result.output
        assert message in result.output and "Traceback" not in result.output
    with app.app_context():
        assert db.session.scalar(select(User.id)) is None


def test_a_new_password_lifts_a_lock_and_the_old_one_stops_working(app, runner, make_city):
    from survey_app.services.login_backoff import PAIR_POLICY
    from survey_app.services.users import authenticate

    runner.invoke(
        args=["users", "create", "--email", "a@b.kz", "--role", "admin", "--password-stdin"],
        input="the first password\n",
    )
    with app.app_context():
        for _attempt in range(PAIR_POLICY[0]):
            assert authenticate("a@b.kz", "a wrong guess") is None
        assert authenticate("a@b.kz", "the first password") is None  # waiting now
    for args, stdin, message in [
        (["--email", "a@b.kz"], "x\n", "--password-stdin"),
        (["--email", "a@b.kz", "--password-stdin"], "short\n", "at least 10 characters"),
        (["--email", "nobody@b.kz", "--password-stdin"], "a long password\n", "no account for nobody@b.kz"),
    ]:
        result = runner.invoke(args=["users", "password", *args], input=stdin)
        assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output
    result = runner.invoke(
        args=["users", "password", "--email", "A@B.kz", "--password-stdin"], input="the second password\n"
    )
    assert result.exit_code == 0 and "a@b.kz" in result.output
    with app.app_context():
        assert authenticate("a@b.kz", "the first password") is None
        assert authenticate("a@b.kz", "the second password") is not None
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.password"))
        assert event.actor == "cli" and event.details == {"email": "a@b.kz"}
