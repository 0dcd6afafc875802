from django.urls import path

from . import views

app_name = "twofactor"

urlpatterns = [
    path("", views.security, name="security"),
    path("verify/", views.verify, name="verify"),
    path("setup/", views.setup, name="setup"),
    path("recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("turn-off/", views.disable, name="disable"),
    path("password/", views.change_password, name="change_password"),
    path("email/", views.change_email, name="change_email"),
]
