"""The staff pages: department queues, the staff ticket page, answering and handling.

Staff see the tickets of their departments only (superusers: all); everything else is a
404. Customers never reach these pages (403; anonymous visitors go to the login page).
"""

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from network.queue import filter_by_incident
from sla import queries as sla_queries

from .. import access, actions
from ..access import staff_required
from ..web import post_with_files
from . import queries as staff_queries
from .forms import (
    QueueFilterForm,
    StaffEmailSettingsForm,
    StaffReplyForm,
    TicketPropertiesForm,
)


@staff_required
@require_GET
def queues(request):
    rows = staff_queries.queue_overview(request.user)
    totals = {
        key: sum(row[key] for row in rows)
        for key in ("awaiting", "in_progress", "on_hold", "answered", "mine", "unassigned")
    }
    waits = [row["waiting_since"] for row in rows if row["waiting_since"]]
    totals["waiting_since"] = min(waits) if waits else None
    return render(request, "staff/queues.html", {"rows": rows, "totals": totals})


@staff_required
@require_GET
def queue(request, slug=None):
    department = staff_queries.get_staff_department(request.user, slug) if slug else None
    filters = QueueFilterForm(request.GET)
    tickets = staff_queries.queue_tickets(request.user, department=department, **filters.filters())
    # Service levels (sla/): each row's due label, and "due soonest" order on request.
    tickets = tickets.select_related("sla_clock")
    sort_due = request.GET.get("sort") == "due"
    if sort_due:
        tickets = sla_queries.due_soonest(tickets)
    tickets = filter_by_incident(tickets, request.GET.get("incident"))
    page = staff_queries.bounded_page(tickets, request.GET.get("page"), settings.TICKETS_PER_PAGE)
    return render(
        request,
        "staff/queue.html",
        {
            "department": department,
            "departments": access.departments_of(request.user),
            "filters": filters,
            "page": page,
            "tickets": page.object_list,
            "sort_due": sort_due,
        },
    )


def _reply_form(ticket, user, last_seen, **initial):
    return StaffReplyForm(
        ticket=ticket,
        user=user,
        initial={"submission_token": uuid.uuid4(), "last_seen": last_seen, **initial},
    )


def _ticket_page(request, ticket, *, reply_form=None, properties_form=None, status=200):
    thread = staff_queries.staff_thread(ticket)
    posts = [entry["item"] for entry in thread if entry["kind"] == "message"]
    last_seen = posts[-1].pk if posts else 0
    if reply_form is None:
        reply_form = _reply_form(ticket, request.user, last_seen)
    if properties_form is None:
        properties_form = TicketPropertiesForm(ticket=ticket, user=request.user)
    # After a collision the page marks the posts that arrived while the reply was written.
    try:
        seen = int(request.GET.get("seen", ""))
    except ValueError:
        seen = None
    return render(
        request,
        "staff/ticket.html",
        {
            "ticket": ticket,
            "thread": thread,
            "seen": seen,
            "reply_form": reply_form,
            "canned_choices": reply_form.canned_choices(),
            "properties_form": properties_form,
            "services": staff_queries.customer_services(ticket),
            "other_tickets": staff_queries.customer_other_tickets(request.user, ticket),
            "works_here": properties_form.works_here,
        },
        status=status,
    )


@staff_required
@require_GET
def ticket_detail(request, number):
    ticket = staff_queries.get_staff_ticket(request.user, number, events=True)
    return _ticket_page(request, ticket)


def _insert_canned(request, ticket, form):
    """Without JavaScript, "Insert" posts the form: the page comes back with the chosen
    predefined reply added to the text, nothing is sent."""
    canned = form.cleaned_data.get("canned") if form.is_valid() else None
    if canned is None:
        canned = form.fields["canned"].queryset.filter(pk=request.POST.get("canned") or 0).first()
    body = (request.POST.get("body") or "").rstrip()
    if canned is not None:
        text = canned.render_for(ticket=ticket, staff=request.user)
        body = f"{body}\n\n{text}" if body else text
    fresh = _reply_form(
        ticket,
        request.user,
        request.POST.get("last_seen") or 0,
        body=body,
        internal=bool(request.POST.get("internal")),
        status=request.POST.get("status", ""),
    )
    return _ticket_page(request, ticket, reply_form=fresh)


@staff_required
@require_POST
def ticket_reply(request, number):
    ticket = staff_queries.get_staff_ticket(request.user, number)
    form = StaffReplyForm(request.POST, request.FILES, ticket=ticket, user=request.user)
    if request.POST.get("action") == "insert":
        return _insert_canned(request, ticket, form)
    if not form.is_valid():
        return _ticket_page(request, ticket, reply_form=form, status=400)
    data = form.cleaned_data
    message = post_with_files(
        form,
        actions.add_reply,
        ticket=ticket,
        author=request.user,
        body=data["body"],
        files=data["attachments"],
        internal=data["internal"],
        new_status=data["status"] or None,
        submission_token=data["submission_token"],
    )
    if message is None:
        return _ticket_page(request, ticket, reply_form=form, status=503)
    url = ticket.get_staff_url()
    last_seen = data["last_seen"]
    arrived = (
        list(staff_queries.messages_since(ticket, last_seen, exclude=message))
        if last_seen is not None
        else []
    )
    if arrived:
        authors = ", ".join(dict.fromkeys(post.author.display_name for post in arrived))
        messages.warning(
            request,
            _(
                "While you were writing, %(count)d new post(s) arrived on this ticket (from "
                "%(authors)s). Both are kept: read the posts marked New and follow up if needed."
            )
            % {"count": len(arrived), "authors": authors},
        )
        url += f"?seen={last_seen}"
    elif data["internal"]:
        messages.success(request, _("Internal note added."))
    else:
        messages.success(request, _("Reply sent to the customer."))
    return redirect(f"{url}#message-{message.pk}")


@staff_required
@require_POST
def ticket_update(request, number):
    ticket = staff_queries.get_staff_ticket(request.user, number)
    form = TicketPropertiesForm(request.POST, ticket=ticket, user=request.user)
    if not form.is_valid():
        return _ticket_page(request, ticket, properties_form=form, status=400)
    changes = form.changes()
    if not changes:
        messages.info(request, _("Nothing was changed."))
        return redirect(ticket.get_staff_url())
    old_assignee = ticket.assignee
    updated = actions.update_ticket(ticket=ticket, by=request.user, **changes)
    if "department" in changes:
        messages.success(
            request,
            _("Ticket #%(number)s moved to %(department)s; its staff have been told.")
            % {"number": updated.number, "department": updated.department.name},
        )
        if old_assignee and updated.assignee is None and "assignee" not in changes:
            messages.info(
                request,
                _("%(name)s does not work in %(department)s and is no longer assigned.")
                % {"name": old_assignee.get_full_name(), "department": updated.department.name},
            )
    else:
        messages.success(request, _("Ticket updated."))
    return redirect(updated.get_staff_url())


@staff_required
@require_POST
def assign_to_me(request, number):
    ticket = staff_queries.get_staff_ticket(request.user, number)
    if not access.may_be_assigned(request.user, ticket.department):
        raise PermissionDenied
    if ticket.assignee_id != request.user.pk:
        actions.update_ticket(ticket=ticket, by=request.user, assignee=request.user)
        messages.success(
            request, _("Ticket #%(number)s is assigned to you.") % {"number": ticket.number}
        )
    return redirect(ticket.get_staff_url())


@staff_required
@require_http_methods(["GET", "POST"])
def email_settings(request):
    data = request.POST if request.method == "POST" else None
    form = StaffEmailSettingsForm(data, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your email settings have been saved."))
        return redirect(reverse("staff:settings"))
    return render(request, "staff/settings.html", {"form": form})
