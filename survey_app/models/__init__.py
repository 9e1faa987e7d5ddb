"""Database models, one module per aggregate."""

from .audit import AuditEvent
from .city import City
from .guard import LoginThrottle, RateBucket
from .indicator import IndicatorValue
from .instrument import Instrument
from .invitation import Invitation
from .job import JOB_STATES, Job
from .response import RESPONSE_MODES, Answer, Response
from .round import RoundGroup, SurveyRound
from .user import ROLES, ApiToken, User, user_city

__all__ = [
    "RESPONSE_MODES",
    "ROLES",
    "Answer",
    "ApiToken",
    "AuditEvent",
    "City",
    "IndicatorValue",
    "Instrument",
    "Invitation",
    "JOB_STATES",
    "Job",
    "LoginThrottle",
    "RateBucket",
    "Response",
    "RoundGroup",
    "SurveyRound",
    "User",
    "user_city",
]
