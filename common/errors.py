"""One family of errors for every layer, each with the code users see in `extensions.code`.

The service renders them in one place (service/errors.py); the CLI prints their message.
"""

from __future__ import annotations

from typing import Any


class CpmsError(Exception):
    code = "INTERNAL"
    http_status = 500

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class InvalidInput(CpmsError):
    code = "INVALID_INPUT"
    http_status = 400


class NotFound(CpmsError):
    code = "NOT_FOUND"
    http_status = 404


class VersionConflict(CpmsError):
    code = "VERSION_CONFLICT"
    http_status = 409


class Unavailable(CpmsError):
    """The Neo4j server cannot be reached; the request may succeed later."""

    code = "UNAVAILABLE"
    http_status = 503


class ServerSetupError(CpmsError):
    """The local Neo4j server could not be assembled, configured or started."""

    code = "SERVER_SETUP"


class Unauthenticated(CpmsError):
    code = "UNAUTHENTICATED"
    http_status = 401


class Forbidden(CpmsError):
    code = "FORBIDDEN"
    http_status = 403


class LimitExceeded(CpmsError):
    """A request over a size, depth, cost, batch or time limit."""

    code = "LIMIT_EXCEEDED"
    http_status = 400


class UnknownScheme(NotFound):
    """A scheme the matcher or the store does not have."""

    code = "UNKNOWN_SCHEME"

    def __init__(self, scheme: str, have: tuple[str, ...] = ()) -> None:
        known = f"（已有 / have: {', '.join(have)}）" if have else ""
        super().__init__(f"没有方案 {scheme!r} / no scheme {scheme!r}{known}", scheme=scheme)


class UnknownKind(InvalidInput):
    """A kind of concept (class, item) that is not one, or that the scheme has none of."""

    code = "UNKNOWN_KIND"


class UnknownConcept(NotFound):
    code = "UNKNOWN_CONCEPT"


class DeprecatedConcept(InvalidInput):
    """A confirmation naming a deprecated concept: its replacement is to be confirmed."""

    code = "DEPRECATED_CONCEPT"


class InvalidSetting(InvalidInput):
    """A matching setting out of its range or of the wrong type."""

    code = "INVALID_SETTING"
