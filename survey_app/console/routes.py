"""Routes (filled in by the feature that owns this blueprint)."""
from . import bp  # noqa: F401
