"""The project's URLs plus the bare view, mounted only in the benchmark settings."""

from django.http import HttpResponse
from django.urls import path

from netdigi.urls import urlpatterns as project_urlpatterns


def bare(request):
    """The ceiling: what Django serves through the same middleware when a view does nothing."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("__bench__/bare/", bare), *project_urlpatterns]
