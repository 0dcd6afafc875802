"""The customer's pages: the Member Area home, and Support: open a ticket, follow it,
reply, close it."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from network.actions import link_opened_ticket

from . import actions, queries, storage, throttle
from .forms import OpenTicketForm, ReplyForm, TicketFilterForm
from .web import confirm, post_with_files, refuse_flood


@login_required
@require_GET
def dashboard(request):
    """The Member Area home: services, active tickets, a way to open a new one."""
    services = request.user.services.order_by("next_due_date", "product_name")
    return render(
        request,
        "accounts/dashboard.html",
        {"services": services, "active_tickets": queries.dashboard_tickets(request.user)},
    )


@login_required
@require_GET
def ticket_list(request):
    filters = TicketFilterForm(request.GET)
    status = filters.cleaned_data["status"] if filters.is_valid() else ""
    status = status or "active"
    tickets = queries.customer_tickets(request.user, status)
    page, rows = queries.customer_page(tickets, request.GET.get("page"), settings.TICKETS_PER_PAGE)
    return render(
        request,
        "tickets/ticket_list.html",
        {
            "page": page,
            "tickets": rows,
            "status": status,
            "status_choices": TicketFilterForm.STATUS_CHOICES,
        },
    )


@login_required
@require_GET
def choose_department(request):
    return render(
        request,
        "tickets/choose_department.html",
        {"departments": queries.active_departments()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def open_ticket(request, slug):
    department = get_object_or_404(queries.active_departments(), slug=slug)
    if request.method == "POST":
        # With files, the limits are checked before any file is decoded; the action checks
        # them again (for every post) under the customer's row lock.
        token = request.POST.get("submission_token")
        refusal = request.FILES and throttle.check_new_ticket(request.user, token)
        if refusal:
            form = OpenTicketForm(customer=request.user, initial=request.POST.dict())
            return refuse_flood(
                request, refusal, lambda status: _open_form(request, form, department, status)
            )
        form = OpenTicketForm(request.POST, request.FILES, customer=request.user)
        if form.is_valid():
            data = form.cleaned_data
            ticket = post_with_files(
                form,
                actions.open_ticket,
                enforce_limits=True,
                customer=request.user,
                department=department,
                service=data["service"],
                subject=data["subject"],
                priority=data["priority"],
                body=data["body"],
                files=data["attachments"],
                submission_token=data["submission_token"],
            )
            if isinstance(ticket, throttle.RateLimited):
                return refuse_flood(
                    request,
                    ticket.refusal,
                    lambda status: _open_form(request, form, department, status),
                )
            if ticket is None:
                return _open_form(request, form, department, status=503)
            # A ticket about a service a known incident affects gets the incident's updates.
            link_opened_ticket(ticket)
            confirm(
                request,
                _("Ticket #%(number)s has been opened. We will reply as soon as possible.")
                % {"number": ticket.number},
            )
            return redirect(ticket)
    else:
        form = OpenTicketForm(customer=request.user, initial={"submission_token": uuid.uuid4()})
    return _open_form(request, form, department, status=400 if form.is_bound else 200)


def _open_form(request, form, department, status):
    return render(
        request,
        "tickets/open_ticket.html",
        {"form": form, "department": department},
        status=status,
    )


def _detail(request, ticket, reply_form, status=200):
    return render(
        request,
        "tickets/ticket_detail.html",
        {
            "ticket": ticket,
            "thread": queries.customer_thread(ticket),
            "reply_form": reply_form,
        },
        status=status,
    )


@login_required
@require_GET
def ticket_detail(request, number):
    ticket = queries.get_customer_ticket(request.user, number)
    form = ReplyForm(initial={"submission_token": uuid.uuid4()})
    return _detail(request, ticket, form)


@login_required
@require_POST
def ticket_reply(request, number):
    ticket = queries.get_customer_ticket(request.user, number)
    token = request.POST.get("submission_token")
    refusal = request.FILES and throttle.check_reply(request.user, ticket, token)
    if refusal:
        form = ReplyForm(customer=request.user, initial=request.POST.dict())
        return refuse_flood(
            request, refusal, lambda status: _detail(request, ticket, form, status), replying=True
        )
    form = ReplyForm(request.POST, request.FILES, customer=request.user)
    if not form.is_valid():
        return _detail(request, ticket, form, status=400)
    data = form.cleaned_data
    was_closed = ticket.is_closed
    posted = post_with_files(
        form,
        actions.add_reply,
        enforce_limits=True,
        ticket=ticket,
        author=request.user,
        body=data["body"],
        files=data["attachments"],
        submission_token=data["submission_token"],
    )
    if isinstance(posted, throttle.RateLimited):
        return refuse_flood(
            request, posted.refusal, lambda status: _detail(request, ticket, form, status), True
        )
    if posted is None:
        return _detail(request, ticket, form, status=503)
    if was_closed:
        confirm(request, _("Your reply has been sent and the ticket is open again."))
    else:
        confirm(request, _("Your reply has been sent."))
    return redirect(f"{ticket.get_absolute_url()}#latest")


@login_required
@require_POST
def ticket_close(request, number):
    ticket = queries.get_customer_ticket(request.user, number)
    if not ticket.is_closed:
        actions.close_ticket(ticket=ticket, by=request.user)
        messages.success(
            request,
            _("Ticket #%(number)s has been closed. Reply to it any time to open it again.")
            % {"number": ticket.number},
        )
    return redirect(ticket)


@login_required
@require_GET
def attachment_download(request, pk):
    attachment = queries.get_attachment_for(request.user, pk)
    return storage.serve(attachment, attachment.file, thumbnail=False)


@login_required
@require_GET
def attachment_thumbnail(request, pk):
    attachment = queries.get_attachment_for(request.user, pk)
    return storage.serve(attachment, attachment.thumbnail, thumbnail=True)
