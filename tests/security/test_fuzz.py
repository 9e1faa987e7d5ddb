"""Property-based fuzzing (hypothesis) of every public endpoint and of the console uploads.

Random form fields (real question codes with random values, and random names), query strings, headers and
cookies; random bytes uploaded as CSV, XLSX and YAML. Whatever arrives, the answer is never a 5xx or a
traceback, and what is stored is always a valid answer to the question it belongs to.
"""

from __future__ import annotations

import io
import os
import re
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sechelpers import csrf_of, start_response
from werkzeug.datastructures import MultiDict

pytestmark = pytest.mark.security

# Deterministic and small in the normal suite; SCRI_FUZZ_EXAMPLES=2000 explores more, with fresh random examples.
EXAMPLES = int(os.environ.get("SCRI_FUZZ_EXAMPLES", "0") or 0)
FUZZ = settings(
    max_examples=EXAMPLES or settings().max_examples,
    derandomize=not EXAMPLES,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
LEAKS = ("Traceback", 'File "/', "sqlalchemy.", "psycopg", "sqlite3.", "werkzeug.exceptions", "jinja2.")

# Text without lone surrogates (which no client can send as UTF-8), with markup, SQL and control characters.
SPICY = st.sampled_from(
    [
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "=cmd|' /C calc'!A0",
        "\x00",
        "%00",
        "../../etc/passwd",
        "{{7*7}}",
        "\u202e",
        "١٢٣",
        "1e309",
        "-0",
        "NaN",
        "9" * 40,
        "yes",
        "4",
        "a",
        "x",
        "monthly",
        "",
        " ",
        "\r\n",
    ]
)
TEXT = st.one_of(SPICY, st.text(st.characters(blacklist_categories=("Cs",)), max_size=80))
CODES = [
    "uses",
    "quality",
    "kind",
    "many",
    "age",
    "share",
    "comment",
    "ties__akimat",
    "ties__uni",
    "ties__ngo",
    "consent",
    "submission_id",
    "t",
    "action",
    "csrf_token",
]
NAMES = st.one_of(st.sampled_from(CODES), st.text(string.ascii_letters + "_[].-", min_size=1, max_size=20))
FIELDS = st.lists(st.tuples(NAMES, TEXT), max_size=12)
HEADERS = st.dictionaries(
    st.sampled_from(
        [
            "Accept-Language",
            "Cookie",
            "X-Forwarded-For",
            "Referer",
            "User-Agent",
            "Accept",
            "If-None-Match",
            "Range",
            "Origin",
        ]
    ),
    st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=60),
    max_size=4,
)
QUERY = st.lists(st.tuples(st.sampled_from(["lang", "t", "next", "page", "partial", "x"]), TEXT), max_size=3)


def assert_clean(response, what: str) -> None:
    body = response.get_data(as_text=True)
    response.close()
    assert response.status_code < 500, f"{what}: {response.status_code}"
    for leak in LEAKS:
        assert leak not in body, f"{what}: the page shows {leak!r}"


def assert_stored_answers_are_valid(app) -> None:
    """Every stored answer is a valid value of its question (no garbage reached the database)."""
    from sqlalchemy import select

    from instruments.model import TIE_FREQUENCIES
    from survey_app.extensions import db
    from survey_app.models import Answer, Instrument, Response
    from survey_app.services.answers import decode
    from survey_app.services.instruments import instrument_definition

    with app.app_context():
        rows = db.session.execute(select(Answer, Response.instrument_id).join(Response)).all()
        for answer, instrument_id in rows:
            definition = instrument_definition(db.session.get(Instrument, instrument_id))
            question = definition.question(answer.question_code)
            assert question is not None, answer.question_code
            value = decode(question, answer.value_num, answer.value_text, answer.value_json)
            codes = [c.code for c in question.choices]
            if question.type == "likert":
                assert value in [int(c) for c in codes]
            elif question.type == "single":
                assert value in codes
            elif question.type == "yesno":
                assert value in ("yes", "no", "dont_know")
            elif question.type in ("integer", "decimal"):
                assert question.min <= value <= question.max
            elif question.type == "text":
                assert 0 < len(value) <= (question.max_length or 500)
                assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", value)
            elif question.type == "multiple":
                assert value and set(value) <= set(codes) and len(value) <= (question.max_choices or len(codes))
            elif question.type == "ties":
                assert set(value) <= set(codes) and set(value.values()) <= set(TIE_FREQUENCIES)


@pytest.fixture
def public_pages(app, every_type_round):
    every_type_round()
    return [
        "/",
        "/s/sec-2025/residents",
        "/s/sec-2025/residents/p/1",
        "/s/sec-2025/residents/p/2",
        "/s/sec-2025/residents/review",
        "/s/sec-2025/residents/thanks",
        "/s/sec-2025/business",
        "/s/sec-2025/residents/resume/abc",
        "/healthz",
        "/results/sec-2025",
        "/console/login",
    ]


@FUZZ
@given(data=st.data())
def test_form_posts_with_random_fields_never_fail_and_store_only_valid_answers(app, public_pages, data):
    client = app.test_client()
    start_response(client)  # a response in progress, so the section pages parse answers
    page = client.get("/s/sec-2025/residents/p/1")
    token = csrf_of(page.get_data(as_text=True))
    for _ in range(3):
        path = data.draw(st.sampled_from(public_pages), label="path")
        fields = data.draw(FIELDS, label="fields")
        if data.draw(st.booleans(), label="with csrf"):
            fields = [("csrf_token", token), *[f for f in fields if f[0] != "csrf_token"]]
        query = data.draw(QUERY, label="query")
        headers = data.draw(HEADERS, label="headers")
        url = path + ("?" + "&".join(f"{k}={v}" for k, v in query) if query else "")
        response = client.post(url, data=MultiDict(fields), headers=headers)
        assert_clean(response, f"POST {url} {fields!r}")
    assert_stored_answers_are_valid(app)


@FUZZ
@given(data=st.data())
def test_section_pages_with_the_real_fields_and_random_values(app, public_pages, data):
    """Close to a real respondent: the real field names, random values, valid CSRF."""
    client = app.test_client()
    start_response(client)
    for number in (1, 2):
        page = client.get(f"/s/sec-2025/residents/p/{number}")
        if page.status_code != 200:
            break
        token = csrf_of(page.get_data(as_text=True))
        names = data.draw(st.lists(st.sampled_from(CODES[:10]), max_size=10), label="names")
        fields = [("csrf_token", token)] + [(n, data.draw(TEXT, label=n)) for n in names]
        fields.append(("action", data.draw(st.sampled_from(["next", "back", "", "delete", "next"]), label="action")))
        response = client.post(f"/s/sec-2025/residents/p/{number}", data=MultiDict(fields))
        assert_clean(response, f"POST p/{number} {fields!r}")
        assert response.status_code in (302, 303, 400, 422), response.status_code
    review = client.get("/s/sec-2025/residents/review")
    if review.status_code == 200:
        response = client.post(
            "/s/sec-2025/residents/review", data={"csrf_token": csrf_of(review.get_data(as_text=True))}
        )
        assert_clean(response, "POST review")
    assert_stored_answers_are_valid(app)


@FUZZ
@given(
    segments=st.lists(TEXT.filter(lambda s: "/" not in s and "?" not in s and "#" not in s), min_size=1, max_size=4),
    query=QUERY,
    headers=HEADERS,
    method=st.sampled_from(["GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS"]),
)
def test_random_paths_query_strings_and_headers(app, public_pages, segments, query, headers, method):
    from urllib.parse import quote

    client = app.test_client()
    for prefix in ("/s", "/results", "/api/v1/rounds", "/console/rounds"):
        url = prefix + "/" + "/".join(quote(s, safe="") for s in segments)
        if query:
            url += "?" + "&".join(f"{quote(k)}={quote(v)}" for k, v in query)
        response = client.open(url, method=method, headers=headers)
        assert_clean(response, f"{method} {url}")


@FUZZ
@given(query=QUERY, headers=HEADERS)
def test_every_public_get_with_random_query_and_headers(app, public_pages, query, headers):
    from urllib.parse import quote

    client = app.test_client()
    start_response(client)
    for path in public_pages:
        url = path + ("?" + "&".join(f"{quote(k)}={quote(v)}" for k, v in query) if query else "")
        response = client.get(url, headers=headers)
        assert_clean(response, f"GET {url}")


BYTES = st.one_of(
    st.binary(max_size=2048),
    st.builds(
        lambda rows: "\n".join(",".join(r) for r in rows).encode(),
        st.lists(st.lists(TEXT, min_size=1, max_size=5), min_size=1, max_size=8),
    ),
    st.sampled_from(
        [
            b"PK\x03\x04" + b"\x00" * 100,
            b"\xef\xbb\xbfcity,indicator,value\nShu,x,1\n",
            b"organisation,sector,email\n=cmd,<b>,a@b\n",
            b"code: !!python/object:os.system x",
            b"a: &a [*a, *a, *a]\nb: &b [*a, *a]\n",
            b"\xff\xfe\x00\x00",
            b"code: x\n" * 5000,
        ]
    ),
)
SUFFIX = st.sampled_from(["csv", "xlsx", "xlsm", "yaml", "yml", "xls", "txt", "", "CSV", "tar.gz"])


@FUZZ
@given(blob=BYTES, suffix=SUFFIX, name=st.text(string.ascii_letters + " ._-<>'\"", min_size=1, max_size=30))
def test_random_uploads_to_every_console_upload_endpoint(app, admin_client, blob, suffix, name):
    client = admin_client
    filename = f"{name}.{suffix}" if suffix else name
    token = csrf_of(client.get("/console/instruments").get_data(as_text=True))
    uploads = [
        ("/console/instruments/upload", {"upload": (io.BytesIO(blob), filename)}),
        ("/console/indicators", {"file": (io.BytesIO(blob), filename)}),
        (
            "/console/rounds/shu-2025/invitations",
            {"upload": (io.BytesIO(blob), filename), "group": "business", "output": "csv"},
        ),
    ]
    for url, files in uploads:
        response = client.post(url, data={"csrf_token": token, **files}, content_type="multipart/form-data")
        assert_clean(response, f"upload {filename!r} to {url}")
        assert response.status_code in (200, 302, 303, 400, 403, 413, 422), (url, response.status_code)
