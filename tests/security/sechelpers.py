"""Helpers shared by the security tests: a questionnaire with every question type, CSRF, answering."""

from __future__ import annotations

import re

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
PASSWORD = "correct horse battery staple 42"

EVERY_TYPE = """
code: sec_{group}
group: {group}
version: 1
title: {{kk: "Сауалнама", ru: "Анкета", en: "Questionnaire"}}
intro: {{kk: "Кіріспе", ru: "Введение", en: "Introduction"}}
sections:
  - code: one
    title: {{kk: "Бір", ru: "Один", en: "One"}}
    questions:
      - {{code: uses, type: yesno, required: true, dont_know: true, label: {{kk: "Иә?", ru: "Да?", en: "Yes?"}}}}
      - {{code: quality, type: likert, scale: quality, relevant: "uses == 'yes'", construct: digital_governance,
         label: {{kk: "Сапа", ru: "Качество", en: "Quality"}}}}
      - {{code: kind, type: single, choices: [{{code: a, label: {{kk: A, ru: A, en: A}}}},
                                             {{code: b, label: {{kk: B, ru: B, en: B}}}}],
         label: {{kk: "Түрі", ru: "Вид", en: "Kind"}}}}
      - {{code: many, type: multiple, max_choices: 2,
         choices: [{{code: x, label: {{kk: X, ru: X, en: X}}}}, {{code: y, label: {{kk: Y, ru: Y, en: Y}}}},
                   {{code: z, label: {{kk: Z, ru: Z, en: Z}}}}],
         label: {{kk: "Көп", ru: "Много", en: "Many"}}}}
      - {{code: age, type: integer, min: 18, max: 99, label: {{kk: "Жас", ru: "Возраст", en: "Age"}}}}
      - {{code: share, type: decimal, min: 0, max: 1, label: {{kk: "Үлес", ru: "Доля", en: "Share"}}}}
  - code: two
    title: {{kk: "Екі", ru: "Два", en: "Two"}}
    questions:
      - {{code: comment, type: text, max_length: 200, label: {{kk: "Пікір", ru: "Мнение", en: "Comment"}}}}
      - {{code: ties, type: ties, max_choices: 2,
         choices: [{{code: akimat, sector: government, label: {{kk: Әкімдік, ru: Акимат, en: Akimat}}}},
                   {{code: uni, sector: academia, label: {{kk: ЖОО, ru: Вуз, en: University}}}},
                   {{code: ngo, sector: civil_society, label: {{kk: ҮЕҰ, ru: НКО, en: NGO}}}}],
         label: {{kk: "Байланыстар", ru: "Связи", en: "Ties"}}}}
"""


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = CSRF_RE.search(html)
    assert match, "the page has no csrf_token field"
    return match.group(1) or match.group(2)


def start_response(client, slug="sec-2025", group="residents", token=None, lang="en", remote_addr="127.0.0.1"):
    """Accept the consent page; returns the first section's path."""
    query = f"?lang={lang}" + (f"&t={token}" if token else "")
    environ = {"REMOTE_ADDR": remote_addr}
    page = client.get(f"/s/{slug}/{group}{query}", environ_base=environ)
    assert page.status_code == 200, page.status_code
    html = page.get_data(as_text=True)
    submission = re.search(r'name="submission_id" value="([^"]+)"', html).group(1)
    data = {"csrf_token": csrf_of(html), "submission_id": submission, "consent": "yes"}
    if token:
        data["t"] = token
    response = client.post(f"/s/{slug}/{group}", data=data, environ_base=environ)
    assert response.status_code in (302, 303), response.status_code
    return response.headers["Location"]


def answer_all(client, slug="sec-2025", group="residents", comment="ok", lang="en", token=None):
    """Start, answer both sections (with a free-text comment) and submit; returns the final response."""
    start_response(client, slug, group, token=token, lang=lang)
    base = f"/s/{slug}/{group}"
    page = client.get(f"{base}/p/1")
    client.post(
        f"{base}/p/1",
        data={
            "csrf_token": csrf_of(page.get_data(as_text=True)),
            "uses": "yes",
            "quality": "4",
            "kind": "a",
            "many": ["x", "y"],
            "age": "30",
            "share": "0.5",
            "action": "next",
        },
    )
    page = client.get(f"{base}/p/2")
    saved = client.post(
        f"{base}/p/2",
        data={
            "csrf_token": csrf_of(page.get_data(as_text=True)),
            "comment": comment,
            "ties__akimat": "monthly",
            "action": "next",
        },
    )
    assert saved.status_code in (302, 303), saved.get_data(as_text=True)[:500]
    page = client.get(f"{base}/review")
    return client.post(f"{base}/review", data={"csrf_token": csrf_of(page.get_data(as_text=True))})
