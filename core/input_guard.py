"""Refuse NUL characters in any request, before a view sees them.

PostgreSQL cannot store a NUL (U+0000) in a text column, nor compare with one: psycopg refuses
the statement, and the request would end in a 500. No person types a NUL; it comes from a
broken or hostile client. So one check here covers every form, query string, path and JSON body
(pages and API alike) with a clear 400 naming the fields, instead of a check in every service.
Files are left to their readers (the trainee import cleans its cells).
"""

from flask import make_response, render_template, request
from flask_babel import gettext as _

from core.json_errors import error_response

NUL = "\x00"


def _has_nul(value) -> bool:
    """True when a JSON value holds a NUL anywhere: in a text, a key, or nested."""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def _json_fields_with_nul(data) -> list[str]:
    if isinstance(data, dict):
        return [
            key.replace(NUL, "") or "body" for key, value in data.items() if _has_nul(key) or _has_nul(value)
        ]
    if isinstance(data, list) and _has_nul(data):
        return ["body"]
    return []


def fields_with_nul() -> list[str]:
    """The names of the request's parts that hold a NUL ("path" for the URL itself)."""
    fields = ["path"] if NUL in request.path else []
    for source in (request.args, request.form):
        for name, values in source.lists():
            if NUL in name or any(NUL in value for value in values):
                fields.append(name.replace(NUL, "") or "field")
    for name, upload in request.files.items(multi=True):
        if NUL in name or NUL in (upload.filename or ""):
            fields.append(name.replace(NUL, "") or "file")
    if request.is_json:
        fields += _json_fields_with_nul(request.get_json(silent=True))
    return fields


def refuse_nul_characters():
    """A before-request hook: a 400 when any part of the request holds a NUL character."""
    fields = fields_with_nul()
    if not fields:
        return None
    problem = _("Contains a character that cannot be saved (NUL).")
    message = _("Remove the invisible character that cannot be saved (NUL) and try again.")
    if request.path.startswith("/api/"):
        return error_response(400, "invalid", message, dict.fromkeys(fields, problem))
    title = _("Something is wrong with the request")
    page = render_template("errors/error.html", code=400, title=title, explanation=message)
    return make_response(page, 400)
