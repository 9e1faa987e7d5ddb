"""A small HTTP client with its own cookie jar, an HTML form parser and a generic questionnaire filler.

Standard library only, so that the load runner adds no dependency. One `Browser` is one device: its cookies
(session, device key for open links) are its own, as a respondent's phone would have them.
"""

from __future__ import annotations

import http.client
import random
import re
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urljoin, urlsplit


@dataclass
class Page:
    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    elapsed: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def forms(self) -> list[Form]:
        return parse_forms(self.text)

    def post_form(self) -> Form | None:
        """The first `<form method="post">` that is not the language switch or a logout button."""
        return next((f for f in self.forms() if f.method == "post"), None)


@dataclass
class Field:
    tag: str
    name: str
    type: str = "text"
    value: str = ""
    checked: bool = False
    required: bool = False
    attrs: dict[str, str] = field(default_factory=dict)
    options: list[str] = field(default_factory=list)
    text: str = ""


@dataclass
class Form:
    action: str
    method: str
    fields: list[Field] = field(default_factory=list)

    @property
    def buttons(self) -> list[Field]:
        return [f for f in self.fields if f.tag == "button" or f.type in ("submit", "image")]

    def hidden(self) -> list[tuple[str, str]]:
        return [(f.name, f.value) for f in self.fields if f.type == "hidden" and f.name]

    def value_of(self, name: str) -> str | None:
        return next((f.value for f in self.fields if f.name == name), None)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: Field | None = None
        self._select: Field | None = None
        self._option_value: str | None = None
        self._button: Field | None = None
        self._after: Field | None = None  # the last input: the text after it is its hint

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = Form(action=a.get("action", ""), method=a.get("method", "get").lower())
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        if tag == "input" and a.get("name"):
            self._after = Field(
                "input",
                a["name"],
                a.get("type", "text").lower(),
                a.get("value", ""),
                "checked" in a,
                "required" in a,
                a,
            )
            self._form.fields.append(self._after)
            return
        if tag in ("div", "fieldset", "textarea", "select", "button", "input"):
            self._after = None
        if tag == "textarea" and a.get("name"):
            self._textarea = Field("textarea", a["name"], "textarea", "", False, "required" in a, a)
            self._form.fields.append(self._textarea)
        elif tag == "select" and a.get("name"):
            self._select = Field("select", a["name"], "select", "", False, "required" in a, a)
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option_value = a.get("value")
            if self._option_value is not None:
                self._select.options.append(self._option_value)
            if "selected" in a and self._option_value is not None:
                self._select.value = self._option_value
        elif tag == "button":
            self._button = Field(
                "button", a.get("name", ""), a.get("type", "submit").lower(), a.get("value", ""), attrs=a
            )
            self._form.fields.append(self._button)

    def handle_data(self, data):
        if self._after is not None and len(self._after.text) < 300:
            self._after.text += data
        if self._textarea is not None:
            self._textarea.value += data
        if self._button is not None:
            self._button.text += data
        if self._select is not None and self._option_value is None and data.strip():
            self._select.options.append(data.strip())

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "option":
            self._option_value = None
        elif tag == "button":
            if self._button is not None:
                self._button.text = " ".join(self._button.text.split())
            self._button = None


def parse_forms(html: str) -> list[Form]:
    """Every form of an HTML page with its fields and buttons."""
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


class Browser:
    """One device: a keep-alive connection to one server and a cookie jar (no JavaScript)."""

    def __init__(self, base_url: str, timeout: float = 120.0, accept_language: str = "ru") -> None:
        parts = urlsplit(base_url)
        self.base_url = base_url.rstrip("/")
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.accept_language = accept_language
        self._conn: http.client.HTTPConnection | None = None
        self.log: list[tuple[str, str, int, float]] = []  # (method, path, status, seconds)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self._conn

    def _store_cookies(self, response: http.client.HTTPResponse) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or (morsel["expires"] and "1970" in morsel["expires"]):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def request(self, method: str, url: str, body: bytes | None = None, headers: dict | None = None) -> Page:
        """One request (no redirect following); reconnects once if the server closed the connection."""
        target = urljoin(self.base_url + "/", url)
        parts = urlsplit(target)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        send = {"Accept-Language": self.accept_language, "Accept": "text/html,*/*", "Host": f"{self.host}:{self.port}"}
        if self.cookies:
            send["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        send.update(headers or {})
        for attempt in range(2):
            conn = self._connection()
            started = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=send)
                response = conn.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if attempt == 0 and method == "GET":
                    continue
                raise
            elapsed = time.perf_counter() - started
            if response.getheader("Connection", "").lower() == "close" or response.will_close:
                self.close()
            self._store_cookies(response)
            self.log.append((method, parts.path, response.status, elapsed))
            return Page(target, response.status, {k.lower(): v for k, v in response.getheaders()}, data, elapsed)
        raise RuntimeError("unreachable")

    def get(self, url: str, follow: bool = True, headers: dict | None = None) -> Page:
        page = self.request("GET", url, headers=headers)
        return self._follow(page) if follow else page

    def post(self, url: str, pairs: list[tuple[str, str]], follow: bool = True, headers: dict | None = None) -> Page:
        body = urlencode(pairs).encode()
        send = {"Content-Type": "application/x-www-form-urlencoded", "Referer": self.base_url + "/"}
        send.update(headers or {})
        page = self.request("POST", url, body=body, headers=send)
        return self._follow(page) if follow else page

    def _follow(self, page: Page, limit: int = 10) -> Page:
        for _ in range(limit):
            if page.status not in (301, 302, 303, 307, 308) or "location" not in page.headers:
                return page
            page = self.request("GET", urljoin(page.url, page.headers["location"]))
        return page


# ---------------------------------------------------------------------------------------------------------------
# Filling a questionnaire page without knowing the questionnaire: every widget gets a valid answer.

NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?")
NEXT_WORDS = ("next", "continue", "далее", "келесі", "submit", "send", "finish", "отправить", "жіберу")


def fill(form: Form, rng: random.Random, text: str = "Load test answer") -> list[tuple[str, str]]:
    """Name/value pairs answering every field of a questionnaire page with a valid random value."""
    pairs: list[tuple[str, str]] = list(form.hidden())
    radios: dict[str, list[Field]] = {}
    checks: dict[str, list[Field]] = {}
    for f in form.fields:
        if f.tag == "input" and f.type == "radio":
            radios.setdefault(f.name, []).append(f)
        elif f.tag == "input" and f.type == "checkbox":
            checks.setdefault(f.name, []).append(f)
    for name, options in radios.items():
        pairs.append((name, rng.choice(options).value))
    for name, options in checks.items():
        # Exclusive options ("none", "don't know") are often last; pick one of the first ones.
        pool = options[:-1] if len(options) > 1 else options
        pairs.append((name, rng.choice(pool).value))
    for f in form.fields:
        if f.tag == "input" and f.type in ("number", "range"):
            low = float(f.attrs.get("min") or 0)
            high = float(f.attrs.get("max") or low + 10)
            step = f.attrs.get("step", "1")
            value = rng.uniform(low, high)
            pairs.append((f.name, str(int(value)) if step in ("1", "") else f"{value:.1f}"))
        elif f.tag == "input" and f.type == "text" and f.attrs.get("inputmode") in ("numeric", "decimal"):
            # A number typed as text; its range is in the hint after it ("A number from 0 to 100").
            bounds = [float(x.replace(",", ".")) for x in NUMBER.findall(f.text)[:2]]
            low, high = (bounds + [0.0, 10.0])[:2] if len(bounds) != 1 else (bounds[0], bounds[0] + 10)
            if low > high:
                low, high = high, low
            value = rng.uniform(low, high)
            integer = f.attrs.get("inputmode") == "numeric"
            pairs.append((f.name, str(int(value)) if integer else f"{value:.1f}"))
        elif f.tag == "input" and f.type in ("text", "search", "tel", "url"):
            limit = int(f.attrs.get("maxlength") or 200)
            pairs.append((f.name, text[:limit]))
        elif f.tag == "input" and f.type == "email":
            pairs.append((f.name, "respondent@example.org"))
        elif f.tag == "textarea":
            limit = int(f.attrs.get("maxlength") or 500)
            pairs.append((f.name, text[:limit]))
        elif f.tag == "select":
            options = [o for o in f.options if o]
            prefix = f.name.split("__")[0]
            if "__" in f.name and "" in f.options:
                # A list of optional selects (ties): answer two of them, leave the others empty.
                answered_here = sum(1 for name, _ in pairs if name.split("__")[0] == prefix and "__" in name)
                if answered_here >= 2:
                    continue
            if options:
                pairs.append((f.name, rng.choice(options)))
    return pairs


def forward_button(form: Form) -> tuple[str, str] | None:
    """The (name, value) of the button that moves forward (next page or final submit), if it has a name."""
    buttons = [b for b in form.buttons if b.type != "button"]
    if not buttons:
        return None
    for button in buttons:
        label = f"{button.value} {button.text}".lower()
        if any(word in label for word in NEXT_WORDS) and "back" not in button.value.lower():
            return (button.name, button.value) if button.name else None
    last = buttons[-1]
    return (last.name, last.value) if last.name else None
