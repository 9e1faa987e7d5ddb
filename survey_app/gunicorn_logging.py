"""gunicorn's logger with control characters escaped in the access log: a path such as ``/s/x%0aFAKE`` is
decoded by the server, and written as it is it would start a forged line of the log."""

from __future__ import annotations

from gunicorn.glogging import Logger


def escape_controls(text: str) -> str:
    """Control characters (CR, LF, tab, escape…) written as ``\\xNN``, so one request is one line."""
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)


class SafeLogger(Logger):
    """The access log's fields (method, path, protocol…) with control characters escaped."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: escape_controls(value) if isinstance(value, str) else value for key, value in atoms.items()}
