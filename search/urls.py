from django.urls import path

from . import views

app_name = "search"

urlpatterns = [
    path("support/search/", views.customer_search, name="customer"),
    path("staff/search/", views.staff_search, name="staff"),
    path("staff/search/kb-links/", views.kb_links, name="kb_links"),
]
