"""The mailbox form of Configuration → Support → Mailboxes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ticketdesk.inbound.models import AfterImport, Mailbox

PASSWORD_REQUIRED = _("Enter the password of the mailbox account.")
MOVE_TARGET_REQUIRED = _("Name the folder the messages are moved to.")
MOVE_TARGET_IS_SOURCE = _("Messages cannot be moved into the folder they are fetched from.")
PASSWORD_KEPT_HELP = _("Leave empty to keep the stored password.")


class MailboxForm(forms.ModelForm):
    port = forms.IntegerField(label=_("Port"), min_value=1, max_value=65535)
    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        max_length=500,
        # Never rendered back into the page, not even on a form with errors.
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = Mailbox
        fields = [
            "name",
            "host",
            "port",
            "security",
            "username",
            "password",
            "folder",
            "after_import",
            "move_to_folder",
            "is_active",
        ]
        help_texts = {
            "folder": _("INBOX, or another folder of the account, as your mail client names it."),
            "move_to_folder": _("Only for “Move it to another folder”; created when missing."),
            "is_active": _("Inactive mailboxes are not fetched."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.editing = self.instance.pk is not None
        if self.editing:
            self.fields["password"].help_text = PASSWORD_KEPT_HELP

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not password and not self.editing:
            raise forms.ValidationError(PASSWORD_REQUIRED)
        return password

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("after_import") == AfterImport.MOVE:
            target = (data.get("move_to_folder") or "").strip()
            if not target:
                self.add_error("move_to_folder", MOVE_TARGET_REQUIRED)
            elif target == (data.get("folder") or "").strip():
                self.add_error("move_to_folder", MOVE_TARGET_IS_SOURCE)
        return data
