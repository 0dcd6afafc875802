from django.urls import path

from . import staff_views

app_name = "network_staff"

urlpatterns = [
    path("", staff_views.incident_list, name="list"),
    path("new/", staff_views.incident_new, name="new"),
    path("link/", staff_views.link_tickets, name="link"),
    path("<int:pk>/", staff_views.incident_detail, name="incident"),
    path("<int:pk>/edit/", staff_views.incident_edit, name="edit"),
    path("<int:pk>/updates/", staff_views.incident_post_update, name="post_update"),
    path(
        "<int:pk>/servers/<int:server_pk>/recovered/",
        staff_views.server_recovered,
        name="server_recovered",
    ),
    path(
        "<int:pk>/unlink/<str:number>/",
        staff_views.unlink_ticket,
        name="unlink",
    ),
]
