"""`flask scheduler`: the one process that runs timed jobs. Never started by the web app."""

import logging

import click
from flask import current_app
from flask.cli import with_appcontext

from core.clock import local_today
from extensions import db
from placements.services import activate_started
from reminders.heartbeat import record_heartbeat
from reminders.mail import dispatch_due

log = logging.getLogger(__name__)


def run_tick(app) -> None:
    """One run of the job: stamp the heartbeat, then send whatever mail is due."""
    with app.app_context():
        try:
            record_heartbeat()
            activate_started(local_today(app.config["TIMEZONE"]))
            db.session.commit()
            counts = dispatch_due()
            if counts["sent"] or counts["failed"]:
                log.info("Scheduler sent %(sent)s message(s), %(failed)s failed", counts)
        finally:
            db.session.remove()


@click.command("scheduler")
@with_appcontext
def scheduler_command():
    """Run the scheduler in the foreground (Ctrl-C stops it)."""
    # Imported here: the web app must never even load the scheduler.
    from apscheduler.schedulers.blocking import BlockingScheduler

    app = current_app._get_current_object()
    interval = app.config["SCHEDULER_HEARTBEAT_SECONDS"]
    scheduler = BlockingScheduler(timezone=app.config["TIMEZONE"])
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
    click.echo(f"Scheduler running: one job every {interval} s. Ctrl-C stops it.")
    run_tick(app)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        click.echo("Scheduler stopped.")
