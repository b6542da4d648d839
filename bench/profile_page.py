"""CPU time per request of each benchmarked page, in a Flask test client on the large data set.

    .venv/bin/python bench/profile_page.py                       # every page, CPU ms per request
    .venv/bin/python bench/profile_page.py feed cohort -n 50     # some pages, 50 requests each
    .venv/bin/python bench/profile_page.py schedule --profile    # plus a pyinstrument tree per page
    .venv/bin/python bench/profile_page.py dispatch -n 2000      # dispatch_due over 2,000 messages

CPU time (time.process_time) is what to trust on a shared, busy machine: wall-clock timings
there are inflated by other work, CPU time much less. The data set is bench/run.py's large
SQLite file (built on first use, cached in bench/.cache/); each run works on a copy of it.
The ceiling line is the app's own /bench/ceiling route (every hook, no page) for comparison.
"""

import argparse
import os
import re
import secrets
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("APP_ENV", "development")

from bench.databases import sqlite_database  # noqa: E402

PASSWORD = "cohort-demo-2026"  # noqa: S105 - demo.DEMO_PASSWORD
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PAGES = ("ceiling", "schedule", "feed", "feed304", "api", "cohort", "dashboard", "portal")


def logged_in_client(app, email: str):
    client = app.test_client()
    token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, f"login as {email} answered {response.status_code}"
    return client


def page_requests(app) -> dict:
    """Per page: a function doing one request, returning its status."""
    import sqlalchemy as sa

    from accounts.models import User
    from accounts.services import create_api_token
    from demo_large import CONTACT_EMAIL, MANAGER_EMAIL, TRAINEE_EMAIL
    from extensions import db
    from sessions.feed_service import trainee_feed_url

    with app.app_context(), app.test_request_context():
        user = db.session.scalar(sa.select(User).filter_by(email=TRAINEE_EMAIL))
        _token, secret = create_api_token(user, "profile")
        db.session.commit()
        trainee_id, cohort_id = user.trainee_id, user.trainee.cohort_id
        feed_path = urlsplit(trainee_feed_url(user.trainee)).path
    trainee, manager = logged_in_client(app, TRAINEE_EMAIL), logged_in_client(app, MANAGER_EMAIL)
    contact, anonymous = logged_in_client(app, CONTACT_EMAIL), app.test_client()
    etag = anonymous.get(feed_path).headers["ETag"]
    bearer = {"Authorization": f"Bearer {secret}"}
    return {
        "ceiling": lambda: anonymous.get("/bench/ceiling").status_code,
        "schedule": lambda: trainee.get("/schedule").status_code,
        "feed": lambda: anonymous.get(feed_path).status_code,
        "feed304": lambda: anonymous.get(feed_path, headers={"If-None-Match": etag}).status_code,
        "api": lambda: anonymous.get(f"/api/v1/trainees/{trainee_id}/schedule", headers=bearer).status_code,
        "cohort": lambda: manager.get(f"/cohorts/{cohort_id}").status_code,
        "dashboard": lambda: manager.get("/dashboard").status_code,
        "portal": lambda: contact.get("/portal").status_code,
    }


def count_statements(app):
    import sqlalchemy as sa

    from extensions import db

    statements = []
    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", lambda *_a: statements.append(1))
    return statements


def measure(name: str, request, count: int, statements: list, profile: bool) -> None:
    status = request()  # warm: templates compiled, caches filled
    statements.clear()
    began_cpu, began_wall = time.process_time(), time.perf_counter()
    profiler = None
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
    for _ in range(count):
        request()
    if profiler:
        profiler.stop()
    cpu = (time.process_time() - began_cpu) * 1000 / count
    wall = (time.perf_counter() - began_wall) * 1000 / count
    queries = len(statements) / count
    print(f"{name:<10} {status:>4} {cpu:9.2f} CPU ms {wall:9.2f} wall ms {queries:6.1f} queries", flush=True)
    if profiler:
        print(profiler.output_text(unicode=True, color=False, show_all=False))


def measure_dispatch(url: str, count: int, profile: bool) -> None:
    """dispatch_due over `count` due reminders to a local aiosmtpd (in its own process)."""
    from app import create_app
    from bench.micro import SmtpSink, _due_reminders
    from extensions import db
    from outbox.dispatch import dispatch_due
    from outbox.queue import insert_messages

    with SmtpSink() as sink:
        config = {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": secrets.token_hex(32),
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": sink.port,
            "SMTP_TLS": "none",
            "SMTP_USER": None,
        }
        app = create_app(config)
        with app.app_context():
            insert_messages(_due_reminders(count))
            db.session.commit()
            profiler = None
            if profile:
                from pyinstrument import Profiler

                profiler = Profiler(interval=0.0005)
                profiler.start()
            began_cpu, began_wall = time.process_time(), time.perf_counter()
            counts = dispatch_due()
            cpu, wall = time.process_time() - began_cpu, time.perf_counter() - began_wall
            if profiler:
                profiler.stop()
            db.engine.dispose()
    sent = max(counts["sent"], 1)
    per_message = f"{cpu * 1000 / sent:.2f} CPU ms/message {wall * 1000 / sent:.2f} wall ms/message"
    print(f"dispatch   {counts} {per_message}")
    if profiler:
        print(profiler.output_text(unicode=True, color=False, show_all=False))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("pages", nargs="*", help=f"some of: {', '.join(PAGES)}, dispatch (default: pages)")
    parser.add_argument("-n", "--requests", type=int, default=20, help="requests a page (messages: 2000)")
    parser.add_argument("--profile", action="store_true", help="print a pyinstrument tree per page")
    parser.add_argument("--quick", action="store_true", help="bench/run.py's smaller --quick data set")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    pages = args.pages or list(PAGES)
    unknown = set(pages) - set(PAGES) - {"dispatch"}
    if unknown:
        parser.error(f"unknown page(s): {', '.join(sorted(unknown))}")

    from bench.ceiling_app import create_app
    from bench.run import scale_for

    scale = scale_for(args.quick)
    with tempfile.TemporaryDirectory(prefix="cohort-profile.") as folder:
        scale_name = "quick" if args.quick else "large"
        url = sqlite_database(Path(folder), args.seed, scale, scale_name, date.today())
        web_pages = [p for p in pages if p != "dispatch"]
        if web_pages:
            app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secrets.token_hex(32)})
            requests, statements = page_requests(app), count_statements(app)
            for name in web_pages:
                measure(name, requests[name], args.requests, statements, args.profile)
            with app.app_context():
                from extensions import db

                db.engine.dispose()
        if "dispatch" in pages:
            count = 2000 if args.requests == parser.get_default("requests") else args.requests
            measure_dispatch(url, count, args.profile)


if __name__ == "__main__":
    main()
