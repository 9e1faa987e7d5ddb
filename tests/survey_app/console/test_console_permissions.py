"""The permission matrix, walked over every console and API address so that a new page is covered too."""

from __future__ import annotations

import re

import pytest
from consolehelpers import CSRF

PARAMS = re.compile(r"<(?:(\w+):)?(\w+)>")
NO_SIGN_IN = {"/console/login"}
#: Addresses naming a thing the walk does not create (an invitation, a response, a question): 404 is right.
MAY_NOT_EXIST = ("<int:invitation_id>", "<int:response_id>", "<code>")


def _rules(app, prefixes=("/console/", "/api/")):
    return [r for r in app.url_map.iter_rules() if r.rule.startswith(prefixes) and r.rule not in NO_SIGN_IN]


def _fill(rule, slug: str, instrument_id: int) -> str:
    def value(match):
        converter, name = match.group(1), match.group(2)
        if name == "slug":
            return slug
        if name == "instrument_id":
            return str(instrument_id)
        if name == "action":
            return "open"
        if name == "fmt":
            return "csv"
        if name == "lang":
            return "kk"
        return "1" if converter == "int" else "x"

    return PARAMS.sub(value, rule.rule)


def _token(client) -> str:
    page = client.get("/console/instruments").get_data(as_text=True)
    return CSRF.search(page).group(2)


def test_other_cities_are_invisible_and_own_cities_visible(app, two_cities, login):
    rules = _rules(app)
    assert any("<slug>" in r.rule for r in rules)
    iid = two_cities["instrument_id"]
    for role in ("coordinator", "viewer"):
        client = login(two_cities["users"][role])
        token = _token(client)
        for rule in rules:
            if "<slug>" not in rule.rule:
                continue
            url = _fill(rule, two_cities["round_b"], iid)
            if "GET" in rule.methods:
                status = client.get(url).status_code
            else:
                status = client.post(url, data={"csrf_token": token}).status_code
            assert status == 404, (role, url, status)
            if "GET" in rule.methods and not any(p in rule.rule for p in MAY_NOT_EXIST):
                own = _fill(rule, two_cities["round_a"], iid)
                status = client.get(own).status_code
                assert status != 404 and status < 500, (role, own, status)


def test_admin_sees_every_page(app, two_cities, login):
    client = login(two_cities["users"]["admin"])
    for rule in _rules(app):
        url = _fill(rule, two_cities["round_b"], two_cities["instrument_id"])
        status = client.get(url).status_code
        allowed = (200, 302, 400, 405, 409) + ((404,) if any(p in rule.rule for p in MAY_NOT_EXIST) else ())
        assert status in allowed, (url, status)


def test_pages_without_a_round_never_fail(app, two_cities, login):
    for role in ("coordinator", "viewer"):
        client = login(two_cities["users"][role])
        for rule in _rules(app):
            if "<" in rule.rule or "GET" not in rule.methods:
                continue
            status = client.get(rule.rule).status_code
            assert status in (200, 302, 400, 403, 409), (role, rule.rule, status)


def test_a_viewer_cannot_change_anything(app, two_cities, login):
    client = login(two_cities["users"]["viewer"])
    token = _token(client)
    checked = 0
    for rule in _rules(app, ("/console/",)):
        if "POST" not in rule.methods or rule.rule == "/console/logout":
            continue
        url = _fill(rule, two_cities["round_a"], two_cities["instrument_id"])
        data = {"csrf_token": token, "city_id": str(two_cities["a"])}
        status = client.post(url, data=data).status_code
        assert status == 403, (url, status)
        checked += 1
    assert checked >= 5


@pytest.mark.parametrize("prefix", ["/console/", "/api/"])
def test_anonymous_visitors_sign_in_first(app, two_cities, prefix):
    client = app.test_client()
    for rule in _rules(app, (prefix,)):
        url = _fill(rule, two_cities["round_a"], two_cities["instrument_id"])
        method = "GET" if "GET" in rule.methods else "POST"
        response = client.open(url, method=method)
        if prefix == "/api/":
            assert response.status_code == 401, (url, response.status_code)
        else:
            assert response.status_code in (302, 400), (url, response.status_code)
            if response.status_code == 302:
                assert "/console/login" in response.location
