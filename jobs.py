"""The scheduler's job table: what runs when (`flask scheduler`, one process of its own).

Like Indico's tasks.py, this is wiring: each job calls the services of the packages below and
commits, and nothing imports this module but app.py. The web app never starts the scheduler.
"""

import logging
from datetime import datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from core.clock import utcnow
from extensions import db
from outbox.dispatch import dispatch_due
from privacy.cli import run_retention_job
from reminders.cli import create_due
from reminders.heartbeat import record_heartbeat

log = logging.getLogger(__name__)


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
