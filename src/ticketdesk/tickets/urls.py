"""URLs of the agent's ticket workspace."""

from __future__ import annotations

from django.urls import path

from .views import detail, new
from .views import list as list_views

app_name = "tickets"
urlpatterns = [
    path("", list_views.ticket_list, name="list"),
    path("export.csv", list_views.ticket_export, name="export"),
    path("bulk/", list_views.ticket_bulk, name="bulk"),
    path("new/", new.ticket_new, name="new"),
    path("<int:number>/", detail.ticket_detail, name="detail"),
    path("<int:number>/read/", detail.ticket_read, name="read"),
    path("<int:number>/fields/", detail.ticket_fields, name="fields"),
    path("<int:number>/accept/", detail.ticket_accept, name="accept"),
    path("<int:number>/assign/", detail.ticket_assign, name="assign"),
    path("<int:number>/assign-to-me/", detail.ticket_assign_to_me, name="assign_to_me"),
    path("<int:number>/free/", detail.ticket_free, name="free"),
    path("<int:number>/reply/", detail.ticket_reply, name="reply"),
    path("<int:number>/note/", detail.ticket_note, name="note"),
    path("<int:number>/reply-template/", detail.reply_template_text, name="reply_template"),
    path("<int:number>/cc/add/", detail.ticket_cc_add, name="cc_add"),
    path("<int:number>/cc/remove/", detail.ticket_cc_remove, name="cc_remove"),
    path("<int:number>/attachments/<int:pk>/", detail.attachment_download, name="attachment"),
]
