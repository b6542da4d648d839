"""The OpenAPI 3 document of /api/v1. A test checks that it names every API route.

Each endpoint is one entry in PATHS; later features add theirs here.
"""

from flask import current_app

ERROR = {"$ref": "#/components/responses/Error"}


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def _operation(summary: str, ok: dict, *, status: str = "200", public: bool = False,
               body: dict | None = None, errors: tuple[str, ...] = ()) -> dict:
    responses = {status: {"description": "OK", **_json(ok)}}
    for code in ("401", *errors) if not public else errors:
        responses[code] = ERROR
    operation = {"summary": summary, "responses": responses}
    if public:
        operation["security"] = []
    if body is not None:
        operation["requestBody"] = {"required": True, **_json(body)}
    return operation


USER = {
    "type": "object",
    "required": ["id", "name", "email", "role"],
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "email": {"type": "string", "format": "email"},
        "role": {"type": "string", "enum": ["manager", "municipality", "trainee", "trainer"]},
    },
}

PATHS = {
    "/openapi.json": {"get": _operation("This document", {"type": "object"}, public=True)},
    "/me": {"get": _operation("The caller's own account", USER)},
}

COMPONENTS = {
    "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
    "schemas": {
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["code", "message", "fields"],
                    "properties": {
                        "code": {"type": "string"},
                        "message": {"type": "string"},
                        "fields": {"type": "object", "additionalProperties": {"type": "string"}},
                    },
                }
            },
        }
    },
    "responses": {
        "Error": {
            "description": "An error; `fields` names each invalid field",
            **_json({"$ref": "#/components/schemas/Error"}),
        }
    },
}


def openapi_document() -> dict:
    return {
        "openapi": "3.0.3",
        "info": {"title": "Cohort API", "version": "1"},
        "servers": [{"url": current_app.config["BASE_URL"] + "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": PATHS,
        "components": COMPONENTS,
    }
