"""Log in and out, set a password from a link, manage users and personal API tokens."""

import math

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from accounts import login_sessions, services
from accounts import unsubscribe as optional_mail
from accounts.access import api_tokens_for, users_for
from accounts.forms import (
    ApiTokenForm,
    ForgotPasswordForm,
    LoginForm,
    PreferencesForm,
    SetPasswordForm,
    UserDetailsForm,
    UserForm,
)
from accounts.models import Role, User
from accounts.permissions import role_required
from core.calendar_alerts import alert_choice
from core.clock import utcnow
from core.errors import ValidationError
from core.forms import form_errors_from
from core.scope import one_or_404
from core.urls import is_safe_local_path
from extensions import csrf, db
from outbox.edge import save_form
from outbox.queue import send_queued_mail
from outbox.retry import saved_message

bp = Blueprint("accounts", __name__)


def start_session(user: User, remember: bool) -> None:
    """Log in with a fresh session: nothing from before login survives (no fixation). The caller
    commits, which saves the session's record."""
    session.clear()
    login_sessions.start_login_session(user, remember)


def _throttled_text(throttled: services.LoginThrottled) -> str:
    if throttled.locked:
        return _(
            "This account is locked after very many failed attempts. The programme manager can "
            "unlock it; otherwise try again tomorrow."
        )
    minutes = max(1, math.ceil(throttled.retry_after.total_seconds() / 60))
    return _("Too many failed attempts. Try again in %(n)d minutes.", n=minutes)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.home"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data, request.remote_addr or "")
        except services.LoginThrottled as throttled:
            flash(_throttled_text(throttled), "error")
            status = 429
        except services.InvalidCredentials:
            db.session.commit()  # keep the failure: it counts towards throttling
            form.password.errors.append(_("E-mail address or password is not right."))
            status = 400
        else:
            start_session(user, form.remember.data)
            db.session.commit()
            target = request.args.get("next")
            return redirect(target if is_safe_local_path(target) else url_for("home.home"))
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
def logout():
    session.clear()  # first: logging out then asks for the "remember me" cookie to be deleted too
    login_sessions.end_login_session()
    flash(_("You are logged out."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        # Too many requests: RateLimited, answered with a 429 page (core.errorpages).
        services.limit_reset_requests(form.email.data, request.remote_addr or "")
        services.request_password_reset(form.email.data)
        db.session.commit()  # the scheduler sends it: the answer takes as long with or without an account
        # The same answer whether or not the address exists.
        flash(_("If this address has an account, we have sent it an e-mail with a link."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/password/set/<token>", methods=["GET", "POST"])
def set_password(token: str):
    # The token is a secret: an address that tries too many wrong ones is stopped (a 429).
    guess = services.count_link_guess(request.remote_addr or "")  # counted first; committed at once
    link = services.find_valid_link(token)
    if link is None:
        return render_template("accounts/link_invalid.html"), 404
    services.forgive_link_guess(guess)  # a valid link is no guess
    db.session.commit()
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.redeem_link(token, form.password.data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            start_session(user, remember=False)
            db.session.commit()
            flash(_("Your password is set. Welcome!"), "success")
            return redirect(url_for("home.home"))
    stopping = services.working_api_tokens(link.user)  # the page says so before they stop
    return render_template("accounts/set_password.html", form=form, user=link.user, tokens_stopping=stopping)


# --- User management (managers) ------------------------------------------------------


def _fill_user_choices(form: UserForm) -> None:
    form.municipality_id.choices = [(None, "—"), *_linkable("municipality")]
    form.trainee_id.choices = [(None, "—"), *_linkable("trainee")]


def _linkable(relationship: str) -> list[tuple[int, str]]:
    """(id, name) of every record an account can be linked to through `User.<relationship>`.

    The model is found through that relationship: accounts sits below the domain packages, so it
    does not import their models."""
    model = sa.inspect(User).relationships[relationship].mapper.class_
    return [tuple(row) for row in db.session.execute(sa.select(model.id, model.name).order_by(model.name))]


@bp.get("/users")
@role_required(Role.MANAGER)
def users():
    listing = db.session.scalars(
        users_for(current_user).options(joinedload(User.municipality)).order_by(User.name)
    ).all()
    locked = services.locked_accounts(listing)
    return render_template("accounts/users.html", users=listing, locked=locked)


@bp.route("/users/new", methods=["GET", "POST"])
@role_required(Role.MANAGER)
def invite_user():
    form = UserForm()
    _fill_user_choices(form)

    def invite():
        return services.create_user(**{k: v for k, v in form.data.items() if k != "csrf_token"})

    if save_form(form, invite, lambda user: _("%(name)s has been invited by e-mail.", name=user.name)):
        return redirect(url_for("accounts.users"))
    return render_template("accounts/invite_user.html", form=form)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@role_required(Role.MANAGER)
def edit_user(user_id: int):
    # A trainee's address is part of the trainee's record (cohort), not changed here.
    user = one_or_404(users_for(current_user).where(User.role != Role.TRAINEE), user_id)
    form = UserDetailsForm(obj=user)

    def save():
        return services.update_details(user, form.name.data or "", form.email.data or "")

    if save_form(form, save, saved_message):
        return redirect(url_for("accounts.users"))
    return render_template("accounts/edit_user.html", form=form, user=user)


@bp.route("/users/<int:user_id>/active", methods=["GET", "POST"])
@role_required(Role.MANAGER)
def set_user_active(user_id: int):
    """Activate at once; deactivate after a page that says what will happen."""
    user = one_or_404(users_for(current_user), user_id)
    if user.id == current_user.id:
        flash(_("You cannot deactivate yourself."), "error")
        return redirect(url_for("accounts.users"))
    if request.method == "GET":
        return render_template(
            "accounts/deactivate.html",
            user=user,
            tokens=services.working_api_tokens(user),
            other_contacts=services.other_contacts(user),
        )
    # Said, not toggled: a second click on a page that is out of date changes nothing back.
    services.set_active(user, request.form.get("active") == "yes")
    db.session.commit()
    if user.is_active:
        flash(_("%(name)s can log in again.", name=user.name), "success")
    else:
        flash(_("%(name)s is deactivated.", name=user.name), "success")
    return redirect(url_for("accounts.users"))


@bp.post("/users/<int:user_id>/unlock")
@role_required(Role.MANAGER)
def unlock_user(user_id: int):
    user = one_or_404(users_for(current_user), user_id)
    services.unlock_account(user)
    db.session.commit()
    flash(_("%(name)s can log in again.", name=user.name), "success")
    return redirect(url_for("accounts.users"))


@bp.post("/users/<int:user_id>/invite")
@role_required(Role.MANAGER)
def resend_invitation(user_id: int):
    user = one_or_404(users_for(current_user), user_id)
    if not user.awaits_first_password:
        already = _(
            '%(name)s has set a password already, and can use "Forgot your password?".', name=user.name
        )
        flash(already, "info")
        return redirect(url_for("accounts.users"))
    services.limit_invitations(user)  # too many: a 429 page, nothing sent
    services.send_invitation(user)
    db.session.commit()
    send_queued_mail()
    flash(_("A new invitation has been sent to %(name)s.", name=user.name), "success")
    return redirect(url_for("accounts.users"))


# --- Optional mail off (and on again) from the mail's own link ---------------------------


@bp.route("/afmelden/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed link is the authority: a mail provider posts without a session (RFC 8058)
def unsubscribe(token: str):
    """GET asks (link checkers open links); POST turns the kind off, or on again with `on`."""
    found = optional_mail.read_token(token)
    if found is None:
        return render_template("accounts/unsubscribe_invalid.html"), 404
    user, kind = found
    if request.method == "POST":
        optional_mail.set_wanted(user, kind, request.form.get("choice") == "on")
        db.session.commit()
    wanted = optional_mail.wants(user, kind)
    return render_template("accounts/unsubscribe.html", kind=kind, wanted=wanted)


# --- Own account ---------------------------------------------------------------------


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = PreferencesForm(obj=current_user)
    form.limit_to_role(current_user.role)
    if form.calendar_alert.data is None:  # neither chosen nor sent: the role's default, as a choice
        form.calendar_alert.data = alert_choice(current_user.role, None)
    if form.validate_on_submit():
        form.populate_obj(current_user)  # the language and this role's message choices
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("accounts.account"))
    return render_template(
        "accounts/account.html",
        form=form,
        logins=login_sessions.active_sessions(current_user),
        this_login=login_sessions.current_login_session(),
        device_label=login_sessions.device_label,
    )


@bp.post("/account/sessions/<session_id>/end")
@login_required
def end_login_session(session_id: str):
    if not login_sessions.end_other_session(current_user, session_id):
        abort(404)
    db.session.commit()
    flash(_("You are logged out on that device."), "success")
    return redirect(url_for("accounts.account", _anchor="logins"))


@bp.post("/account/sessions/end-others")
@login_required
def end_other_login_sessions():
    ended = login_sessions.end_other_sessions(current_user)
    db.session.commit()
    flash(
        ngettext(
            "You are logged out on %(num)d other device.",
            "You are logged out on %(num)d other devices.",
            ended,
        ),
        "success",
    )
    return redirect(url_for("accounts.account", _anchor="logins"))


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def api_tokens():
    form = ApiTokenForm()
    new_secret, status = None, 200
    if form.validate_on_submit():
        try:
            services.confirm_password(current_user, form.password.data, request.remote_addr or "")
            _token, new_secret = services.create_api_token(current_user, form.name.data, form.days.data)
        except services.LoginThrottled as throttled:
            form.password.errors.append(_throttled_text(throttled))
            status = 429
        except services.InvalidCredentials:
            db.session.commit()  # keep the failure: it counts towards throttling
            form.password.errors.append(_("This is not your password."))
            status = 400
        except ValidationError as error:  # a name of spaces only
            form_errors_from(form, error)
        else:
            db.session.commit()
            form = ApiTokenForm(formdata=None)
    tokens = db.session.scalars(api_tokens_for(current_user).order_by(sa.desc("created_at"))).all()
    page = render_template(
        "accounts/api_tokens.html", form=form, tokens=tokens, new_secret=new_secret, now=utcnow()
    )
    return page, status


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_api_token(token_id: int):
    token = one_or_404(api_tokens_for(current_user), token_id)
    services.revoke_api_token(token)
    db.session.commit()
    flash(_("The token has been revoked."), "success")
    return redirect(url_for("accounts.api_tokens"))
