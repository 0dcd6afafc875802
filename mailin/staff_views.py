"""Staff pages of the incoming mail: the held list (approve or discard), the mail received
for a ticket, and any stored message's original.

Staff see the messages of their own departments only (superusers: all, including mail
that reached no department); anything else is a 404. Customers get a 403."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tickets.access import staff_required

from . import review
from .models import InboundMessage

PER_PAGE = 25


@staff_required
@require_GET
def inbound_list(request):
    """Held mail (the default), or every message received for one ticket (?ticket=)."""
    rows = review.visible_to(request.user).select_related("ticket", "department")
    number = request.GET.get("ticket", "").strip()
    if number:
        rows = rows.filter(ticket__number=number)
    else:
        rows = rows.filter(state=InboundMessage.State.HELD)
    rows = rows.order_by("-received_at", "-id")
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "mailin/inbound_list.html",
        {"page": page, "rows": page.object_list, "number": number},
    )


def _get_visible(request, pk):
    return get_object_or_404(review.visible_to(request.user), pk=pk)


@staff_required
@require_GET
def original(request, pk):
    """The message exactly as received, as plain text (never rendered as HTML)."""
    row = _get_visible(request, pk)
    raw = InboundMessage.objects.values_list("raw", flat=True).get(pk=row.pk)
    response = HttpResponse(bytes(raw), content_type="text/plain; charset=utf-8")
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'inline; filename="message-{row.pk}.eml.txt"'
    return response


@staff_required
@require_POST
def approve(request, pk):
    row = _get_visible(request, pk)
    try:
        row = review.approve(inbound=row, by=request.user)
    except review.CannotApprove:
        messages.error(request, _("This message has no ticket or customer to go to: discard it."))
        return redirect("mailin:held")
    if row.state == InboundMessage.State.HELD:
        messages.error(request, _("The message could not be posted: %(why)s") % {"why": row.detail})
    elif row.ticket_id:
        messages.success(
            request,
            _("The message was added to ticket #%(number)s.") % {"number": row.ticket.number},
        )
    return redirect("mailin:held")


@staff_required
@require_POST
def discard(request, pk):
    row = _get_visible(request, pk)
    review.discard(inbound=row, by=request.user)
    messages.success(request, _("The message was discarded."))
    return redirect("mailin:held")
