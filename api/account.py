"""The caller's own account, and the API's description."""

from flask import g, jsonify

from api.blueprint import bp
from api.openapi import openapi_document


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


@bp.get("/me")
def me():
    user = g.api_user
    return jsonify(id=user.id, name=user.name, email=user.email, role=user.role)
