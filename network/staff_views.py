"""Staff pages of incidents: list, create, edit, post updates (to the status page and, if
asked, to every linked ticket), mark servers recovered, link and unlink tickets."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tickets.access import staff_required

from . import actions
from .access import get_incident, visible_tickets
from .forms import IncidentForm, LinkTicketsForm, PostUpdateForm
from .models import AffectedServer, Incident, IncidentTicket


@staff_required
@require_GET
def incident_list(request):
    incidents = Incident.objects.prefetch_related("servers").order_by("-starts_at", "-id")
    live = [i for i in incidents[:200] if not i.is_closed]
    ended = [i for i in incidents.filter(state__in=Incident.FINAL_STATES)[:20]]
    return render(request, "network/staff/list.html", {"live": live, "ended": ended})


@staff_required
@require_http_methods(["GET", "POST"])
def incident_new(request):
    form = IncidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        incident = actions.create_incident(
            by=request.user,
            kind=data["kind"],
            title=data["title"],
            title_id=data["title_id"],
            description=data["description"],
            description_id=data["description_id"],
            impact=data["impact"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            servers=data["servers"],
            message=data["message"],
            message_id=data["message_id"],
        )
        messages.success(request, _("The incident is on the status page."))
        return redirect(incident.get_staff_url())
    return render(
        request,
        "network/staff/form.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )


@staff_required
@require_http_methods(["GET", "POST"])
def incident_edit(request, pk):
    incident = get_incident(pk)
    form = IncidentForm(request.POST or None, instance=incident)
    if request.method == "POST" and form.is_valid():
        # The form must not save the instance itself: the action records the changes.
        incident.refresh_from_db()
        actions.update_incident(
            incident=incident,
            by=request.user,
            servers=form.cleaned_data["servers"],
            **form.changes(),
        )
        messages.success(request, _("Incident updated."))
        return redirect(incident.get_staff_url())
    return render(
        request,
        "network/staff/form.html",
        {"form": form, "incident": incident},
        status=400 if form.is_bound else 200,
    )


def _detail(request, incident, update_form=None, status=200):
    tickets = visible_tickets(request.user)
    links = (
        IncidentTicket.objects.filter(incident=incident, ticket__in=tickets)
        .select_related("ticket__customer", "ticket__department")
        .order_by("-id")
    )
    total = IncidentTicket.objects.filter(incident=incident).count()
    shown = list(links[:200])
    return render(
        request,
        "network/staff/detail.html",
        {
            "incident": incident,
            "servers": list(incident.servers.all()),
            "updates": list(incident.updates.select_related("author")),
            "events": list(incident.events.select_related("actor")),
            "links": shown,
            "linked_here": links.count() if len(shown) == 200 else len(shown),
            "linked_total": total,
            "update_form": update_form or PostUpdateForm(incident=incident),
            "final_state": Incident.STATES[Incident.Kind(incident.kind)][-1],
        },
        status=status,
    )


@staff_required
@require_GET
def incident_detail(request, pk):
    return _detail(request, get_incident(pk))


@staff_required
@require_POST
def incident_post_update(request, pk):
    incident = get_incident(pk)
    form = PostUpdateForm(request.POST, incident=incident)
    if not form.is_valid():
        return _detail(request, incident, update_form=form, status=400)
    data = form.cleaned_data
    update = actions.post_update(
        incident=incident,
        by=request.user,
        state=data["state"],
        body=data["body"],
        body_id=data["body_id"],
        broadcast=data["broadcast"],
        close_tickets=data["close_tickets"],
    )
    if update.broadcast:
        messages.success(
            request,
            _(
                "Update posted on the status page; it is being written into the linked "
                "tickets and emailed to their customers."
            ),
        )
    else:
        messages.success(request, _("Update posted on the status page."))
    return redirect(incident.get_staff_url())


@staff_required
@require_POST
def server_recovered(request, pk, server_pk):
    incident = get_incident(pk)
    server = get_object_or_404(AffectedServer, pk=server_pk, incident=incident)
    actions.mark_server_recovered(incident=incident, server=server, by=request.user)
    messages.success(request, _("%(server)s is marked recovered.") % {"server": server.hostname})
    return redirect(incident.get_staff_url())


def _next(request, fallback):
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@staff_required
@require_POST
def link_tickets(request):
    """Link tickets to an incident: one from the staff ticket page, or those ticked in a
    queue. Only tickets of the staff member's departments are linked; other numbers are
    ignored, like missing ones."""
    form = LinkTicketsForm(request.POST, numbers=request.POST.getlist("tickets"))
    fallback = reverse("staff:queues")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_next(request, fallback))
    incident = form.cleaned_data["incident"]
    tickets = list(visible_tickets(request.user).filter(number__in=form.numbers))
    added = actions.link_tickets(incident=incident, tickets=tickets, by=request.user)
    messages.success(
        request,
        ngettext(
            "%(count)d ticket linked to “%(incident)s”.",
            "%(count)d tickets linked to “%(incident)s”.",
            added,
        )
        % {"count": added, "incident": incident.display_title},
    )
    return redirect(_next(request, incident.get_staff_url()))


@staff_required
@require_POST
def unlink_ticket(request, pk, number):
    incident = get_incident(pk)
    ticket = get_object_or_404(visible_tickets(request.user), number=number)
    actions.unlink_ticket(incident=incident, ticket=ticket, by=request.user)
    messages.success(request, _("Ticket #%(number)s unlinked.") % {"number": ticket.number})
    return redirect(_next(request, incident.get_staff_url()))
