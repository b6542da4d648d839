"""The API's error shape: {"error": {"code", "message", "fields"}}."""

from flask import jsonify
from werkzeug.exceptions import HTTPException

from core.errors import ServiceError

HTTP_CODES = {
    400: "invalid",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
    500: "server_error",
}


def error_response(
    status: int, code: str, message: str, fields: dict | None = None, details: dict | None = None
):
    body = {"error": {**(details or {}), "code": code, "message": message, "fields": fields or {}}}
    response = jsonify(body)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def api_error_response(status: int, error: HTTPException):
    message = error.description if status != 500 else "Internal server error."
    return error_response(status, HTTP_CODES.get(status, "error"), message)


SERVICE_ERROR_STATUS = {"invalid": 400, "conflict": 409, "not_found": 404}


def service_error_response(error: ServiceError):
    status = SERVICE_ERROR_STATUS.get(error.code, 400)
    return error_response(status, error.code, error.message, error.fields, error.details)
