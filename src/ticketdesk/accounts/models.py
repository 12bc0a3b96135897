"""Users (e-mail login, role, Support-team flag), support teams, password-reset requests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMINISTRATOR = "admin", _("Administrator")
    AGENT = "agent", _("Agent")
    READ_ONLY = "readonly", _("Read-only")
    CUSTOMER = "customer", _("Customer (portal)")


STAFF_ROLES = {Role.ADMINISTRATOR, Role.AGENT, Role.READ_ONLY}


def admin_flags(role: str) -> dict[str, bool]:
    """Django's admin flags as they follow from a role.

    Administrators, and only they, may use the Django admin (is_staff) with every
    permission (is_superuser).
    """
    is_admin = role == Role.ADMINISTRATOR
    return {"is_staff": is_admin, "is_superuser": is_admin}


SESSION_HASH_SALT = "ticketdesk.accounts.User.session_auth_hash"


class UserQuerySet(models.QuerySet["User"]):
    def active(self) -> UserQuerySet:
        return self.filter(is_active=True)

    def support_team(self) -> UserQuerySet:
        """Users who may be assigned tickets: active agents flagged Support team."""
        return self.filter(
            is_active=True, is_support_team=True, role__in=[Role.ADMINISTRATOR, Role.AGENT]
        ).order_by("full_name", "email")


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(admin_flags(extra.get("role", Role.AGENT)))
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        """`ticketdesk createsuperuser`: the first administrator of an installation."""
        extra.update(role=Role.ADMINISTRATOR, **admin_flags(Role.ADMINISTRATOR))
        return self._create(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default="de"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.AGENT)
    is_support_team = models.BooleanField(
        _("Support team"),
        default=False,
        help_text=_("Only Support-team users can be assigned tickets."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("staff status"), default=False, help_text=_("May sign in to the Django admin.")
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    ticket_list_view = models.CharField(
        _("ticket list view"),
        max_length=20,
        blank=True,
        help_text=_("The ticket list view the user chose last; opened by default."),
    )

    # Part of the session hash: raising it ends every session of the user (role change,
    # deactivation), and a session from before stays refused after a reactivation.
    session_epoch = models.PositiveIntegerField(_("session epoch"), default=0, editable=False)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "email"]
        constraints = [
            # The role decides; is_staff/is_superuser only follow it (see admin_flags).
            models.CheckConstraint(
                condition=(
                    Q(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
                    | (~Q(role=Role.ADMINISTRATOR) & Q(is_staff=False, is_superuser=False))
                ),
                name="accounts_user_admin_flags_follow_role",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def get_session_auth_hash(self) -> str:
        return self._session_hash(secret=None)

    def get_session_auth_fallback_hash(self) -> Iterator[str]:
        for secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_hash(secret=secret)

    def _session_hash(self, *, secret: str | None) -> str:
        # Django's hash covers the password only; the epoch lets a service end sessions
        # without touching the password.
        value = f"{self.password}:{self.session_epoch}"
        return salted_hmac(SESSION_HASH_SALT, value, secret=secret, algorithm="sha256").hexdigest()

    def set_role(self, role: str) -> None:
        """Take `role` and the Django admin flags that follow from it (not saved)."""
        self.role = role
        for field, value in admin_flags(role).items():
            setattr(self, field, value)

    @property
    def is_administrator(self) -> bool:
        return self.is_active and self.role == Role.ADMINISTRATOR

    @property
    def is_staff_member(self) -> bool:
        """Sees the agent workspace (administrators, agents and read-only users)."""
        return self.is_active and self.role in STAFF_ROLES

    @property
    def is_agent(self) -> bool:
        """May work tickets (administrators and agents, not read-only users)."""
        return self.is_active and self.role in {Role.ADMINISTRATOR, Role.AGENT}


class Team(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    members = models.ManyToManyField(
        User, related_name="teams", blank=True, verbose_name=_("members")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("support team")
        verbose_name_plural = _("support teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PasswordResetRequestQuerySet(models.QuerySet["PasswordResetRequest"]):
    def since(self, moment: datetime) -> PasswordResetRequestQuerySet:
        return self.filter(requested_at__gte=moment)

    def exceeds(self, limit: int, *, address_digest: str, ip_address: str | None) -> bool:
        """More than `limit` of these requests were for the address, or from the client."""
        by_address = self.filter(address_digest=address_digest)[: limit + 1].count()
        by_client = self.filter(ip_address=ip_address)[: limit + 1].count()
        return max(by_address, by_client) > limit


class PasswordResetRequest(models.Model):
    """One request of a password-reset link, kept for the throttle's window only.

    The address is stored as a keyed digest only: anybody may type any address, and the
    table must not turn into a list of them.
    """

    address_digest = models.CharField(max_length=64, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, db_index=True)
    requested_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = PasswordResetRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("password-reset request")
        verbose_name_plural = _("password-reset requests")

    def __str__(self) -> str:
        return f"{self.address_digest[:12]} {self.ip_address} {self.requested_at:%Y-%m-%d %H:%M}"

    @staticmethod
    def digest(email: str) -> str:
        return salted_hmac(
            "ticketdesk.accounts.PasswordResetRequest", email.strip().lower(), algorithm="sha256"
        ).hexdigest()
