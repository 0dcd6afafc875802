from django.urls import path

from . import staff_views

app_name = "mailin"

urlpatterns = [
    path("", staff_views.inbound_list, name="held"),
    path("<int:pk>/original/", staff_views.original, name="original"),
    path("<int:pk>/approve/", staff_views.approve, name="approve"),
    path("<int:pk>/discard/", staff_views.discard, name="discard"),
]
