from django.urls import path

from .. import converters  # noqa: F401 (registers <ticket:...>)
from . import views as staff_views

app_name = "staff"

urlpatterns = [
    path("", staff_views.queues, name="queues"),
    path("queues/<slug:slug>/", staff_views.queue, name="queue"),
    path("tickets/", staff_views.queue, name="all_tickets"),
    path("tickets/<ticket:number>/", staff_views.ticket_detail, name="ticket"),
    path("tickets/<ticket:number>/reply/", staff_views.ticket_reply, name="reply"),
    path("tickets/<ticket:number>/update/", staff_views.ticket_update, name="update"),
    path("tickets/<ticket:number>/assign-to-me/", staff_views.assign_to_me, name="assign_to_me"),
    path("settings/", staff_views.email_settings, name="settings"),
]
