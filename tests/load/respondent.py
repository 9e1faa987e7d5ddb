"""One simulated respondent of the load test: a device with its own cookie jar answering the questionnaire
through the HTML forms, sometimes sending its final submit twice (a retry, a double tap)."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from webclient import Browser, fill, forward_button


class FlowError(RuntimeError):
    """The questionnaire did not behave as a respondent expects (the message says where)."""


@dataclass
class Outcome:
    accepted: bool = False
    retried: bool = False
    submission_id: str | None = None
    error: str | None = None
    statuses: list[int] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)


def is_thank_you(page) -> bool:
    """The page after the final submit (`/s/<round>/<group>/thanks`, the only page that confirms it)."""
    return page.status == 200 and urlsplit(page.url).path.endswith("/thanks")


def double_tap(browser: Browser, action: str, pairs: list[tuple[str, str]], outcome: Outcome):
    """POST the same form from two connections of one device at once; returns the first one's page."""
    twin = Browser(browser.base_url, browser.timeout, browser.accept_language)
    twin.cookies = dict(browser.cookies)
    barrier = threading.Barrier(2)
    pages = {}

    def send(key, client):
        barrier.wait()
        pages[key] = client.post(action, pairs)

    threads = [threading.Thread(target=send, args=(k, c)) for k, c in (("a", browser), ("b", twin))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    twin.close()
    outcome.statuses.extend(entry[2] for entry in twin.log)
    outcome.latencies.extend(entry[3] for entry in twin.log)
    if "b" in pages and pages["b"].status >= 500:
        raise FlowError(f"{pages['b'].status} on the second of two simultaneous final submits")
    if "a" not in pages:
        raise FlowError("the first of two simultaneous final submits got no answer")
    return pages["a"] if is_thank_you(pages["a"]) or "b" not in pages else pages["b"]


def complete_one(
    base_url: str, start_path: str, rng: random.Random, retry_final: str | None = None, max_pages: int = 40
) -> Outcome:
    """One device answers one questionnaire to the end; `retry_final` "again" or "double" repeats the submit."""
    outcome = Outcome()
    browser = Browser(base_url, accept_language=rng.choice(["kk", "ru", "en"]))
    try:
        page = browser.get(start_path)
        for _step in range(max_pages):
            if page.status >= 400:
                raise FlowError(f"{page.status} on {page.url}")
            form = page.post_form()
            if form is None:
                raise FlowError(f"no form on {page.url}")
            outcome.submission_id = form.value_of("client_submission_id") or outcome.submission_id
            pairs = fill(form, rng)
            button = forward_button(form)
            if button:
                pairs.append(button)
            action = form.action or page.url
            final = urlsplit(page.url).path.endswith("/review")
            if final and retry_final == "double":
                # A double tap: the same final submit twice at the same moment, from two connections.
                outcome.retried = True
                next_page = double_tap(browser, action, pairs, outcome)
            else:
                next_page = browser.post(action, pairs)
            if next_page.status >= 500:
                raise FlowError(f"{next_page.status} after POST {action}")
            if is_thank_you(next_page):
                outcome.accepted = True
                if final and retry_final == "again":
                    outcome.retried = True
                    again = browser.post(action, pairs)  # the same final submit once more, after its answer
                    if again.status >= 500 or not is_thank_you(again):
                        raise FlowError(f"{again.status} {again.url} on a retried final submit")
                break
            if next_page.url == page.url and next_page.text == page.text:
                raise FlowError(f"the page did not move on after POST {action}")
            page = next_page
        else:
            raise FlowError(f"no thank-you page after {max_pages} pages")
    except Exception as exc:  # noqa: BLE001 (recorded and reported, the run goes on)
        outcome.error = f"{type(exc).__name__}: {exc}"
    finally:
        browser.close()
        outcome.statuses += [entry[2] for entry in browser.log]
        outcome.latencies += [entry[3] for entry in browser.log]
    return outcome
