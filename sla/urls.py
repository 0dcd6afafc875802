from django.urls import path

from . import reports_views, views

app_name = "sla"

urlpatterns = [
    path("support/feedback/<str:token>/", views.rate, name="rate"),
    path("support/close/<str:token>/", views.close, name="close"),
    path("staff/reports/", reports_views.reports_page, name="reports"),
]
