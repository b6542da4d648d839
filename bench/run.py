"""The benchmark (issue 8): the large data set on SQLite and PostgreSQL, served by gunicorn, loaded by wrk.

    .venv/bin/python bench/run.py            # the full run: 20 s a page at 16 connections (< 15 min)
    .venv/bin/python bench/run.py --quick    # a smoke run: smaller data, 3 s a page

Prints a table (requests/s, p50/p95/p99, ratio to the ceiling, target met) per database and
writes bench/results.json. Not part of `make test`: timings on shared machines are noise.
"""

import argparse
import json
import os
import platform
import secrets
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("APP_ENV", "development")

from bench import load, micro  # noqa: E402
from bench.databases import ROOT, fill_database, postgres_server, sqlite_database  # noqa: E402

RESULTS = ROOT / "bench" / "results.json"
PASSWORD = "cohort-demo-2026"  # noqa: S105 - demo.DEMO_PASSWORD, without importing the app before the settings

# Targets of the performance issues (8, then 18): ratios to the bare-Flask ceiling in one run.
PAGE_RATIO, FEED_304_RATIO, APP_CEILING_RATIO, P95_MS = 0.30, 0.75, 0.75, 50.0
PLANNING_MS, DISPATCH_RATIO, WORKER_MB = 20.0, 0.50, 150.0


def scale_for(quick: bool):
    from demo_large import LARGE, Scale

    return Scale(cohorts=20, municipalities=30, messages=10_000) if quick else LARGE


def prepare(url: str, secret_key: str) -> dict:
    """Ids, an API token and the feed path of the demo trainee; the manager's cohort is the trainee's."""
    import sqlalchemy as sa

    from accounts.models import User
    from accounts.services import create_api_token
    from app import create_app
    from demo_large import TRAINEE_EMAIL
    from extensions import db
    from sessions.feed_service import trainee_feed_url

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secret_key})
    with app.app_context(), app.test_request_context():
        user = db.session.scalar(sa.select(User).filter_by(email=TRAINEE_EMAIL))
        _token, secret = create_api_token(user, "benchmark")
        db.session.commit()
        found = {
            "trainee_id": user.trainee_id,
            "cohort_id": user.trainee.cohort_id,
            "token": secret,
            "feed_path": urlsplit(trainee_feed_url(user.trainee)).path,
        }
        db.engine.dispose()
    return found


def targets_of(ids: dict, cookies: dict) -> list[dict]:
    """Every page of issues 8 and 18 with who asks for it and the status it must answer."""

    def page(name, path, headers, status=200, ratio=PAGE_RATIO):
        return {"name": name, "path": path, "headers": headers, "status": status, "ratio_target": ratio}

    trainee, manager, contact = ({"Cookie": cookies[role]} for role in ("trainee", "manager", "contact"))
    return [
        page("trainee /schedule", "/schedule", trainee),
        page("trainee feed (200)", ids["feed_path"], {}),
        page("trainee feed (304)", ids["feed_path"], {"If-None-Match": None}, 304, FEED_304_RATIO),
        page("API trainee schedule", f"/api/v1/trainees/{ids['trainee_id']}/schedule",
             {"Authorization": f"Bearer {ids['token']}"}),
        page("manager cohort page", f"/cohorts/{ids['cohort_id']}", manager),
        page("manager /dashboard", "/dashboard", manager),
        page("contact /portal", "/portal", contact),
    ]  # fmt: skip


def check_answer(server, target: dict) -> None:
    """One request first: a page that answers the wrong status would be benchmarked as an error page.

    The 304 target gets the feed's current ETag here, as a calendar client would send it.
    """
    if "If-None-Match" in target["headers"]:
        target["headers"]["If-None-Match"] = load.fetch(server.base + target["path"], {})[1].get("ETag", "")
    status = load.fetch(server.base + target["path"], target["headers"])[0]
    if status != target["status"]:
        raise RuntimeError(f"{target['name']}: answered {status}, expected {target['status']}")


def run_database(name: str, url: str, args, workdir: Path) -> dict:
    secret_key = secrets.token_hex(32)
    ids = prepare(url, secret_key)
    env = {"DATABASE_URL": url, "SECRET_KEY": secret_key, "APP_ENV": "production"}
    seconds = 3 if args.quick else args.seconds
    results = {"pages": {}, "errors": []}
    with load.gunicorn("bench.ceiling_app:create_bare_app()", env, workdir / f"{name}-bare.log") as bare:
        results["ceiling"] = load.wrk(bare.base + "/bench/ceiling", {}, seconds, args.connections, bare)
    with load.gunicorn("bench.ceiling_app:create_app()", env, workdir / f"{name}-gunicorn.log") as server:
        cookies = {
            role: load.login_cookie(server.base, email, PASSWORD)
            for role, email in (
                ("trainee", "deelnemer@cohort.example"),
                ("manager", "manager@cohort.example"),
                ("contact", "gemeente@cohort.example"),
            )
        }
        results["app_ceiling"] = load.wrk(
            server.base + "/bench/ceiling", {}, seconds, args.connections, server
        )
        results["app_ceiling"]["ratio"] = round(results["app_ceiling"]["rps"] / results["ceiling"]["rps"], 3)
        results["app_ceiling"]["ratio_target"] = APP_CEILING_RATIO
        for target in targets_of(ids, cookies):
            try:
                check_answer(server, target)
            except (RuntimeError, KeyError) as problem:
                results["errors"].append(str(problem))
                print(f"  {name}: {problem}", flush=True)
                continue
            measured = load.wrk(
                server.base + target["path"], target["headers"], seconds, args.connections, server
            )
            measured["ratio"] = round(measured["rps"] / results["ceiling"]["rps"], 3)
            measured["ratio_target"] = target["ratio_target"]
            results["pages"][target["name"]] = measured
            print(f"  {name}: {target['name']:<24} {measured['rps']:8.1f} req/s", flush=True)
        results["worker_peak_mb"] = round(max(server.peak_kb.values(), default=0) / 1024, 1)
    results["dispatch"] = micro.dispatch_vs_smtplib(url, secret_key, 1_000 if args.quick else 10_000)
    return results


def page_ok(page: dict) -> bool:
    return (
        page["ratio"] >= page["ratio_target"] and page["p95_ms"] < P95_MS and not any(page["errors"].values())
    )


def print_table(results: dict) -> None:
    header = f"{'page':<26}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'ratio':>8}{'target':>8}  met"
    for name, db_results in results["databases"].items():
        ceiling = db_results["ceiling"]
        app_ceiling = db_results["app_ceiling"]
        print(f"\n{name}: ceiling (bare Flask) {ceiling['rps']:.0f} req/s, p95 {ceiling['p95_ms']:.1f} ms; "
              f"the app's own /bench/ceiling {app_ceiling['rps']:.0f} req/s = {app_ceiling['ratio']:.0%} "
              f"(target {APP_CEILING_RATIO:.0%})")  # fmt: skip
        print(header)
        for page_name, page in db_results["pages"].items():
            print(
                f"{page_name:<26}{page['rps']:>9.1f}{page['p50_ms']:>9.1f}{page['p95_ms']:>9.1f}"
                f"{page['p99_ms']:>9.1f}{page['ratio']:>8.0%}{page['ratio_target']:>8.0%}  "
                f"{'yes' if page_ok(page) else 'NO'}"
            )
        for problem in db_results["errors"]:
            print(f"NOT MEASURED: {problem}")
        dispatch = db_results["dispatch"]
        print(
            f"dispatch: app {dispatch['app_per_s']:.0f}/s, plain smtplib {dispatch['smtplib_per_s']:.0f}/s "
            f"= {dispatch['ratio']:.0%} (target {DISPATCH_RATIO:.0%}); worker peak "
            f"{db_results['worker_peak_mb']:.0f} MB (target < {WORKER_MB:.0f} MB)"
        )
    planning = results["planning"]
    print(f"\nplanning a {planning['weeks']}-week cohort: median {planning['median_ms']:.2f} ms "
          f"(first {planning['first_ms']:.1f} ms; target < {PLANNING_MS:.0f} ms)")  # fmt: skip


def machine() -> dict:
    with open("/proc/cpuinfo") as cpuinfo:
        model = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "")
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "system": platform.platform(),
        "load_average_at_start": os.getloadavg(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="smaller data, 3 s a page: a smoke run")
    parser.add_argument("--seconds", type=int, default=20, help="seconds of load per page (default 20)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections (default 16)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--databases", default="sqlite,postgresql", help="comma-separated: sqlite,postgresql")
    args = parser.parse_args()
    load.ensure_wrk()
    began, scale = time.monotonic(), scale_for(args.quick)
    scale_name = "quick" if args.quick else "large"
    results = {"date": date.today().isoformat(), "quick": args.quick, "machine": machine(), "databases": {}}
    results["planning"] = micro.planning_ms()
    with tempfile.TemporaryDirectory(prefix="cohort-bench.") as folder:
        workdir = Path(folder)
        for name in args.databases.split(","):
            print(f"\n== {name} ==", flush=True)
            if name == "sqlite":
                url = sqlite_database(workdir, args.seed, scale, scale_name, date.today())
                results["databases"][name] = run_database(name, url, args, workdir)
            elif name == "postgresql":
                with postgres_server() as url:
                    print(
                        f"Building the PostgreSQL data set ({scale_name}, seed {args.seed}) ...", flush=True
                    )
                    fill_database(url, args.seed, scale, date.today())
                    results["databases"][name] = run_database(name, url, args, workdir)
            else:
                parser.error(f"unknown database {name!r}")
    results["seconds"] = round(time.monotonic() - began)
    print_table(results)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nWritten to {RESULTS.relative_to(ROOT)} ({results['seconds']} s in all).")


if __name__ == "__main__":
    main()
