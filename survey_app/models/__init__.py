"""Database models, one module per aggregate."""

from .audit import AuditEvent
from .city import City
from .guard import DeviceClaim, RateBucket
from .indicator import IndicatorValue
from .instrument import Instrument
from .invitation import Invitation
from .response import Answer, Response
from .round import RoundGroup, SurveyRound
from .user import ROLES, ApiToken, User, user_city

__all__ = [
    "ROLES",
    "Answer",
    "ApiToken",
    "AuditEvent",
    "City",
    "DeviceClaim",
    "IndicatorValue",
    "Instrument",
    "Invitation",
    "RateBucket",
    "Response",
    "RoundGroup",
    "SurveyRound",
    "User",
    "user_city",
]
