"""Configuration from environment variables (and a `.env` file), with safe defaults.

Development generates a secret key once into `instance/`; production refuses to start
without SECRET_KEY, DATABASE_URL-less SQLite is fine in both.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

from dotenv import load_dotenv


class SettingsError(RuntimeError):
    """A setting is missing or invalid; raised at start-up so a deployment fails fast."""


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _env_int(name: str, default: int) -> int:
    raw = _env(name)
    try:
        return int(raw) if raw is not None else default
    except ValueError as exc:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from exc


def database_uri(instance_path: Path) -> str:
    """DATABASE_URL, or a SQLite file under instance/. Plain postgres URLs use psycopg 3."""
    url = _env("DATABASE_URL")
    if not url:
        return f"sqlite:///{instance_path / 'cohort.db'}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def secret_key(environment: str, instance_path: Path) -> str:
    key = _env("SECRET_KEY")
    if key:
        return key
    if environment == "production":
        raise SettingsError("SECRET_KEY must be set in production")
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def load_settings(instance_path: Path) -> dict:
    """Build the Flask config mapping from the environment."""
    load_dotenv(Path.cwd() / ".env")
    instance_path.mkdir(parents=True, exist_ok=True)
    environment = _env("APP_ENV", "development")
    if environment not in ("development", "production"):
        raise SettingsError("APP_ENV must be 'development' or 'production'")
    base_url = _env("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    https = base_url.startswith("https://")
    smtp_tls = _env("SMTP_TLS", "starttls").lower()
    if smtp_tls not in ("starttls", "ssl", "none"):
        raise SettingsError("SMTP_TLS must be 'starttls', 'ssl' or 'none'")
    return {
        "APP_ENV": environment,
        "SECRET_KEY": secret_key(environment, instance_path),
        "SQLALCHEMY_DATABASE_URI": database_uri(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Werkzeug's method for new password hashes. Only the test suite changes it (to a cheap
        # hash): a stored hash names its own method, so checking works whatever this says.
        "PASSWORD_HASH_METHOD": "scrypt",  # nosec B105 - the name of a hash method, not a password
        "BASE_URL": base_url,
        "TIMEZONE": _env("TIMEZONE", "Europe/Amsterdam"),
        "ORGANISATION_NAME": _env("ORGANISATION_NAME", "Cohort"),
        # Whom a municipality calls with questions about a proposed intern (shown with the manager
        # who proposed them).
        "PROGRAMME_PHONE": _env("PROGRAMME_PHONE", ""),
        "SMTP_HOST": _env("SMTP_HOST"),
        "SMTP_PORT": _env_int("SMTP_PORT", 465 if smtp_tls == "ssl" else 587),
        "SMTP_USER": _env("SMTP_USER"),
        "SMTP_PASSWORD": _env("SMTP_PASSWORD"),
        "SMTP_TLS": smtp_tls,
        "SMTP_TIMEOUT": _env_int("SMTP_TIMEOUT", 20),
        "MAIL_FROM": _env("MAIL_FROM", "Cohort <no-reply@localhost>"),
        # Accounts
        "IDLE_TIMEOUT": timedelta(minutes=_env_int("IDLE_TIMEOUT_MINUTES", 30)),
        # A login ends this long after it began, however active (with "remember me": the cookie's 30 days).
        "SESSION_MAX_AGE": timedelta(hours=_env_int("SESSION_MAX_AGE_HOURS", 12)),
        "INVITATION_VALID_FOR": timedelta(days=7),
        "PASSWORD_RESET_VALID_FOR": timedelta(hours=24),
        # Cookies: Secure whenever the site is served over HTTPS.
        "SESSION_COOKIE_SECURE": https,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_DURATION": timedelta(days=30),
        "PREFERRED_URL_SCHEME": "https" if https else "http",
        # Forms and i18n
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        "BABEL_DEFAULT_LOCALE": "nl",
        "BABEL_DEFAULT_TIMEZONE": _env("TIMEZONE", "Europe/Amsterdam"),
        "LANGUAGES": ("nl", "en"),
        "MAX_CONTENT_LENGTH": 5 * 1024 * 1024,
        "SCHEDULER_INTERVAL_SECONDS": _env_int("SCHEDULER_INTERVAL_SECONDS", 60),
        # The dashboard flags trainees under this attendance rate over the last 4 weeks (percent in
        # the environment, a fraction here: ATTENDANCE_THRESHOLD=80 gives 0.8).
        "ATTENDANCE_THRESHOLD": _env_int("ATTENDANCE_THRESHOLD", 80) / 100,
        # AVG: a trainee's personal data is erased this many months after their cohort ended.
        "RETENTION_MONTHS": _env_int("RETENTION_MONTHS", 24),
        # A message claimed longer ago than this is taken over: its dispatcher must have died.
        "MAIL_CLAIM_TIMEOUT_SECONDS": _env_int("MAIL_CLAIM_TIMEOUT_SECONDS", 600),
        # How many reverse proxies stand in front (0: none). Their X-Forwarded-* headers are
        # trusted for the client's address (rate limits) and for HTTPS (Secure cookies, HSTS).
        "PROXY_COUNT": _env_int("PROXY_COUNT", 0),
    }
