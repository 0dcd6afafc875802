"""Read-only lookups of the staff pages. Every lookup starts from the tickets the staff
member handles (tickets.access), so a ticket of another department is a 404 exactly like a
missing one; superusers see every department."""

from dataclasses import dataclass

from django.db.models import Count, F, Min, Q, QuerySet
from django.shortcuts import get_object_or_404

from ..access import departments_of, tickets_of
from ..models import ACTIVE_STATUSES, PRIORITY_RANK, CannedResponse, Department, Ticket
from ..threads import events_of, thread_posts, with_events

# The queue's order: priority, then the customer who has waited longest, then the ticket
# whose last reply is oldest (tickets that wait for the customer have no waiting time).
QUEUE_ORDER = [
    PRIORITY_RANK,
    F("waiting_since").asc(nulls_last=True),
    F("last_reply_at").asc(nulls_last=True),
    "id",
]


def get_staff_department(user, slug: str) -> Department:
    return get_object_or_404(departments_of(user), slug=slug)


def get_staff_ticket(user, number: str, *, events: bool = False) -> Ticket:
    """The ticket if `user` handles its department, else a 404; `events`: with its event
    lines read in the same query (for the page that shows the thread)."""
    tickets = tickets_of(user).select_related(
        "customer", "department", "service", "assignee", "last_reply_by"
    )
    if events:
        tickets = with_events(tickets)
    return get_object_or_404(tickets, number=number)


def queue_overview(user) -> list[dict]:
    """One row per department of `user`, counted with one aggregate query over the active
    tickets only (closed tickets, the bulk of the table, are never read)."""
    departments = list(departments_of(user))
    awaiting = Q(status__in=Ticket.AWAITING_STAFF)
    counts = (
        Ticket.objects.filter(
            department__in=[d.pk for d in departments], status__in=ACTIVE_STATUSES
        )
        .order_by()
        .values("department")
        .annotate(
            awaiting=Count("pk", filter=awaiting),
            in_progress=Count("pk", filter=Q(status=Ticket.Status.IN_PROGRESS)),
            on_hold=Count("pk", filter=Q(status=Ticket.Status.ON_HOLD)),
            answered=Count("pk", filter=Q(status=Ticket.Status.ANSWERED)),
            mine=Count("pk", filter=Q(assignee=user)),
            unassigned=Count("pk", filter=awaiting & Q(assignee__isnull=True)),
            waiting_since=Min("waiting_since", filter=awaiting),
        )
    )
    by_department = {row.pop("department"): row for row in counts}
    empty = {
        "awaiting": 0,
        "in_progress": 0,
        "on_hold": 0,
        "answered": 0,
        "mine": 0,
        "unassigned": 0,
        "waiting_since": None,
    }
    return [{"department": d, **by_department.get(d.pk, empty)} for d in departments]


def queue_tickets(
    user,
    *,
    department: Department | None = None,
    status: str = "",
    priority: str = "",
    assignee: str = "",
    search: str = "",
) -> QuerySet[Ticket]:
    """The tickets of one queue (or of all `user`'s departments), filtered and in queue
    order. `status`: "" for the active tickets, "awaiting", "all", or one status."""
    tickets = tickets_of(user)
    if department is not None:
        tickets = tickets.filter(department=department)
    if status == "awaiting":
        tickets = tickets.filter(status__in=Ticket.AWAITING_STAFF)
    elif status in Ticket.Status.values:
        tickets = tickets.filter(status=status)
    elif status != "all":
        tickets = tickets.filter(status__in=ACTIVE_STATUSES)
    if priority:
        tickets = tickets.filter(priority=priority)
    if assignee == "me":
        tickets = tickets.filter(assignee=user)
    elif assignee == "unassigned":
        tickets = tickets.filter(assignee__isnull=True)
    search = search.strip()
    if search:
        number = search.lstrip("#")
        match = Q(subject__icontains=search) | Q(customer__email__icontains=search)
        if number.isdigit():
            match |= Q(number=number)
        tickets = tickets.filter(match)
    return tickets.select_related(
        "customer", "department", "service", "assignee", "last_reply_by"
    ).order_by(*QUEUE_ORDER)


@dataclass
class BoundedPage:
    """A page of a list that is never counted: one row more than the page is fetched to
    know whether a next page exists, so the cost does not grow with the table."""

    object_list: list
    number: int
    has_next: bool

    @property
    def has_previous(self):
        return self.number > 1

    def next_page_number(self):
        return self.number + 1

    def previous_page_number(self):
        return self.number - 1

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)


# Deep pages make the database skip many rows; nobody pages that far, they search.
MAX_PAGE = 1000


def bounded_page(queryset: QuerySet, page, per_page: int) -> BoundedPage:
    try:
        number = min(max(int(page), 1), MAX_PAGE)
    except (TypeError, ValueError):
        number = 1
    offset = (number - 1) * per_page
    rows = list(queryset[offset : offset + per_page + 1])
    return BoundedPage(rows[:per_page], number, len(rows) > per_page)


def _label(choices, value):
    try:
        return choices(value).label
    except ValueError:
        return value


def staff_thread(ticket: Ticket) -> list[dict]:
    """The whole thread for staff, internal notes included, with the event lines (status,
    priority, department, assignee changes) between the posts, oldest first."""
    posts = thread_posts(ticket, internal=True)
    events = events_of(ticket)
    items = [("message", post.created_at, 0, post.pk, post) for post in posts]
    for event in events:
        if event.field == event.Field.STATUS:
            event.old_label = _label(Ticket.Status, event.old_value)
            event.new_label = _label(Ticket.Status, event.new_value)
        elif event.field == event.Field.PRIORITY:
            event.old_label = _label(Ticket.Priority, event.old_value)
            event.new_label = _label(Ticket.Priority, event.new_value)
        else:
            event.old_label, event.new_label = event.old_value, event.new_value
        items.append(("event", event.created_at, 1, event.pk, event))
    items.sort(key=lambda item: item[1:4])
    return [{"kind": kind, "item": item} for kind, _at, _order, _pk, item in items]


def customer_other_tickets(user, ticket: Ticket, limit: int = 10) -> QuerySet[Ticket]:
    """The customer's latest other tickets, in the departments `user` may see."""
    return (
        tickets_of(user)
        .filter(customer=ticket.customer_id)
        .exclude(pk=ticket.pk)
        .select_related("department")
        .order_by("-updated_at", "-id")[:limit]
    )


def customer_services(ticket: Ticket, limit: int = 20) -> QuerySet:
    return ticket.customer.services.order_by("status", "product_name", "domain")[:limit]


def canned_responses_for(department: Department) -> QuerySet[CannedResponse]:
    """The active predefined replies of `department` and the global ones."""
    return (
        CannedResponse.objects.filter(is_active=True)
        .filter(Q(department__isnull=True) | Q(department=department))
        .order_by("title", "id")
    )


def messages_since(ticket: Ticket, last_seen_id: int, *, exclude) -> QuerySet:
    """Posts that arrived after the one with `last_seen_id` (the last the writer saw)."""
    return (
        ticket.messages.filter(pk__gt=last_seen_id)
        .exclude(pk=exclude.pk)
        .select_related("author")
        .order_by("pk")
    )
