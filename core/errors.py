"""Errors that services raise and both the HTML views and the JSON API translate."""


class ServiceError(Exception):
    """Base class: a rule of the domain said no. `code` is stable, `message` is for people."""

    code = "error"

    def __init__(self, message: str, fields: dict[str, str] | None = None, details: dict | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        # More for API clients, beside code, message and fields (e.g. the existing record's id).
        self.details = details or {}


class ValidationError(ServiceError):
    """Input that cannot be accepted; `fields` names each field and its problem."""

    code = "invalid"


class ConflictError(ServiceError):
    """The request clashes with the current state (a duplicate, a full offer)."""

    code = "conflict"


class NotFoundError(ServiceError):
    """The record does not exist or lies outside the caller's scope."""

    code = "not_found"
