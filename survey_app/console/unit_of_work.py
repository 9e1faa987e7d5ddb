"""One console action, one transaction: commit when the service call succeeds, roll back when it refuses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from flask import flash

from ..extensions import db
from ..services.errors import ServiceError

T = TypeVar("T")


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What a service call gave: its value when `ok`, else the message it refused with."""

    ok: bool
    value: T | None = None
    error: str = ""


def run(
    action: Callable[[], T], *, success: str | Callable[[T], str] | None = None, flash_error: bool = True
) -> Outcome[T]:
    """Run `action` as the request's unit of work.

    On success the session is committed and `success` (a message, or a function of the value) is flashed; on a
    ServiceError everything the action did is rolled back, so nothing is half-stored, and its message is
    flashed (unless `flash_error` is False: the page then shows `Outcome.error` itself).
    """
    try:
        value = action()
        db.session.commit()
    except ServiceError as exc:
        db.session.rollback()
        if flash_error:
            flash(str(exc), "error")
        return Outcome(False, error=str(exc))
    if success is not None:
        flash(success(value) if callable(success) else success, "success")
    return Outcome(True, value)


__all__ = ["Outcome", "run"]
