"""The portal's switch and texts: one `PortalSettings` row for the instance."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ticketdesk.core.config_cache import cached
from ticketdesk.core.models import TimeStampedModel

INSTANCE_PK = 1
WELCOME_MAX_LENGTH = 4000


class PortalSettings(TimeStampedModel):
    is_enabled = models.BooleanField(
        _("portal switched on"),
        default=False,
        help_text=_("Off: every page under /portal/ answers “not found”."),
    )
    instance_name = models.CharField(
        _("name of the portal"),
        max_length=100,
        blank=True,
        help_text=_("Shown in the portal's header and page titles, e.g. your company's name."),
    )
    welcome_de = models.TextField(
        _("welcome text (German)"), max_length=WELCOME_MAX_LENGTH, blank=True
    )
    welcome_en = models.TextField(
        _("welcome text (English)"), max_length=WELCOME_MAX_LENGTH, blank=True
    )

    class Meta:
        verbose_name = _("portal settings")
        verbose_name_plural = _("portal settings")

    def __str__(self) -> str:
        return str(_("Customer portal"))

    @property
    def title(self) -> str:
        return self.instance_name or str(_("Customer portal"))

    @property
    def welcome(self) -> str:
        """The welcome text in the current language (the other one when it is empty)."""
        texts = [self.welcome_en, self.welcome_de]
        if (get_language() or "de")[:2] != "en":
            texts.reverse()
        return next((text for text in texts if text.strip()), "")


def portal_settings() -> PortalSettings:
    """The instance's portal settings (unsaved defaults, portal off, until first saved)."""
    return cached("portal.settings", _load)


def _load() -> PortalSettings:
    return PortalSettings.objects.filter(pk=INSTANCE_PK).first() or PortalSettings(pk=INSTANCE_PK)
