"""Measurements outside the web server: planning one cohort, and dispatching mail against plain smtplib."""

import smtplib
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta

import sqlalchemy as sa

from bench.databases import ROOT, free_port


def planning_ms(runs: int = 100) -> dict:
    """The pure planner on the default 52-week programme with a Christmas closure: median of `runs`."""
    from cohort import planning

    template = planning.DEFAULT_TEMPLATES[planning.DEFAULT_TEMPLATE_SLUG]
    start = date.today() - timedelta(days=date.today().weekday()) + timedelta(weeks=4)
    settings = planning.settings_from_template(template, start)
    closures = [planning.Closure(date(y, 12, 21), date(y + 1, 1, 1), "Kerstvakantie") for y in (start.year,)]
    timings = []
    for _ in range(runs):
        began = time.perf_counter()
        plan = planning.plan_cohort(settings, closures)
        timings.append((time.perf_counter() - began) * 1000)
    return {
        "weeks": settings.programme_weeks,
        "sessions": len(plan.sessions),
        "first_ms": round(timings[0], 3),
        "median_ms": round(statistics.median(timings), 3),
        "max_ms": round(max(timings), 3),
        "runs": runs,
    }


class SmtpSink:
    """aiosmtpd in its own process (not sharing the GIL with the dispatcher), accepting everything."""

    def __enter__(self):
        self.port = free_port()
        command = [sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink", "-l"]
        self.process = subprocess.Popen([*command, f"127.0.0.1:{self.port}"], cwd=ROOT)  # noqa: S603
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                smtplib.SMTP("127.0.0.1", self.port, timeout=2).quit()
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the SMTP sink did not start")

    def __exit__(self, *_exc):
        self.process.terminate()
        self.process.wait(timeout=10)


def _due_reminders(count: int) -> list[dict]:
    """`count` session reminders for coming sessions of active trainees: rows the dispatcher will send."""
    from accounts.models import User
    from cohort.models import Trainee, TraineeStatus
    from core.clock import utcnow
    from extensions import db
    from sessions.models import TrainingSession

    pairs = db.session.execute(
        sa.select(TrainingSession.id, TrainingSession.date, User.id, User.email, Trainee.id)
        .join(Trainee, Trainee.cohort_id == TrainingSession.cohort_id)
        .join(User, User.trainee_id == Trainee.id)
        .where(
            TrainingSession.date > date.today() + timedelta(days=1), Trainee.status == TraineeStatus.ACTIVE
        )
        .order_by(TrainingSession.date, TrainingSession.id, User.id)
        .limit(count)
    ).all()
    due = utcnow() - timedelta(minutes=1)
    return [
        {
            "kind": "session_reminder",
            "key": f"session_reminder:{session_id}:{user_id}:bench",
            "recipient": email,
            "recipient_user_id": user_id,
            "trainee_id": trainee_id,
            "session_id": session_id,
            "subject": "Herinnering: bijeenkomst morgen",
            "body_text": f"Beste deelnemer,\n\nOp {day:%d-%m-%Y} is er een bijeenkomst van je opleiding.\n",
            "body_html": f"<p>Beste deelnemer,</p><p>Op {day:%d-%m-%Y} is er een bijeenkomst.</p>",
            "due_at": due,
        }
        for session_id, day, user_id, email, trainee_id in pairs
    ]


def dispatch_vs_smtplib(url: str, secret_key: str, count: int) -> dict:
    """The app's dispatch_due sending `count` messages, against plain smtplib sending the same bytes.

    The plain loop sends the very messages the app builds (built before its clock starts),
    with send_message over one connection: the cost of SMTP itself. The app's extra is claiming, the
    "does it still apply" check, building the message with its .ics, and a commit per message.
    """
    from app import create_app
    from extensions import db
    from outbox.dispatch import build_email, dispatch_due
    from outbox.models import OutboxMessage
    from outbox.queue import insert_messages

    with SmtpSink() as sink:
        config = {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": secret_key,
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": sink.port,
            "SMTP_TLS": "none",
            "SMTP_USER": None,
        }
        app = create_app(config)
        with app.app_context():
            rows = _due_reminders(count)
            insert_messages(rows)
            db.session.commit()
            began = time.perf_counter()
            counts = dispatch_due()
            app_seconds = time.perf_counter() - began
            sender = app.config["MAIL_FROM"]
            keys = [row["key"] for row in rows]
            sent = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.key.in_(keys))).all()
            emails = [build_email(m, sender) for m in sent]
            db.engine.dispose()
        began = time.perf_counter()
        smtp = smtplib.SMTP("127.0.0.1", sink.port, timeout=30)
        for email in emails:
            smtp.send_message(email)
        smtp.quit()
        plain_seconds = time.perf_counter() - began
    return {
        "messages": len(rows),
        "app": counts,
        "app_per_s": round(counts["sent"] / app_seconds, 1),
        "smtplib_per_s": round(len(emails) / plain_seconds, 1),
        "ratio": round((counts["sent"] / app_seconds) / (len(emails) / plain_seconds), 3),
    }
