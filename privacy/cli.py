"""`flask privacy erase-expired`: erase the trainees whose retention period is over (the
scheduler runs the same every night at 03:00; this is for cron, tests or a catch-up by hand)."""

import logging
from datetime import date

import click
from flask import current_app
from flask.cli import AppGroup

from core.clock import local_today
from extensions import db
from privacy.erasure import erase_expired

log = logging.getLogger(__name__)

privacy_cli = AppGroup("privacy", help="Privacy (AVG): erase personal data after the retention period.")


def retention_months() -> int:
    months = current_app.config["RETENTION_MONTHS"]
    if months < 1:
        # Zero or less would erase a cohort's trainees on the day it ends: surely a typo.
        raise click.ClickException(f"RETENTION_MONTHS must be at least 1, got {months}")
    return months


def run_erase_expired(today: date) -> list[int]:
    """Erase what is due on `today` and commit; returns the trainee ids erased."""
    erased = erase_expired(today, retention_months())
    db.session.commit()
    return erased


def run_retention_job(app) -> None:
    """The scheduler's nightly job: the same service as the command, in its own app context."""
    with app.app_context():
        try:
            erased = run_erase_expired(local_today(app.config["TIMEZONE"]))
            if erased:
                log.info("Retention: erased the personal data of %d trainee(s)", len(erased))
        finally:
            db.session.remove()


@privacy_cli.command("erase-expired")
@click.option("--today", "today_text", help="Pretend it is this day (ISO 8601, e.g. 2028-09-01).")
def erase_expired_command(today_text: str | None):
    """Erase the personal data of trainees whose cohort ended more than RETENTION_MONTHS ago."""
    today = _parse_today(today_text) if today_text else local_today(current_app.config["TIMEZONE"])
    erased = run_erase_expired(today)
    click.echo(f"erased {len(erased)} trainee(s)" + (": " + ", ".join(map(str, erased)) if erased else ""))


def _parse_today(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise click.BadParameter("use a date as YYYY-MM-DD, e.g. 2028-09-01", param_hint="--today") from error
