"""Configuration → Support → Notification texts: edit, preview, reset."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ticketdesk.core.permissions import admin_required
from ticketdesk.tickets import services
from ticketdesk.tickets.forms_notifications import NotificationTextForm
from ticketdesk.tickets.models import NotificationEvent, NotificationTemplate
from ticketdesk.tickets.notification_preview import preview
from ticketdesk.tickets.notification_texts import PLACEHOLDERS, NotificationText
from ticketdesk.tickets.notifications import notification_text


@admin_required
def notification_text_list(request: HttpRequest) -> HttpResponse:
    customized = set(NotificationTemplate.objects.values_list("event", "language"))
    rows = [
        {
            "event": event,
            "label": label,
            "languages": [
                (code, name, (event, code) in customized) for code, name in settings.LANGUAGES
            ],
        }
        for event, label in NotificationEvent.choices
    ]
    return render(request, "tickets/config/notification_texts.html", {"rows": rows})


@admin_required
def notification_text_edit(request: HttpRequest, event: str, language: str) -> HttpResponse:
    if event not in NotificationEvent.values or language not in dict(settings.LANGUAGES):
        raise Http404
    current = notification_text(event, language)
    form = NotificationTextForm(request.POST or None, initial=current._asdict())
    shown = current
    if request.method == "POST" and form.is_valid():
        shown = NotificationText(**form.cleaned_data)
        if "save" in request.POST:
            services.save_notification_text(event=event, language=language, **form.cleaned_data)
            messages.success(request, _("The notification text has been saved."))
            return redirect("config_notifications:list")
    subject, text, _html = preview(shown, language, request.user.get_full_name())
    context = {
        "form": form,
        "event_label": NotificationEvent(event).label,
        "language": language,
        "placeholders": PLACEHOLDERS,
        "preview_subject": subject,
        "preview_text": text,
        "is_custom": NotificationTemplate.objects.filter(event=event, language=language).exists(),
    }
    return render(request, "tickets/config/notification_text_form.html", context)


@admin_required
def notification_text_reset(request: HttpRequest, event: str, language: str) -> HttpResponse:
    if request.method != "POST":
        return redirect("config_notifications:edit", event=event, language=language)
    services.reset_notification_text(event=event, language=language)
    messages.success(request, _("The built-in text is used again."))
    return redirect("config_notifications:list")
