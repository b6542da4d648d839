"""`flask users ...` and `flask tokens ...`: account administration from the shell."""

import click
from flask.cli import AppGroup

from accounts import services
from accounts.models import Role
from core.errors import ValidationError
from extensions import db
from outbox.queue import send_queued_mail

users_cli = AppGroup("users", help="Create users, set passwords, deactivate users.")
tokens_cli = AppGroup("tokens", help="Create personal API tokens.")


def _user_or_fail(email: str):
    user = services.find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No user with e-mail address {email}")
    return user


def _commit_or_fail(action):
    """Run a service call and commit; a ValidationError becomes a clear CLI error, nothing saved."""
    try:
        result = action()
    except ValidationError as error:
        db.session.rollback()
        problems = "; ".join(f"{field}: {problem}" for field, problem in error.fields.items())
        raise click.ClickException(f"{error.message} {problems}".strip()) from error
    db.session.commit()
    return result


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--municipality", "municipality_id", type=int, help="Municipality id (role municipality).")
@click.option("--trainee", "trainee_id", type=int, help="Trainee id (role trainee).")
@click.option("--password", help="Without it, an invitation e-mail is sent.")
@click.option("--language", default="nl", type=click.Choice(["nl", "en"]))
def create_user(**options):
    """Create a user (and send an invitation when no password is given)."""
    user = _commit_or_fail(lambda: services.create_user(**options))
    sent = send_queued_mail()
    if options["password"]:
        how = "password set"
    else:
        how = "invitation sent" if sent["sent"] else "invitation queued in the outbox"
    click.echo(f"Created user {user.id} <{user.email}> ({user.role}); {how}.")


@users_cli.command("set-password")
@click.option("--email", required=True)
@click.option("--password", required=True)
def set_password(email, password):
    """Set a user's password (ends their existing sessions)."""
    user = _user_or_fail(email)
    _commit_or_fail(lambda: services.set_password(user, password))
    click.echo(f"Password set for <{user.email}>.")


@users_cli.command("deactivate")
@click.option("--email", required=True)
def deactivate(email):
    """Deactivate a user; their sessions and API tokens stop working at once."""
    user = _user_or_fail(email)
    _commit_or_fail(lambda: services.set_active(user, False))
    click.echo(f"Deactivated <{user.email}>.")


@tokens_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", default="CLI", show_default=True)
@click.option(
    "--days",
    default=services.TOKEN_DAYS,
    show_default=True,
    type=click.IntRange(1, services.MAX_TOKEN_DAYS),
    help="How many days the token works.",
)
def create_token(email, name, days):
    """Create a personal API token; it is printed once, alone on the last line."""
    user = _user_or_fail(email)
    token, secret = _commit_or_fail(lambda: services.create_api_token(user, name, days))
    click.echo(f"API token for <{user.email}>, works until {token.expires_at:%Y-%m-%d %H:%M} UTC")
    click.echo("(store it now, it is not shown again):")
    click.echo(secret)
