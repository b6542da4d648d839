"""`flask reminders ...`: the scheduler's work by hand or from cron (the scheduler itself: jobs.py)."""

from datetime import datetime

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from core.clock import local_today, utcnow
from extensions import db
from outbox.dispatch import dispatch_due
from outbox.models import MessageStatus, OutboxMessage
from placements.services import activate_started, ask_waiting_proposals

reminders_cli = AppGroup("reminders", help="Create due reminders and send the outbox.")


def create_due(now: datetime) -> int:
    """Start internships that began, ask new contacts about proposals that waited for one, and create
    the messages that are due; commits."""
    from reminders.scan import scan  # the rules module loads templates and many models

    activate_started(local_today(current_app.config["TIMEZONE"]))
    ask_waiting_proposals()
    created = scan(now)
    db.session.commit()
    return created


@reminders_cli.command("send-due")
@click.option("--now", "now_text", help="Pretend it is this moment (ISO 8601, e.g. 2026-03-30T18:00+02:00).")
def send_due(now_text: str | None):
    """Run one scan and one dispatch; print how many messages were created, sent, failed (for
    good), skipped and retrying (they will be tried again later)."""
    now = _parse_now(now_text)
    created = create_due(now)
    counts = dispatch_due(now)
    click.echo(
        f"created {created}, sent {counts['sent']}, failed {counts['failed']}, "
        f"skipped {counts['skipped']}, retrying {counts['retrying']}"
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
