"""`flask scheduler` (the one process that runs timed jobs; never started by the web app) and
`flask reminders ...` (the same work by hand or from cron)."""

import logging
from datetime import datetime

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from core.clock import local_today, utcnow
from extensions import db
from placements.services import activate_started
from reminders.heartbeat import record_heartbeat
from reminders.mail import dispatch_due
from reminders.models import MessageStatus, OutboxMessage

log = logging.getLogger(__name__)

reminders_cli = AppGroup("reminders", help="Create due reminders and send the outbox.")


def create_due(now: datetime) -> int:
    """Start internships that began and create the messages that are due; commits."""
    from reminders.scan import scan  # the rules module loads templates and many models

    activate_started(local_today(current_app.config["TIMEZONE"]))
    created = scan(now)
    db.session.commit()
    return created


def run_tick(app, now: datetime | None = None) -> dict:
    """One run of the scheduler's job: heartbeat, due messages, dispatch."""
    with app.app_context():
        try:
            record_heartbeat()
            db.session.commit()
            now = now or utcnow()
            counts = {"created": create_due(now), **dispatch_due(now)}
            if any(counts.values()):
                log.info("Scheduler: %s", counts)
            return counts
        finally:
            db.session.remove()


@click.command("scheduler")
@with_appcontext
def scheduler_command():
    """Run the scheduler in the foreground (Ctrl-C stops it)."""
    # Imported here: the web app must never even load the scheduler.
    from apscheduler.schedulers.blocking import BlockingScheduler

    app = current_app._get_current_object()
    interval = app.config["SCHEDULER_INTERVAL_SECONDS"]
    scheduler = BlockingScheduler(timezone=app.config["TIMEZONE"])
    # coalesce + max_instances=1: a late or slow run never piles up; a few minutes' grace
    # lets a run that was delayed (a busy machine) still happen instead of being dropped.
    scheduler.add_job(
        run_tick,
        "interval",
        args=[app],
        seconds=interval,
        id="tick",
        coalesce=True,
        max_instances=1,
        misfire_grace_time=300,
    )
    # AVG retention: erase what is due once a night, at 03:00 local time (quiet, after midnight).
    from privacy.cli import run_retention_job

    scheduler.add_job(
        run_retention_job,
        "cron",
        args=[app],
        hour=3,
        minute=0,
        id="retention",
        coalesce=True,
        max_instances=1,
        misfire_grace_time=3600,
    )
    click.echo(f"Scheduler running: one job every {interval} s. Ctrl-C stops it.")
    run_tick(app)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        click.echo("Scheduler stopped.")


@reminders_cli.command("send-due")
@click.option("--now", "now_text", help="Pretend it is this moment (ISO 8601, e.g. 2026-03-30T18:00+02:00).")
def send_due(now_text: str | None):
    """Run one scan and one dispatch; print how many messages were created, sent and failed."""
    now = _parse_now(now_text)
    created = create_due(now)
    counts = dispatch_due(now)
    click.echo(
        f"created {created}, sent {counts['sent']}, failed {counts['failed']}, skipped {counts['skipped']}"
    )


def _parse_now(text: str | None) -> datetime:
    if not text:
        return utcnow()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise click.BadParameter("use ISO 8601, e.g. 2026-03-30T18:00+02:00", param_hint="--now") from error
    if moment.tzinfo is None:
        raise click.BadParameter("give a time zone offset, e.g. +01:00", param_hint="--now")
    return moment


@reminders_cli.command("list")
@click.option("--status", type=click.Choice([s.value for s in MessageStatus]))
@click.option("--limit", default=50, show_default=True)
def list_messages(status: str | None, limit: int):
    """List the newest messages in the outbox."""
    query = sa.select(OutboxMessage).order_by(OutboxMessage.created_at.desc()).limit(limit)
    if status:
        query = query.where(OutboxMessage.status == status)
    for message in db.session.scalars(query):
        due = message.due_at.strftime("%Y-%m-%d %H:%M")
        click.echo(f"{message.id:>6}  {message.status:<8} {due}Z  {message.kind:<20} {message.recipient}")
