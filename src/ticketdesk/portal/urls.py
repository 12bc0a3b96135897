"""URLs of the customer portal (mounted at portal/); all answer 404 while it is switched off."""

from __future__ import annotations

from django.urls import path

from . import auth_views, views

app_name = "portal"
urlpatterns = [
    path("", auth_views.login, name="login"),
    path("logout/", auth_views.logout, name="logout"),
    path("language/", auth_views.language, name="language"),
    path("password-reset/", auth_views.password_reset, name="password_reset"),
    path("password-reset/sent/", auth_views.password_reset_sent, name="password_reset_sent"),
    path("password/<uidb64>/<token>/", auth_views.set_password, name="set_password"),
    path("tickets/", views.ticket_list, name="tickets"),
    path("tickets/new/", views.ticket_new, name="new"),
    path("customer/", views.switch_customer, name="switch_customer"),
    path("tickets/<int:number>/", views.ticket_detail, name="ticket"),
    path("tickets/<int:number>/reply/", views.ticket_reply, name="reply"),
    path("tickets/<int:number>/close/", views.ticket_close, name="close"),
    path(
        "tickets/<int:number>/attachments/<int:pk>/",
        views.attachment_download,
        name="attachment",
    ),
]
