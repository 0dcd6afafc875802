from django.urls import path

from . import (
    converters,  # noqa: F401 (registers <ticket:...>)
    views,
)

app_name = "tickets"

urlpatterns = [
    path("tickets/", views.ticket_list, name="list"),
    path("tickets/new/", views.choose_department, name="open"),
    path("tickets/new/<slug:slug>/", views.open_ticket, name="open_form"),
    path("tickets/<ticket:number>/", views.ticket_detail, name="detail"),
    path("tickets/<ticket:number>/reply/", views.ticket_reply, name="reply"),
    path("tickets/<ticket:number>/close/", views.ticket_close, name="close"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path(
        "attachments/<int:pk>/thumbnail/",
        views.attachment_thumbnail,
        name="attachment_thumbnail",
    ),
]
