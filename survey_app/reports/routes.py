"""Routes (filled in by the reports feature)."""
from . import bp  # noqa: F401
