"""Django admin for users (e-mail login) and support teams."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.db.models import Count, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ticketdesk.core.admin import CheckedAdmin, CheckedIdsMixin, ServiceErrorsAdmin

from . import services
from .models import PasswordResetRequest, Team, User


class UserAddForm(AdminUserCreationForm):
    """The admin's "add user" form: e-mail instead of a username."""

    class Meta:
        model = User
        fields = ("email", "full_name", "role", "is_support_team", "language")

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                self.instance.unique_error_message(User, ["email"]), code="unique"
            )
        return email


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(ServiceErrorsAdmin, DjangoUserAdmin):
    """Role and deactivation go through the account services: one administrator always stays.

    is_staff and is_superuser follow the role (services.change_role) and are shown read-only.
    """

    form = UserEditForm
    add_form = UserAddForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("full_name", "language")}),
        (_("Role"), {"fields": ("role", "is_support_team", "is_active")}),
        (_("Django admin"), {"fields": ("is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "full_name",
                    "role",
                    "is_support_team",
                    "language",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    list_display = ("email", "full_name", "role", "is_support_team", "is_active", "is_staff")
    list_filter = ("role", "is_support_team", "is_active", "is_staff", "is_superuser")
    search_fields = ("email", "full_name")
    ordering = ("email",)
    readonly_fields = ("last_login", "date_joined", "is_staff", "is_superuser")
    show_full_result_count = False

    def save_model(self, request: HttpRequest, obj: User, form: ModelForm, change: bool) -> None:
        if not change:
            obj.set_role(obj.role)
            super().save_model(request, obj, form, change)
            return
        stored = User.objects.get(pk=obj.pk)
        services.change_role(stored, role=obj.role, by=request.user)
        if stored.is_active and not obj.is_active:
            services.deactivate_user(stored, by=request.user)
        elif obj.is_active and not stored.is_active:
            services.reactivate_user(stored)
        # The form's instance still holds the values read before the services ran; the save
        # below writes every field, so it takes theirs.
        for field in ("role", "is_staff", "is_superuser", "is_active", "session_epoch"):
            setattr(obj, field, getattr(stored, field))
        super().save_model(request, obj, form, change)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(CheckedIdsMixin, DjangoGroupAdmin):
    """Django's group admin, its permission ids checked like every other admin's ids."""


@admin.register(Team)
class TeamAdmin(CheckedAdmin):
    list_display = ("name", "member_count", "is_active")
    list_editable = ("is_active",)
    search_fields = ("name",)
    # Users include every portal login: chosen by type-ahead, never one long list.
    autocomplete_fields = ("members",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Team]:
        return super().get_queryset(request).annotate(member_count=Count("members"))

    @admin.display(description=_("members"), ordering="member_count")
    def member_count(self, team: Team) -> int:
        return team.member_count  # type: ignore[attr-defined]


@admin.register(PasswordResetRequest)
class PasswordResetRequestAdmin(CheckedAdmin):
    """What the password-reset throttle counts: read-only, and pruned after its window."""

    list_display = ("requested_at", "ip_address", "address_digest")
    search_fields = ("ip_address",)
    date_hierarchy = "requested_at"
    readonly_fields = ("requested_at", "ip_address", "address_digest")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: PasswordResetRequest | None = None
    ) -> bool:
        return False
