"""Refuse NUL characters in any request, before a view sees them.

PostgreSQL cannot store a NUL (U+0000) in a text column, nor compare with one: psycopg refuses
the statement, and the request would end in a 500. No person types a NUL; it comes from a
broken or hostile client. So one check here covers every path and query string, and the form of
every request that has a body, with a clear 400 naming the fields, instead of a check in every
service. It never reads a body a route does not use: a GET's is left alone, and JSON is read only
by the API's body reader (api/blueprint.py), which refuses NUL, lone surrogates and deep nesting
with `json_problem`. Files are left to their readers (the trainee import cleans its cells).
"""

from flask import make_response, render_template, request
from flask_babel import gettext as _

from core.json_errors import error_response

NUL = "\x00"


# JSON deeper than this is no request a client of ours sends; Python's parser would recurse on.
MAX_JSON_DEPTH = 32
# Methods whose requests carry a form body; a GET's body is never read.
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _unstorable(text: str) -> bool:
    """A NUL, or a lone surrogate ("\\ud800" in JSON text): neither can be stored or encoded."""
    return NUL in text or any("\ud800" <= ch <= "\udfff" for ch in text)


def json_problem(value, max_depth: int = MAX_JSON_DEPTH) -> str | None:
    """Why a parsed JSON value cannot be taken ("too deep", "unstorable text"), or None.

    Iterative, so nesting costs no recursion and stops at the first problem."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            if _unstorable(item):
                return "unstorable text"
            continue
        if not isinstance(item, dict | list):
            continue
        if depth > max_depth:
            return "too deep"
        children = item.values() if isinstance(item, dict) else item
        if isinstance(item, dict) and any(_unstorable(key) for key in item):
            return "unstorable text"
        pending.extend((child, depth + 1) for child in children)
    return None


def json_problems(data) -> dict[str, str]:
    """What cannot be taken from a JSON body, by its top-level field ("body" for the whole)."""
    if not isinstance(data, dict):
        problem = json_problem(data)
        return {"body": problem} if problem else {}
    found = {}
    for key, value in data.items():
        problem = "unstorable text" if _unstorable(key) else json_problem(value, MAX_JSON_DEPTH - 1)
        if problem:
            found["".join(ch for ch in key if not _unstorable(ch)) or "body"] = problem
    return found


def fields_with_nul() -> list[str]:
    """The names of the request's parts that hold a NUL ("path" for the URL itself)."""
    fields = ["path"] if NUL in request.path else []
    sources = [request.args, request.form] if request.method in BODY_METHODS else [request.args]
    for source in sources:
        for name, values in source.lists():
            if NUL in name or any(NUL in value for value in values):
                fields.append(name.replace(NUL, "") or "field")
    if request.method in BODY_METHODS:
        for name, upload in request.files.items(multi=True):
            if NUL in name or NUL in (upload.filename or ""):
                fields.append(name.replace(NUL, "") or "file")
    return fields


def _may_hold_nul() -> bool:
    """Cheap first look: a GET without a NUL in its path or its raw query string (as "%00" or as the
    byte) holds none, and its arguments need not be parsed to know."""
    if request.method in BODY_METHODS or NUL in request.path:
        return True
    query = request.query_string
    return b"%00" in query or b"\x00" in query


def refuse_nul_characters():
    """A before-request hook: a 400 when any part of the request holds a NUL character."""
    if not _may_hold_nul():
        return None
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
