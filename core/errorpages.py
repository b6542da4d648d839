"""Friendly error pages for people, JSON error bodies for the API; never a stack trace."""

from flask import Flask, make_response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from core.json_errors import api_error_response, error_response
from core.ratelimit import RateLimited


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _titles() -> dict[int, str]:
    return {
        400: _("Something is wrong with the request"),
        403: _("You may not open this page"),
        404: _("Page not found"),
        405: _("This action is not possible here"),
        413: _("The file is too large"),
        429: _("Too many attempts"),
        500: _("Something went wrong on our side"),
    }


def _explanations() -> dict[int, str]:
    return {
        400: _("Go back, reload the page and try again."),
        403: _("This page is for other users. Go back to your home page."),
        404: _("The page does not exist or you may not see it. Check the link."),
        405: _("Go back and try again."),
        413: _("Choose a smaller file (at most 5 MB)."),
        429: _("Wait a few minutes and try again."),
        500: _("We have noted the error. Try again later."),
    }


def render_error(error: HTTPException):
    code = error.code or 500
    if _wants_json():
        return api_error_response(code, error)
    if isinstance(error, CSRFError):
        explanation = _("The form was open too long or was sent twice. Reload the page and try again.")
    else:
        explanation = _explanations().get(code, "")
    title = _titles().get(code, error.name)
    return render_template("errors/error.html", code=code, title=title, explanation=explanation), code


def render_rate_limited(error: RateLimited):
    """429 with how long to wait, on a page or in the API's error shape, and a Retry-After."""
    message = _("Too many attempts. Try again in %(minutes)s minutes.", minutes=error.minutes)
    if _wants_json():
        response = error_response(429, "too_many_requests", message)
    else:
        page = render_template("errors/error.html", code=429, title=_titles()[429], explanation=message)
        response = make_response(page, 429)
    response.headers["Retry-After"] = str(error.seconds)
    return response


def register_error_pages(app: Flask) -> None:
    # An unexpected exception reaches this handler as a 500, after Flask has logged it.
    app.register_error_handler(HTTPException, render_error)
    # A rate limit raised anywhere (a view or a service): nothing was counted or saved, since
    # the request's transaction is rolled back when the request ends without a commit.
    app.register_error_handler(RateLimited, render_rate_limited)
