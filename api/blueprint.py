"""The API blueprint: bearer-token authentication, JSON bodies, errors in one shape."""

import json

from flask import Blueprint, abort, g, request
from werkzeug.exceptions import RequestEntityTooLarge

from accounts.services import user_for_api_token
from api.validation import body_problems, documented_body_schema
from core.errors import ServiceError, ValidationError
from core.input_guard import json_problems
from core.json_errors import error_response, service_error_response
from extensions import csrf, db

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# The API authenticates by bearer token only, never by cookie, so CSRF cannot reach it.
csrf.exempt(bp)

PUBLIC_ENDPOINTS = {"api.openapi"}


@bp.before_request
def authenticate():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
    user = user_for_api_token(secret.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        return error_response(401, "unauthorized", "A valid bearer token is required.")
    db.session.commit()  # the token's last-used time, if it was touched
    g.api_user = user
    return None


@bp.errorhandler(ServiceError)
def _service_error(error: ServiceError):
    db.session.rollback()  # a refused call saves nothing, also what it flushed before refusing
    return service_error_response(error)


def _body_bytes() -> bytes:
    """The body, at most MAX_CONTENT_LENGTH bytes. Werkzeug refuses a declared length over the
    limit before reading (413), but cuts a chunked body without a length at the limit without a
    word: a body that reaches the limit is therefore refused here too, never parsed as if whole."""
    data = request.get_data(cache=True)
    limit = request.max_content_length
    if request.content_length is None and limit is not None and len(data) >= limit:
        raise RequestEntityTooLarge()
    return data


def _parsed_body():
    """The body as JSON, or None: not JSON, or nested deeper than Python's parser recurses (its
    RecursionError is no ValueError, so Flask's silent reading would let it become a 500)."""
    if not request.is_json:
        return None
    try:
        return json.loads(_body_bytes())
    except (ValueError, RecursionError):
        return None


def json_body(kind: type = dict):
    """The request's JSON object (or list), or a 400 naming the problem: the body is no JSON,
    or a field's value has a type or size the OpenAPI document does not allow."""
    data = _parsed_body()
    if not isinstance(data, kind):
        expected = "object" if kind is dict else "array"
        raise ValidationError(f"The request body must be a JSON {expected}.", {"body": "invalid JSON"})
    unusable = json_problems(data)
    if unusable:
        raise ValidationError("Some fields hold what cannot be saved, or are nested too deep.", unusable)
    schema = documented_body_schema()
    problems = body_problems(data, schema) if schema else {}
    if problems:
        raise ValidationError("Some fields have a value of the wrong type or size.", problems)
    return data


def require_role(*roles: str) -> None:
    """An action the caller's role may not take on a record they can see: 403."""
    if g.api_user.role not in roles:
        abort(403)
