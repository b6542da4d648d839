"""Which language a request is answered in: the user's choice, else the browser's cookie, else Dutch."""

from flask import current_app, has_request_context, request
from flask_login import current_user

LANGUAGE_COOKIE = "lang"


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # a CLI command or a job: the default, unless forced
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    return chosen if chosen in languages else current_app.config["BABEL_DEFAULT_LOCALE"]
