"""Writes to users and teams; the password-reset throttle."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from .models import PasswordResetRequest, Role, Team, User

logger = logging.getLogger(__name__)


@transaction.atomic
def update_profile(user: User, *, full_name: str, language: str) -> User:
    """The user's own name and UI language."""
    user.full_name = full_name.strip()
    user.language = language
    user.save(update_fields=["full_name", "language"])
    return user


def remember_ticket_list_view(user: User, *, view: str) -> User:
    """Store the ticket list view the user chose, so the list opens with it next time."""
    if user.ticket_list_view != view:
        user.ticket_list_view = view
        user.save(update_fields=["ticket_list_view"])
    return user


CANNOT_DEACTIVATE_SELF = _("You cannot deactivate your own account.")
CANNOT_DEMOTE_SELF = _("You cannot take the administrator role from yourself.")
LAST_ADMINISTRATOR = _(
    "%(user)s is the last active administrator. Make another user an administrator first."
)


def _other_active_administrators(user: User) -> bool:
    # Locking the administrators' rows makes two concurrent demotions queue up, so
    # the second sees the first and the last administrator always stays.
    admins = User.objects.active().filter(role=Role.ADMINISTRATOR).select_for_update()
    return any(pk != user.pk for pk in admins.values_list("pk", flat=True))


def _check_keeps_an_administrator(user: User) -> None:
    if user.is_administrator and not _other_active_administrators(user):
        raise ValidationError(LAST_ADMINISTRATOR, code="last_admin", params={"user": user})


@transaction.atomic
def create_user(
    *,
    email: str,
    full_name: str,
    role: str,
    language: str,
    is_support_team: bool = False,
    teams: Iterable[Team] = (),
    base_url: str,
) -> User:
    """Create a user without a password and e-mail them a link to set one.

    Side effect: after commit, the "set your password" e-mail goes out through
    Django's mail API (see send_set_password_link).
    """
    user = User.objects.create_user(
        email=email,
        full_name=full_name.strip(),
        role=role,  # create_user sets the Django admin flags that follow from it
        language=language,
        is_support_team=is_support_team,
    )
    user.teams.set(list(teams))
    transaction.on_commit(partial(send_set_password_link, user, base_url=base_url))
    return user


def send_set_password_link(user: User, *, base_url: str) -> bool:
    """E-mail the user a link (Django's password-reset token) to set their password.

    The link opens accounts:password_reset_confirm and stops working once the
    password is set or after PASSWORD_RESET_TIMEOUT. Returns False when the mail
    server refused the message (logged; an administrator can send it again).
    """
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    context = {
        "user": user,
        "link": f"{base_url.rstrip('/')}{path}",
        "days": max(settings.PASSWORD_RESET_TIMEOUT // 86400, 1),
    }
    with translation.override(user.language):
        subject = render_to_string("accounts/email/set_password_subject.txt", context)
        message = EmailMultiAlternatives(
            " ".join(subject.split()),
            render_to_string("accounts/email/set_password.txt", context),
            to=[user.email],
        )
        message.attach_alternative(
            render_to_string("accounts/email/set_password.html", context), "text/html"
        )
    try:
        message.send()
    except (OSError, smtplib.SMTPException):
        logger.exception("Could not send the set-password link to user %s", user.pk)
        return False
    return True


@transaction.atomic
def update_user(
    user: User,
    *,
    by: User,
    email: str,
    full_name: str,
    role: str,
    language: str,
    is_support_team: bool,
    teams: Iterable[Team],
) -> User:
    """Change a user's login, name, role, Support-team flag, language and teams.

    The role goes through change_role (its rules and side effects apply).
    """
    change_role(user, role=role, by=by)
    user.email = email
    user.full_name = full_name.strip()
    user.language = language
    user.is_support_team = is_support_team
    user.save(update_fields=["email", "full_name", "language", "is_support_team"])
    user.teams.set(list(teams))
    return user


@transaction.atomic
def change_role(user: User, *, role: str, by: User) -> User:
    """Give `user` the role, with the Django admin flags that follow from it.

    The one place where role, is_staff and is_superuser change together: administrators
    are superusers with Django-admin access, every other role has neither. Refuses to take
    the administrator role from oneself or from the last active administrator. Side
    effect: a changed role ends all of the user's sessions.
    """
    if role == user.role:
        return user
    if user.role == Role.ADMINISTRATOR:
        if user.pk == by.pk:
            raise ValidationError(CANNOT_DEMOTE_SELF, code="demote_self")
        _check_keeps_an_administrator(user)
    user.set_role(role)
    user.save(update_fields=["role", "is_staff", "is_superuser"])
    end_sessions(user)
    return user


def end_sessions(user: User) -> User:
    """Sign the user out everywhere: every session's stored hash stops matching."""
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])
    return user


@transaction.atomic
def deactivate_user(user: User, *, by: User) -> User:
    """Deactivate a user: they can no longer sign in or be assigned; history keeps them.

    Side effect: ends the user's sessions, for good (see end_sessions).
    """
    if user.pk == by.pk:
        raise ValidationError(CANNOT_DEACTIVATE_SELF, code="deactivate_self")
    _check_keeps_an_administrator(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    end_sessions(user)
    return user


@transaction.atomic
def reactivate_user(user: User) -> User:
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def create_team(*, name: str, description: str = "", members: Iterable[User] = ()) -> Team:
    team = Team.objects.create(name=name.strip(), description=description.strip())
    team.members.set(list(members))
    return team


@transaction.atomic
def update_team(team: Team, *, name: str, description: str, members: Iterable[User]) -> Team:
    team.name = name.strip()
    team.description = description.strip()
    team.save(update_fields=["name", "description"])
    team.members.set(list(members))
    return team


@transaction.atomic
def set_team_active(team: Team, *, active: bool) -> Team:
    """Deactivate (or reactivate) a team; tickets keep pointing at it."""
    team.is_active = active
    team.save(update_fields=["is_active"])
    return team


def admit_password_reset_request(*, email: str, ip_address: str | None) -> bool:
    """Record a password-reset request; False when the address or the client is over the limit.

    At most PASSWORD_RESET_LIMIT requests per address and per client address within
    SIGNIN_COOLOFF_MINUTES, counted for existing and unknown addresses alike. The rows live in
    the database because every web process (and machine) must see the same count. A request
    already over the limit is not stored, so the table holds little more than the limit per
    address and client; rows older than the window are pruned here.

    Deliberately not atomic: the new row is committed before counting, so of several
    concurrent requests the one committed last sees all the others, and no more than the
    limit can pass.
    """
    limit = settings.PASSWORD_RESET_LIMIT
    since = timezone.now() - timedelta(minutes=settings.SIGNIN_COOLOFF_MINUTES)
    PasswordResetRequest.objects.filter(requested_at__lt=since).delete()
    digest = PasswordResetRequest.digest(email)
    recent = PasswordResetRequest.objects.since(since)
    if recent.exceeds(limit - 1, address_digest=digest, ip_address=ip_address):
        return False
    PasswordResetRequest.objects.create(address_digest=digest, ip_address=ip_address)
    return not recent.exceeds(limit, address_digest=digest, ip_address=ip_address)
