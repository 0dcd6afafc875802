"""Reading a ticket's thread in few queries: each post comes with its files, and the
ticket with its event lines, as JSON built by the database in the same query (one query
for the posts and their files, none more for the events when the ticket was read with
`with_events`). The staff page, the admin and the customer page read threads here."""

from __future__ import annotations

import functools
import json
from datetime import UTC

from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import router
from django.db.models import Aggregate, F, JSONField, OuterRef, QuerySet, Subquery
from django.db.models.functions import JSONObject
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .models import Attachment, Message, Ticket, TicketEvent

User = get_user_model()


class JSONRows(Aggregate):
    """The aggregated values as one JSON array (SQLite json_group_array, PostgreSQL
    jsonb_agg)."""

    function = "JSON_GROUP_ARRAY"
    output_field = JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSONB_AGG", **extra_context)


def _rows(related: QuerySet, group_by: str, **fields) -> Subquery:
    """A correlated subquery: the rows of `related` as a JSON array of objects."""
    rows = related.order_by().values(group_by).annotate(rows=JSONRows(JSONObject(**fields)))
    return Subquery(rows.values("rows")[:1], output_field=JSONField())


def _json(value):
    # SQLite hands the nested array back as text once it sits in a subquery.
    if isinstance(value, str):
        return json.loads(value)
    return value or []


def _moment(text: str):
    moment = parse_datetime(text.replace(" ", "T", 1))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, UTC)
    return moment


# The thread's posts are read on every view of a ticket, by one query whose shape never
# changes: only the ticket's id does. The ORM builds and compiles that query once per
# process and database (about a millisecond and a half each time otherwise, more than the
# database takes to answer it), and each view runs the compiled SQL with its own id.
_TICKET_ID = -7_654_321  # stands for the ticket's id in the compiled SQL; never a real id


@functools.cache
def _posts_sql(alias: str, internal: bool) -> tuple[str, tuple]:
    """The SQL and parameters of a ticket's posts (without internal notes unless
    `internal`), each with its files and its author's name, email and staff flag."""
    posts = Message.objects.using(alias).filter(ticket_id=_TICKET_ID)
    if not internal:
        posts = posts.filter(is_internal=False)
    posts = posts.annotate(
        files_json=_rows(
            Attachment.objects.filter(message=OuterRef("pk")),
            "message",
            id="id",
            name="original_name",
            type="content_type",
            size="size",
            thumbnail="thumbnail",
        ),
        author_name=F("author__name"),
        author_email=F("author__email"),
        author_is_staff=F("author__is_staff"),
    ).order_by("created_at", "id")
    return _compiled(posts, alias)


def _compiled(queryset: QuerySet, alias: str) -> tuple[str, tuple]:
    sql, params = queryset.query.get_compiler(alias).as_sql()
    if params.count(_TICKET_ID) != 1:
        raise ImproperlyConfigured("A thread's SQL must take the ticket's id once.")
    return sql, tuple(params)


def _raw(model, compiled: tuple[str, tuple], ticket_id: int, alias: str) -> list:
    sql, params = compiled
    params = [ticket_id if value == _TICKET_ID else value for value in params]
    return list(model.objects.db_manager(alias).raw(sql, params))


def thread_posts(ticket: Ticket, *, internal: bool) -> list[Message]:
    """The ticket's posts, oldest first, internal notes only if `internal`; each with
    `files` (its attachments) and `author` (name, email and staff flag only: what a thread
    shows), in one query."""
    alias = router.db_for_read(Message)
    posts = _raw(Message, _posts_sql(alias, internal), ticket.pk, alias)
    for post in posts:
        post.ticket = ticket
        if post.author_id is not None:
            post.author = User(
                pk=post.author_id,
                name=post.author_name,
                email=post.author_email,
                is_staff=post.author_is_staff,
            )
        rows = sorted(_json(post.files_json), key=lambda row: row["id"])
        post.files = [
            Attachment(
                id=row["id"],
                message_id=post.pk,
                original_name=row["name"],
                content_type=row["type"],
                size=row["size"],
                thumbnail=row["thumbnail"] or "",
            )
            for row in rows
        ]
    return posts


def with_events(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """The tickets with their event lines read in the same query (see events_of)."""
    return tickets.annotate(
        events_json=_rows(
            TicketEvent.objects.filter(ticket=OuterRef("pk")),
            "ticket",
            id="id",
            actor_id="actor_id",
            actor_name="actor__name",
            actor_email="actor__email",
            field="field",
            old="old_value",
            new="new_value",
            at="created_at",
        )
    )


@functools.cache
def _ticket_sql(alias: str) -> tuple[str, tuple]:
    tickets = with_events(Ticket.objects.using(alias).filter(pk=_TICKET_ID)).annotate(
        customer_name=F("customer__name"),
        customer_email=F("customer__email"),
        replier_name=F("last_reply_by__name"),
        replier_email=F("last_reply_by__email"),
    )
    return _compiled(tickets.order_by(), alias)


def ticket_with_events(pk: int) -> Ticket | None:
    """The ticket with its event lines (events_of), its customer and its last replier (name
    and email only: what a ticket's page shows of them), in one query by SQL compiled once
    per process, as the posts (thread_posts). Whoever asks checks access."""
    alias = router.db_for_read(Ticket)
    found = _raw(Ticket, _ticket_sql(alias), pk, alias)
    if not found:
        return None
    ticket = found[0]
    ticket.customer = User(
        pk=ticket.customer_id, name=ticket.customer_name, email=ticket.customer_email
    )
    if ticket.last_reply_by_id is not None:
        ticket.last_reply_by = User(
            pk=ticket.last_reply_by_id, name=ticket.replier_name, email=ticket.replier_email
        )
    return ticket


def events_of(ticket: Ticket) -> list[TicketEvent]:
    """The ticket's event lines, oldest first: from `with_events` when the ticket was read
    so, else in a query of their own."""
    if not hasattr(ticket, "events_json"):
        return list(ticket.events.select_related("actor"))
    events = []
    for row in sorted(_json(ticket.events_json), key=lambda row: row["id"]):
        event = TicketEvent(
            id=row["id"],
            ticket=ticket,
            field=row["field"],
            old_value=row["old"],
            new_value=row["new"],
            created_at=_moment(row["at"]),
            actor_id=row["actor_id"],
        )
        if row["actor_id"] is not None:
            event.actor = User(pk=row["actor_id"], name=row["actor_name"], email=row["actor_email"])
        events.append(event)
    events.sort(key=lambda event: (event.created_at, event.pk))
    return events
