"""JSON API v1: token authentication, JSON in and out, thin views over the services."""

from flask import Blueprint, g, jsonify, request

from accounts.services import user_for_api_token
from api.errors import error_response, service_error_response
from api.openapi import openapi_document
from core.errors import ServiceError
from extensions import csrf

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
    g.api_user = user
    return None


@bp.errorhandler(ServiceError)
def _service_error(error: ServiceError):
    return service_error_response(error)


def json_body() -> dict:
    """The request's JSON object, or a 400 naming the problem."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ServiceError("The request body must be a JSON object.", {"body": "invalid JSON"})
    return data


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


@bp.get("/me")
def me():
    user = g.api_user
    return jsonify(id=user.id, name=user.name, email=user.email, role=user.role)
