"""The error a service raises for a user mistake (shown as a message, never a traceback)."""


class ServiceError(ValueError):
    """A request that cannot be carried out; the message is meant for the user."""
