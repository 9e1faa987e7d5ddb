"""Round results and rendered PDFs kept by the data they come from.

A round's *fingerprint* is a hash of everything its result is computed from: its own settings and city (names,
population, census margins), each response of it, of the previous round and of the city's polls (through
their count, id sum, latest change and exclusions), the city's indicators (the same), the analysis framework
and the code itself. Unchanged data → the same fingerprint → the stored result or file, in milliseconds; any
new answer, indicator or exclusion → a new fingerprint, and the old entry is never read again.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import cache
from pathlib import Path

from sqlalchemy import func, select

from ..extensions import db
from ..models import Answer, IndicatorValue, Response, SurveyRound

PROJECT = Path(__file__).resolve().parents[2]
MEMORY_ENTRIES = 32
DISK_FILES = 300


@cache
def code_generation() -> str:
    """A hash of the sources that shape a result or a report (so a new release never serves an old file)."""
    digest = hashlib.sha256()
    for folder in ("analysis", "instruments", "survey_app", "templates"):
        for path in sorted((PROJECT / folder).rglob("*")):
            if path.suffix in {".py", ".yaml", ".html", ".css", ".mo", ".svg"}:
                stat = path.stat()
                digest.update(f"{path.relative_to(PROJECT)}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def digest_of(state: dict) -> str:
    """The sha256 of a JSON-able description of what something is made from (a fingerprint)."""
    return hashlib.sha256(json.dumps(state, sort_keys=True, default=str).encode()).hexdigest()


def _responses_state(round_ids: list[int]) -> list:
    if not round_ids:
        return []
    row = db.session.execute(
        select(
            func.count(Response.id),
            func.coalesce(func.sum(Response.id), 0),
            func.max(Response.updated_at),
            func.max(Response.submitted_at),
            func.count(Response.excluded_at),
            func.max(Response.excluded_at),
        ).where(Response.round_id.in_(round_ids))
    ).one()
    answers = db.session.execute(
        select(func.count(Answer.id), func.coalesce(func.sum(Answer.id), 0), func.sum(Answer.value_num))
        .join(Response, Response.id == Answer.response_id)
        .where(Response.round_id.in_(round_ids))
    ).one()
    return [str(v) for v in (*row, *answers)]


def round_fingerprint(round_: SurveyRound, k_min: int) -> str:
    """The hash of everything :func:`scoring.round_result` reads for `round_`."""
    from .scoring import previous_round

    city = round_.city
    previous = previous_round(round_)
    polls = db.session.scalars(
        select(SurveyRound.id).where(SurveyRound.city_id == city.id, SurveyRound.kind == "poll")
    ).all()
    indicators = db.session.execute(
        select(
            func.count(IndicatorValue.id),
            func.coalesce(func.sum(IndicatorValue.id), 0),
            func.max(IndicatorValue.updated_at),
        ).where(IndicatorValue.city_id == city.id)
    ).one()
    state = {
        "code": code_generation(),
        "k_min": k_min,
        "round": [round_.id, round_.slug, round_.status, round_.year, round_.kind, round_.anonymous],
        "groups": [[g.group, g.instrument_id, g.target_n] for g in round_.groups],
        "city": [city.name_kk, city.name_ru, city.name_en, city.region, city.population, city.census_margins],
        "responses": _responses_state([round_.id]),
        "previous": [previous.id, previous.year, _responses_state([previous.id])] if previous else None,
        "polls": _responses_state([p for p in polls if p != round_.id]),
        "indicators": [str(v) for v in indicators],
    }
    return digest_of(state)


class MemoryCache:
    """A small least-recently-used map per worker process; values are copied out (callers may change them)."""

    def __init__(self, size: int = MEMORY_ENTRIES):
        self.size = size
        self._items: OrderedDict[str, object] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_make(self, key: str, make: Callable[[], object]):
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return copy.deepcopy(self._items[key])
        value = make()
        with self._lock:
            self._items[key] = copy.deepcopy(value)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


RESULTS = MemoryCache()


class FileCache:
    """Rendered files in a folder of the instance, named by the hash of what they were made from; shared by
    every worker on the machine, written atomically, the oldest removed past `DISK_FILES`."""

    def __init__(self, folder: Path, limit: int = DISK_FILES):
        self.folder = Path(folder)
        self.limit = limit

    def path(self, key: str, suffix: str) -> Path:
        return self.folder / f"{hashlib.sha256(key.encode()).hexdigest()}{suffix}"

    def get(self, key: str, suffix: str) -> bytes | None:
        try:
            return self.path(key, suffix).read_bytes()
        except OSError:
            return None

    def get_or_make(self, key: str, suffix: str, make: Callable[[], bytes]) -> tuple[bytes, bool]:
        """The stored bytes for `key` and True, or `make()`'s (stored now) and False."""
        data = self.get(key, suffix)
        if data is not None:
            return data, True
        data = make()
        self.put(key, suffix, data)
        return data, False

    def put(self, key: str, suffix: str, data: bytes) -> None:
        path = self.path(key, suffix)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, partial = tempfile.mkstemp(dir=self.folder, prefix=".partial-")
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(partial, path)
            self._prune()
        except OSError:  # a full or read-only disk: serve what was made, keep nothing
            pass

    def _prune(self) -> None:
        files = sorted(self.folder.glob("*.*"), key=lambda p: p.stat().st_mtime)
        for old in files[: max(0, len(files) - self.limit)]:
            old.unlink(missing_ok=True)


def report_cache() -> FileCache:
    """The rendered reports of this instance (a folder every worker and app server on the machine shares)."""
    from flask import current_app

    return FileCache(Path(current_app.instance_path) / "cache" / "reports")
