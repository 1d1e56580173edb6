"""The one domain error type services raise for a broken business rule.

Pages show `message` as an error message; the API answers with `status` and
`{"detail": message, "code": code}`. Nothing has changed when one is raised.
"""


class DomainError(Exception):
    status = 400
    default_code = "rule"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = str(message)
        self.code = code or self.default_code
        self.field = field


class ConflictError(DomainError):
    """Someone else changed the object first (a lost race, a stale state)."""

    status = 409
    default_code = "conflict"


class ForbiddenError(DomainError):
    status = 403
    default_code = "forbidden"
