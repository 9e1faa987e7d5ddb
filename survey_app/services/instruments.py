"""Store instrument versions in the database and load them back as validated instruments."""

from __future__ import annotations

from sqlalchemy import select

from instruments.loader import builtin_instruments
from instruments.model import Instrument as InstrumentDef
from instruments.model import content_hash, from_definition

from ..extensions import db
from ..models import Instrument
from .errors import ServiceError


def store_instrument(
    definition: InstrumentDef, source: str = "builtin", approved: bool = True, user_id: int | None = None
) -> Instrument:
    """Return the stored row for this exact definition, creating it when it is new.

    A definition whose code and version are already stored with different content is refused: a changed
    questionnaire must carry a new version number, so answers always match the questions that were asked.
    """
    digest = definition.content_hash
    row = db.session.scalar(
        select(Instrument).where(Instrument.code == definition.code, Instrument.content_hash == digest)
    )
    if row is not None:
        return row
    clash = db.session.scalar(
        select(Instrument).where(Instrument.code == definition.code, Instrument.version == definition.version)
    )
    if clash is not None:
        raise ServiceError(
            f"instrument {definition.code!r} version {definition.version} already exists with other content; "
            "give the changed definition a new version number"
        )
    row = Instrument(
        code=definition.code,
        group=definition.group,
        version=definition.version,
        definition=definition.definition,
        content_hash=digest,
        source=source,
        approved=approved,
        created_by_id=user_id,
    )
    db.session.add(row)
    db.session.flush()
    return row


def ensure_builtin_instruments() -> dict[str, Instrument]:
    """Store the built-in instruments (idempotent); returns the rows keyed by stakeholder group."""
    return {group: store_instrument(defn) for group, defn in builtin_instruments().items()}


def latest_instrument(group: str) -> Instrument | None:
    """The newest approved instrument for a group, preferring the built-in one."""
    rows = db.session.scalars(
        select(Instrument)
        .where(Instrument.group == group, Instrument.approved.is_(True))
        .order_by(Instrument.source.asc(), Instrument.version.desc())
    ).all()
    return rows[0] if rows else None


_DEFINITIONS: dict[str, InstrumentDef] = {}


def instrument_definition(row: Instrument) -> InstrumentDef:
    """The validated instrument of a stored row (cached by content hash; the content never changes)."""
    cached = _DEFINITIONS.get(row.content_hash)
    if cached is None:
        if content_hash(row.definition) != row.content_hash:
            raise ServiceError(f"stored instrument {row.code} v{row.version} does not match its content hash")
        cached = from_definition(row.definition)
        if len(_DEFINITIONS) > 512:
            _DEFINITIONS.clear()
        _DEFINITIONS[row.content_hash] = cached
    return cached


def find_instrument(code: str, version: int | None = None) -> Instrument | None:
    """A stored questionnaire by code: the given version, or the newest (the built-ins are stored by `scri init`)."""
    query = select(Instrument).where(Instrument.code == code)
    if version is not None:
        query = query.where(Instrument.version == version)
    return db.session.scalar(query.order_by(Instrument.version.desc()).limit(1))
