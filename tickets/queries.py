"""Read-only lookups that pages share. Every customer lookup starts from the customer, so
another customer's object is a 404 exactly like a missing one."""

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from . import access
from .models import Attachment, Department, Message, Ticket
from .threads import thread_posts


def active_departments() -> QuerySet[Department]:
    return Department.objects.filter(is_active=True).order_by("order", "name")


def get_customer_ticket(user, number: str) -> Ticket:
    return get_object_or_404(user.tickets.select_related("department", "service"), number=number)


def customer_tickets(user, status: str = "active") -> QuerySet[Ticket]:
    tickets = user.tickets.select_related("department")
    if status == "active":
        tickets = tickets.exclude(status=Ticket.Status.CLOSED)
    elif status == "closed":
        tickets = tickets.filter(status=Ticket.Status.CLOSED)
    return tickets.order_by("-updated_at", "-id")


def customer_page(
    tickets: QuerySet[Ticket], page_number, per_page: int
) -> tuple[Page, list[Ticket]]:
    """One page of `tickets` (a customer's list) and its rows.

    The page's ids are read first, off the index that holds the list's order, and only those
    rows are fetched: a deep page does not read every ticket it skips from the table.
    """
    page = Paginator(tickets.values_list("pk", flat=True), per_page).get_page(page_number)
    ids = list(page.object_list)
    found = tickets.in_bulk(ids)
    return page, [found[pk] for pk in ids if pk in found]


def customer_thread(ticket: Ticket) -> list[Message]:
    """The posts a customer may see: everything but internal notes, oldest first, each with
    its files (one query)."""
    return thread_posts(ticket, internal=False)


def get_attachment_for(user, pk: int) -> Attachment:
    """The attachment if `user` may download it: its ticket's customer (not from internal
    notes), or staff of the ticket's department. Anything else is a 404."""
    attachments = Attachment.objects.select_related("message__ticket")
    own = Q(message__ticket__customer=user, message__is_internal=False)
    if access.is_staff_member(user) and not access.handles_everything(user):
        visible = own | access.staff_ticket_filter(user, "message__ticket__")
        attachments = attachments.filter(visible).distinct()
    elif not access.handles_everything(user):
        attachments = attachments.filter(own)
    return get_object_or_404(attachments, pk=pk)


def dashboard_tickets(user, limit: int = 10) -> QuerySet[Ticket]:
    """The customer's `limit` newest active tickets, for the Member Area home.

    They are picked off the customer's index first, then joined with their departments:
    joined first, the planner may read and sort all the customer's active tickets (it
    cannot know how many a customer has)."""
    newest = ("-updated_at", "-id")
    ids = user.tickets.exclude(status=Ticket.Status.CLOSED).order_by(*newest).values("pk")[:limit]
    return Ticket.objects.filter(pk__in=ids).select_related("department").order_by(*newest)
