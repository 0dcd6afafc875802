from django.urls import path, register_converter

from . import views


class TicketNumberConverter:
    regex = "[0-9]{6,12}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return str(value)


register_converter(TicketNumberConverter, "ticket")

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
