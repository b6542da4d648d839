"""The site's own pages, wired on top of every package: the home redirect to each role's home page
(/dashboard, /portal, /schedule, /teaching), the icon, the health check and the language switch."""

from pathlib import Path

import sqlalchemy as sa
from flask import Blueprint, Response, current_app, jsonify, redirect, request, url_for
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from accounts.permissions import HOME_ENDPOINTS
from core.i18n import LANGUAGE_COOKIE
from core.sessions import sessionless
from core.urls import is_safe_local_path
from extensions import db

bp = Blueprint("home", __name__)

ONE_YEAR = 365 * 24 * 3600


@bp.get("/")
def home():
    """Each role has its own home page; anonymous visitors log in first."""
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login"))
    return redirect(url_for(HOME_ENDPOINTS[current_user.role]))


@bp.get("/favicon.ico")
def favicon():
    """For programs that ask the site root for its icon; pages name static/favicon.svg. Read
    whole, not streamed: 4 kB, and no file stays open until the client closes the answer."""
    icon = Path(current_app.static_folder, "favicon.ico").read_bytes()
    return Response(
        icon, mimetype="image/vnd.microsoft.icon", headers={"Cache-Control": "public, max-age=86400"}
    )


@bp.get("/healthz")
@sessionless  # a probe, asked every few seconds: no login, no cookie
def healthz():
    try:
        db.session.execute(sa.text("SELECT 1"))
    except SQLAlchemyError:
        current_app.logger.exception("Health check: the database does not answer")
        db.session.rollback()
        return jsonify(status="error", database="unavailable"), 503
    return jsonify(status="ok", database="ok")


@bp.post("/language")
def switch_language():
    """Remember the chosen language: on the account when logged in, in a cookie always."""
    language = request.form.get("language")
    if language not in current_app.config["LANGUAGES"]:
        language = current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user.is_authenticated:
        current_user.language = language
        db.session.commit()
    target = request.form.get("next")
    response = redirect(target if is_safe_local_path(target) else url_for("home.home"))
    response.set_cookie(
        LANGUAGE_COOKIE,
        language,
        max_age=ONE_YEAR,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
    )
    return response
