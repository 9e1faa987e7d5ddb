"""The audit log page: for admins only, paged, filtered, its details escaped."""

from __future__ import annotations

import sys
from pathlib import Path

from survey_app.extensions import db

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "instruments"))


def test_audit_log_is_for_admins_and_escapes_details(app, two_cities, login):
    from survey_app.services import audit

    with app.app_context():
        for i in range(60):
            audit.record("bulk.event", actor="x@y.kz", city_id=two_cities["a"], details={"i": i})
        db.session.flush()
        audit.record("test.event", actor="x@y.kz", city_id=two_cities["b"], details={"note": "<script>x</script>"})
        db.session.commit()
    for role in ("coordinator", "viewer"):
        assert login(two_cities["users"][role]).get("/console/audit").status_code == 403
    admin = login(two_cities["users"]["admin"])
    page = admin.get("/console/audit?lang=en").get_data(as_text=True)
    assert "<script>x</script>" not in page and "&lt;script&gt;" in page
    assert "Page 1 of 2" in page
    filtered = admin.get(f"/console/audit?city={two_cities['b']}&lang=en").get_data(as_text=True)
    assert "test.event" in filtered and "bulk.event</code>" not in filtered
    by_action = admin.get("/console/audit?action=bulk.event&page=2").get_data(as_text=True)
    assert "test.event</code>" not in by_action and "bulk.event</code>" in by_action
