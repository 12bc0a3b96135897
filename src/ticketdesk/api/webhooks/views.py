"""Configuration → Webhooks: subscriptions, their secret, "Send test" and the delivery log."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from ticketdesk.core.pagination import page_of
from ticketdesk.core.permissions import admin_required

from . import services
from .forms import SubscriptionForm
from .models import WebhookDelivery, WebhookSubscription

LOG_PAGE_SIZE = 25
SUBSCRIPTION_CREATED = _(
    "The webhook has been created. Give its secret to the receiver to verify signatures."
)
SUBSCRIPTION_SAVED = _("The webhook has been saved.")
SUBSCRIPTION_DELETED = _("The webhook to %(url)s has been deleted.")
SECRET_ROTATED = _(
    "A new secret has been generated. Deliveries from now on are signed with it; "
    "give it to the receiver."
)
TEST_QUEUED = _("A test delivery (event “ping”) is queued; its result appears in the log below.")


@admin_required
def subscription_list(request: HttpRequest) -> HttpResponse:
    subscriptions = WebhookSubscription.objects.all()
    return render(request, "webhooks/subscription_list.html", {"subscriptions": subscriptions})


@admin_required
def subscription_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    subscription = get_object_or_404(WebhookSubscription, pk=pk) if pk else None
    # The form gets its own copy: validation writes the submitted values onto its instance.
    instance = WebhookSubscription.objects.get(pk=pk) if pk else None
    form = SubscriptionForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        if subscription is None:
            subscription = services.create_subscription(**form.cleaned_data)
            messages.success(request, SUBSCRIPTION_CREATED)
        else:
            services.update_subscription(subscription, **form.cleaned_data)
            messages.success(request, SUBSCRIPTION_SAVED)
        return redirect("config_webhooks:edit", pk=subscription.pk)
    log = page_of(
        subscription.deliveries.all() if subscription else WebhookDelivery.objects.none(),
        request.GET.get("page"),
        per_page=LOG_PAGE_SIZE,
    )
    context = {"form": form, "subscription": subscription, "log": log}
    if request.htmx and subscription is not None:
        return render(request, "webhooks/subscription_form.html#delivery-log", context)
    return render(request, "webhooks/subscription_form.html", context)


@require_POST
@admin_required
def subscription_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = get_object_or_404(WebhookSubscription, pk=pk)
    services.rotate_secret(subscription)
    messages.success(request, SECRET_ROTATED)
    return redirect("config_webhooks:edit", pk=subscription.pk)


@require_POST
@admin_required
def subscription_test(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = get_object_or_404(WebhookSubscription, pk=pk)
    services.queue_test_delivery(subscription)
    messages.success(request, TEST_QUEUED)
    return redirect("config_webhooks:edit", pk=subscription.pk)


@require_POST
@admin_required
def subscription_delete(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = get_object_or_404(WebhookSubscription, pk=pk)
    services.delete_subscription(subscription)
    messages.success(request, SUBSCRIPTION_DELETED % {"url": subscription.url})
    return redirect("config_webhooks:list")
