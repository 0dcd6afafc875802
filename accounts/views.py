from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse_lazy
from django.views.decorators.http import require_GET

from tickets.models import Ticket

from .forms import LoginForm, QueuedPasswordResetForm


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "email/password_reset.txt"
    subject_template_name = "email/password_reset.subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


@login_required
@require_GET
def dashboard(request):
    """The Member Area home: services, active tickets, a way to open a new one."""
    user = request.user
    services = user.services.order_by("next_due_date", "product_name")
    newest = ("-updated_at", "-id")
    # The ten newest are picked off the customer's index first, then joined with their
    # departments: joined first, the planner may read and sort all the customer's active
    # tickets (it cannot know how many a customer has).
    ten = user.tickets.exclude(status=Ticket.Status.CLOSED).order_by(*newest).values("pk")[:10]
    active = Ticket.objects.filter(pk__in=ten).select_related("department").order_by(*newest)
    return render(
        request,
        "accounts/dashboard.html",
        {"services": services, "active_tickets": active},
    )
