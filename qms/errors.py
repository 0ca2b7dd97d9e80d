"""Errors the services raise; adapters turn them into exit codes or HTTP statuses.

Every message is one sentence a user can act on.
"""


class QMSError(Exception):
    """Base of every expected failure. ``exit_code`` is what the CLI returns."""

    exit_code = 1
    http_status = 400


class ValidationError(QMSError):
    """Input is malformed or incomplete."""

    exit_code = 2
    http_status = 422


class NotFound(QMSError):
    exit_code = 3
    http_status = 404


class PermissionDenied(QMSError):
    """The acting user lacks the role, or the rule forbids them (segregation of duties)."""

    exit_code = 4
    http_status = 403


class AuthenticationFailed(QMSError):
    exit_code = 5
    http_status = 401


class InvalidTransition(QMSError):
    """The lifecycle does not allow this step from the current state."""

    exit_code = 6
    http_status = 409


class Conflict(QMSError):
    """The change collides with existing data (duplicate code, concurrent edit)."""

    exit_code = 7
    http_status = 409


class IntegrityProblem(QMSError):
    """Stored data failed an integrity check (trail chain, stored blob hash)."""

    exit_code = 8
    http_status = 500
