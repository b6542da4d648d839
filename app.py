"""The application factory. It reads like a table of contents; nothing imports this module."""

from pathlib import Path

from flask import Flask

import settings
from extensions import babel, csrf, db, login_manager, migrate

ROOT = Path(__file__).resolve().parent


def create_app(config: dict | None = None) -> Flask:
    """Build the app from the environment, with `config` overriding (tests use this).

    It never starts the scheduler: that runs in its own process (`flask scheduler`).
    """
    app = Flask(__name__, instance_path=str(ROOT / "instance"))
    app.config.update(settings.load_settings(Path(app.instance_path)))
    app.config.update(config or {})
    register_extensions(app)
    register_blueprints(app)
    register_request_hooks(app)
    register_error_pages(app)
    register_commands(app)
    register_message_rules(app)
    trust_proxies(app)
    return app


def trust_proxies(app: Flask) -> None:
    count = app.config["PROXY_COUNT"]
    if count:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)


def register_extensions(app: Flask) -> None:
    from accounts.login_sessions import load_session_user
    from core import data_versions
    from core.i18n import select_locale
    from core.sessions import CookieSessions

    app.session_interface = CookieSessions()
    db.init_app(app)
    data_versions.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(
        app, locale_selector=select_locale, default_translation_directories=str(ROOT / "translations")
    )
    login_manager.init_app(app)
    login_manager.user_loader(load_session_user)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None  # the login page explains itself
    login_manager.session_protection = "basic"
    # Import every model so metadata (and Alembic) sees all tables.
    import models  # noqa: F401


def register_url_converters(app: Flask) -> None:
    """Every <int:...> in a URL fits an id column: a longer number is a 404, not a 500."""
    from core.converters import BoundedIntConverter

    app.url_map.converters["int"] = BoundedIntConverter


def register_blueprints(app: Flask) -> None:
    register_url_converters(app)  # before any route is added
    from accounts.views import bp as accounts_bp
    from api import bp as api_bp
    from cohort.follow_ups.views import bp as follow_ups_bp
    from cohort.importing.views import bp as trainee_import_bp
    from cohort.programmes.views import bp as programmes_bp
    from cohort.trainees.views import bp as trainee_file_bp
    from cohort.views import bp as cohorts_bp
    from home import bp as home_bp
    from placements.evaluations.views import bp as evaluations_bp
    from placements.municipalities.views import bp as municipalities_bp
    from placements.supervisor_register.views import bp as supervisors_bp
    from placements.views import bp as placements_bp
    from privacy.audit_views import bp as privacy_audit_bp
    from privacy.subject_views import bp as privacy_subject_bp
    from reminders.rule_views import bp as reminder_rules_bp
    from reminders.views import bp as reminders_bp
    from reports.export_views import bp as exports_bp
    from reports.outcome_views import bp as outcomes_bp
    from reports.views import bp as reports_bp
    from sessions.feeds import bp as feeds_bp
    from sessions.views import bp as sessions_bp

    for blueprint in (
        home_bp,
        accounts_bp,
        api_bp,
        cohorts_bp,
        trainee_import_bp,
        programmes_bp,
        placements_bp,
        reminders_bp,
        reminder_rules_bp,
        reports_bp,
        sessions_bp,
        feeds_bp,
        municipalities_bp,
        supervisors_bp,
        evaluations_bp,
        privacy_subject_bp,
        trainee_file_bp,
        privacy_audit_bp,
        exports_bp,
        follow_ups_bp,
        outcomes_bp,
    ):
        app.register_blueprint(blueprint)


def register_request_hooks(app: Flask) -> None:
    from accounts.login_sessions import keep_login_session
    from core.input_guard import refuse_nul_characters
    from core.log_masking import mask_development_log
    from core.security import add_security_headers, forbid_storing_private_pages
    from navigation import navigation

    mask_development_log()
    app.before_request(keep_login_session)
    app.before_request(refuse_nul_characters)
    app.after_request(add_security_headers)
    app.after_request(forbid_storing_private_pages)
    app.context_processor(navigation)


def register_message_rules(app: Flask) -> None:
    """What the outbox asks (outbox/kinds.py): at dispatch each check in turn, the first reason wins;
    to send again, where each message's address comes from."""
    from accounts.outbox_rules import recipient_declines, user_addresses
    from accounts.unsubscribe import unsubscribe_link
    from cohort.outbox_rules import follow_up_settled, trainee_withdrawn
    from outbox.kinds import MessageRules
    from placements.outbox_rules import proposal_answered, supervisor_addresses
    from sessions.outbox_rules import ATTACH_SESSION_KINDS, attach_session, session_cancelled_or_started

    app.extensions["message_rules"] = MessageRules(
        checks=[
            recipient_declines,
            trainee_withdrawn,
            follow_up_settled,
            session_cancelled_or_started,
            proposal_answered,
        ],
        attachments=dict.fromkeys(ATTACH_SESSION_KINDS, attach_session),
        address_books=[user_addresses, supervisor_addresses],
        unsubscribe_link=unsubscribe_link,
    )


def register_error_pages(app: Flask) -> None:
    from core.errorpages import register_error_pages as register

    register(app)


def register_commands(app: Flask) -> None:
    from accounts.cli import tokens_cli, users_cli
    from core.backup import backup_command, restore_command
    from demo import demo_command
    from jobs import scheduler_command
    from placements.municipalities.cli import municipalities_cli
    from privacy.cli import privacy_cli
    from reminders.cli import reminders_cli

    for command in (
        users_cli,
        tokens_cli,
        demo_command,
        scheduler_command,
        reminders_cli,
        backup_command,
        restore_command,
        privacy_cli,
        municipalities_cli,
    ):
        app.cli.add_command(command)
