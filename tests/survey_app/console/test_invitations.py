"""Invitations in the console: shown once with working links, CSV and PDF, uploads, revoking."""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
import subprocess
from urllib.parse import urlsplit

import pytest
from consolehelpers import (
    _audit_actions,
    _count,
    _edit_data,
    _issue,
    _links,
    _round_state,
    _token,
    csrf_token,
)
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import AuditEvent, Invitation


def test_invitations_on_screen_list_n_working_links_not_cached(app, two_cities, login):
    coordinator = login(two_cities["users"]["coordinator"])
    response = _issue(coordinator, count=4)
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    links = _links(response)
    assert len(links) == 4 and len(set(links)) == 4
    assert "These links are shown only now." in response.get_data(as_text=True)
    public = app.test_client()
    for link in links:
        parts = urlsplit(link)
        assert parts.path == "/s/shu-2025/business"
        assert public.get(f"{parts.path}?{parts.query}").status_code == 200
    assert public.get("/s/shu-2025/business?t=inv_not-a-real-token").status_code == 403


def test_only_sha256_hashes_of_the_tokens_are_stored(app, two_cities, login):
    coordinator = login(two_cities["users"]["coordinator"])
    tokens = [_token(link) for link in _links(_issue(coordinator, count=3))]
    with app.app_context():
        rows = db.session.scalars(select(Invitation).order_by(Invitation.id)).all()
        assert len(rows) == 3
        assert {r.token_hash for r in rows} == {hashlib.sha256(t.encode()).hexdigest() for t in tokens}
        for row in rows:
            stored = " ".join(str(getattr(row, c.key)) for c in Invitation.__table__.columns)
            assert not any(t in stored or t[4:] in stored for t in tokens)
        events = db.session.scalars(select(AuditEvent)).all()
        assert not any(t in str(e.details) for e in events for t in tokens)
        issued = [e for e in events if e.action == "invitations.issue"]
        assert len(issued) == 1 and issued[0].details == {"group": "business", "count": 3}


def test_the_links_download_again_as_csv_and_pdf(app, two_cities, login):
    coordinator = login(two_cities["users"]["coordinator"])
    links = _links(_issue(coordinator, count=3))
    data = {
        "csrf_token": csrf_token(coordinator, "/console/rounds/shu-2025?lang=en"),
        "t": [_token(link) for link in links],
    }
    response = coordinator.post("/console/rounds/shu-2025/invitations/links.csv", data=data)
    assert response.status_code == 200
    assert response.mimetype == "text/csv" and "no-store" in response.headers["Cache-Control"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r["link"] for r in rows] == links
    assert {r["group"] for r in rows} == {"business"}
    pdf = coordinator.post("/console/rounds/shu-2025/invitations/links.pdf", data=data)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    assert _count(app, Invitation) == 3  # downloading again creates nothing


@pytest.mark.skipif(not (shutil.which("pdftoppm") and shutil.which("zbarimg")), reason="poppler-utils, zbar-tools")
def test_every_printed_qr_code_scans_to_its_own_link(two_cities, login, tmp_path):
    """The QR sheet printed at 150 dpi and read by a barcode reader (zbar) gives back exactly the links issued,
    one card each; 14 cards lay out on three A4 pages."""
    coordinator = login(two_cities["users"]["coordinator"])
    links = _links(_issue(coordinator, count=14))
    data = {"csrf_token": csrf_token(coordinator, "/console/rounds/shu-2025?lang=ru"), "t": [_token(x) for x in links]}
    pdf = coordinator.post("/console/rounds/shu-2025/invitations/links.pdf", data=data)
    assert pdf.status_code == 200
    (tmp_path / "sheet.pdf").write_bytes(pdf.data)
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(tmp_path / "sheet.pdf"), str(tmp_path / "page")], check=True)  # noqa: S603, S607
    pages = sorted(tmp_path.glob("page*.png"))
    read = subprocess.run(  # noqa: S603
        ["zbarimg", "-q", "--raw", *map(str, pages)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    assert len(pages) == 3
    assert sorted(read) == sorted(links)


@pytest.mark.parametrize("output", ["csv", "pdf"])
def test_invitations_can_be_issued_straight_to_a_file(app, two_cities, login, output):
    coordinator = login(two_cities["users"]["coordinator"])
    response = _issue(coordinator, count=2, output=output)
    assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]
    assert f'invitations-shu-2025-business.{output}"' in response.headers["Content-Disposition"]
    if output == "pdf":
        assert response.data.startswith(b"%PDF")
    else:
        assert len(list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))) == 2
    assert _count(app, Invitation) == 2


def test_tokens_of_another_round_are_refused_without_an_error(app, two_cities, login):
    admin = login(two_cities["users"]["admin"])
    tokens = [_token(link) for link in _links(_issue(admin, count=2))]
    token = csrf_token(admin, "/console/rounds/aksu-2025?lang=en")
    for fmt in ("csv", "pdf"):
        other = admin.post(
            f"/console/rounds/aksu-2025/invitations/links.{fmt}", data={"csrf_token": token, "t": tokens}
        )
        assert other.status_code == 400
    mixed = admin.post(
        "/console/rounds/shu-2025/invitations/links.csv", data={"csrf_token": token, "t": [*tokens, "inv_made-up"]}
    )
    assert mixed.status_code == 400
    assert "%PDF" not in mixed.get_data(as_text=True) and tokens[0] not in mixed.get_data(as_text=True)
    empty = admin.post("/console/rounds/shu-2025/invitations/links.csv", data={"csrf_token": token})
    assert empty.status_code == 400
    too_long = admin.post("/console/rounds/shu-2025/invitations/links.csv", data={"csrf_token": token, "t": "x" * 5000})
    assert too_long.status_code == 400


def _upload(client, body: bytes, lang="en", name="list.csv", **extra):
    """Post an organisations file to the business group's invitation form (the page in `lang`)."""
    data = {
        "csrf_token": csrf_token(client, f"/console/rounds/shu-2025?lang={lang}"),
        "group": "business",
        "output": "screen",
        "upload": (io.BytesIO(body), name),
        **extra,
    }
    return client.post(
        f"/console/rounds/shu-2025/invitations?lang={lang}", data=data, content_type="multipart/form-data"
    )


def test_an_upload_with_bad_rows_creates_nothing_and_names_the_rows(app, two_cities, login):
    coordinator = login(two_cities["users"]["coordinator"])
    table = "organisation,sector,email\nGood LLP,trade,info@good.kz\n,trade,\nBad mail LLP,services,not an e-mail\n"
    response = _upload(coordinator, table.encode(), count="")
    assert response.status_code == 302
    page = coordinator.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nothing was created" in page
    assert "row 3: the organisation is empty" in page
    assert "row 4: " in page and "is not an e-mail address" in page
    assert _count(app, Invitation) == 0
    assert _audit_actions(app, "invitations.issue") == []


def test_an_upload_with_russian_headers_from_excel_is_read(app, two_cities, login):
    coordinator = login(two_cities["users"]["coordinator"])
    table = "Организация;Сектор;Эл. почта\r\nТОО «Жол»;строительство;info@zhol.kz\r\n"
    response = _upload(coordinator, table.encode("cp1251"), lang="ru", name="список.csv")
    assert response.status_code == 200 and len(_links(response)) == 1
    with app.app_context():
        row = db.session.scalar(select(Invitation))
        assert (row.organisation, row.sector, row.email) == ("ТОО «Жол»", "строительство", "info@zhol.kz")


def test_an_upload_of_good_rows_lists_the_organisations(app, two_cities, login):
    coordinator = login(two_cities["users"]["coordinator"])
    table = "organisation,sector,email\nGood LLP,trade,info@good.kz\n<b>Bold</b> JSC,=cmd,\n"
    response = _upload(coordinator, table.encode())
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert len(_links(response)) == 2 and "Good LLP" in page
    assert "<b>Bold</b>" not in page and "&lt;b&gt;Bold&lt;/b&gt; JSC" in page
    with app.app_context():
        rows = db.session.scalars(select(Invitation).order_by(Invitation.id)).all()
        assert [(r.organisation, r.sector, r.email) for r in rows] == [
            ("Good LLP", "trade", "info@good.kz"),
            ("<b>Bold</b> JSC", "=cmd", None),
        ]
    tokens = [_token(link) for link in _links(response)]
    download = coordinator.post(
        "/console/rounds/shu-2025/invitations/links.csv",
        data={"csrf_token": csrf_token(coordinator, "/console/rounds/shu-2025"), "t": tokens},
    )
    rows = list(csv.DictReader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[1]["sector"] == "'=cmd"  # a formula-like cell is neutralised


def test_invitations_are_refused_for_an_open_group_and_for_a_viewer(app, two_cities, login):
    coordinator = login(two_cities["users"]["coordinator"])
    response = _issue(coordinator, group="residents")
    assert response.status_code == 302
    assert _count(app, Invitation) == 0
    viewer = login(two_cities["users"]["viewer"])
    data = {
        "csrf_token": csrf_token(viewer, "/console/rounds/shu-2025?lang=en"),
        "group": "business",
        "count": "2",
        "output": "screen",
    }
    assert viewer.post("/console/rounds/shu-2025/invitations", data=data).status_code == 403
    assert _count(app, Invitation) == 0


def test_a_revoked_invitation_link_refuses_answers(app, two_cities, login):
    coordinator = login(two_cities["users"]["coordinator"])
    first, second = _links(_issue(coordinator, count=2))
    with app.app_context():
        invitation_id = db.session.scalar(
            select(Invitation.id).where(Invitation.token_hash == hashlib.sha256(_token(first).encode()).hexdigest())
        )
    token = csrf_token(coordinator, "/console/rounds/shu-2025/invitations?lang=en")
    response = coordinator.post(
        f"/console/rounds/shu-2025/invitations/{invitation_id}/revoke?lang=en",
        data={"csrf_token": token, "confirm": "yes"},
    )
    assert response.status_code == 302
    page = coordinator.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Invitation #{invitation_id} is revoked" in page
    public = app.test_client()
    for link in (first, second):
        parts = urlsplit(link)
        expected = 403 if link == first else 200
        assert public.get(f"{parts.path}?{parts.query}").status_code == expected
    # the consent page of the good link gives the form's CSRF token; the revoked token is refused on submit
    parts = urlsplit(second)
    public_token = csrf_token(public, f"{parts.path}?{parts.query}")
    start = public.post(
        f"{parts.path}?lang=en",
        data={"csrf_token": public_token, "t": _token(first), "consent": "yes", "submission_id": "s" * 32},
    )
    assert start.status_code == 403
    good = public.post(
        f"{parts.path}?lang=en",
        data={"csrf_token": public_token, "t": _token(second), "consent": "yes", "submission_id": "g" * 32},
    )
    assert good.status_code == 302  # the same request with a live invitation is accepted
    with app.app_context():
        assert db.session.get(Invitation, invitation_id).revoked_at is not None
        assert db.session.get(Invitation, invitation_id).started_at is None
    assert len(_audit_actions(app, "invitation.revoke")) == 1
    again = coordinator.post(
        f"/console/rounds/shu-2025/invitations/{invitation_id}/revoke?lang=en",
        data={"csrf_token": token, "confirm": "yes"},
    )
    assert "was already answered or revoked" in coordinator.get(again.headers["Location"]).get_data(as_text=True)
    assert len(_audit_actions(app, "invitation.revoke")) == 1


@pytest.mark.parametrize("overrides", [{"use_business": None}, {"access_business": "open"}])
def test_a_group_with_live_invitations_is_neither_dropped_nor_opened(app, two_cities, make_round, login, overrides):
    from survey_app.models import Invitation
    from survey_app.services import invitations
    from survey_app.services.rounds import get_round

    make_round(slug="shu-2026", status="draft", city_id=two_cities["a"], year=2026)
    with app.app_context():
        invitations.issue(get_round("shu-2026"), "business", [{"organisation": "Org"}], "http://localhost/")
        db.session.commit()
    before = _round_state(app, "shu-2026")
    coordinator = login(two_cities["users"]["coordinator"])
    response = coordinator.post(
        "/console/rounds/shu-2026/edit?lang=en",
        data=_edit_data(app, coordinator, "shu-2026", title="Changed", **overrides),
    )
    assert response.status_code == 422
    assert "Invitations have been issued to Business" in response.get_data(as_text=True)
    assert _round_state(app, "shu-2026") == before
    with app.app_context():  # once they are revoked, the group can go
        for invitation in db.session.scalars(select(Invitation)):
            invitations.revoke(invitation)
        db.session.commit()
    response = coordinator.post(
        "/console/rounds/shu-2026/edit?lang=en",
        data=_edit_data(app, coordinator, "shu-2026", title="Changed", **overrides),
    )
    assert response.status_code == 302


def test_a_lost_link_is_replaced_and_a_blank_invitation_named(app, two_cities, login, client):
    import re as _re

    from survey_app.models import AuditEvent, Invitation
    from survey_app.services import invitations as inv_services
    from survey_app.services import rounds as round_services

    with app.app_context():
        round_ = round_services.get_round("shu-2025")
        group = next(g for g in round_.groups if g.access == "invitation")
        issued = inv_services.issue(round_, group.group, [{"organisation": "", "sector": "", "email": ""}], "http://x")
        old_link = issued[0].link
        invitation_id = db.session.scalar(select(Invitation.id).order_by(Invitation.id.desc()))
    coordinator = login(two_cities["users"]["coordinator"])
    base = f"/console/rounds/shu-2025/invitations/{invitation_id}"
    confirm = coordinator.get(base + "/reissue?lang=en").get_data(as_text=True)
    assert "Give this invitation a new link?" in confirm and "old link stops working" in confirm
    token = csrf_token(coordinator, base + "/reissue?lang=en")
    page = coordinator.post(base + "/reissue?lang=en", data={"csrf_token": token, "confirm": "yes"}).get_data(
        as_text=True
    )
    new_link = _re.search(r'id="new-link"[^>]*value="([^"]+)"', page).group(1)
    assert new_link != old_link and "/s/shu-2025/" in new_link
    old, new = urlsplit(old_link), urlsplit(new_link)
    assert client.get(f"{old.path}?{old.query}&lang=en").status_code in (403, 404)  # the old link no longer opens
    assert client.get(f"{new.path}?{new.query}&lang=en").status_code == 200
    with app.app_context():
        stored = db.session.get(Invitation, invitation_id)
        assert stored.token_hash == inv_services.hash_token(new_link.split("t=", 1)[1])
    token = csrf_token(coordinator, base + "/edit?lang=en")
    bad = coordinator.post(
        base + "/edit?lang=en", data={"csrf_token": token, "organisation": "Akimat", "email": "not an email"}
    )
    assert bad.status_code == 200 and "is not an e-mail address" in bad.get_data(as_text=True)
    named = {"csrf_token": token, "organisation": "Shu akimat", "sector": "government", "email": "office@shu.kz"}
    saved = coordinator.post(base + "/edit", data=named)
    assert saved.status_code == 302
    with app.app_context():
        stored = db.session.get(Invitation, invitation_id)
        assert (stored.organisation, stored.email) == ("Shu akimat", "office@shu.kz")
        actions = set(db.session.scalars(select(AuditEvent.action)))
        assert {"invitation.reissue", "invitation.edit"} <= actions
    viewer = login(two_cities["users"]["viewer"])
    assert viewer.get(base + "/edit").status_code in (403, 404)
