from django.urls import path

from . import views

app_name = "network"

urlpatterns = [
    path("", views.status, name="status"),
    path("feed/", views.feed, name="feed"),
]
