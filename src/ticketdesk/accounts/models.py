"""Users (e-mail login, role, Support-team flag) and support teams."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMINISTRATOR = "admin", _("Administrator")
    AGENT = "agent", _("Agent")
    READ_ONLY = "readonly", _("Read-only")
    CUSTOMER = "customer", _("Customer (portal)")


STAFF_ROLES = {Role.ADMINISTRATOR, Role.AGENT, Role.READ_ONLY}


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
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True, role=Role.ADMINISTRATOR)
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

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_administrator(self) -> bool:
        return self.is_active and (self.role == Role.ADMINISTRATOR or self.is_superuser)

    @property
    def is_staff_member(self) -> bool:
        """Sees the agent workspace (administrators, agents and read-only users)."""
        return self.is_active and (self.role in STAFF_ROLES or self.is_superuser)

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
